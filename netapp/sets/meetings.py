"""A set's meetings: the facilitator schedules, changes or cancels them and records who came;
members download a meeting's calendar file.

Everything here answers 404 to anyone who isn't the set's facilitator (or, for the calendar
file, one of its members), staff included.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from wtforms import SelectChoice

from netapp.forms_common import EmptyForm
from netapp.members._common import current_member
from netapp.services import calendar
from netapp.services import sets as service
from netapp.services.sets import NotYours, SetError
from netapp.sets import bp
from netapp.sets.set_forms import AttendanceForm, MeetingForm


def _facilitated(set_id: int, meeting_id: int | None = None):
    try:
        row = service.facilitated_set(current_member(), set_id)
        return row, (service.meeting_of(row, meeting_id) if meeting_id is not None else None)
    except NotYours:
        abort(404)


def _save(form: MeetingForm, save) -> bool:
    try:
        save(form.day.data, form.start.data, form.end.data, form.is_online,
             form.place.data or "", form.link.data or "")
    except SetError as error:
        form.day.errors = [*form.day.errors, str(error)]
        return False
    return True


@bp.route("/<int:set_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(set_id: int):
    row, _ = _facilitated(set_id)
    form = MeetingForm()
    user = current_member()
    if form.validate_on_submit() and _save(
            form, lambda *a: service.schedule(user, row, *a)):
        flash("Meeting scheduled. Each member has an email with a calendar file.", "success")
        return redirect(url_for("sets.set_page", set_id=row.id))
    return render_template("sets/meeting_form.html", row=row, form=form, meeting=None), \
        400 if request.method == "POST" else 200


@bp.route("/<int:set_id>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(set_id: int, meeting_id: int):
    row, meeting = _facilitated(set_id, meeting_id)
    if meeting.cancelled_at is not None:
        abort(404)
    user = current_member()
    if request.method == "POST":
        form = MeetingForm()
    else:
        start, end = service.to_london(meeting.starts_at), service.to_london(meeting.ends_at)
        form = MeetingForm(data={"day": start.date(), "start": start.time(), "end": end.time(),
                                 "mode": "online" if meeting.is_online else "in_person",
                                 "place": meeting.place, "link": meeting.link})
    if form.validate_on_submit() and _save(
            form, lambda *a: service.change(user, row, meeting, *a)):
        flash("Meeting changed. Each member has an email with the new time.", "success")
        return redirect(url_for("sets.set_page", set_id=row.id))
    return render_template("sets/meeting_form.html", row=row, form=form, meeting=meeting), \
        400 if request.method == "POST" else 200


@bp.route("/<int:set_id>/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_meeting(set_id: int, meeting_id: int):
    row, meeting = _facilitated(set_id, meeting_id)
    if meeting.cancelled_at is not None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        service.cancel(current_member(), row, meeting)
        flash("Meeting cancelled. Each member has an email that takes it out of their calendar.",
              "success")
        return redirect(url_for("sets.set_page", set_id=row.id))
    if request.method == "POST":
        abort(400)
    return render_template("sets/meeting_cancel.html", row=row, meeting=meeting, form=form,
                           when=service.when_words(meeting))


@bp.route("/<int:set_id>/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def meeting_attendance(set_id: int, meeting_id: int):
    try:
        sheet = service.attendance_sheet(current_member(), set_id, meeting_id)
    except NotYours:
        abort(404)
    if sheet.meeting.cancelled_at is not None:
        abort(404)
    form = AttendanceForm(data=None if request.method == "POST" else
                          {"came": [uid for uid, came in sheet.recorded.items() if came]})
    form.came.choices = [SelectChoice(p.id, p.display_name) for p in sheet.members]
    if form.validate_on_submit():
        row, meeting = _facilitated(set_id, meeting_id)  # the records the marks are saved on
        try:
            service.record_attendance(current_member(), row, meeting, set(form.came.data or []))
        except SetError as error:
            flash(str(error), "error")
        else:
            flash("Saved who came.", "success")
            return redirect(url_for("sets.set_page", set_id=row.id))
    return render_template("sets/meeting_attendance.html", row=sheet.row, meeting=sheet.meeting,
                           form=form, when=service.when_words(sheet.meeting),
                           recorded=bool(sheet.recorded)), \
        400 if request.method == "POST" else 200


@bp.route("/<int:set_id>/meetings/<int:meeting_id>/calendar.ics")
@login_required
def meeting_file(set_id: int, meeting_id: int):
    try:
        row = service.set_for(current_member(), set_id)
        meeting = service.meeting_of(row, meeting_id)
    except NotYours:
        abort(404)
    body = calendar.meeting_file(row, meeting, cancelled=meeting.cancelled_at is not None)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="set-meeting-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response
