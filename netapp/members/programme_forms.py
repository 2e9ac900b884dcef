"""Forms for a member's programme page: the Award, their service's rating, and feedback."""
from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from netapp.forms_common import Form
from netapp.services.programme import AWARD, COMMENT_MAX, COMPLIANCE, RATING


def _choices(pairs: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, words) for value, words in pairs.items()]


class ProgrammeForm(Form):
    award = RadioField(
        "The Leadership in Care Award",
        choices=_choices(AWARD), validators=[Optional()],
        description="Where are you with the Award?")
    rating = RadioField(
        "Your service's latest rating from the CQC",
        choices=_choices(RATING), validators=[Optional()],
        description="The overall rating on your service's latest inspection report.")
    compliance = RadioField(
        "Has the CQC asked your service to take compliance action?",
        choices=_choices(COMPLIANCE), validators=[Optional()],
        description="For example a requirement notice or a warning notice that is still open.")


class ProgrammeFeedbackForm(Form):
    rating = RadioField(
        "How helpful is the network to you?",
        choices=[SelectChoice("5", "5 – very helpful"), SelectChoice("4", "4"),
                 SelectChoice("3", "3"), SelectChoice("2", "2"),
                 SelectChoice("1", "1 – not helpful")],
        validators=[InputRequired(message="Choose a number from 1 to 5.")])
    comment = TextAreaField(
        "Anything you'd like to tell us? (optional)",
        validators=[Length(max=COMMENT_MAX, message=(
            f"Please keep your comment under {COMMENT_MAX:,} characters."))],
        description="What helps, what could be better. Please don't name anyone, "
                    "yourself included.")
