"""The programme report's choices: a date range and a region."""
from __future__ import annotations

from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from netapp.forms_common import Form


def _region_id(value) -> int | None:
    if value in ("", None):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a region: refused by the choices


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _within_reason(field: DateField) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}, "
                              "for example 2026-01-01.")


class ReportForm(Form):
    """Sent by GET, so a report's address can be shared, bookmarked and printed again."""

    class Meta:
        csrf = False  # it changes nothing: it only chooses what the report shows

    start = DateField("From", validators=[
        InputRequired(message="Enter the first day of the report, for example 2026-01-01.")])
    end = DateField("To", validators=[
        InputRequired(message="Enter the last day of the report, for example 2026-12-31.")])
    region = SelectField("Region", coerce=_region_id)

    def __init__(self, *args, regions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [SelectChoice("", "All regions")] + [
            SelectChoice(r.id, r.name) for r in regions]

    def validate_start(self, field: DateField) -> None:
        _within_reason(field)

    def validate_end(self, field: DateField) -> None:
        _within_reason(field)
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("The last day must be on or after the first day. "
                                  "Check the two dates.")
