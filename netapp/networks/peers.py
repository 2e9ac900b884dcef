"""Peers worth meeting: suggestions with reasons, saying hello (and hello back), "not for me".

Hello and "not for me" answer 404 for anyone the member could not see listed in one of their
networks (a reply to a hello received is the one exception), so a guessed id tells nothing.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from netapp.members._common import current_member
from netapp.networks import bp
from netapp.networks.peer_forms import DismissForm, HelloForm
from netapp.services import peers as service


@bp.route("/peers")
@login_required
def peers():
    page = service.peers_page(current_member())
    return render_template("networks/peers/index.html", suggestions=page.suggestions,
                           unread=page.unread,
                           peers_html=service.suggestions_html(page.suggestions, "peers"))


@bp.route("/peers/<int:user_id>/hello", methods=["GET", "POST"])
@login_required
def say_hello(user_id: int):
    user = current_member()
    # Who they are and whether they may be greeted, read in one statement (two when they
    # have not said hello first: whether the member sees them listed).
    recipient = service.greetable_person(user, user_id)
    if recipient is None:
        abort(404)
    form = HelloForm()
    if form.validate_on_submit():
        account = service.greetable(user, user_id)  # their account, for the hello's notice
        if account is not None and service.say_hello(user, account, form.message.data):
            flash(f"Your hello is on its way to {recipient.display_name}.", "success")
        return redirect(url_for("networks.hellos"))
    status = 400 if request.method == "POST" else 200
    return render_template("networks/peers/hello.html", form=form, recipient=recipient,
                           is_reply=recipient.is_reply), status


@bp.route("/peers/<int:user_id>/dismiss", methods=["POST"])
@login_required
def dismiss_peer(user_id: int):
    user = current_member()
    if not service.is_visible_peer(user, user_id):
        abort(404)
    form = DismissForm()
    if not form.validate_on_submit():
        abort(400)
    service.dismiss(user, user_id)
    flash("Done: we won't suggest them again.", "success")
    return redirect(url_for("main.dashboard") if form.back.data == "home"
                    else url_for("networks.peers"))


@bp.route("/peers/hellos")
@login_required
def hellos():
    user = current_member()
    found = service.hellos_for(user)
    if any(line.is_new for line in found.received):
        # Only when something here is new: otherwise no change, so no transaction to write.
        service.mark_hellos_read(user)
    return render_template("networks/peers/hellos.html", hellos=found)
