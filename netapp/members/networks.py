"""My networks, joining and leaving affinity networks (with consent), and network pages."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import ConsentForm, EmptyForm, ListingForm
from netapp.models import Network
from netapp.services import networks


@bp.route("/me/networks")
@login_required
def my_networks():
    user = current_member()
    mine = networks.memberships(user.id)
    joined = {m.network_id for m in mine}
    return render_template("members/networks.html", memberships=mine,
                           others=[n for n in networks.affinity_networks() if n.id not in joined],
                           listing_form=ListingForm(), resend_form=EmptyForm())


def _affinity_or_404(code: str):
    network = networks.by_code(code)
    if network is None or not network.is_affinity:
        abort(404)
    return network


@bp.route("/me/networks/<code>/join", methods=["GET", "POST"])
@login_required
def join_network(code: str):
    network = _affinity_or_404(code)
    user = current_member()
    if networks.is_member(user.id, network.id):
        flash(f"You're already in the {network.name}.", "info")
        return redirect(url_for("members.my_networks"))
    if not user.is_verified:
        # Checked before the form, so nothing posted can get past it.
        return render_template("members/join_confirm_first.html", network=network,
                               resend_form=EmptyForm()), 403 if request.method == "POST" else 200
    form = ConsentForm()
    if form.validate_on_submit():
        networks.join_affinity(user, network)
        flash(f"Welcome to the {network.name}. You can leave at any time from My networks.",
              "success")
        return redirect(url_for("members.my_networks"))
    return render_template("members/join.html", form=form, network=network,
                           consent_version=networks.CONSENT_VERSION), 400 if form.errors else 200


@bp.route("/me/networks/<code>/leave", methods=["GET", "POST"])
@login_required
def leave_network(code: str):
    network = _affinity_or_404(code)
    user = current_member()
    if not networks.is_member(user.id, network.id):
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        networks.withdraw(user, network)
        flash(f"You've left the {network.name}. We've deleted your membership and your consent "
              "record for it.", "success")
        return redirect(url_for("members.my_networks"))
    return render_template("members/leave.html", form=form, network=network)


@bp.route("/me/networks/<code>/listing", methods=["POST"])
@login_required
def set_listing(code: str):
    network = _affinity_or_404(code)
    user = current_member()
    if not networks.is_member(user.id, network.id):
        abort(404)
    form = ListingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        networks.set_listed(user, network, form.listed.data)
    except networks.EmailNotConfirmed:
        flash("Please confirm your email first. We can send you the link again.", "error")
        return redirect(url_for("members.my_networks"))
    if form.listed.data:
        flash(f"You're now listed in the {network.name}. Its other members can see your name.",
              "success")
    else:
        flash(f"You're no longer listed in the {network.name}. You're still a member.",
              "success")
    return redirect(url_for("members.my_networks"))


@bp.route("/members/networks/<int:network_id>")
@login_required
def network(network_id: int):
    found = db.session.get(Network, network_id)
    viewer = current_member()
    # Outsiders get "not found", not "forbidden": an affinity network's members stay private.
    if found is None or not networks.can_see_network(viewer, found):
        abort(404)
    page = networks.members_page(found, viewer, request.args.get("page", 1, type=int),
                                 current_app.config["PAGE_SIZE"])
    return render_template(
        "members/network.html", network=found, page=page, viewer=viewer,
        unlisted_others=networks.unlisted_others(found, viewer),
        viewer_listed=(not networks.is_member(viewer.id, found.id)
                       or networks.is_listed_to_members(viewer, found)),
    )

