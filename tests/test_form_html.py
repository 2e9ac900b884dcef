"""Every form field is written as WTForms' own widgets write it, byte for byte
(netapp/form_html.py, through ``Form.Meta.render_field``)."""
from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    FileField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput, Select, html_params

from netapp import form_html
from netapp.forms_common import Form

TRICKY = 'a "quoted" <b>&\'s</b>'


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(*pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class _Everything(Form):
    name = StringField("Name <you>", validators=[InputRequired(), Length(min=2, max=20)])
    plain = StringField("Plain", validators=[Optional()], render_kw={"class_": "wide",
                                                                      "data_x_y": "1"})
    listed = StringField("Listed", render_kw={"list": "people"})
    secret = PasswordField("Password", validators=[DataRequired()])
    email = EmailField("Email")
    search = SearchField("Search")
    notes = TextAreaField("Notes", validators=[Length(max=500)])
    count = IntegerField("Count", validators=[NumberRange(min=0, max=60)])
    stepped = IntegerField("Stepped", widget=NumberInput(step=2, min=1, max=9))
    amount = DecimalField("Amount")
    when = DateField("When")
    at = TimeField("At", validators=[Optional()])
    local = DateTimeLocalField("Local")
    agree = BooleanField("Agree", validators=[InputRequired()])
    hidden = HiddenField("Hidden")
    upload = FileField("Upload")
    go = SubmitField("Go <now>")
    pick = SelectField("Pick", choices=_choices(("", "Choose"), ("a", "A & a"), ("b", TRICKY),
                                                (3, "Three"), (True, "Yes")),
                       validate_choice=False, validators=[Optional()])
    grouped = SelectField("Grouped", choices=[
        SelectChoice(0, "Any"), SelectChoice(1, "One", optgroup="North <N>"),
        SelectChoice(2, "Two", optgroup="North <N>"), SelectChoice(3, "Three", optgroup='"S"'),
        SelectChoice(4, "Four", render_kw={"disabled": True, "data_note": "x"})],
        coerce=int, validate_choice=False)
    many = SelectMultipleField("Many", choices=_choices(("x", "X"), ("y", "Y"), ("z", "")),
                               validators=[InputRequired()])
    radio = RadioField("Radio", choices=_choices(("1", "One"), ("2", TRICKY)),
                       validators=[InputRequired()])
    boxes = _Checkboxes("Boxes", choices=_choices(("p", "P"), ("q", "Q <q>"), ("r", "R")))


FILLED = {"name": TRICKY, "plain": "x", "listed": "y", "secret": "hunter2", "email": "a@b",
          "search": "<s>", "notes": TRICKY + "\nline two", "count": "4", "stepped": "3",
          "amount": "2.5", "when": "2026-11-27", "at": "14:30", "local": "2026-11-27T09:05",
          "agree": "y", "hidden": '"h"', "pick": "b", "grouped": "2", "many": ["x", "z"],
          "radio": "2", "boxes": ["q", "r"]}
WRONG = {"name": "x\x07", "count": "many", "stepped": "1.5", "amount": "lots", "when": "soon",
         "at": "late", "local": "never", "pick": "nope", "grouped": "zz", "many": "w",
         "radio": "9", "boxes": ["r", "s"]}
CALLS = [{}, {"class_": "big"}, {"aria_describedby": "x-hint x-error", "aria-invalid": "true"},
         {"autocomplete": "off", "inputmode": "numeric", "required": False, "disabled": True},
         {"value": Markup('already "html"'), "data_when": dt.date(2026, 1, 2)},
         {"id": "other-id", "placeholder": TRICKY, "size": 3}]


def _as_wtforms_writes(monkeypatch, render):
    """``render()`` as written by form_html and as written by WTForms' widgets alone."""
    mine = render()
    with monkeypatch.context() as patched:
        patched.setattr(form_html, "_WRITERS", {})
        theirs = render()
    return mine, theirs


@pytest.mark.parametrize("data", [None, FILLED, WRONG], ids=["empty", "filled", "wrong"])
def test_every_kind_of_field_is_written_as_wtforms_writes_it(app, monkeypatch, data):
    with app.test_request_context("/"):
        form = _Everything(formdata=MultiDict(data) if data else None, meta={"csrf": False})
        if data:
            form.validate()

        def render():
            written = []
            for field in form:
                for kwargs in CALLS:
                    written.append((field.name, str(kwargs), str(field(**kwargs))))
                for option in getattr(field, "__iter__", lambda: [])():
                    written.append((option.id, "", str(option())))
                    written.append((option.id, "label", str(option.label)))
            return written

        mine, theirs = _as_wtforms_writes(monkeypatch, render)
    assert len(mine) > 150
    for (where, how, html), (_, _, expected) in zip(mine, theirs, strict=True):
        assert html == expected, (where, how)


def test_the_written_fields_keep_what_was_typed_and_mark_choices(app):
    with app.test_request_context("/"):
        form = _Everything(formdata=MultiDict(FILLED), meta={"csrf": False})
        form.validate()
        assert str(form.name()) == (
            '<input id="name" maxlength="20" minlength="2" name="name" required type="text" '
            'value="a &#34;quoted&#34; &lt;b&gt;&amp;&#39;s&lt;/b&gt;">')
        assert str(form.secret()) == (
            '<input id="secret" name="secret" required type="password" value="">')
        assert '<option selected value="b">' in str(form.pick())
        assert '<optgroup label="North &lt;N&gt;"><option value="1">One</option>' \
               '<option selected value="2">' in str(form.grouped())
        assert str(form.boxes()).count("checked") == 2
        assert str(form.notes()).endswith(">\r\na &#34;quoted&#34; &lt;b&gt;&amp;&#39;s&lt;/b&gt;"
                                          "\nline two</textarea>")
        assert str(form.agree()) == (
            '<input checked id="agree" name="agree" required type="checkbox" value="y">')


@pytest.mark.parametrize("kwargs", [
    {}, {"a": True, "b": False, "c": None, "d": 0, "e": 2.5},
    {"class_": "x", "for_": "y", "data_a_b": "z", "aria_label": TRICKY, "x_": "1"},
    {"value": Markup('<b>"bold"</b>'), "title": Markup("&amp;")},
    {"z": "last", "A": "first", "id": "'"},
])
def test_attributes_are_written_as_html_params_writes_them(kwargs):
    assert form_html.attributes(kwargs) == str(html_params(**kwargs))


@pytest.mark.parametrize("value, label, selected, render_kw", [
    ("", "Choose", False, None), ("a", TRICKY, True, None), (3, "", False, None),
    (True, "Yes", True, None), (Markup('"m"'), Markup("<i>M</i>"), False, None),
    ("d", "Disabled", True, {"disabled": True, "class_": "x"}),
])
def test_an_option_is_written_as_wtforms_writes_it(value, label, selected, render_kw):
    from wtforms.fields.choices import Choice

    choice = Choice(value=value, label=label, selected=selected, render_kw=render_kw)
    assert form_html.option(value, label, selected, render_kw) == \
        str(Select.render_option(choice))


def test_another_widget_writes_itself(app):
    class Shouting:
        def __call__(self, field, **kwargs):
            return Markup(f"<b>{field.name.upper()}</b>")

    class Loud(Form):
        word = StringField("Word", widget=Shouting())

    with app.test_request_context("/"):
        assert str(Loud(meta={"csrf": False}).word()) == "<b>WORD</b>"


def _app_forms():
    """Every form class of the app (each is imported with its blueprint when the app is built)."""
    found, waiting = {}, [Form]
    while waiting:
        for kind in waiting.pop().__subclasses__():
            if kind.__module__.startswith("netapp."):
                found[f"{kind.__module__}.{kind.__qualname__}"] = kind
            waiting.append(kind)
    return found


def _written(field, kwargs) -> str:
    try:
        return str(field(**kwargs))
    except TypeError as error:  # a select whose choices the page gives: so do WTForms' widgets
        return f"refused: {error}"


def test_the_apps_own_forms_are_written_as_wtforms_writes_them(app, monkeypatch):
    from tests.profile_helpers import load_reference

    load_reference()
    checked = 0
    with app.test_request_context("/", method="POST", data=WRONG):
        for name, form_class in sorted(_app_forms().items()):
            try:
                forms = [form_class(formdata=None), form_class()]
            except TypeError:  # a form built with the page's own arguments
                continue
            with contextlib.suppress(TypeError):  # a select whose choices the page gives
                forms[1].validate()

            def render(forms=forms):
                return [_written(field, kwargs) for form in forms for field in form
                        for kwargs in ({}, {"aria_describedby": "x-error"})]

            mine, theirs = _as_wtforms_writes(monkeypatch, render)
            assert mine == theirs, name
            checked += sum(not html.startswith("refused") for html in mine)
    assert checked >= 300


# The loop the members area's radios and checkboxes macros ran before choice_items wrote it.
_LOOP = """{% for option in f %}
        <div class="choice">
          {{ option() }}
          <label for="{{ option.id }}">{{ option.label.text }}{% if hints and hints[option.data] %}<span class="choice-hint">{{ hints[option.data] }}</span>{% endif %}</label>
        </div>
      {% endfor %}"""  # noqa: E501


def _groups():
    from netapp.members.forms import MultiCheckboxField
    from netapp.members.forms import RadioField as MembersRadioField

    class Groups(Form):
        level = MembersRadioField("Level", choices=_choices(("1", "One"), ("2", TRICKY), ("3", "")),
                                  validators=[InputRequired()])
        plain = RadioField("Plain", choices=_choices((1, "A"), (2, "B")), coerce=int,
                           validators=[Optional()], render_kw={"class_": "x"})
        areas = MultiCheckboxField("Areas", choices=_choices(("p", "P"), ("q", TRICKY)))
        boxes = _Checkboxes("Boxes", choices=_choices(("r", "R"), ("s", "S")),
                            validators=[InputRequired()])

    return Groups


@pytest.mark.parametrize("data", [None, {"level": "2", "plain": "1", "areas": ["p", "q"],
                                         "boxes": "s"},
                                  {"level": "9", "plain": "x", "areas": "zz"}],
                         ids=["empty", "chosen", "wrong"])
@pytest.mark.parametrize("hints", [None, {}, {"2": TRICKY, "q": "A hint", 1: "One's"}])
def test_a_groups_choices_are_written_as_the_macros_loop_wrote_them(app, data, hints):
    with app.test_request_context("/"):
        form = _groups()(formdata=MultiDict(data) if data else None, meta={"csrf": False})
        if data:
            form.validate()
        loop = app.jinja_env.from_string(_LOOP)
        for field in form:
            assert str(form_html.choice_items(field, hints)) == loop.render(f=field, hints=hints)
            assert str(form_html._looped_items(field, hints)) == loop.render(f=field, hints=hints)
        chosen = str(form_html.choice_items(form.level)).count("checked")
    assert chosen == (1 if data and data["level"] == "2" else 0)


@pytest.mark.parametrize("data", [None, {"level": "2", "plain": "1", "areas": ["p", "q"],
                                         "boxes": "s"}], ids=["empty", "chosen"])
def test_a_groups_choices_are_written_in_another_pages_markup(app, data):
    """The stories' and events' forms loop over a group with their own tags around each
    choice: ``item`` writes the same."""
    item = '<li class="choice">{0} <label for="{1}">{2}</label></li>'
    with app.test_request_context("/"):
        form = _groups()(formdata=MultiDict(data) if data else None, meta={"csrf": False})
        loop = app.jinja_env.from_string(
            '{% for option in f %}<li class="choice">{{ option() }} {{ option.label() }}</li>'
            '{% endfor %}')
        for field in form:
            assert str(form_html.choice_items(field, None, item)) == loop.render(f=field)
            assert str(form_html._looped_items(field, None, item)) == loop.render(f=field)


def test_the_apps_radio_and_checkbox_pages_write_their_choices_as_before(app):
    """Every group the members area's macros show, from the app's own forms."""
    from tests.profile_helpers import load_reference

    load_reference()
    shown = 0
    with app.test_request_context("/", method="POST", data={"level": "2", "kinds": "x"}):
        loop = app.jinja_env.from_string(_LOOP)
        for form_class in _app_forms().values():
            try:
                form = form_class()
            except TypeError:
                continue
            for field in form:
                if getattr(field, "option_widget", None) is None:
                    continue
                try:
                    expected = loop.render(f=field, hints=None)
                except TypeError:  # choices the page gives
                    continue
                assert str(form_html.choice_items(field)) == expected, field.name
                shown += 1
    assert shown >= 10


@pytest.mark.parametrize("kwargs", [{}, {"class_": "choice-label"}, {"for_": "elsewhere"},
                                    {"text": TRICKY}, {"text": Markup("<b>bold</b>"),
                                                       "data_x": '"q"'}])
def test_a_choices_label_is_written_as_wtforms_writes_it(app, kwargs):
    from wtforms import Label

    with app.test_request_context("/"):
        form = _Everything(formdata=MultiDict(FILLED), meta={"csrf": False})
        options = [option for group in (form.radio, form.boxes, form.many, form.pick)
                   for option in group]
        assert options and all(type(o.label) is form_html.Label for o in options)
        assert {o.type for o in options} == {"_Option"}
        for option in options:
            stock = Label(option.label.field_id, option.label.text)
            assert str(option.label(**kwargs)) == str(stock(**kwargs))
            assert str(option.label) == str(stock)


# The field macro as it was written in Jinja before form_html.field_block wrote it.
_FIELD_MACRO = """{% macro field(f, autocomplete=None, type=None, inputmode=None) %}
  {% set hint_id = f.id ~ '-hint' %}
  {% set error_id = f.id ~ '-error' %}
  {% set described = [] %}
  {% if f.description %}{% set _ = described.append(hint_id) %}{% endif %}
  {% if f.errors %}{% set _ = described.append(error_id) %}{% endif %}
  <div class="field{% if f.errors %} field-error{% endif %}">
    <label for="{{ f.id }}">{{ f.label.text }}</label>
    {% if f.description %}<p class="hint" id="{{ hint_id }}">{{ f.description }}</p>{% endif %}
    {% if f.errors %}<p class="error-message" id="{{ error_id }}"><span class="visually-hidden">Error:</span> {{ f.errors | join(' ') }}</p>{% endif %}
    {% set attrs = {} %}
    {% if described %}{% set _ = attrs.update({'aria-describedby': described | join(' ')}) %}{% endif %}
    {% if f.errors %}{% set _ = attrs.update({'aria-invalid': 'true'}) %}{% endif %}
    {% if autocomplete %}{% set _ = attrs.update({'autocomplete': autocomplete}) %}{% endif %}
    {% if inputmode %}{% set _ = attrs.update({'inputmode': inputmode}) %}{% endif %}
    {{ f(**attrs) }}
  </div>
{% endmacro %}"""  # noqa: E501
_CALLS = "{{ field(f) }}|{{ field(f, autocomplete='email', inputmode='numeric') }}|" \
         "{{ field(f, type='email', autocomplete=None) }}"


def _every_form_checked(wrong) -> list:
    """An empty form of every field type, ``wrong`` (the same filled with ``WRONG``) and every
    form of the app that can be built without the page's own arguments, each validated (in a
    request context posting ``WRONG``), so the ones with errors show them."""
    forms = [_Everything(formdata=None, meta={"csrf": False}), wrong]
    for form_class in _app_forms().values():
        with contextlib.suppress(TypeError):  # forms built with the page's own arguments
            forms.append(form_class())
    for form in forms:
        with contextlib.suppress(TypeError):  # a select whose choices the page gives
            form.validate()
    return forms


def test_the_field_macro_writes_what_it_wrote_in_jinja(app):
    from tests.profile_helpers import load_reference

    load_reference()
    old = app.jinja_env.from_string(_FIELD_MACRO + _CALLS)
    new = app.jinja_env.from_string('{% from "_macros.html" import field %}' + _CALLS)
    compared = 0
    with app.test_request_context("/", method="POST", data=WRONG):
        forms = _every_form_checked(_Everything(formdata=MultiDict(WRONG), meta={"csrf": False}))
        for form in forms:
            for f in form:
                try:
                    expected = old.render(f=f)
                except TypeError:
                    continue
                assert new.render(f=f) == expected, f.name
                compared += 1
    assert compared >= 200
    assert any('aria-invalid="true"' in new.render(f=f) for f in forms[1])


_SUMMARY_MACRO = """{% macro error_summary(form) %}
  {% set fields = form | selectattr('errors') | list %}
  {% if fields %}
  <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
    <h2 id="error-summary-title">Please check the form</h2>
    <ul>
      {% for f in fields %}
        {% for e in f.errors %}<li><a href="#{{ f.id }}">{{ e }}</a></li>{% endfor %}
      {% endfor %}
    </ul>
  </div>
  {% endif %}
{% endmacro %}{{ error_summary(form) }}"""


def test_the_error_summary_writes_what_it_wrote_in_jinja(app):
    from tests.profile_helpers import load_reference

    load_reference()
    old = app.jinja_env.from_string(_SUMMARY_MACRO)
    new = app.jinja_env.from_string(
        '{% from "_macros.html" import error_summary %}{{ error_summary(form) }}')
    with_errors = 0
    with app.test_request_context("/", method="POST", data=WRONG):
        wrong = _Everything(formdata=MultiDict(WRONG), meta={"csrf": False})
        forms = _every_form_checked(wrong)
        wrong.name.errors.append("A second <problem> & more")
        for form in forms:
            assert new.render(form=form) == old.render(form=form), type(form).__name__
            with_errors += bool(form.errors)
    assert with_errors >= 20
    assert 'href="#name">A second &lt;problem&gt; &amp; more</a>' in new.render(form=wrong)
