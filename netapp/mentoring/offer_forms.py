"""Forms for mentors answering offers and requests, and members asking for a mentor."""
from __future__ import annotations

from wtforms import HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional

from netapp.forms_common import Form


class DeclineForm(Form):
    reason = TextAreaField(
        "Why not? (optional)",
        validators=[Optional(), Length(max=300, message="Please keep it under 300 characters.")],
        description="Only the mentoring coordinators see this. The member is told kindly that "
                    "you can't take them on this time.",
    )


class CapacityForm(Form):
    capacity = SelectField(
        "How many mentees can you take on at once?",
        choices=[SelectChoice(0, "None for now"), SelectChoice(1, "1"), SelectChoice(2, "2"),
                 SelectChoice(3, "3")], coerce=int,
    )


class SwitchForm(Form):
    """A yes/no switch sent by a button (pause, "I'd like a mentor")."""

    value = HiddenField(validators=[AnyOf(["yes", "no"])])


class AskForm(Form):
    note = TextAreaField(
        "A short note to them (optional)",
        validators=[Optional(), Length(max=500, message="Please keep it under 500 characters.")],
        description="Say hello, and what you'd most like help with.",
    )
