"""Learning resources: suggestions for me, and the old addresses of the admin pages."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import EmptyForm
from netapp.members.resource_items import item_writer
from netapp.models import Resource
from netapp.services import lqf, profiles, resources


@bp.route("/me/resources")
@login_required
def my_resources():
    fw = lqf.shared_framework()
    user = current_member()
    state = resources.member_state(user.id, fw)
    level = state.level
    # The full list is folded by area; the one a member just ticked in comes back open.
    codes = {d.code for d in fw.dimensions}
    open_code = request.args.get("open") if request.args.get("open") in codes else None
    rows = resources.resource_rows(fw)
    everything = resources.by_element(fw, everything=rows)
    area_counts = {d.code: sum(len(everything.get(e.id, ())) for e in d.elements)
                   for d in fw.dimensions}
    return render_template("members/resources.html", fw=fw, open_code=open_code,
                           area_counts=area_counts, item=item_writer(state.done),
                           suggestions=resources.suggestions(user, fw, state=state,
                                                             everything=rows),
                           level_name=profiles.LEVELS[level][0] if level else None,
                           has_assessment=state.has_assessment,
                           has_needs=bool(state.needs),
                           by_element=everything)


def _back_to(resource: Resource) -> str:
    # Only our own pages: a form never sends the member somewhere they did not come from.
    back = request.form.get("back")
    if back == "history":
        return url_for("members.assessments")
    if back == "all":  # the full list: its area open again, at the resource just ticked
        code = next((d.code for d in lqf.shared_framework().dimensions
                     for e in d.elements if e.id == resource.element_id), None)
        if code:
            return url_for("members.my_resources", open=code,
                           _anchor=f"resource-{resource.id}")
    return url_for("members.my_resources")


@bp.route("/me/resources/<int:resource_id>/done", methods=["POST"])
@login_required
def mark_resource_done(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    if EmptyForm().validate_on_submit() and resources.mark_done(current_member(), resource):
        flash(f"Marked “{resource.title}” as done. Well done.", "success")
    return redirect(_back_to(resource))


@bp.route("/me/resources/<int:resource_id>/undo", methods=["POST"])
@login_required
def undo_resource_done(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    if EmptyForm().validate_on_submit() and resources.undo_done(current_member(), resource):
        flash(f"“{resource.title}” is no longer marked done.", "success")
    return redirect(_back_to(resource))


# The admin pages moved under /admin (netapp/admin/resources.py). The old addresses answer
# with a permanent redirect that keeps the method, so bookmarks and old forms still work; the
# new route does the checking.
@bp.route("/members/resources", methods=["GET", "POST"])
def manage_resources():
    return redirect(url_for("admin.manage_resources"), 308)


@bp.route("/members/resources/<int:resource_id>", methods=["GET", "POST"])
def edit_resource(resource_id: int):
    return redirect(url_for("admin.edit_resource", resource_id=resource_id), 308)


@bp.route("/members/resources/<int:resource_id>/delete", methods=["POST"])
def delete_resource(resource_id: int):
    return redirect(url_for("admin.delete_resource", resource_id=resource_id), 308)
