"""Admins keep the topics members choose from and what each network's page says about it."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from netapp.access import current_account, role_required
from netapp.admin import bp
from netapp.admin.forms import DescriptionForm, TopicForm
from netapp.extensions import db
from netapp.models import Network, Role, Topic
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


@bp.route("/networks")
@role_required(Role.ADMIN)
def networks_list():
    return render_template("admin/networks.html", items=topics.all_networks())


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
