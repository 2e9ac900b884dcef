"""Admins list organisations and merge copies of the same one."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from netapp.access import current_account, role_required
from netapp.admin import bp
from netapp.forms_common import EmptyForm
from netapp.models import Role
from netapp.request_hooks import page_number, whole_number
from netapp.services import organisations


@bp.route("/organisations")
@role_required(Role.ADMIN)
def organisations_list():
    q = request.args.get("q", "").strip()[:200]
    only_copies = request.args.get("copies") == "1"
    listing = organisations.listing(q, request.args.get("page", 1, type=page_number) or 1,
                                    current_app.config["PAGE_SIZE"], only_copies)
    return render_template("admin/organisations.html", listing=listing, q=q,
                           only_copies=only_copies)


def _ids() -> list[int]:
    return [int(v) for v in request.values.getlist("ids") if v.isdigit()]


@bp.route("/organisations/merge", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def merge_organisations():
    ids = _ids()
    keep_id = request.values.get("keep", type=whole_number)
    form = EmptyForm()
    try:
        plan = organisations.check_merge(ids, keep_id)
    except organisations.MergeProblem as problem:
        return render_template("admin/organisations_merge.html", plan=None, problem=str(problem),
                               ids=ids, form=form), 400
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("confirm") != "yes":
            return render_template("admin/organisations_merge.html", plan=plan, ids=ids,
                                   form=form, problem=None,
                                   confirm_error="Tick the box to confirm the merge."), 400
        moved = organisations.merge(current_account(), plan)
        flash(f"Merged into “{plan.keep.name}”. {moved} "
              f"{'profile' if moved == 1 else 'profiles'} moved.", "success")
        return redirect(url_for("admin.organisations_list", q=plan.keep.name))
    return render_template("admin/organisations_merge.html", plan=plan, ids=ids, form=form,
                           problem=None), 400 if request.method == "POST" else 200
