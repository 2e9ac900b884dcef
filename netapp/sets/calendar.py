"""A member's private calendar feed: the address page (made, shown once, replaced, stopped) and
the feed itself, opened by calendar apps with the token in the address as the only key."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import login_required

from netapp.extensions import limiter
from netapp.forms_common import EmptyForm
from netapp.members._common import current_member
from netapp.services import calendar as service
from netapp.sets import bp


@bp.route("/calendar")
@login_required
def calendar_page():
    return render_template("sets/set_calendar.html", has_feed=service.has_feed(current_member()),
                           form=EmptyForm(), address=None)


@bp.route("/calendar/new", methods=["POST"])
@login_required
def new_calendar_address():
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = service.new_feed(current_member())
    # Shown once, in this answer only: nothing keeps the token, so a reload can't show it again.
    response = render_template("sets/set_calendar.html", has_feed=True, form=EmptyForm(),
                               address=service.feed_url(token))
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/calendar/stop", methods=["POST"])
@login_required
def stop_calendar_address():
    if not EmptyForm().validate_on_submit():
        abort(400)
    if service.stop_feed(current_member()):
        flash("Your calendar address no longer works. Make a new one whenever you like.",
              "success")
    return redirect(url_for("sets.calendar_page"))


@bp.route("/calendar/feed/<token>.ics")
@limiter.limit("60 per minute")
def calendar_feed(token: str):
    owner = service.feed_owner(token)
    if owner is None:
        abort(404)
    response = Response(service.feed_file(owner), mimetype="text/calendar")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

