"""Forms for the coordinators' matching rounds."""
from __future__ import annotations

from wtforms import DecimalField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange

from netapp.forms_common import Form
from netapp.services.mentoring_rounds import WEIGHT_NAMES

WHOLE_COUNTRY = "all"


class RoundForm(Form):
    name = StringField(
        "Name of the round",
        validators=[DataRequired(message="Give the round a name, for example 'Spring 2027'."),
                    Length(max=120, message="Please keep the name under 120 characters.")],
        description="Only coordinators see it.",
    )
    region = SelectField("Who can be matched", validators=[DataRequired(
        message="Pick a region, or the whole country.")])

    def set_regions(self, regions) -> None:
        self.region.choices = [SelectChoice(WHOLE_COUNTRY, "The whole country")] + [
            SelectChoice(str(r.id), r.name) for r in regions]


def _weight(name: str) -> DecimalField:
    return DecimalField(
        WEIGHT_NAMES[name], places=None,
        validators=[InputRequired(message="Give a number, 0 or more (0 ignores this part)."),
                    NumberRange(min=0, max=1000,
                                message="Give a number between 0 and 1000.")],
    )


class WeightsForm(Form):
    needs = _weight("needs")
    lqf = _weight("lqf")
    level = _weight("level")
    service_type = _weight("service_type")
    local_authority = _weight("local_authority")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if all(getattr(self, n).data == 0 for n in WEIGHT_NAMES):
            self.needs.errors.append("Give at least one weight more than 0.")
            return False
        return True

    def values(self) -> dict[str, float]:
        return {n: float(getattr(self, n).data) for n in WEIGHT_NAMES}


class RuleForm(Form):
    """Lock or forbid a pair, picking both people by name from the pool."""

    kind = RadioField("What to do", choices=[
        SelectChoice("lock", "Lock: always pair them"),
        SelectChoice("forbid", "Forbid: never pair them")],
        default="lock", validators=[InputRequired(message="Choose lock or forbid.")])
    mentee = StringField("Mentee", render_kw={"list": "pool-mentees"}, validators=[
        DataRequired(message="Type or pick the mentee's name."), Length(max=200)])
    mentor = StringField("Mentor", render_kw={"list": "pool-mentors"}, validators=[
        DataRequired(message="Type or pick the mentor's name."), Length(max=200)])


class PairForm(Form):
    """Lock or forbid a pair shown in the preview (the ids come from the page)."""

    kind = HiddenField(validators=[AnyOf(["lock", "forbid"])])
    mentee_id = HiddenField(validators=[DataRequired()])
    mentor_id = HiddenField(validators=[DataRequired()])
