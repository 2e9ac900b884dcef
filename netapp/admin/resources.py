"""Admins keep the learning resources members see beside each element of the framework."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from netapp.access import current_account, role_required
from netapp.admin import bp
from netapp.admin.forms import AdminResourceForm
from netapp.escaping import escaped
from netapp.extensions import db
from netapp.forms_common import EmptyForm
from netapp.models import Resource, Role
from netapp.services import lqf, resources


def _resource_form(fw, resource: Resource | None = None) -> AdminResourceForm:
    form = AdminResourceForm(obj=resource)
    form.element_id.choices = [SelectChoice(e.id, f"{e.code} {e.name}", optgroup=d.name)
                               for d in fw.dimensions for e in d.elements]
    return form


def _resource_rows(fw) -> Markup:
    """The list's rows, written in Python from plain rows (one statement, the framework's
    elements from the process's copy), every value escaped as the template's loop wrote them:
    that loop over 84 resources, each with its element read as a record, was most of the
    page's time."""
    elements = {e.id: e for d in fw.dimensions for e in d.elements}
    edit = url_for("admin.edit_resource", resource_id=0).removesuffix("0")
    parts = []
    for r in resources.resource_rows(fw):
        element, title = elements[r.element_id], escaped(r.title)
        parts.append(
            f'\n    <tr role="row"><td role="cell" data-label="Element">{escaped(element.code)} '
            f'{escaped(element.name)}</td><td role="cell" data-label="Resource"><a href="'
            f'{escaped(r.url)}" rel="noopener">{title}</a></td><td role="cell" '
            f'data-label="Levels">{escaped(r.level_from)} to {escaped(r.level_to)}</td>\n'
            f'        <td role="cell" data-label="Change"><a href="{edit}{r.id}">Edit<span '
            f'class="visually-hidden"> {title}</span></a></td></tr>\n  ')
    return Markup("".join(parts))


def _fields(form: AdminResourceForm) -> dict:
    return {name: form[name].data for name in (
        "element_id", "title", "url", "summary", "time_needed", "cost", "level_from", "level_to")}


@bp.route("/resources", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def manage_resources():
    fw = lqf.shared_framework()
    form = _resource_form(fw)
    if form.validate_on_submit():
        resources.save(current_account(), None, **_fields(form))
        flash("Resource added.", "success")
        return redirect(url_for("admin.manage_resources"))
    return render_template("admin/manage_resources.html", form=form,
                           rows=_resource_rows(fw)), 400 if form.errors else 200


@bp.route("/resources/<int:resource_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_resource(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    form = _resource_form(lqf.shared_framework(), resource)
    if form.validate_on_submit():
        resources.save(current_account(), resource, **_fields(form))
        flash("Resource saved.", "success")
        return redirect(url_for("admin.manage_resources"))
    return render_template("admin/edit_resource.html", form=form, resource=resource,
                           delete_form=EmptyForm()), 400 if form.errors else 200


@bp.route("/resources/<int:resource_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_resource(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    if EmptyForm().validate_on_submit() and request.form.get("confirm") == "yes":
        resources.delete(current_account(), resource)
        flash("Resource deleted.", "success")
        return redirect(url_for("admin.manage_resources"))
    flash("Tick the box to confirm you want to delete it.", "error")
    return redirect(url_for("admin.edit_resource", resource_id=resource_id))
