"""Learning resources: suggestions for me, and the admin pages that curate them."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from netapp.access import role_required
from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import EmptyForm, ResourceForm
from netapp.models import Profile, Resource, Role
from netapp.services import lqf, profiles, resources


@bp.route("/me/resources")
@login_required
def my_resources():
    fw = lqf.framework()
    user = current_member()
    profile = db.session.get(Profile, user.id)
    level = profile.level if profile and profile.level else None
    return render_template("members/resources.html", fw=fw,
                           suggestions=resources.suggestions(user, fw),
                           level_name=profiles.LEVELS[level][0] if level else None,
                           has_assessment=lqf.latest(user.id, fw) is not None,
                           has_needs=bool(profiles.need_ids(user.id)),
                           by_element=resources.by_element(fw),
                           done=resources.done_dates(user), done_form=EmptyForm())


def _back_to(default: str) -> str:
    # Only our own two pages: a form never sends the member somewhere they did not come from.
    return url_for("members.assessments") if request.form.get("back") == "history" \
        else url_for(default)


@bp.route("/me/resources/<int:resource_id>/done", methods=["POST"])
@login_required
def mark_resource_done(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    if EmptyForm().validate_on_submit() and resources.mark_done(current_member(), resource):
        flash(f"Marked “{resource.title}” as done. Well done.", "success")
    return redirect(_back_to("members.my_resources"))


@bp.route("/me/resources/<int:resource_id>/undo", methods=["POST"])
@login_required
def undo_resource_done(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    if EmptyForm().validate_on_submit() and resources.undo_done(current_member(), resource):
        flash(f"“{resource.title}” is no longer marked done.", "success")
    return redirect(_back_to("members.my_resources"))


def _resource_form(fw, resource: Resource | None = None) -> ResourceForm:
    form = ResourceForm(obj=resource)
    form.element_id.choices = [SelectChoice(e.id, f"{e.code} {e.name}", optgroup=d.name)
                               for d in fw.dimensions for e in d.elements]
    return form


def _fields(form: ResourceForm) -> dict:
    return {name: form[name].data for name in (
        "element_id", "title", "url", "summary", "time_needed", "cost", "level_from", "level_to")}


@bp.route("/members/resources", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def manage_resources():
    fw = lqf.framework()
    form = _resource_form(fw)
    if form.validate_on_submit():
        resources.save(current_member(), None, **_fields(form))
        flash("Resource added.", "success")
        return redirect(url_for("members.manage_resources"))
    return render_template("members/manage_resources.html", form=form,
                           items=resources.all_resources(fw)), 400 if form.errors else 200


@bp.route("/members/resources/<int:resource_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_resource(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    fw = lqf.framework()
    form = _resource_form(fw, resource)
    if form.validate_on_submit():
        resources.save(current_member(), resource, **_fields(form))
        flash("Resource saved.", "success")
        return redirect(url_for("members.manage_resources"))
    return render_template("members/edit_resource.html", form=form, resource=resource,
                           delete_form=EmptyForm()), 400 if form.errors else 200


@bp.route("/members/resources/<int:resource_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_resource(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    if EmptyForm().validate_on_submit() and request.form.get("confirm") == "yes":
        resources.delete(current_member(), resource)
        flash("Resource deleted.", "success")
        return redirect(url_for("members.manage_resources"))
    flash("Tick the box to confirm you want to delete it.", "error")
    return redirect(url_for("members.edit_resource", resource_id=resource_id))

