"""Leadership stories: the list (by dimension), a story's page, writing, changing and deleting
one's own, thanks, and the leads' featuring and hiding.

A story shared with an affinity network answers 404 to anyone outside it, staff included.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import escape

from netapp.forms_common import EmptyForm
from netapp.members._common import current_member
from netapp.networks import bp, story_items
from netapp.networks.story_forms import HideStoryForm, StoryForm
from netapp.request_hooks import page_number
from netapp.services import networks, story_lists
from netapp.services import stories as service
from netapp.services.stories import NotAllowed, NotFound


def _page() -> int:
    return max(1, request.args.get("page", 1, type=page_number) or 1)


def _story(story_id: int):
    try:
        return service.story_for_reading(current_member(), story_id)
    except NotFound:
        abort(404)


def _form(obj=None, **kwargs) -> StoryForm:
    return StoryForm(obj=obj, dimension_choices=service.dimension_choices(),
                     share_choices=service.share_choices(current_member()), **kwargs)


@bp.route("/stories")
@login_required
def stories():
    dims = story_lists.dimensions()
    code = (request.args.get("dimension") or "").upper()
    chosen = next((d for d in dims if d.code == code), None)
    found = story_lists.stories_page(current_member(), _page(), chosen,
                                     service.STORIES_PER_PAGE)
    # A story's address built once, each id added to it (not url_for per story).
    items = story_items.story_list_items(
        found.items, escape(url_for("networks.story", story_id=0)[:-1]))
    return render_template("networks/stories/list.html", dims=dims, chosen=chosen,
                           stories=found, items=items)


@bp.route("/stories/new", methods=["GET", "POST"])
@login_required
def new_story():
    form = _form()
    if form.validate_on_submit():
        try:
            story = service.write(current_member(), form.title.data, form.body.data,
                                  form.dimensions.data, form.share.data)
        except NotAllowed as error:
            form.share.errors.append(str(error))
        else:
            flash("Thank you for sharing your story.", "success")
            return redirect(url_for("networks.story", story_id=story.id))
    return render_template("networks/stories/form.html", form=form, story=None), \
        400 if form.errors else 200


@bp.route("/stories/<int:story_id>")
@login_required
def story(story_id: int):
    try:
        found = service.story_page(current_member(), story_id)
    except NotFound:
        abort(404)
    return render_template(
        "networks/stories/story.html", card=found.card, network=found.network,
        is_author=found.is_author, can_moderate=found.can_moderate,
        can_feature=found.can_feature, button_form=EmptyForm())


def _own(story_id: int):
    row, network = _story(story_id)
    if row.author_id != current_member().id:
        abort(404)
    return row, network


@bp.route("/stories/<int:story_id>/edit", methods=["GET", "POST"])
@login_required
def edit_story(story_id: int):
    if request.method == "GET":
        return _edit_form(story_id)
    row, _network = _own(story_id)
    form = _form(obj=row)
    if form.validate_on_submit():
        try:
            service.edit(current_member(), row, form.title.data, form.body.data,
                         form.dimensions.data, form.share.data)
        except NotAllowed as error:
            form.share.errors.append(str(error))
        else:
            flash("Your story is changed.", "success")
            return redirect(url_for("networks.story", story_id=row.id))
    return render_template("networks/stories/form.html", form=form, story=row), \
        400 if form.errors else 200


def _edit_form(story_id: int):
    """The edit form when only shown: the story, its dimensions and where the viewer may
    share it read as plain values in one statement (a change loads the records)."""
    viewer = current_member()
    try:
        row, dimension_ids, shares = service.story_to_edit(viewer, story_id)
    except NotFound:
        abort(404)
    if row.author_id != viewer.id:
        abort(404)
    form = StoryForm(obj=row, dimension_choices=service.dimension_choices(),
                     share_choices=shares)
    form.dimensions.data = dimension_ids
    form.share.data = str(row.network_id) if row.network_id else "everyone"
    return render_template("networks/stories/form.html", form=form, story=row)


@bp.route("/stories/<int:story_id>/delete", methods=["GET", "POST"])
@login_required
def delete_story(story_id: int):
    row, network = _own(story_id)
    form = EmptyForm()
    if form.validate_on_submit():
        service.delete(current_member(), row, network)
        flash("Your story is deleted.", "success")
        return redirect(url_for("networks.stories"))
    if request.method == "POST":
        abort(400)
    return render_template("networks/stories/delete.html", story=row, form=form)


def _button(story_id: int, action) -> object:
    row, network = _story(story_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        message = action(row, network)
    except NotAllowed as error:
        flash(str(error), "error")
    else:
        flash(message, "success")
    return redirect(url_for("networks.story", story_id=row.id))


@bp.route("/stories/<int:story_id>/thanks", methods=["POST"])
@login_required
def thank_story(story_id: int):
    def thank(row, network):
        thanked = service.toggle_thanks(current_member(), row, network)
        return "You thanked this story." if thanked else "Your thanks is taken back."
    return _button(story_id, thank)


@bp.route("/stories/<int:story_id>/feature", methods=["POST"])
@login_required
def feature_story(story_id: int):
    row, network = _story(story_id)
    if network is None or not networks.is_lead(current_member().id, network.id):
        abort(403)

    def feature(row, network):
        featured = service.toggle_feature(current_member(), row, network)
        return ("This story is now featured on the network's page." if featured
                else "This story is no longer featured.")
    return _button(story_id, feature)


@bp.route("/stories/<int:story_id>/hide", methods=["GET", "POST"])
@login_required
def hide_story(story_id: int):
    if request.method == "GET":
        # The form alone: the story and who may hide it in one statement.
        try:
            found = service.story_page(current_member(), story_id)
        except NotFound:
            abort(404)
        if not found.can_moderate:
            abort(403)
        return render_template("networks/stories/hide.html", story=found.card.story,
                               form=HideStoryForm())
    row, network = _story(story_id)
    if not service.can_moderate(current_member(), network):
        abort(403)
    form = HideStoryForm()
    if form.validate_on_submit():
        service.hide(current_member(), row, network, form.reason.data)
        flash("The story is hidden. Its author sees your reason.", "success")
        return redirect(url_for("networks.story", story_id=row.id))
    return render_template("networks/stories/hide.html", story=row, form=form), \
        400 if form.errors else 200
