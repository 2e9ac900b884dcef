"""My networks, joining and leaving affinity networks (with consent), and network pages."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import ConsentForm, EmptyForm
from netapp.models import Network
from netapp.services import networks


@bp.route("/me/networks")
@login_required
def my_networks():
    user = current_member()
    mine = networks.memberships(user.id)
    joined = {m.network_id for m in mine}
    return render_template("members/networks.html", memberships=mine,
                           others=[n for n in networks.affinity_networks() if n.id not in joined])


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


@bp.route("/members/networks/<int:network_id>")
@login_required
def network(network_id: int):
    found = db.session.get(Network, network_id)
    # Outsiders get "not found", not "forbidden": an affinity network's members stay private.
    if found is None or not networks.can_see_network(current_member(), found):
        abort(404)
    page = networks.members_page(found, request.args.get("page", 1, type=int),
                                 current_app.config["PAGE_SIZE"])
    return render_template("members/network.html", network=found, page=page)

