"""Network discussions: the list of threads, a thread with its replies, starting one, replying,
editing within 30 minutes, reporting a post, and the leads' hiding and reports.

An affinity network's discussions answer 404 to anyone not in it, staff included; a guessed
thread or post id says nothing more (services/discussions.py decides).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup, escape

from netapp import kept_forms
from netapp.forms_common import EmptyForm, token_input
from netapp.members._common import current_member
from netapp.networks import bp, thread_items
from netapp.networks.discussion_forms import (
    EditPostForm,
    HideForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
)
from netapp.networks.post_items import post_items
from netapp.request_hooks import page_number
from netapp.services import discussions as service
from netapp.services import reference, thread_lists
from netapp.services.discussions import NotAllowed, NotFound
from netapp.services.sets import to_london


@bp.app_template_filter("talk_time")
def talk_time(moment, with_time: bool = True) -> str:
    """When a post or story was written, in UK time ("26 November 2026, 16:18")."""
    local = to_london(moment)
    return local.strftime("%-d %B %Y, %H:%M" if with_time else "%-d %B %Y")


def _page() -> int:
    return max(1, request.args.get("page", 1, type=page_number) or 1)


def network_url(network) -> str:
    """The network's own page (built by the network pages' part), or its discussions."""
    for endpoint in ("networks.network", "networks.network_page", "members.network"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, network_id=network.id)
    return url_for("networks.discussions", network_id=network.id)


def _network(network_id: int):
    try:
        return service.network_for_reading(current_member(), network_id)
    except NotFound:
        abort(404)


def _thread(thread_id: int):
    try:
        return service.thread_for_reading(current_member(), thread_id)
    except NotFound:
        abort(404)


def _post(post_id: int):
    try:
        return service.post_for_reading(current_member(), post_id)
    except NotFound:
        abort(404)


def _post_form(post_id: int):
    """The post for the form to report or hide it (GET), in one statement."""
    try:
        return service.post_form(current_member(), post_id)
    except NotFound:
        abort(404)


def _thread_link(thread, post=None) -> str:
    url = url_for("networks.discussion", thread_id=thread.id)
    return url + (f"#post-{post.id}" if post is not None else "")


@bp.route("/<int:network_id>/discussions")
@login_required
def discussions(network_id: int):
    viewer = current_member()
    network = reference.network(network_id)
    # An affinity network's discussions are for its confirmed members only (404 for others).
    if network is None or (network.is_affinity and not viewer.is_verified):
        abort(404)
    standing, threads = thread_lists.threads_page(viewer, network, _page(),
                                                  service.THREADS_PER_PAGE)
    if not standing.can_read:
        abort(404)
    # A thread's address built once, each id added to it (not url_for per thread).
    items = thread_items.thread_list_items(
        threads.items, escape(url_for("networks.discussion", thread_id=0)[:-1]))
    return render_template("networks/discussions/list.html", network=network,
                           network_url=network_url(network), threads=threads, items=items,
                           can_post=standing.can_post, is_lead=standing.is_lead)


@bp.route("/<int:network_id>/discussions/new", methods=["GET", "POST"])
@login_required
def new_discussion(network_id: int):
    viewer = current_member()
    try:
        network, can_post = service.network_for_posting(viewer, network_id)
    except NotFound:
        abort(404)
    if not can_post:
        abort(403)
    form = ThreadForm()
    if form.validate_on_submit():
        thread = service.start_thread(viewer, network, form.title.data, form.body.data)
        flash("Your discussion has started. Members of the network can reply now.", "success")
        return redirect(_thread_link(thread))
    return render_template("networks/discussions/new.html", network=network, form=form,
                           network_url=network_url(network)), 400 if form.errors else 200


_REPLY_FIELDS = "networks/discussions/_reply_fields.html"


def _render_thread(thread, network, reply_form=None, status=200, standing=None, posts=None):
    viewer = current_member()
    if standing is None:
        standing = service.thread_standing(viewer, thread, network)
    reply_fields = None
    if standing.can_post:
        # An empty reply box is the same for every reader but its token: kept per process.
        reply_fields = (kept_forms.blank_form(_REPLY_FIELDS, ReplyForm) if reply_form is None
                        else Markup(render_template(_REPLY_FIELDS, form=reply_form,
                                                    token=token_input())))
    if posts is None:
        posts = service.posts_page(viewer, thread, network, _page(), lead=standing.is_lead)
    # The addresses less their "0/edit", "0/report" and "0/hide" (each post's id and the
    # action are added to them).
    items = post_items(posts.views, viewer.id, standing.is_lead,
                       url_for("networks.edit_post", post_id=0)[:-6],
                       url_for("networks.report_post", post_id=0)[:-8],
                       url_for("networks.hide_post", post_id=0)[:-6] if standing.is_lead else "")
    return render_template(
        "networks/discussions/thread.html", thread=thread, network=network,
        first_hidden=standing.opening_hidden,
        network_url=network_url(network), posts=posts, post_items=items,
        can_post=standing.can_post, is_lead=standing.is_lead,
        reply_fields=reply_fields), status


@bp.route("/discussions/<int:thread_id>")
@login_required
def discussion(thread_id: int):
    try:
        thread, network, standing, posts = service.thread_page(current_member(), thread_id,
                                                               _page())
    except NotFound:
        abort(404)
    return _render_thread(thread, network, standing=standing, posts=posts)


@bp.route("/discussions/<int:thread_id>/reply", methods=["POST"])
@login_required
def discussion_reply(thread_id: int):
    thread, network = _thread(thread_id)
    viewer = current_member()
    if not service.can_post(viewer, network):
        abort(403)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_thread(thread, network, reply_form=form, status=400)
    post = service.reply(viewer, thread, network, form.body.data)
    flash("Your reply is posted.", "success")
    last = -(-thread.post_count // service.POSTS_PER_PAGE)
    return redirect(url_for("networks.discussion", thread_id=thread.id,
                            page=last if last > 1 else None) + f"#post-{post.id}")


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post, thread, network = _post(post_id)
    viewer = current_member()
    if post.author_id != viewer.id:
        abort(404)
    form = EditPostForm(obj=post)
    if form.validate_on_submit():
        try:
            service.edit_post(viewer, post, network, form.body.data)
        except NotAllowed as error:
            flash(str(error), "error")
        else:
            flash("Your post is changed.", "success")
        return redirect(_thread_link(thread, post))
    if request.method == "GET" and not service.can_edit(viewer, post):
        flash("You can change a post for 30 minutes after writing it. That time has passed, "
              "so it stays as it is.", "error")
        return redirect(_thread_link(thread, post))
    return render_template("networks/discussions/edit.html", post=post, thread=thread,
                           network=network, form=form,
                           minutes_left=service.edit_minutes_left(post)), \
        400 if form.errors else 200


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    if request.method == "GET":
        found = _post_form(post_id)
        return render_template("networks/discussions/report.html", post=found.post,
                               thread=found.thread, network=found.network, form=ReportForm())
    post, thread, network = _post(post_id)
    viewer = current_member()
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reported = service.report_post(viewer, post, thread, network, form.reason.data)
        except NotAllowed as error:
            flash(str(error), "error")
        else:
            flash("Thank you. The network's leads will take a look." if reported else
                  "You've already asked the leads to look at this post.", "success")
        return redirect(_thread_link(thread, post))
    return render_template("networks/discussions/report.html", post=post, thread=thread,
                           network=network, form=form), 400 if form.errors else 200


def _as_lead(post_id: int):
    post, thread, network = _post(post_id)
    if not service.is_lead(current_member(), network):
        abort(403)
    return post, thread, network


@bp.route("/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide_post(post_id: int):
    if request.method == "GET":
        found = _post_form(post_id)
        if not found.is_lead:
            abort(403)
        return render_template("networks/discussions/hide.html", post=found.post,
                               thread=found.thread, network=found.network, form=HideForm())
    post, thread, network = _as_lead(post_id)
    form = HideForm()
    if form.validate_on_submit():
        service.hide_post(current_member(), post, network, form.reason.data)
        flash("The post is hidden. Members see your reason in its place.", "success")
        return redirect(_thread_link(thread, post))
    return render_template("networks/discussions/hide.html", post=post, thread=thread,
                           network=network, form=form), 400 if form.errors else 200


@bp.route("/posts/<int:post_id>/reports/clear", methods=["POST"])
@login_required
def clear_reports(post_id: int):
    post, thread, network = _as_lead(post_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.clear_reports(current_member(), post, network)
    flash("Done: the post stays, and its reports are closed.", "success")
    return redirect(request.form.get("next") == "reports"
                    and url_for("networks.post_reports", network_id=network.id)
                    or _thread_link(thread, post))


@bp.route("/<int:network_id>/discussions/reports")
@login_required
def post_reports(network_id: int):
    page = _page()
    try:
        found = service.reports_page(current_member(), network_id, page)
    except NotFound:
        abort(404)
    except NotAllowed:
        abort(403)
    pages = max(1, -(-found.total // service.REPORTS_PER_PAGE))
    return render_template("networks/discussions/reports.html", network=found.network,
                           rows=found.rows, total=found.total, page=page, pages=pages,
                           clear_form=EmptyForm())
