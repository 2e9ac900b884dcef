"""Coordinator console: the programme report, on screen, printed and as CSV.

The report is the same for every coordinator asking for the same dates and region, so a process
keeps it for a minute (programme.recent_report) and its figures' HTML as long as it.
"""
from __future__ import annotations

from flask import Response, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from netapp.access import role_required
from netapp.coordinator import bp
from netapp.coordinator.report_forms import ReportForm
from netapp.models import Role
from netapp.models.base import utcnow
from netapp.services import kept, programme, reference


def _form(regions) -> ReportForm:
    """The choices sent, or the last 12 months for all regions when none were."""
    args = request.args
    if not args:
        start, end = programme.default_range(utcnow().date())
        args = MultiDict({"start": start.isoformat(), "end": end.isoformat(), "region": ""})
    return ReportForm(formdata=args, regions=regions)


def _chosen(form: ReportForm, regions):
    """(the report, its region) for a valid form; (None, None) otherwise."""
    if not form.validate():
        return None, None
    region = next((r for r in regions if r.id == form.region.data), None)
    return programme.recent_report(form.start.data, form.end.data, region), region


@bp.route("/report")
@role_required(Role.COORDINATOR, Role.ADMIN)
def report():
    regions = list(reference.shared("regions").values())  # read only: no copy per request
    form = _form(regions)
    result, region = _chosen(form, regions)
    csv_url = sections = None
    if result is not None:
        csv_url = url_for("coordinator.report_csv", start=form.start.data.isoformat(),
                          end=form.end.data.isoformat(), region=region.id if region else "")
        sections = _sections(result)
    return render_template("coordinator/report.html", form=form, report=result,
                           sections=sections, csv_url=csv_url, printed=utcnow().date(),
                           smallest=programme.SMALLEST_COUNT), 200 if result else 400


def _sections(result: programme.Report) -> Markup:
    """The report's figures as HTML, rendered once per version of the kept report."""
    def render() -> Markup:
        return Markup(render_template("coordinator/_report_sections.html", report=result,
                                      smallest=programme.SMALLEST_COUNT))

    key = (result.start, result.end, result.region.id if result.region else None, result.as_of)
    return kept.kept("programme report page", key,
                     kept.keep_for("REPORT_KEEP_FOR", programme.KEEP_FOR), render)


@bp.route("/report.csv")
@role_required(Role.COORDINATOR, Role.ADMIN)
def report_csv():
    regions = list(reference.shared("regions").values())  # read only: no copy per request
    form = _form(regions)
    result, region = _chosen(form, regions)
    if result is None:
        return render_template("coordinator/report.html", form=form, report=None,
                               csv_url=None, printed=utcnow().date(),
                               smallest=programme.SMALLEST_COUNT), 400
    place = region.name.lower().replace(" ", "-") if region else "all-regions"
    filename = f"programme-report-{place}-{result.start}-to-{result.end}.csv"
    return Response(programme.report_csv(result, utcnow().date()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
