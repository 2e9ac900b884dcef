"""Learning resources: suggestions for me, and the old addresses of the admin pages."""
from __future__ import annotations

from functools import lru_cache

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup, escape

from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import EmptyForm
from netapp.members.resource_items import ItemWriter, item_writer
from netapp.models import Resource
from netapp.services import lqf, profiles, resources


@bp.route("/me/resources")
@login_required
def my_resources():
    layout = lqf.shared_layout()
    fw = layout.framework
    user = current_member()
    state = resources.member_state(user.id, fw)
    level = state.level
    # The full list is folded by area; the one a member just ticked in comes back open.
    asked = request.args.get("open")
    rows = resources.resource_rows(fw)
    item = item_writer(state.done)
    return render_template("members/resources.html", fw=fw, item=item,
                           suggestions=resources.suggestions(user, fw, state=state,
                                                             everything=rows),
                           level_name=profiles.LEVELS[level][0] if level else None,
                           has_assessment=state.has_assessment,
                           has_needs=bool(state.needs),
                           areas=areas_html(layout, resources.by_element(fw, everything=rows),
                                            asked, item))


def areas_html(layout: lqf.Layout, by_element: dict[int, list], open_code: str | None,
               item: ItemWriter) -> Markup:
    """The full list folded by area, each area's elements with their resources (written by
    ``item``), the area ``open_code`` open: as the template's loops wrote it, the framework's
    parts escaped once per framework copy."""
    parts = []
    for code, start, elements in _areas(layout):
        count = sum(len(by_element.get(element_id, ())) for element_id, _ in elements)
        parts.append(start[0] if code == open_code else start[1])
        parts.append(f"{count} resource{'s' if count != 1 else ''}" if count else "none yet")
        parts.append(")</span></summary>\n  <ul>\n  ")
        for element_id, element_start in elements:
            parts.append(element_start)
            listed = by_element.get(element_id)
            if listed:
                parts.append('\n      <ul class="resource-list">')
                parts.extend(item.text(resource, True) for resource in listed)
                parts.append("</ul>\n    </li>\n  ")
            else:
                parts.append(' <span class="hint">(none yet)</span></li>\n  ')
        parts.append("\n  </ul>\n</details>\n")
    return Markup("".join(parts))


@lru_cache(maxsize=4)
def _areas(layout: lqf.Layout) -> tuple[tuple[str, tuple[str, str], tuple[tuple[int, str], ...]],
                                        ...]:
    """Per area: its code, its start up to its count (open, and not), and (id, start) of each
    of its elements."""
    def start(code, name, is_open):
        return (f'\n  \n<details class="resource-area"{" open" if is_open else ""} '
                f'id="area-{escape(code)}">\n  <summary>{escape(name)} <span class="hint">(')
    element_names = {element_id: name for element_id, _code, name in layout.elements}
    return tuple((code, (start(code, name, True), start(code, name, False)),
                  tuple((element_id, f"\n    <li>{escape(element_names[element_id])}")
                        for element_id in ids))
                 for code, name, ids in layout.dimensions)


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
