"""The members area's radio buttons (netapp/members/forms.py ``RadioField``) are written as
WTForms' own ``RadioInput`` writes them, byte for byte."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import RadioInput

from netapp.forms_common import Form
from netapp.members.forms import RadioField, assessment_form, choices


def _form(data=None):
    class Choices(Form):
        plain = RadioField("Plain", choices=choices([("a", "A"), ('b"<&>', "B"), ("c", "C")]),
                           validators=[Optional()])
        needed = RadioField("Needed", choices=choices([(1, "One"), (2, "Two")]), coerce=int,
                            validators=[InputRequired()])

    return Choices(formdata=MultiDict(data or {}), meta={"csrf": False})


@pytest.mark.parametrize("data", [{}, {"plain": 'b"<&>', "needed": "2"}, {"plain": "nope"}])
def test_radio_buttons_are_written_as_wtforms_writes_them(app, data):
    with app.test_request_context("/"):
        form = _form(data)
        form.validate()
        stock = RadioInput()
        for field in (form.plain, form.needed):
            for option in field:
                assert str(option()) == str(stock(option)), option.id
                # Called with arguments, WTForms writes it as before.
                assert str(option(class_="x")) == str(stock(option, class_="x"))
    assert 'value="b&#34;&lt;&amp;&gt;"' in str(list(form.plain)[1]())


def test_a_self_assessment_page_writes_its_buttons_as_wtforms_did(app):
    from netapp.services import lqf
    from tests.profile_helpers import load_reference

    load_reference()
    fw = lqf.framework()
    dimension = fw.dimensions[0]
    with app.test_request_context("/"):
        form = assessment_form(dimension, fw.levels, {dimension.elements[0].code: "3"})
        stock = RadioInput()
        written = [(str(option()), str(stock(option)))
                   for e in dimension.elements for option in form[e.code]]
    assert all(mine == theirs for mine, theirs in written)
    assert sum("checked" in mine for mine, _ in written) == 1
    assert all(" required " in mine for mine, _ in written)
