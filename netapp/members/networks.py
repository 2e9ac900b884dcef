"""Old addresses of the network pages, which now live under /networks (netapp/networks/)."""
from __future__ import annotations

from flask import redirect, url_for

from netapp.members import bp


@bp.route("/me/networks")
def my_networks():
    return redirect(url_for("networks.mine"), 301)


@bp.route("/members/networks/<int:network_id>")
def network(network_id: int):
    return redirect(url_for("networks.network", network_id=network_id), 301)
