"""The members list's search form, sent with GET so a search can be bookmarked and exported."""
from __future__ import annotations

import sqlalchemy as sa
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from netapp.extensions import db
from netapp.forms_common import Form
from netapp.members.forms import optional_int
from netapp.models import LocalAuthority, Region, ServiceType
from netapp.services import member_list
from netapp.services.profiles import LEVELS


class MembersForm(Form):
    class Meta:
        csrf = False

    q = StringField("Name or email", validators=[
        Length(max=120, message="Use at most 120 letters.")])
    region = SelectField("Region", coerce=optional_int, validate_choice=False)
    council = SelectField("Council area", coerce=optional_int, validate_choice=False)
    service_type = SelectField("Type of service", validate_choice=False)
    level = SelectField("Level of leadership", coerce=optional_int, validate_choice=False)
    strength = SelectField("Strong in (latest self-assessment)", coerce=optional_int,
                           validate_choice=False)
    need = SelectField("Would like help with", coerce=optional_int, validate_choice=False)
    isolation = SelectField("Isolation index", validate_choice=False)
    wants_mentor = BooleanField("Only people asking for a mentor")
    in_set = BooleanField("Only people in an action learning set")

    def __init__(self, elements, topics, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = db.session.execute(
            sa.select(Region.id, Region.name, LocalAuthority.id, LocalAuthority.name)
            .join(LocalAuthority, LocalAuthority.region_id == Region.id)
            .order_by(Region.name, LocalAuthority.name)).all()
        regions = dict((region_id, region) for region_id, region, _id, _name in places)
        self.region.choices = [SelectChoice("", "Any region")] + [
            SelectChoice(region_id, name) for region_id, name in regions.items()]
        self._region_ids = set(regions)
        self.council.choices = [SelectChoice("", "Any council")] + [
            SelectChoice(council_id, name, optgroup=region)
            for _rid, region, council_id, name in places]
        self._council_ids = {council_id for _rid, _r, council_id, _n in places}
        self.service_type.choices = [SelectChoice("", "Any type")] + [
            SelectChoice(t.value, t.label) for t in ServiceType]
        self.level.choices = [SelectChoice("", "Any level")] + [
            SelectChoice(code, words) for code, (words, _hint) in LEVELS.items()]
        self.strength.choices = [SelectChoice("", "Any")] + [
            SelectChoice(e.id, f"{e.code}: {e.name}") for e in elements]
        self._element_ids = {e.id for e in elements}
        self.need.choices = [SelectChoice("", "Anything")] + [
            SelectChoice(t.id, t.name) for t in topics]
        self._topic_ids = {t.id for t in topics}
        self.isolation.choices = [SelectChoice("", "Any")] + [
            SelectChoice(code, words) for code, (_lo, _hi, words)
            in member_list.ISOLATION_BANDS.items()]

    def validate_region(self, field):
        if field.data is not None and field.data not in self._region_ids:
            raise ValidationError("Choose a region from the list.")

    def validate_council(self, field):
        if field.data is not None and field.data not in self._council_ids:
            raise ValidationError("Choose a council from the list.")

    def validate_service_type(self, field):
        if field.data and field.data not in {t.value for t in ServiceType}:
            raise ValidationError("Choose a type of service from the list.")

    def validate_level(self, field):
        if field.data is not None and field.data not in LEVELS:
            raise ValidationError("Choose a level from the list.")

    def validate_strength(self, field):
        if field.data is not None and field.data not in self._element_ids:
            raise ValidationError("Choose an element of the framework from the list.")

    def validate_need(self, field):
        if field.data is not None and field.data not in self._topic_ids:
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
