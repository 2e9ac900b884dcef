"""Forms for the network pages: appointing a lead, and searching the member directory."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from netapp import select_options
from netapp.forms_common import Form
from netapp.members.forms import optional_int
from netapp.models import ServiceType
from netapp.select_options import KeptSelectField, PeopleSelect


class LeadForm(Form):
    """Pick a member of the network to lead it, from ``candidates`` (the first by name, or
    those a search found). ``allowed``: the ids it accepts, when not only those offered (the
    one sent, read again as it was sent: ``networks.lead_candidates``' ``kept``)."""

    user_id = SelectField("Member", coerce=optional_int, validate_choice=False,
                          validators=[InputRequired(message="Choose a member to appoint.")],
                          widget=PeopleSelect())

    def __init__(self, candidates, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        # (value, label) pairs, as PeopleSelect reads them.
        self.user_id.choices = [("", "Choose a member")] + [
            (u.id, u.display_name) for u in candidates]
        self._ids = {u.id for u in candidates} if allowed is None else set(allowed)

    def validate_user_id(self, field):
        if field.data not in self._ids:
            raise ValidationError("Choose a member of this network from the list.")


class DirectoryForm(Form):
    """The member directory's search, sent with GET so a search can be bookmarked. Its selects'
    options are rendered once per process (netapp/select_options.py)."""

    class Meta:
        csrf = False

    name = StringField("Name", validators=[Length(max=100, message="Use at most 100 letters.")])
    council = KeptSelectField("Council area", coerce=optional_int, validate_choice=False)
    service_type = KeptSelectField("Type of service", validate_choice=False)
    strength = KeptSelectField("Strong in (from their latest self-assessment)",
                               coerce=optional_int, validate_choice=False)
    can_mentor = BooleanField("Only people who can mentor")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, options in zip((self.council, self.service_type, self.strength),
                                  self.kept_options(), strict=True):
            field.keep(options)

    @staticmethod
    def kept_options() -> tuple:
        """Its selects' options, in the order of its fields, without building the form."""
        return (select_options.councils(),
                select_options.fixed("service_types", select_options.SERVICE_TYPES),
                select_options.elements())

    def validate_council(self, field):
        if field.data is not None and field.data not in field.kept.values:
            raise ValidationError("Choose a council from the list.")

    def validate_service_type(self, field):
        if field.data and field.data not in {t.value for t in ServiceType}:
            raise ValidationError("Choose a type of service from the list.")

    def validate_strength(self, field):
        if field.data is not None and field.data not in field.kept.values:
            raise ValidationError("Choose an element of the framework from the list.")
