"""Coordinator console: CSV exports of the members list (with its filters), mentoring matches,
action learning sets, local network events and their attendance, streamed a chunk at a time.
Each export is audited with the number of rows before the first byte is sent."""
from __future__ import annotations

from flask import Response, stream_with_context

from netapp.access import role_required
from netapp.coordinator import bp
from netapp.coordinator.members import search_form
from netapp.extensions import db
from netapp.members._common import current_member
from netapp.models import Role
from netapp.services import audit, exports


def _send(kind: str, export: exports.Export, **detail) -> Response:
    audit.record(current_member(), f"export.{kind}", count=export.count, **detail)
    db.session.commit()
    return Response(stream_with_context(export.chunks), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{export.filename}"'})


@bp.route("/export/members.csv")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export_members():
    form, filters, valid = search_form()
    if not valid:
        return Response("Some of the filters are not ones the members list offers. Go back to "
                        "the members list, check the search and download again.\n",
                        status=400, mimetype="text/plain")
    searched = sorted(k for k in ("q", "region", "council", "service_type", "level",
                                  "strength", "need", "isolation", "wants_mentor", "in_set")
                      if form[k].data)
    return _send("members", exports.members(current_member(), filters), filters=searched)


@bp.route("/export/matches.csv")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export_matches():
    return _send("matches", exports.matches())


@bp.route("/export/sets.csv")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export_sets():
    return _send("sets", exports.sets())


@bp.route("/export/events.csv")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export_events():
    return _send("events", exports.events())


@bp.route("/export/attendance.csv")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export_attendance():
    return _send("attendance", exports.attendance())
