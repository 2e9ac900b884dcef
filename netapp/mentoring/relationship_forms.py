"""Forms on the page a mentor and mentee share: goals, meetings, messages, check-ins, closing."""
from __future__ import annotations

from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from netapp.forms_common import Form
from netapp.members.forms import MultiCheckboxField
from netapp.models import GoalStatus
from netapp.services.mentorships import CHECKIN_QUESTION, GOAL_LABELS

NOTES_MAX = 4000


def _long(limit: int):
    return Length(max=limit, message=f"Please keep it under {limit} characters.")


class GoalForm(Form):
    title = StringField(
        "What do you want to achieve?",
        validators=[DataRequired(message="Write the goal in a few words."), _long(200)],
        description="For example: run supervision sessions my team looks forward to.",
    )
    elements = MultiCheckboxField("Which parts of the framework does it build on?")

    def validate_elements(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one part of the framework this goal builds on.")


class GoalStatusForm(Form):
    status = SelectField(
        "Where it stands",
        choices=[SelectChoice(s.value, label) for s, label in GOAL_LABELS.items()],
        validators=[InputRequired()],
    )

    @property
    def chosen(self) -> GoalStatus:
        return GoalStatus(self.status.data)


class MeetingForm(Form):
    met_on = DateField("When did you meet?",
                       validators=[InputRequired(message="Enter the day you met.")])
    shared_notes = TextAreaField(
        "Notes you both see (optional)", validators=[Optional(), _long(NOTES_MAX)],
        description="What you talked about, and what each of you will do next.")
    private_notes = TextAreaField(
        "Private notes, only for you (optional)", validators=[Optional(), _long(NOTES_MAX)],
        description="Nobody else sees these: not the other person, not the coordinators.")


class MessageForm(Form):
    body = TextAreaField(
        "Your message",
        validators=[DataRequired(message="Write a message first."), _long(2000)],
        description="We'll let them know you've written, without copying your words into "
                    "an email.")


class CheckInForm(Form):
    rating = RadioField(
        CHECKIN_QUESTION,
        choices=[SelectChoice("1", "1: not useful yet"), SelectChoice("2", "2"),
                 SelectChoice("3", "3"), SelectChoice("4", "4"),
                 SelectChoice("5", "5: very useful")],
        validators=[InputRequired(message="Choose a number from 1 to 5.")],
    )
    comment = TextAreaField(
        "Anything you'd like to add? (optional)", validators=[Optional(), _long(1000)],
        description="Your answer stays private: the other person never sees it, and the "
                    "coordinators only see an average across everyone.")


class CloseForm(Form):
    outcome = RadioField(
        "How did it go?",
        choices=[SelectChoice("completed", "We've finished: our mentoring is complete"),
                 SelectChoice("ended", "We're ending it early")],
        validators=[InputRequired(message="Choose how your mentoring ends.")],
    )
    feedback = TextAreaField(
        "A few words of feedback (optional)", validators=[Optional(), _long(1000)],
        description="Your mentor or mentee will see this. You can add it or change it later.")


class FeedbackForm(Form):
    feedback = TextAreaField(
        "A few words of feedback", validators=[Optional(), _long(1000)],
        description="Your mentor or mentee will see this.")
