"""Admins keep the topics members choose from and what each network's page says about it."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from markupsafe import Markup

from netapp import reads
from netapp.access import current_account, role_required
from netapp.admin import bp
from netapp.admin.forms import DescriptionForm, TopicForm
from netapp.escaping import escaped
from netapp.extensions import db
from netapp.models import Network, NetworkKind, Role, Topic
from netapp.services import topics


def _save_topic(form: TopicForm, topic: Topic | None) -> Topic:
    return topics.save_topic(current_account(), topic, name=form.name.data,
                             position=form.position.data,
                             is_support_area=form.is_support_area.data)


@bp.route("/topics", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def topics_list():
    form = TopicForm()
    if form.validate_on_submit():
        topic = _save_topic(form, None)
        flash(f"Topic “{topic.name}” added. Members can choose it now.", "success")
        return redirect(url_for("admin.topics_list"))
    return render_template("admin/topics.html", form=form, items=topics.all_topics()), \
        400 if form.errors else 200


@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_topic(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm(obj=topic, topic_id=topic.id)
    if form.validate_on_submit():
        _save_topic(form, topic)
        flash("Topic saved.", "success")
        return redirect(url_for("admin.topics_list"))
    return render_template("admin/topic.html", form=form, topic=topic), \
        400 if form.errors else 200


@functools.cache
def _networks_statement() -> sa.Select:
    """Every network's id, name, kind and description as plain columns, by kind and name."""
    return (sa.select(Network.id, Network.name, sa.cast(Network.kind, sa.String()),
                      Network.description)
            .order_by(Network.kind, Network.name))


def _network_items() -> Markup:
    """The list's items, written in Python from plain rows, every value escaped as the
    template's loop wrote them (that loop, an address and three escapes for each of 160-odd
    networks, was most of the page's time)."""
    edit = url_for("admin.edit_network", network_id=0).removesuffix("0")
    affinity = NetworkKind.AFFINITY.value
    parts = [
        f'\n  <li>\n    <h2><a href="{edit}{network_id}">{escaped(name)}</a></h2>\n    <p>'
        f'{"Affinity network" if kind == affinity else "Local network"}. '
        f'{escaped(description or "No description yet.")}</p>\n  </li>\n'
        for network_id, name, kind, description in reads.raw_rows(_networks_statement(), {})]
    return Markup("".join(parts) or '\n  <li class="empty">No networks yet.</li>\n')


@bp.route("/networks")
@role_required(Role.ADMIN)
def networks_list():
    return render_template("admin/networks.html", items=_network_items())


@bp.route("/networks/<int:network_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_network(network_id: int):
    network = db.get_or_404(Network, network_id)
    form = DescriptionForm(obj=network)
    if form.validate_on_submit():
        topics.save_description(current_account(), network, form.description.data)
        flash(f"The {network.name} network's description is saved.", "success")
        return redirect(url_for("admin.networks_list"))
    return render_template("admin/network.html", form=form, network=network), \
        400 if form.errors else 200
