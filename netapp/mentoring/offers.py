"""A mentor's "My mentees": offers and requests to answer, mentees taken on, places and breaks.

Also the coordinators' list of offers nobody has answered in time.
"""
from __future__ import annotations

import click
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.cli import with_appcontext

from netapp.access import role_required
from netapp.forms_common import EmptyForm
from netapp.members._common import current_member
from netapp.mentoring import bp
from netapp.mentoring.offer_forms import CapacityForm, DeclineForm, SwitchForm
from netapp.models import Role
from netapp.request_hooks import page_number
from netapp.services import mentoring


def _back():
    return redirect(url_for("mentoring.mentees"))


@bp.route("/mentees")
@role_required(Role.MENTOR)
def mentees():
    mentor = current_member()
    page = mentoring.mentor_page(mentor)
    capacity_form = CapacityForm(capacity=page.capacity)
    return render_template(
        "mentoring/offers.html", page=page, form=EmptyForm(), capacity_form=capacity_form,
        pause_form=SwitchForm(value="no" if page.paused else "yes"))


@bp.route("/mentees/<int:mentorship_id>/accept", methods=["POST"])
@role_required(Role.MENTOR)
def accept(mentorship_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        accepted = mentoring.accept(current_member(), mentorship_id)
    except mentoring.NotYours:
        abort(404)
    except mentoring.MentoringError as problem:
        flash(str(problem), "error")
        return _back()
    flash(f"You're now mentoring {accepted.mentee.display_name}. We've let them know.", "success")
    return _back()


@bp.route("/mentees/<int:mentorship_id>/decline", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def decline(mentorship_id: int):
    mentor = current_member()
    try:
        item = mentoring.open_item(mentor, mentorship_id)
    except mentoring.NotYours:
        abort(404)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            mentoring.decline(mentor, mentorship_id, form.reason.data or "")
        except mentoring.MentoringError as problem:
            flash(str(problem), "error")
            return _back()
        flash(f"Thank you for letting {item.mentee_name} know. "
              "We'll look for another mentor for them.", "success")
        return _back()
    return render_template("mentoring/offers_decline.html", item=item, form=form)


@bp.route("/mentees/capacity", methods=["POST"])
@role_required(Role.MENTOR)
def set_capacity():
    form = CapacityForm()
    if not form.validate_on_submit():
        flash("Choose a number from 0 to 3.", "error")
        return _back()
    try:
        mentoring.set_capacity(current_member(), form.capacity.data)
    except mentoring.MentoringError as problem:
        flash(str(problem), "error")
        return _back()
    flash("Saved. Thank you for making room for people.", "success")
    return _back()


@bp.route("/mentees/pause", methods=["POST"])
@role_required(Role.MENTOR)
def pause():
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    paused = form.value.data == "yes"
    mentoring.set_paused(current_member(), paused)
    flash("You're taking a break: no new offers or requests will come until you're back."
          if paused else "Welcome back: you can be offered new mentees again.", "success")
    return _back()


@bp.route("/stale")
@role_required(Role.COORDINATOR, Role.ADMIN)
def stale_offers():
    page = mentoring.stale_offers(request.args.get("page", 1, type=page_number),
                                  current_app.config["PAGE_SIZE"])
    return render_template("mentoring/offers_stale.html", page=page,
                           days=current_app.config["MENTORING_OFFER_DAYS"])


@click.command("mentoring-stale-offers")
@click.option("--site", default="", help="The site's address for links in emails "
              "(default: the SITE_URL setting).")
@with_appcontext
def stale_offers_command(site: str) -> None:
    """Tell coordinators about offers no mentor has answered in time (run it daily)."""
    told = mentoring.run_stale_offer_flags(site or current_app.config["SITE_URL"])
    click.echo(f"Told {told} coordinator(s) about offers waiting too long." if told
               else "No new offers waiting too long.")


# Registered with the app when the blueprint is, so the command needs no other file.
bp.record_once(lambda state: state.app.cli.add_command(stale_offers_command))
