"""The page a mentor and mentee share: goals, meetings, messages, check-ins and closing.

Only the two of them may open it; anyone else gets a 404, coordinators and admins included.
Coordinators see programme-wide check-in averages only (``checkin_summary``).
"""
from __future__ import annotations

import click
from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask_login import login_required
from wtforms import SelectChoice

from netapp import form_html
from netapp.access import role_required
from netapp.members._common import current_member
from netapp.mentoring import bp
from netapp.mentoring.relationship_forms import (
    CheckInForm,
    CloseForm,
    FeedbackForm,
    GoalForm,
    GoalStatusForm,
    MeetingForm,
    MessageForm,
)
from netapp.models import Role
from netapp.models.base import utcnow
from netapp.request_hooks import page_number
from netapp.services import mentorships as service
from netapp.services.mentorships import NotYours, RelationshipError

PER_PAGE = 10


def _page_number(name: str) -> int:
    return max(1, request.args.get(name, 1, type=page_number) or 1)


def _back(mentorship_id: int, anchor: str = ""):
    return redirect(url_for("mentoring.relationship", mentorship_id=mentorship_id)
                    + (f"#{anchor}" if anchor else ""))


def _element_choices(form: GoalForm) -> None:
    form.elements.choices = [SelectChoice(code, f"{code} {name}")
                             for code, name, _ in service.element_choices()]


# One element's checkbox and label, as the goal page places them in its dimension's group.
_ELEMENT_ITEM = '{0}<label for="{1}">{2}</label>'


def _element_options(form: GoalForm) -> dict:
    """{element code: its checkbox and label}, written without a field built for each of the
    framework's elements (the template's loop over them cost about half a millisecond)."""
    return dict(form_html.choice_parts(form.elements, None, _ELEMENT_ITEM))


def _dimension_groups() -> list[tuple[str, list[str]]]:
    """(dimension name, element codes) in framework order, for grouping the checkboxes."""
    groups: dict[str, list[str]] = {}
    for code, _, dimension in service.element_choices():
        groups.setdefault(dimension, []).append(code)
    return list(groups.items())


def _render_page(mentorship_id: int, message_form: MessageForm | None = None, status=200):
    user = current_member()
    try:
        page = service.page_for(user, mentorship_id, meetings_page=_page_number("meetings"),
                                messages_page=_page_number("messages"), per_page=PER_PAGE)
    except NotYours:
        abort(404)
    return render_template(
        "mentoring/relationship.html", page=page, message_form=message_form or MessageForm(),
        status_forms={g.id: GoalStatusForm(prefix=f"goal{g.id}", status=g.status.value)
                      for g in page.goals},
        question=service.CHECKIN_QUESTION), status


@bp.route("/<int:mentorship_id>")
@login_required
def relationship(mentorship_id: int):
    return _render_page(mentorship_id)


def _mentorship_or_404(mentorship_id: int):
    try:
        return service.relationship_for(current_member(), mentorship_id)
    except NotYours:
        abort(404)


def _closed(mentorship):
    """A redirect back to the page when the mentorship is closed (nothing can change)."""
    if mentorship.status.is_closed:
        flash("This mentoring has closed, so it can't be changed now.", "info")
        return _back(mentorship.id)
    return None


# ------------------------------------------------------------------ goals


@bp.route("/<int:mentorship_id>/goals/new", methods=["GET", "POST"])
@login_required
def new_goal(mentorship_id: int):
    mentorship = _mentorship_or_404(mentorship_id)
    if closed := _closed(mentorship):
        return closed
    form = GoalForm()
    _element_choices(form)
    if form.validate_on_submit():
        try:
            service.add_goal(current_member(), mentorship_id, form.title.data,
                             form.elements.data)
        except NotYours:
            abort(404)
        except RelationshipError as problem:
            flash(str(problem), "error")
            return _back(mentorship_id)
        flash("Goal added. Good luck with it!", "success")
        return _back(mentorship_id, "goals")
    return render_template("mentoring/relationship_goal.html", form=form, mentorship=mentorship,
                           groups=_dimension_groups(), options=_element_options(form),
                           goal=None)


@bp.route("/<int:mentorship_id>/goals/<int:goal_id>", methods=["GET", "POST"])
@login_required
def edit_goal(mentorship_id: int, goal_id: int):
    try:
        mentorship, goal = service.goal_of(current_member(), mentorship_id, goal_id)
    except NotYours:
        abort(404)
    if closed := _closed(mentorship):
        return closed
    form = GoalForm(data={"title": goal.title, "elements": goal.element_codes}
                    if request.method == "GET" else None)
    _element_choices(form)
    if form.validate_on_submit():
        try:
            service.edit_goal(current_member(), mentorship_id, goal_id, form.title.data,
                              form.elements.data)
        except RelationshipError as problem:
            flash(str(problem), "error")
            return _back(mentorship_id)
        flash("Goal saved.", "success")
        return _back(mentorship_id, "goals")
    return render_template("mentoring/relationship_goal.html", form=form, mentorship=mentorship,
                           groups=_dimension_groups(), options=_element_options(form),
                           goal=goal)


@bp.route("/<int:mentorship_id>/goals/<int:goal_id>/status", methods=["POST"])
@login_required
def goal_status(mentorship_id: int, goal_id: int):
    try:
        service.goal_of(current_member(), mentorship_id, goal_id)
    except NotYours:
        abort(404)
    form = GoalStatusForm(prefix=f"goal{goal_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        service.set_goal_status(current_member(), mentorship_id, goal_id, form.chosen)
    except NotYours:
        abort(404)
    except RelationshipError as problem:
        flash(str(problem), "error")
        return _back(mentorship_id)
    flash("Goal updated.", "success")
    return _back(mentorship_id, "goals")


# ------------------------------------------------------------------ meetings


@bp.route("/<int:mentorship_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(mentorship_id: int):
    mentorship = _mentorship_or_404(mentorship_id)
    if closed := _closed(mentorship):
        return closed
    form = MeetingForm(data={"met_on": utcnow().date()} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.log_meeting(current_member(), mentorship_id, form.met_on.data,
                                form.shared_notes.data or "", form.private_notes.data or "")
        except NotYours:
            abort(404)
        except RelationshipError as problem:
            form.met_on.errors.append(str(problem))
        else:
            flash("Meeting saved.", "success")
            return _back(mentorship_id, "meetings")
    return render_template("mentoring/relationship_meeting.html", form=form,
                           mentorship=mentorship, meeting=None)


@bp.route("/<int:mentorship_id>/meetings/<int:meeting_id>", methods=["GET", "POST"])
@login_required
def edit_meeting(mentorship_id: int, meeting_id: int):
    user = current_member()
    try:
        mentorship, meeting = service.meeting_of(user, mentorship_id, meeting_id)
    except NotYours:
        abort(404)
    if closed := _closed(mentorship):
        return closed
    data = None
    if request.method == "GET":
        data = {"met_on": meeting.met_on, "shared_notes": meeting.shared_notes,
                "private_notes": service.my_private_notes(mentorship, meeting, user)}
    form = MeetingForm(data=data)
    if form.validate_on_submit():
        try:
            service.edit_meeting(user, mentorship_id, meeting_id, form.met_on.data,
                                 form.shared_notes.data or "", form.private_notes.data or "")
        except RelationshipError as problem:
            form.met_on.errors.append(str(problem))
        else:
            flash("Meeting saved.", "success")
            return _back(mentorship_id, "meetings")
    return render_template("mentoring/relationship_meeting.html", form=form,
                           mentorship=mentorship, meeting=meeting)


# ------------------------------------------------------------------ messages


@bp.route("/<int:mentorship_id>/messages", methods=["POST"])
@login_required
def send_message(mentorship_id: int):
    form = MessageForm()
    if form.validate_on_submit():
        try:
            service.send_message(current_member(), mentorship_id, form.body.data)
        except NotYours:
            abort(404)
        except RelationshipError as problem:
            flash(str(problem), "error")
            return _back(mentorship_id)
        flash("Message sent.", "success")
        return _back(mentorship_id, "messages")
    return _render_page(mentorship_id, message_form=form, status=422)


# ------------------------------------------------------------------ check-ins


@bp.route("/<int:mentorship_id>/check-in/<int:day>", methods=["GET", "POST"])
@login_required
def checkin(mentorship_id: int, day: int):
    user = current_member()
    try:
        mentorship = service.checkin_is_open(user, mentorship_id, day)
    except NotYours:
        abort(404)
    except RelationshipError as problem:
        flash(str(problem), "info")
        return _back(mentorship_id)
    form = CheckInForm()
    if form.validate_on_submit():
        try:
            service.check_in(user, mentorship_id, day, int(form.rating.data),
                             form.comment.data or "")
        except RelationshipError as problem:
            flash(str(problem), "info")
            return _back(mentorship_id)
        flash("Thank you for checking in.", "success")
        return _back(mentorship_id)
    return render_template("mentoring/relationship_checkin.html", form=form,
                           mentorship=mentorship, day=day,
                           other=service.other_of(mentorship, user))


@bp.route("/check-ins")
@role_required(Role.COORDINATOR, Role.ADMIN)
def checkin_summary():
    return render_template("mentoring/relationship_checkins.html",
                           averages=service.checkin_averages(),
                           minimum=service.MIN_ANSWERS_FOR_AVERAGE,
                           question=service.CHECKIN_QUESTION)


# ------------------------------------------------------------------ closing


@bp.route("/<int:mentorship_id>/close", methods=["GET", "POST"])
@login_required
def close_relationship(mentorship_id: int):
    user = current_member()
    mentorship = _mentorship_or_404(mentorship_id)
    if mentorship.status.is_closed:
        flash("This mentoring has closed already.", "info")
        return _back(mentorship_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            service.close(user, mentorship_id, service.Outcome(form.outcome.data),
                          form.feedback.data or "")
        except RelationshipError as problem:
            flash(str(problem), "error")
            return _back(mentorship_id)
        flash("Your mentoring is closed. Thank you both for the time you gave it.", "success")
        return _back(mentorship_id)
    return render_template("mentoring/relationship_close.html", form=form,
                           mentorship=mentorship, other=service.other_of(mentorship, user))


@bp.route("/<int:mentorship_id>/feedback", methods=["GET", "POST"])
@login_required
def relationship_feedback(mentorship_id: int):
    user = current_member()
    mentorship = _mentorship_or_404(mentorship_id)
    if not mentorship.status.is_closed:
        flash("You can add feedback when your mentoring closes.", "info")
        return _back(mentorship_id)
    form = FeedbackForm(data={"feedback": service.my_feedback(mentorship, user)}
                        if request.method == "GET" else None)
    if form.validate_on_submit():
        service.give_feedback(user, mentorship_id, form.feedback.data or "")
        flash("Thank you for your feedback.", "success")
        return _back(mentorship_id)
    return render_template("mentoring/relationship_feedback.html", form=form,
                           mentorship=mentorship, other=service.other_of(mentorship, user))


# ------------------------------------------------------------------ the periodic job


@click.command("mentoring-nudges")
@click.option("--site", default="", help="The site's address for links in emails "
              "(default: the SITE_URL setting).")
@with_appcontext
def nudges_command(site: str) -> None:
    """Nudge pairs who haven't met in 30 days and tell people a check-in is due."""
    result = service.run_reminders(site or None)
    click.echo(f"Nudged {result.nudged} pair(s); sent {result.checkins} check-in notice(s).")


# Registered with the app when the blueprint is, so `flask mentoring-nudges` needs no other file.
bp.record_once(lambda state: state.app.cli.add_command(nudges_command))
