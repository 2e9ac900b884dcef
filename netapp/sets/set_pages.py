"""A set's own page: its members, facilitator, meetings and shared notes and actions; leaving a
set; and, for coordinators, each set's membership and attendance and the members flagged for
missing meetings.

Only the set's current members and its facilitator may open the set's pages; anyone else gets a
404, coordinators and admins included. Coordinators use ``set_roster``, which has no notes.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup

from netapp import kept_forms
from netapp.access import role_required
from netapp.forms_common import EmptyForm, token_input
from netapp.members._common import current_member
from netapp.models import Role, SetStatus
from netapp.request_hooks import page_number
from netapp.services import sets as service
from netapp.services.sets import NotYours, SetError
from netapp.sets import bp
from netapp.sets.set_forms import ActionForm, NoteForm

NOTES_PER_PAGE = 20
FLAGS_PER_PAGE = 25
SETS_PER_PAGE = 25


def _page() -> int:
    return max(1, request.args.get("page", 1, type=page_number) or 1)


def _mine(set_id: int):
    try:
        return service.set_for(current_member(), set_id)
    except NotYours:
        abort(404)


# A note's or an action's box (its error summary, the token and the field).
_BODY_FIELD = "sets/_body_field.html"


def _boxes(note_form, action_form) -> tuple[Markup, Markup]:
    """The note's and the action's boxes. Empty (the page shown with GET), each is the same
    for every reader but its token, so kept per process; after a refused form both are
    rendered from the forms, as sent."""
    if note_form is None and action_form is None:
        return (kept_forms.blank_form(_BODY_FIELD, NoteForm),
                kept_forms.blank_form(_BODY_FIELD, ActionForm))
    token = token_input()
    return tuple(Markup(render_template(_BODY_FIELD, form=form, token=token))
                 for form in (note_form or NoteForm(), action_form or ActionForm()))


def _render_set(set_id: int, note_form=None, action_form=None, status=200):
    try:
        page = service.set_page(current_member(), set_id, _page(), NOTES_PER_PAGE)
    except NotYours:
        abort(404)
    # Only an active set shows the boxes.
    note_box, action_box = (_boxes(note_form, action_form)
                            if page.row.status is SetStatus.ACTIVE else (None, None))
    return render_template("sets/set_page.html", page=page, notes=page.notes,
                           note_fields=note_box, action_fields=action_box), status


@bp.route("/<int:set_id>")
@login_required
def set_page(set_id: int):
    return _render_set(set_id)


def _add(set_id: int, form_class, is_action: bool):
    row = _mine(set_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            service.add_note(current_member(), row, form.body.data, is_action)
        except SetError as error:
            flash(str(error), "error")
        else:
            flash("Added: your set can see it." if not is_action else "Action added.",
                  "success")
        return redirect(url_for("sets.set_page", set_id=row.id) + "#notes")
    if is_action:
        return _render_set(row.id, action_form=form, status=400)
    return _render_set(row.id, note_form=form, status=400)


@bp.route("/<int:set_id>/notes", methods=["POST"])
@login_required
def add_note(set_id: int):
    return _add(set_id, NoteForm, is_action=False)


@bp.route("/<int:set_id>/actions", methods=["POST"])
@login_required
def add_action(set_id: int):
    return _add(set_id, ActionForm, is_action=True)


@bp.route("/<int:set_id>/actions/<int:note_id>/done", methods=["POST"])
@login_required
def action_done(set_id: int, note_id: int):
    row = _mine(set_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.mark_done(current_member(), row, note_id)
    except NotYours:
        abort(404)
    flash("Marked as done.", "success")
    return redirect(url_for("sets.set_page", set_id=row.id) + "#notes")


@bp.route("/<int:set_id>/leave", methods=["GET", "POST"])
@login_required
def leave_set(set_id: int):
    row = _mine(set_id)
    user = current_member()
    if not service.is_member(user, row):
        abort(404)  # the facilitator isn't a member and has nothing to leave
    form = EmptyForm()
    if form.validate_on_submit():
        service.leave(user, row)
        flash(f"You've left {row.name}. We've told the facilitator. You can ask to join "
              "another set at any time.", "success")
        return redirect(url_for("main.dashboard"))
    if request.method == "POST":
        abort(400)
    return render_template("sets/set_leave.html", row=row, form=form)


@bp.route("/<int:set_id>/change", methods=["GET", "POST"])
@login_required
def ask_change(set_id: int):
    """Ask a coordinator for a move to another set; no reason needed."""
    row = _mine(set_id)
    user = current_member()
    if not service.is_member(user, row):
        abort(404)  # the facilitator has no place to change
    form = EmptyForm()
    if form.validate_on_submit():
        service.ask_change(user, row)
        flash("We've asked the coordinators to find you another set. They'll be in touch.",
              "success")
        return redirect(url_for("sets.set_page", set_id=row.id))
    if request.method == "POST":
        abort(400)
    return render_template("sets/set_change.html", row=row, form=form)


# ---------------------------------------------------------------- coordinators


@bp.route("/running")
@login_required
@role_required(Role.COORDINATOR, Role.ADMIN)
def running_sets():
    sets = service.running_page(_page(), SETS_PER_PAGE)
    return render_template("sets/set_running.html", sets=sets)


@bp.route("/<int:set_id>/roster")
@login_required
@role_required(Role.COORDINATOR, Role.ADMIN)
def set_roster(set_id: int):
    try:
        roster = service.roster(set_id)
    except NotYours:
        abort(404)
    return render_template("sets/set_roster.html", roster=roster, when=service.when_words)


@bp.route("/flags")
@login_required
@role_required(Role.COORDINATOR, Role.ADMIN)
def flags():
    page = _page()
    rows, total = service.flags_page(page, FLAGS_PER_PAGE)
    pages = max(1, -(-total // FLAGS_PER_PAGE))
    return render_template("sets/set_flags.html", flags=rows, total=total, page=page,
                           pages=pages, when=service.to_london)
