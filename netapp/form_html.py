"""Form fields written as WTForms' own widgets write them, byte for byte, in a fraction of the time.

WTForms builds each attribute through ``Markup.format`` (``string.Formatter``, a ``Markup`` per
value) and looks through every flag with ``dir``: a goal's 28 checkboxes or a council list cost
a page 1 to 3 ms. ``write`` renders a field whose widget is one of WTForms' stock widgets (the
exact class, so a subclass with its own ``__call__`` keeps it) by the same steps, with each
attribute written as a plain string; any other widget returns None and is rendered by WTForms.
``Form.Meta.render_field`` (netapp/forms_common.py) uses it for every field of every form, and
tests/test_form_html.py checks it against WTForms' widgets for every kind of field, value and
attribute the app passes.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from itertools import chain

from markupsafe import Markup
from wtforms import Label as _WTFormsLabel
from wtforms import widgets as w
from wtforms.fields.core import Flags
from wtforms.widgets.core import clean_key

from netapp.escaping import escaped

__all__ = ["Label", "attributes", "choice_items", "choice_parts", "clean_attributes",
           "field_block", "flags", "label", "option", "quick_options", "summary_block", "write"]

# Each attribute name as html_params writes it (cleaned, then escaped), worked out once.
_NAMES: dict[str, str] = {}


def _name(key: str) -> str:
    name = _NAMES.get(key)
    if name is None:
        name = _NAMES[key] = escaped(clean_key(key))
    return name


# A value holding none of these is written as it is: escaping it would change nothing.
_SPECIAL = re.compile("[&<>'\"]")


def _quoted(value) -> str:
    """A value as html_params writes it between double quotes."""
    if type(value) is str and _SPECIAL.search(value) is None:
        return value
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html()).replace('"', "&quot;")
    return escaped(value)  # which writes a double quote as &#34;


def attributes(kwargs: dict) -> str:
    """``str(wtforms.widgets.html_params(**kwargs))``: sorted by name, ``True`` written bare,
    ``False`` left out, every name and value escaped (a double quote in a value given as
    ``Markup`` written ``&quot;``)."""
    parts = []
    names = _NAMES
    for key in sorted(kwargs):
        value = kwargs[key]
        if value is False:
            continue
        name = names.get(key) or _name(key)
        parts.append(name if value is True else f'{name}="{_quoted(value)}"')
    return " ".join(parts)


def clean_attributes(kwargs: dict) -> dict:
    """The attributes as WTForms' ``DefaultMeta.render_field`` gives them to a widget: each
    name cleaned (``class_`` to ``class``, ``aria_x`` to ``aria-x``)."""
    return {clean_key(key): value for key, value in kwargs.items()} if kwargs else {}


def label(field_id, text) -> str:
    """``str(wtforms.Label(field_id, text))``."""
    return _label(attributes({"for": field_id}), text)


def _label(params: str, text) -> str:
    return f"<label{' ' + params if params else ''}>{escaped(text)}</label>"


class Label(_WTFormsLabel):
    """WTForms' ``Label``, written by ``label`` (a choice's ``option.label()`` in a template)."""

    def __call__(self, text=None, **kwargs) -> Markup:
        if "for_" in kwargs:
            kwargs["for"] = kwargs.pop("for_")
        else:
            kwargs.setdefault("for", self.field_id)
        return Markup(_label(attributes(kwargs), text or self.text))


_OPTIONS: dict[type, type] = {}


def quick_options(field) -> None:
    """Give the fields WTForms builds for each choice of a radio or checkbox group, when a
    template loops over it, a ``Label`` written directly (``Form.Meta.bind_field`` calls this
    for every field it binds)."""
    base = getattr(field, "_Option", None)
    if base is None:
        return
    kind = _OPTIONS.get(base)
    if kind is None:
        class _Option(base):  # its name is each choice's ``type``, as WTForms names it
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                self.label = Label(self.label.field_id, self.label.text)

        kind = _OPTIONS[base] = _Option
    field._Option = kind


def flags(widget, field, kwargs: dict, call: bool = False) -> None:
    """The validators' flags the widget writes (``required``, ``maxlength``...), unless given."""
    given = getattr(field, "flags", None)
    if given is None:
        return
    allowed = widget.validation_attrs
    # Flags keeps each flag set as an instance attribute; dir() adds only its class's names.
    for key, value in vars(given).items():
        if key in allowed and key not in kwargs:
            kwargs[key] = value() if call and callable(value) else value


def _input(widget, field, kwargs: dict) -> str:
    """wtforms.widgets.Input.__call__."""
    kwargs.setdefault("id", field.id)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in kwargs:
        kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
    flags(widget, field, kwargs, call=True)
    kwargs["name"] = field.name
    return f"<input {attributes(kwargs)}>"


def _checkbox(widget, field, kwargs: dict) -> str:
    if getattr(field, "checked", field.data):
        kwargs.setdefault("checked", True)
    return _input(widget, field, kwargs)


def _radio(widget, field, kwargs: dict) -> str:
    if field.checked:
        kwargs.setdefault("checked", True)
    return _input(widget, field, kwargs)


def _password(widget, field, kwargs: dict) -> str:
    if widget.hide_value:
        kwargs["value"] = ""
    return _input(widget, field, kwargs)


def _submit(widget, field, kwargs: dict) -> str:
    kwargs.setdefault("value", field.label.text)
    return _input(widget, field, kwargs)


def _file(widget, field, kwargs: dict) -> str:
    kwargs["value"] = False
    if widget.multiple:
        kwargs["multiple"] = True
    return _input(widget, field, kwargs)


def _number(widget, field, kwargs: dict) -> str:
    for key in ("step", "min", "max"):
        value = getattr(widget, key)
        if value is not None:
            kwargs.setdefault(key, value)
    return _input(widget, field, kwargs)


def _datetime(widget, field, kwargs: dict) -> str:
    """wtforms.widgets.core._DateTimeBaseInput.__call__."""
    format = getattr(field, "format", None)
    if format is not None:
        format = format[0] if isinstance(format, list) else format
        flags = getattr(field, "flags", {})
        for attr in ("min", "max"):
            value = kwargs.get(attr, getattr(flags, attr, None))
            if callable(value):
                value = value()
            if hasattr(value, "strftime"):
                kwargs[attr] = value.strftime(format)
    return _input(widget, field, kwargs)


def _textarea(widget, field, kwargs: dict) -> str:
    kwargs.setdefault("id", field.id)
    flags(widget, field, kwargs, call=False)
    kwargs["name"] = field.name
    return f"<textarea {attributes(kwargs)}>\r\n{escaped(field._value())}</textarea>"


def option(value, label, selected: bool, render_kw=None) -> str:
    """``str(wtforms.widgets.Select.render_option(choice))`` for a choice of these parts."""
    if isinstance(value, bool):
        value = str(value)
    shown = escaped(label or value)
    if not render_kw:
        # "selected" sorts before "value" in html_params' order.
        mark = "selected " if selected else ""
        return f'<option {mark}value="{_quoted(value)}">{shown}</option>'
    params = {"value": value, **render_kw}
    if selected:
        params["selected"] = True
    return f"<option {attributes(params)}>{shown}</option>"


def _select(widget, field, kwargs: dict) -> str:
    """wtforms.widgets.Select.__call__ and its render_option."""
    kwargs.setdefault("id", field.id)
    if widget.multiple:
        kwargs["multiple"] = True
    flags(widget, field, kwargs, call=False)
    kwargs["name"] = field.name
    html = [f"<select {attributes(kwargs)}>"]
    if field.has_groups():
        for group, choices in field._iter_groups_normalized():
            if group is not None:
                html.append(f"<optgroup {attributes({'label': group})}>")
            html.extend(option(c.value, c.label, c.selected, c.render_kw) for c in choices)
            if group is not None:
                html.append("</optgroup>")
    else:
        html.extend(option(c.value, c.label, c.selected, c.render_kw)
                    for c in field._iter_choices_normalized())
    html.append("</select>")
    return "".join(html)


def _list(widget, field, kwargs: dict) -> str:
    """wtforms.widgets.ListWidget.__call__, each subfield written through its own meta."""
    kwargs.setdefault("id", field.id)
    tag = widget.html_tag
    html = [f"<{tag} {attributes(kwargs)}>"]
    for subfield in field:
        written = label(subfield.label.field_id, subfield.label.text)
        if widget.prefix_label:
            html.append(f"<li>{written} {subfield()}</li>")
        else:
            html.append(f"<li>{subfield()} {written}</li>")
    html.append(f"</{tag}>")
    return "".join(html)


_WRITERS: dict[type, Callable] = {
    w.TextInput: _input, w.HiddenInput: _input, w.EmailInput: _input, w.SearchInput: _input,
    w.TelInput: _input, w.URLInput: _input, w.ColorInput: _input,
    w.PasswordInput: _password, w.CheckboxInput: _checkbox, w.RadioInput: _radio,
    w.SubmitInput: _submit, w.FileInput: _file, w.NumberInput: _number, w.RangeInput: _number,
    w.DateInput: _datetime, w.TimeInput: _datetime, w.DateTimeInput: _datetime,
    w.DateTimeLocalInput: _datetime, w.MonthInput: _datetime, w.WeekInput: _datetime,
    w.TextArea: _textarea, w.Select: _select, w.ListWidget: _list,
}


def write(field, kwargs: dict) -> Markup | None:
    """The field's HTML as its widget writes it, given the attributes as
    ``DefaultMeta.render_field`` passes them; None for a widget this does not write (or a
    ``name`` among the attributes, which WTForms refuses)."""
    widget = field.widget
    writer = _WRITERS.get(type(widget))
    if writer is None or "name" in kwargs:
        return None
    return Markup(writer(widget, field, kwargs))


class _Choice:
    """What an option widget reads of one choice of a radio or checkbox group: the parts of
    the field WTForms builds for each choice when the group is looped over."""

    __slots__ = ("checked", "data", "flags", "id", "name")
    _datalist = None

    def __init__(self, group, index: int, choice, flags: Flags) -> None:
        self.id, self.name = f"{group.id}-{index}", group.name
        self.data, self.checked, self.flags = choice.value, choice.selected, flags

    def _value(self) -> str:
        return str(self.data)


# One choice as the members area's radios and checkboxes macros write it
# (templates/members/_form.html), between their loop's tags.
_ITEM = ('\n        <div class="choice">\n          {}\n          <label for="{}">{}{}</label>'
         '\n        </div>\n      ')


def choice_items(group, hints: Mapping | None = None, item: str = _ITEM) -> Markup:
    """The choices of a radio or checkbox group as the members area's macros write them, each
    its button, its label and any hint (``hints`` by the choice's value), without a field
    built for each choice. ``item`` writes one choice in another page's markup: a format of
    the button ``{0}``, its id ``{1}``, its label's text ``{2}`` and its hint ``{3}``, each
    written as HTML."""
    return Markup("".join(html for _, html in choice_parts(group, hints, item)))


def choice_parts(group, hints: Mapping | None = None,
                 item: str = _ITEM) -> list[tuple[object, Markup]]:
    """``choice_items`` one choice at a time: (choice's value, its HTML) in the group's order,
    for a page that places the choices in groups of its own."""
    widget = group.option_widget
    writer = _WRITERS.get(type(widget))
    given = clean_attributes(group.render_kw) if group.render_kw else {}
    if (writer is None and not isinstance(widget, (w.RadioInput, w.CheckboxInput))
            or "name" in given):
        return _looped_parts(group, hints, item)
    # Each choice's flags are what its own field would take: its validators' and its widget's.
    flags = Flags()
    for source in chain(group.validators, (widget,)):
        for key, value in getattr(source, "field_flags", {}).items():
            setattr(flags, key, value)
    parts = []
    for index, choice in enumerate(group._iter_choices_normalized()):
        one = _Choice(group, index, choice, flags)
        html = writer(widget, one, dict(given)) if writer else widget(one, **given)
        hint = hints.get(choice.value) if hints else None
        parts.append((choice.value, Markup(item.format(
            html, escaped(one.id), escaped(choice.label or choice.value),
            f'<span class="choice-hint">{escaped(hint)}</span>' if hint else ""))))
    return parts


def _looped_items(group, hints: Mapping | None, item: str = _ITEM) -> Markup:
    """``choice_items`` through WTForms' own loop over the group."""
    return Markup("".join(html for _, html in _looped_parts(group, hints, item)))


def _looped_parts(group, hints: Mapping | None, item: str = _ITEM) -> list:
    """``choice_parts`` through WTForms' own loop over the group."""
    parts = []
    for option in group:
        hint = hints.get(option.data) if hints else None
        parts.append((option.data, Markup(item.format(
            option(), escaped(option.id), escaped(option.label.text),
            f'<span class="choice-hint">{escaped(hint)}</span>' if hint else ""))))
    return parts


def field_block(field, autocomplete=None, inputmode=None) -> Markup:
    """A field with its label, hint and errors, as the ``field`` macro (templates/_macros.html)
    wrote it with Jinja, byte for byte: the hint and the errors named by the field's
    ``aria-describedby``, ``aria-invalid`` while it has errors."""
    errors, description = field.errors, field.description
    id_ = field.id
    described = []
    if description:
        described.append(f"{id_}-hint")
    if errors:
        described.append(f"{id_}-error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if errors:
        attrs["aria-invalid"] = "true"
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if inputmode:
        attrs["inputmode"] = inputmode
    hint = (f'<p class="hint" id="{escaped(id_ + "-hint")}">{escaped(description)}</p>'
            if description else "")
    error = (f'<p class="error-message" id="{escaped(id_ + "-error")}"><span '
             f'class="visually-hidden">Error:</span> {" ".join(map(escaped, errors))}</p>'
             if errors else "")
    return Markup(
        f'\n  \n  \n  \n  \n  \n  <div class="field{" field-error" if errors else ""}">\n    '
        f'<label for="{escaped(id_)}">{escaped(field.label.text)}</label>\n    {hint}\n    '
        f'{error}\n    \n    \n    \n    \n    \n    {field(**attrs)}\n  </div>\n')


_SUMMARY = ('\n  \n  \n  <div class="error-summary" role="alert" '
            'aria-labelledby="error-summary-title" tabindex="-1">\n'
            '    <h2 id="error-summary-title">Please check the form</h2>\n'
            '    <ul>\n      {}\n    </ul>\n  </div>\n  \n')


def summary_block(form) -> Markup:
    """A form's errors, each a link to its field, as the ``error_summary`` macro
    (templates/_macros.html) wrote them with Jinja, byte for byte; nothing but its blank
    lines when there are none."""
    fields = [field for field in form if field.errors]
    if not fields:
        return Markup("\n  \n  \n")
    items = "".join(
        "\n        " + "".join(f'<li><a href="#{escaped(field.id)}">{escaped(error)}</a></li>'
                              for error in field.errors) + "\n      "
        for field in fields)
    return Markup(_SUMMARY.format(items))
