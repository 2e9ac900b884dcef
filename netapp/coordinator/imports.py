"""Coordinator console: importing members from a CSV file (upload, columns, dry run, import).

Coordinators share imports: any coordinator or admin sees and continues any import, as they
share matching rounds and set formations.
"""
from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from wtforms import SelectChoice, SelectField

from netapp import kept_forms
from netapp.access import current_account, role_required
from netapp.coordinator import bp
from netapp.extensions import db
from netapp.forms_common import EmptyForm, Form, token_input
from netapp.models import ImportStatus, MemberImport, Role
from netapp.progress import progress_fragment
from netapp.request_hooks import page_number, takes_file, upload_limit_setting
from netapp.services import imports as service
from netapp.services import jobs, paging

STAFF = (Role.COORDINATOR, Role.ADMIN)
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_members.csv"  # 3 mistakes
SAMPLE_READY = SAMPLE.with_name("sample_members_ready.csv")  # the same, put right
PROBLEMS_PER_PAGE = 50


class UploadForm(Form):
    file = FileField("Your CSV file", validators=[FileRequired("Choose the CSV file to upload.")],
                     description="A CSV file saved as 'CSV UTF-8', with a line of column "
                                 "headings at the top.")


def mapping_form(headings: list[str], mapping: dict[str, str]) -> Form:
    """One select per field, each offering the file's column headings."""
    choices = [SelectChoice("", "Not in this file")]
    choices += [SelectChoice(h, h) for h in dict.fromkeys(h for h in headings if h)]

    class MappingForm(Form):
        pass

    for f in service.FIELDS:
        setattr(MappingForm, f.name, SelectField(
            f.label + (" (needed)" if f.required else ""), choices=choices,
            default=mapping.get(f.name, ""), description=f.hint))
    return MappingForm()


def _page(name: str = "page") -> int:
    return max(request.args.get(name, 1, type=page_number), 1)


def _import(import_id: int) -> MemberImport:
    imp = db.get_or_404(MemberImport, import_id)
    if imp.status == ImportStatus.IMPORTING and imp.job is not None:
        jobs.give_up_if_stale(imp.job)  # a lost import becomes a failed one
        db.session.refresh(imp)
    return imp


def _to_import(imp: MemberImport):
    return redirect(url_for("coordinator.import_detail", import_id=imp.id))


_UPLOAD_FORM = "coordinator/imports/_upload_form.html"


def _list_page(form: UploadForm | None, status: int = 200):
    """The list of imports under the upload form: ``form`` as sent back, or None for an empty
    one (the same for everyone but its token, so kept per process)."""
    page = paging.paginate(service.imports_query(), _page(), current_app.config["PAGE_SIZE"])
    max_mb = current_app.config["MAX_IMPORT_BYTES"] // (1024 * 1024)
    upload_form = (kept_forms.blank_form(_UPLOAD_FORM, UploadForm) if form is None
                   else Markup(render_template(_UPLOAD_FORM, form=form, token=token_input())))
    return render_template("coordinator/imports/index.html", page=page, upload_form=upload_form,
                           max_mb=max_mb, max_rows=current_app.config["MAX_IMPORT_ROWS"]), status


@bp.route("/imports", methods=["GET", "POST"])
@takes_file("MAX_IMPORT_BYTES")
@role_required(*STAFF)
def imports():
    if request.method == "POST":
        form = UploadForm()
        if not form.validate_on_submit():
            return _list_page(form, 400)
        upload = form.file.data
        try:
            imp = service.upload(current_account(), Path(upload.filename or "").name,
                                 upload.read(current_app.config["MAX_IMPORT_BYTES"] + 1))
        except service.ImportRefused as refused:
            form.file.errors.append(str(refused))
            return _list_page(form, 400)
        flash(f"We read {imp.row_count:,} members from the file. Now tell us which column is "
              "which.", "success")
        return redirect(url_for("coordinator.import_mapping", import_id=imp.id))
    return _list_page(None)


@bp.errorhandler(413)
def too_big(error):
    """A file over the import's limit gets the import page's own words, not a bare 413."""
    if upload_limit_setting() != "MAX_IMPORT_BYTES" or not current_user.is_authenticated \
            or not current_user.has_role(*STAFF):
        from netapp.errors.handlers import client_error

        return client_error(error)
    form = UploadForm(formdata=None)
    form.file.errors = [service.too_big_message(current_app.config["MAX_IMPORT_BYTES"])]
    return _list_page(form, 413)


@bp.route("/imports/template.csv")
@role_required(*STAFF)
def import_template():
    return Response(service.template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=member-import-template.csv"})


@bp.route("/imports/sample.csv")
@role_required(*STAFF)
def import_sample():
    return Response(SAMPLE.read_bytes(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=sample-members.csv"})


@bp.route("/imports/sample-ready.csv")
@role_required(*STAFF)
def import_sample_ready():
    return Response(SAMPLE_READY.read_bytes(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=sample-members-ready.csv"})


@bp.route("/imports/<int:import_id>")
@role_required(*STAFF)
def import_detail(import_id: int):
    imp = _import(import_id)
    if imp.status == ImportStatus.UPLOADED and imp.content:
        return redirect(url_for("coordinator.import_mapping", import_id=imp.id))
    problems = imp.report.get("problems", [])
    per_page = PROBLEMS_PER_PAGE
    pages = max(1, -(-len(problems) // per_page))
    page = min(_page(), pages)
    return render_template(
        "coordinator/imports/detail.html", imp=imp, form=EmptyForm(),
        problems=problems[(page - 1) * per_page:page * per_page], problem_page=page,
        problem_pages=pages, first_problem=(page - 1) * per_page + 1,
        can_import=service.can_import(imp), can_map=service.can_map(imp),
        kind_words=KIND_WORDS)


KIND_WORDS = {
    "name": "Name missing or too long",
    "email": "Email address missing or not valid",
    "duplicate": "The same email address twice in the file",
    "council": "Council we don't know",
    "service_type": "Service type we don't know, or missing",
    "organisation": "Organisation missing",
    "level": "Level of leadership not 1 to 4",
    "online": "Meets online not yes or no",
    "score": "Self-assessment score not 1 to 4, or some missing",
}


@bp.route("/imports/<int:import_id>/columns", methods=["GET", "POST"])
@role_required(*STAFF)
def import_mapping(import_id: int):
    imp = _import(import_id)
    if not service.can_map(imp):
        flash("This import has already run or its file is gone, so its columns can't change.",
              "error")
        return _to_import(imp)
    preview = service.peek(imp.content)
    form = mapping_form(preview.headings, imp.mapping or {})
    status = 200
    if form.validate_on_submit():
        chosen = {f.name: form[f.name].data for f in service.FIELDS}
        try:
            service.dry_run(current_account(), imp, chosen)
        except service.MappingError as wrong:
            for name, message in wrong.problems.items():
                form[name].errors.append(message)
            status = 400
        except service.ImportRefused as refused:
            flash(str(refused), "error")
            return _to_import(imp)
        else:
            return _to_import(imp)
    elif request.method == "POST":
        status = 400
    mapped = {f.name: (imp.mapping or {}).get(f.name) for f in service.FIELDS}
    return render_template(
        "coordinator/imports/mapping.html", imp=imp, form=form, preview=preview,
        fields=service.FIELDS, mapped=mapped,
        score_columns=service.score_columns(preview.headings)), status


@bp.route("/imports/<int:import_id>/run", methods=["POST"])
@role_required(*STAFF)
def import_run(import_id: int):
    imp = _import(import_id)
    if EmptyForm().validate_on_submit():
        try:
            service.start_import(current_account(), imp)
        except (service.ImportRefused, jobs.JobError) as problem:
            flash(str(problem), "error")
    return _to_import(imp)


@bp.route("/imports/<int:import_id>/progress")
@role_required(*STAFF)
def import_progress(import_id: int):
    """The progress fragment, polled by the import page; tells htmx to reload once finished."""
    imp = _import(import_id)
    if imp.job is None:
        abort(404)
    return progress_fragment(imp.job, url_for("coordinator.import_detail", import_id=imp.id))


@bp.route("/imports/<int:import_id>/discard", methods=["POST"])
@role_required(*STAFF)
def import_discard(import_id: int):
    imp = _import(import_id)
    if EmptyForm().validate_on_submit():
        try:
            service.discard(current_account(), imp)
            flash("The file is discarded: nothing from it was imported.", "success")
        except service.ImportRefused as problem:
            flash(str(problem), "error")
    return _to_import(imp)
