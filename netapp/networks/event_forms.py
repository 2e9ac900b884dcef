"""Forms for network events: the event itself and attendance afterwards."""
from __future__ import annotations

from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from netapp.forms_common import Form
from netapp.members.forms import MultiCheckboxField
from netapp.services.events import CAPACITY_MAX, DESCRIPTION_MAX, TITLE_MAX, EventInput


class EventForm(Form):
    title = StringField(
        "Name of the event",
        validators=[DataRequired(message="Give the event a name."),
                    Length(max=TITLE_MAX, message=f"Please keep it under {TITLE_MAX} characters.")],
        description="For example: Winter meet-up, or Preparing for your CQC inspection.")
    description = TextAreaField(
        "What it's about", validators=[Length(max=DESCRIPTION_MAX, message=(
            f"Please keep it under {DESCRIPTION_MAX} characters."))],
        description="Plain text: who it's for, what will happen, anything to bring.")
    day = DateField("Day", validators=[InputRequired(message="Enter the day of the event.")])
    start = TimeField("Starts at (UK time)",
                      validators=[InputRequired(message="Enter the time it starts.")])
    end = TimeField("Ends at (UK time)",
                    validators=[InputRequired(message="Enter the time it ends.")])
    mode = RadioField("Where", choices=[SelectChoice("in_person", "In person"),
                                        SelectChoice("online", "Online")],
                      default="in_person",
                      validators=[InputRequired(message="Choose in person or online.")])
    place = StringField(
        "Address (for an event in person)",
        validators=[Length(max=300, message="Please keep the address under 300 characters.")],
        description="The full address, and anything that helps people find the room.")
    link = StringField(
        "Link to join (for an event online)",
        validators=[Length(max=500, message="Please keep the link under 500 characters.")],
        description="Starts https://. Only people going see it.")
    capacity = IntegerField(
        "Places (optional)",
        validators=[Optional(), NumberRange(min=1, max=CAPACITY_MAX, message=(
            f"Places must be a whole number from 1 to {CAPACITY_MAX}, or leave it empty."))],
        description="Leave it empty for no limit. When it's full, people join a waitlist.")

    def data_in(self) -> EventInput:
        return EventInput(
            title=self.title.data or "", description=self.description.data or "",
            day=self.day.data, start=self.start.data, end=self.end.data,
            is_online=self.mode.data == "online", place=self.place.data or "",
            link=self.link.data or "", capacity=self.capacity.data)


class AttendanceForm(Form):
    came = MultiCheckboxField("Who came?", coerce=int)
