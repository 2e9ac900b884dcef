"""Forms for the network pages: appointing a lead, and searching the member directory."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from netapp.forms_common import Form
from netapp.members.forms import council_choices, optional_int
from netapp.models import ServiceType


class LeadForm(Form):
    """Pick a member of the network to lead it."""

    user_id = SelectField("Member", coerce=optional_int, validate_choice=False,
                          validators=[InputRequired(message="Choose a member to appoint.")])

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice("", "Choose a member")] + [
            SelectChoice(u.id, u.display_name) for u in candidates]
        self._ids = {u.id for u in candidates}

    def validate_user_id(self, field):
        if field.data not in self._ids:
            raise ValidationError("Choose a member of this network from the list.")


class DirectoryForm(Form):
    """The member directory's search, sent with GET so a search can be bookmarked."""

    class Meta:
        csrf = False

    name = StringField("Name", validators=[Length(max=100, message="Use at most 100 letters.")])
    council = SelectField("Council area", coerce=optional_int, validate_choice=False)
    service_type = SelectField("Type of service", validate_choice=False)
    strength = SelectField("Strong in (from their latest self-assessment)",
                           coerce=optional_int, validate_choice=False)
    can_mentor = BooleanField("Only people who can mentor")

    def __init__(self, elements, *args, **kwargs):
        super().__init__(*args, **kwargs)
        councils = council_choices()
        self.council.choices = [SelectChoice("", "Any council")] + councils
        self._council_ids = {c.value for c in councils}
        self.service_type.choices = [SelectChoice("", "Any type")] + [
            SelectChoice(t.value, t.label) for t in ServiceType]
        self.strength.choices = [SelectChoice("", "Any")] + [
            SelectChoice(e.id, f"{e.code}: {e.name}") for e in elements]
        self._element_ids = {e.id for e in elements}

    def validate_council(self, field):
        if field.data is not None and field.data not in self._council_ids:
            raise ValidationError("Choose a council from the list.")

    def validate_service_type(self, field):
        if field.data and field.data not in {t.value for t in ServiceType}:
            raise ValidationError("Choose a type of service from the list.")

    def validate_strength(self, field):
        if field.data is not None and field.data not in self._element_ids:
            raise ValidationError("Choose an element of the framework from the list.")
