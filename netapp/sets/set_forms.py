"""Forms on a set's own pages: notes and actions, meetings, attendance."""
from __future__ import annotations

from wtforms import DateField, RadioField, SelectChoice, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from netapp.forms_common import Form
from netapp.members.forms import MultiCheckboxField

NOTE_MAX = 2000


class NoteForm(Form):
    body = TextAreaField(
        "Add to the set's notes",
        validators=[DataRequired(message="Write something first."),
                    Length(max=NOTE_MAX, message=f"Please keep it under {NOTE_MAX} characters.")],
        description="Only the set and its facilitator see these.")


class ActionForm(Form):
    body = StringField(
        "Add an action",
        validators=[DataRequired(message="Say what will be done, in a few words."),
                    Length(max=300, message="Please keep it under 300 characters.")],
        description="Something someone will do before the next meeting, with their name.")


class MeetingForm(Form):
    day = DateField("Day", validators=[InputRequired(message="Enter the day of the meeting.")])
    start = TimeField("Starts at (UK time)",
                      validators=[InputRequired(message="Enter the time it starts.")])
    end = TimeField("Ends at (UK time)",
                    validators=[InputRequired(message="Enter the time it ends.")])
    mode = RadioField("Where", choices=[SelectChoice("in_person", "In person"),
                                        SelectChoice("online", "Online")],
                      default="in_person",
                      validators=[InputRequired(message="Choose in person or online.")])
    place = StringField(
        "Place (for meeting in person)", validators=[Length(max=300)],
        description="The address, and anything that helps people find the room.")
    link = StringField(
        "Link to join (for meeting online)", validators=[Length(max=500)],
        description="Starts https://. Only the set sees it.")

    @property
    def is_online(self) -> bool:
        return self.mode.data == "online"

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError("The meeting must end after it starts.")

    def validate_place(self, field) -> None:
        if not self.is_online and not (field.data or "").strip():
            raise ValidationError("Say where you'll meet.")

    def validate_link(self, field) -> None:
        if self.is_online and not (field.data or "").strip().lower().startswith("https://"):
            raise ValidationError("Give the link to join online: an address starting https://")


class AttendanceForm(Form):
    came = MultiCheckboxField("Who came?", coerce=int)
