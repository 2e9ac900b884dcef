"""A member looking for a mentor: say so, see suggested mentors, ask one, dismiss one."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from netapp.forms_common import EmptyForm
from netapp.members._common import current_member
from netapp.mentoring import bp
from netapp.mentoring.offer_forms import AskForm, SwitchForm
from netapp.services import mentoring


def _back():
    return redirect(url_for("mentoring.suggestions"))


@bp.route("/suggestions")
@login_required
def suggestions():
    member = current_member()
    page = mentoring.member_page(member)
    # The page's buttons post a token (and the switch its value) written out by the template:
    # no form is built to show them.
    return render_template("mentoring/suggestions.html", page=page,
                           limit=mentoring.MAX_OPEN_REQUESTS)


@bp.route("/suggestions/wanted", methods=["POST"])
@login_required
def wants_mentor():
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.value.data == "yes"
    mentoring.set_wants_mentor(current_member(), wanted)
    flash("Thank you. We'll look for mentors who suit you." if wanted
          else "Noted: we won't suggest mentors for now.", "success")
    return _back()


@bp.route("/suggestions/<int:mentor_id>/ask", methods=["GET", "POST"])
@login_required
def ask(mentor_id: int):
    member = current_member()
    try:
        suggestion = mentoring.suggestion_for(member, mentor_id)
    except mentoring.NotYours:
        abort(404)
    form = AskForm()
    if form.validate_on_submit():
        try:
            mentoring.ask(member, mentor_id, form.note.data or "")
        except mentoring.MentoringError as problem:
            flash(str(problem), "error")
            return _back()
        except mentoring.NotYours:
            abort(404)
        flash(f"Your request is on its way to {suggestion.mentor.display_name}. "
              "We'll let you know when they answer.", "success")
        return _back()
    return render_template("mentoring/suggestions_ask.html", suggestion=suggestion, form=form)


@bp.route("/suggestions/<int:mentor_id>/dismiss", methods=["POST"])
@login_required
def dismiss(mentor_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        mentoring.dismiss(current_member(), mentor_id)
    except mentoring.NotYours:
        abort(404)
    flash("We won't suggest them again.", "success")
    return _back()


@bp.route("/requests/<int:mentorship_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(mentorship_id: int):
    member = current_member()
    try:
        request = mentoring.own_request(member, mentorship_id)
    except mentoring.NotYours:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        mentoring.withdraw(member, mentorship_id)
        flash(f"Your request to {request.mentor.display_name} is withdrawn.", "success")
        return _back()
    return render_template("mentoring/suggestions_withdraw.html", request=request, form=form)
