"""The members list's search form, sent with GET so a search can be bookmarked and exported."""
from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import Length, ValidationError

from netapp import select_options
from netapp.forms_common import Form
from netapp.members.forms import optional_int
from netapp.models import ServiceType
from netapp.select_options import KeptSelectField
from netapp.services import member_list
from netapp.services.profiles import LEVELS

# Lists that never change while the process runs, as (value, words) for their selects.
LEVEL_CHOICES = (("", "Any level"),) + tuple(
    (code, words) for code, (words, _hint) in LEVELS.items())
ISOLATION_CHOICES = (("", "Any"),) + tuple(
    (code, words) for code, (_lo, _hi, words) in member_list.ISOLATION_BANDS.items())


class MembersForm(Form):
    """The members search. Its selects' options are rendered once per process from the
    per-process copy of reference data (netapp/select_options.py)."""

    class Meta:
        csrf = False

    q = StringField("Name or email", validators=[
        Length(max=120, message="Use at most 120 letters.")])
    region = KeptSelectField("Region", coerce=optional_int, validate_choice=False)
    council = KeptSelectField("Council area", coerce=optional_int, validate_choice=False)
    service_type = KeptSelectField("Type of service", validate_choice=False)
    level = KeptSelectField("Level of leadership", coerce=optional_int, validate_choice=False)
    strength = KeptSelectField("Strong in (latest self-assessment)", coerce=optional_int,
                               validate_choice=False)
    need = KeptSelectField("Would like help with", coerce=optional_int, validate_choice=False)
    isolation = KeptSelectField("Isolation index", validate_choice=False)
    wants_mentor = BooleanField("Only people asking for a mentor")
    in_set = BooleanField("Only people in an action learning set")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, options in zip(
                (self.region, self.council, self.service_type, self.level, self.strength,
                 self.need, self.isolation), self.kept_options(), strict=True):
            field.keep(options)

    @staticmethod
    def kept_options() -> tuple:
        """Its selects' options, in the order of its fields, without building the form."""
        return (select_options.regions(), select_options.councils(),
                select_options.fixed("service_types", select_options.SERVICE_TYPES),
                select_options.fixed("levels", LEVEL_CHOICES, optional_int),
                select_options.elements(), select_options.topics(),
                select_options.fixed("isolation_bands", ISOLATION_CHOICES))

    def validate_region(self, field):
        if field.data is not None and field.data not in field.kept.values:
            raise ValidationError("Choose a region from the list.")

    def validate_council(self, field):
        if field.data is not None and field.data not in field.kept.values:
            raise ValidationError("Choose a council from the list.")

    def validate_service_type(self, field):
        if field.data and field.data not in {t.value for t in ServiceType}:
            raise ValidationError("Choose a type of service from the list.")

    def validate_level(self, field):
        if field.data is not None and field.data not in LEVELS:
            raise ValidationError("Choose a level from the list.")

    def validate_strength(self, field):
        if field.data is not None and field.data not in field.kept.values:
            raise ValidationError("Choose an element of the framework from the list.")

    def validate_need(self, field):
        if field.data is not None and field.data not in field.kept.values:
            raise ValidationError("Choose a topic from the list.")

    def validate_isolation(self, field):
        if field.data and field.data not in member_list.ISOLATION_BANDS:
            raise ValidationError("Choose a band of the isolation index from the list.")

    def filters(self) -> member_list.Filters:
        """The search as the service reads it (call after ``validate``)."""
        return member_list.Filters(
            text=(self.q.data or "").strip(), region_id=self.region.data,
            council_id=self.council.data,
            service_type=ServiceType(self.service_type.data) if self.service_type.data else None,
            level=self.level.data, strength_id=self.strength.data, need_id=self.need.data,
            wants_mentor=bool(self.wants_mentor.data), in_set=bool(self.in_set.data),
            isolation=self.isolation.data or None)
