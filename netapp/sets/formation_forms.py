"""Forms for asking to join a set and for the coordinators' formation console."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from netapp.forms_common import Form
from netapp.select_options import PeopleSelect
from netapp.services.sets_formation import DEFAULT_SIZES, WEIGHT_NAMES

WHOLE_COUNTRY = "all"


class RequestForm(Form):
    mode = RadioField("How would you like to meet?", choices=[
        SelectChoice("in_person", "In person, near where I work"),
        SelectChoice("online", "Online"),
        SelectChoice("either", "Either suits me")],
        default="either", validators=[InputRequired(message="Choose how you'd like to meet.")])
    note = TextAreaField(
        "Anything the coordinator should know (optional)",
        validators=[Length(max=500, message="Please keep the note under 500 characters.")],
        description="For example days that don't work for you. Only coordinators see it.")


def _weight(name: str) -> DecimalField:
    return DecimalField(
        WEIGHT_NAMES[name], places=None,
        validators=[InputRequired(message="Give a number, 0 or more (0 ignores this part)."),
                    NumberRange(min=0, max=1000, message="Give a number between 0 and 1000.")])


class _SizeField(IntegerField):
    """A whole number, with our own words when it isn't one."""

    def __init__(self, label, example, **kwargs):
        super().__init__(label, **kwargs)
        self.not_a_number = f"Give the {label.lower().split()[0]} size as a whole number, " \
                            f"for example {example}."

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.not_a_number) from exc


class SettingsForm(Form):
    """Set sizes and the weights of the quality measures: when a formation is made, and
    changed before it is published."""

    min_size = _SizeField("Smallest set", 5, default=DEFAULT_SIZES[0], validators=[
        InputRequired(message="Give the smallest size, for example 5."),
        NumberRange(min=2, max=20, message="Give a size between 2 and 20.")])
    max_size = _SizeField("Largest set", 8, default=DEFAULT_SIZES[1], validators=[
        InputRequired(message="Give the largest size, for example 8."),
        NumberRange(min=2, max=20, message="Give a size between 2 and 20.")])
    service_mix = _weight("service_mix")
    lqf = _weight("lqf")
    shared_needs = _weight("shared_needs")
    local_authority = _weight("local_authority")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.min_size.data > self.max_size.data:
            self.max_size.errors.append("The largest set must be at least as big as the "
                                        "smallest.")
            return False
        if all(getattr(self, n).data == 0 for n in WEIGHT_NAMES):
            self.service_mix.errors.append("Give at least one weight more than 0.")
            return False
        return True

    def weights(self) -> dict[str, float]:
        return {n: float(getattr(self, n).data) for n in WEIGHT_NAMES}


class FormationForm(SettingsForm):
    name = StringField(
        "Name of the formation",
        validators=[DataRequired(message="Give it a name, for example 'Spring 2027 sets'."),
                    Length(max=120, message="Please keep the name under 120 characters.")],
        description="Only coordinators see it.")
    region = SelectField("Where from", validators=[DataRequired(
        message="Pick a region, or the whole country.")])
    only_asked = RadioField("Who", choices=[
        SelectChoice("yes", "Only members who asked to join a set"),
        SelectChoice("no", "Everyone in the region with a complete profile")],
        default="yes", validators=[InputRequired(message="Choose who to include.")])

    def set_regions(self, regions) -> None:
        self.region.choices = [SelectChoice(WHOLE_COUNTRY, "The whole country")] + [
            SelectChoice(str(r.id), r.name) for r in regions]


class MoveForm(Form):
    """Move one member to another draft set; ``confirm`` is set once the warnings are seen."""

    member = SelectField("Member", coerce=int, validators=[
        InputRequired(message="Choose the member to move.")])
    target = SelectField("Move to", coerce=int, validators=[
        InputRequired(message="Choose the set to move them to.")])
    confirm = BooleanField("I've read the warnings: move them anyway")


class FacilitatorForm(Form):
    # Its choices are (user id, name) pairs.
    facilitator = SelectField("Facilitator", coerce=int, widget=PeopleSelect(), validators=[
        InputRequired(message="Choose a mentor or coordinator.")])


class LateJoinerForm(Form):
    set_id = SelectField("Set", coerce=int, validators=[
        InputRequired(message="Choose one of the proposed sets.")])
