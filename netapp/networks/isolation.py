"""How connected you are: the member's own isolation index with next steps, and for
coordinators the most isolated members of a region (a paged list and a CSV) to reach out to.

The coordinator's list names only members who let coordinators see their council area, and
its parts leave affinity networks out (netapp/services/isolation.py).
"""
from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import login_required

from netapp.access import role_required
from netapp.extensions import db
from netapp.members._common import current_member
from netapp.models import Region, Role
from netapp.networks import bp
from netapp.request_hooks import page_number, whole_number
from netapp.services import isolation as service
from netapp.services import reference

PER_PAGE = 50


@bp.route("/connected")
@login_required
def connected():
    mine, steps = service.connected(current_member())
    return render_template("networks/isolation/mine.html", mine=mine, steps=steps)


@bp.route("/isolation")
@login_required
@role_required(Role.COORDINATOR, Role.ADMIN)
def isolation_list():
    regions = reference.regions()
    region_id = request.args.get("region", type=whole_number)
    region = next((r for r in regions if r.id == region_id), None)
    if region_id is not None and region is None:
        abort(404)
    page = None
    if region is not None:
        number = max(1, request.args.get("page", 1, type=page_number) or 1)
        page = service.most_isolated_page(region.id, number, PER_PAGE)
    return render_template("networks/isolation/list.html", regions=regions, region=region,
                           page=page, missing_words=service.missing_words)


@bp.route("/isolation/<int:region_id>.csv")
@login_required
@role_required(Role.COORDINATOR, Role.ADMIN)
def isolation_csv(region_id: int):
    region = db.get_or_404(Region, region_id)
    filename = f"most-isolated-{region.name.lower().replace(' ', '-')}.csv"
    return Response(stream_with_context(service.most_isolated_csv(region.id)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
