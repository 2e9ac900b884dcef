"""A member asks to join an action learning set, changes how they'd like to meet, or withdraws."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from netapp.forms_common import EmptyForm
from netapp.members._common import current_member
from netapp.models import MeetingMode
from netapp.services import sets_formation as service
from netapp.sets import bp
from netapp.sets.formation_forms import RequestForm


@bp.route("/request", methods=["GET", "POST"])
@login_required
def request_page():
    user = current_member()
    mine, in_set = service.request_standing(user)
    if in_set is not None:  # the page says which set they are in, and offers no form
        return render_template("sets/request.html", form=None, mine=mine, in_set=in_set,
                               mode_words=service.MODE_WORDS)
    form = RequestForm(data=None if request.method == "POST" or mine is None else
                       {"mode": mine.mode.value, "note": mine.note})
    if form.validate_on_submit():
        service.ask_to_join(user, MeetingMode(form.mode.data), form.note.data or "")
        flash("Thanks: you've asked to join a set. A coordinator will place you when sets are "
              "next formed, and we'll tell you." if mine is None else
              "Saved: your request is up to date.", "success")
        return redirect(url_for("sets.request_page"))
    return render_template("sets/request.html", form=form, mine=mine, in_set=in_set,
                           mode_words=service.MODE_WORDS)


@bp.route("/request/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_request():
    user = current_member()
    if service.request_of(user) is None:
        flash("You haven't asked to join a set.", "info")
        return redirect(url_for("sets.request_page"))
    form = EmptyForm()
    if form.validate_on_submit():
        service.withdraw_request(user)
        flash("Your request is withdrawn. You can ask again at any time.", "success")
        return redirect(url_for("main.dashboard"))
    if request.method == "POST":
        abort(400)
    return render_template("sets/request_withdraw.html", form=form)
