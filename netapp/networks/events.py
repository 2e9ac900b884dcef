"""Network events: the lists, an event's page, RSVPs, the calendar file, and (for leads and,
in local networks, coordinators) creating, changing, cancelling and recording who came.

An event of an affinity network answers 404 to anyone outside the network, staff included;
the managing pages answer 404 to anyone who may not manage the event.
"""
from __future__ import annotations

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
from flask_login import login_required
from markupsafe import escape
from wtforms import SelectChoice

from netapp.forms_common import EmptyForm
from netapp.members._common import current_member
from netapp.models import Role
from netapp.networks import bp, event_items
from netapp.networks.event_forms import AttendanceForm, EventForm
from netapp.request_hooks import page_number
from netapp.services import calendar, event_lists, reference
from netapp.services import events as service
from netapp.services.events import EventError, NotFound
from netapp.services.sets import to_london


def _page_number() -> int:
    return request.args.get("page", 1, type=page_number) or 1


def _or_404(get, *args):
    try:
        return get(current_member(), *args)
    except NotFound:
        abort(404)


def _save(form: EventForm, save) -> bool:
    try:
        save(form.data_in())
    except EventError as error:
        target = getattr(form, error.field or "day")
        target.errors = [*target.errors, str(error)]
        return False
    return True


@bp.route("/events")
@login_required
def my_events():
    viewer = current_member()
    pager = event_lists.my_events(viewer, _page_number(), current_app.config["PAGE_SIZE"])
    # An event's address built once, each id added to it (not url_for per event).
    lines_html = event_items.event_lines(
        pager.items, escape(url_for("networks.event_page", event_id=0)[:-1]))
    return render_template("networks/events/my_events.html", pager=pager, lines=pager.items,
                           lines_html=lines_html)


@bp.route("/<int:network_id>/events")
@login_required
def network_events(network_id: int):
    viewer = current_member()
    network = reference.network(network_id)
    # An affinity network's events are for its confirmed members only (404 for anyone else).
    if network is None or (network.is_affinity and not viewer.is_verified):
        abort(404)
    past = request.args.get("past") == "1"
    standing, pager = event_lists.network_events(
        viewer, network, _page_number(), current_app.config["PAGE_SIZE"], upcoming=not past)
    if network.is_affinity and not standing.is_member:
        abort(404)
    can_manage = standing.is_lead if network.is_affinity else (
        standing.is_lead or viewer.has_role(Role.COORDINATOR, Role.ADMIN))
    lines_html = event_items.event_lines(
        pager.items, escape(url_for("networks.event_page", event_id=0)[:-1]),
        show_network=False)
    return render_template("networks/events/network_events.html", network=network, pager=pager,
                           lines=pager.items, lines_html=lines_html, past=past,
                           can_manage=can_manage)


@bp.route("/<int:network_id>/events/new", methods=["GET", "POST"])
@login_required
def new_event(network_id: int):
    network = _or_404(service.managed_network, network_id)
    form = EventForm()
    actor = current_member()
    saved = []
    if form.validate_on_submit() and _save(
            form, lambda data: saved.append(service.create(actor, network, data))):
        flash("Event created. Members can now say they're going.", "success")
        return redirect(url_for("networks.event_page", event_id=saved[0].id))
    return render_template("networks/events/event_form.html", network=network, form=form,
                           event=None), 400 if request.method == "POST" else 200


@bp.route("/events/<int:event_id>")
@login_required
def event_page(event_id: int):
    page = _or_404(service.event_page, event_id)
    event = page.event
    going, waiting = (page.people_going, page.people_waiting) if page.can_manage else ([], [])
    return render_template("networks/events/event.html", page=page, event=event,
                           network=page.network, going=going,
                           waiting=waiting, when=service.when_words(event),
                           is_past=service.is_past(event))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = _or_404(service.managed_event, event_id)
    if event.cancelled_at is not None:
        abort(404)
    actor = current_member()
    if request.method == "POST":
        form = EventForm()
    else:
        start, end = to_london(event.starts_at), to_london(event.ends_at)
        form = EventForm(data={
            "title": event.title, "description": event.description, "day": start.date(),
            "start": start.time(), "end": end.time(),
            "mode": "online" if event.is_online else "in_person", "place": event.place,
            "link": event.link, "capacity": event.capacity})
    if form.validate_on_submit() and _save(form, lambda data: service.change(actor, event, data)):
        flash("Event changed. Everyone going has an email with the new details.", "success")
        return redirect(url_for("networks.event_page", event_id=event.id))
    return render_template("networks/events/event_form.html", network=event.network, form=form,
                           event=event), 400 if request.method == "POST" else 200


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_event(event_id: int):
    event = _or_404(service.managed_event, event_id)
    if event.cancelled_at is not None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        service.cancel(current_member(), event)
        flash("Event cancelled. Everyone going or waiting has an email that takes it out of "
              "their calendar.", "success")
        return redirect(url_for("networks.event_page", event_id=event.id))
    if request.method == "POST":
        abort(400)
    return render_template("networks/events/cancel.html", event=event, form=form,
                           when=service.when_words(event))


@bp.route("/events/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(event_id: int):
    event = _or_404(service.event_for, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        mine = service.join(current_member(), event)
    except EventError as error:
        flash(str(error), "error")
    else:
        if mine.status.value == "going":
            flash("You're going. We've emailed you a calendar file.", "success")
        else:
            flash("The event is full, so you're on the waitlist. If a place comes up, it's "
                  "yours in turn and we'll tell you.", "success")
    return redirect(url_for("networks.event_page", event_id=event.id))


@bp.route("/events/<int:event_id>/rsvp/cancel", methods=["POST"])
@login_required
def cancel_rsvp(event_id: int):
    event = _or_404(service.event_for, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if service.leave(current_member(), event):
        flash("Done: you're no longer going. Changed your mind? Say you're going again.",
              "success")
    return redirect(url_for("networks.event_page", event_id=event.id))


@bp.route("/events/<int:event_id>/calendar.ics")
@login_required
def event_file(event_id: int):
    event = _or_404(service.event_for, event_id)
    viewer = current_member()
    mine = service.rsvp_of(viewer, event)
    with_link = (mine is not None and mine.status.value == "going") or \
        service.can_manage(viewer, event.network)
    response = Response(calendar.event_file(event, with_link=with_link),
                        mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
@login_required
def event_attendance(event_id: int):
    event = _or_404(service.managed_event, event_id)
    if event.cancelled_at is not None:
        abort(404)
    going = service.people_going(event)
    recorded = any(r.attended is not None for r, _ in going)
    form = AttendanceForm(data=None if request.method == "POST" else
                          {"came": [r.user_id for r, _ in going if r.attended]})
    form.came.choices = [SelectChoice(u.id, u.display_name) for _, u in going]
    if form.validate_on_submit():
        try:
            service.record_attendance(current_member(), event, set(form.came.data or []))
        except EventError as error:
            form.came.errors = [*form.came.errors, str(error)]
        else:
            flash("Saved who came. Thank you.", "success")
            return redirect(url_for("networks.event_page", event_id=event.id))
    return render_template("networks/events/attendance.html", event=event, form=form,
                           when=service.when_words(event), recorded=recorded,
                           is_past=service.is_past(event)), \
        400 if request.method == "POST" else 200


@bp.app_template_global("event_when")
def event_when(event) -> str:
    """An event's start in UK time, short: for the panels on the network and home pages."""
    return service.short_when(event)
