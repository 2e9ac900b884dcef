"""Coordinator console: the dashboard, for the whole country or one region.

Figures come from netapp/services/dashboard.py and charts from netapp/services/charts.py; the
page only shows them. Affinity networks appear as national counts only, hidden below 5. The
figures are the same for every coordinator, so a process keeps them for a minute
(service.recent) and the page says when they were worked out; the part of the page below the
header is rendered once per region and version of the figures, and kept as long as they are.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required
from markupsafe import Markup

from netapp.access import role_required
from netapp.coordinator import bp
from netapp.models import Role
from netapp.request_hooks import whole_number
from netapp.services import dashboard as service
from netapp.services import kept, reference


@bp.route("/dashboard")
@login_required
@role_required(Role.COORDINATOR, Role.ADMIN)
def dashboard():
    regions = list(reference.shared("regions").values())  # read only: no copy per request
    region_id = request.args.get("region", type=whole_number)
    region = next((r for r in regions if r.id == region_id), None)
    if region_id is not None and region is None:
        abort(404)
    figures, charts, month_table = service.recent(region)

    def body() -> Markup:
        return Markup(render_template(
            "coordinator/_dashboard_body.html", regions=regions, region=region, d=figures,
            charts=charts, percent=service.percent, month_table=month_table,
            month_series=service.MONTH_SERIES))

    shown = kept.kept("dashboard page", (region_id, figures.as_of),
                      kept.keep_for("DASHBOARD_KEEP_FOR", service.KEEP_FOR), body)
    return render_template("coordinator/dashboard.html", region=region, body=shown)
