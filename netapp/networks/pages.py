"""Network pages: the directory of networks, my networks (joining and leaving affinity networks
with consent), a network's page with its leads and follows, and the member directory."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from netapp import kept_forms
from netapp.extensions import db
from netapp.members._common import current_member
from netapp.members.forms import ConsentForm, EmptyForm, ListingForm
from netapp.models import Network, NetworkKind, ServiceType, User
from netapp.networks import bp, directory_items, member_cards, panel_items
from netapp.networks.page_forms import DirectoryForm, LeadForm
from netapp.request_hooks import page_number
from netapp.services import directory as member_directory
from netapp.services import network_directory, networks, reference


@bp.route("/")
@login_required
def directory():
    viewer = current_member()
    found = network_directory.directory(viewer.id, viewer.is_verified)
    # A network's address built once, each id added to it (not url_for per council).
    regions = directory_items.regions_html(
        found.regions, found.my_region_id,
        escape(url_for("networks.network", network_id=0)[:-1]))
    return render_template("networks/directory.html", regions_html=regions,
                           affinity=networks.affinity_networks(), joined=found.joined)


@bp.route("/mine")
@login_required
def mine():
    user = current_member()
    memberships, following = networks.mine(user.id)
    joined = {m.network_id for m in memberships}
    return render_template("networks/mine.html", memberships=memberships,
                           following=following,
                           others=[n for n in networks.affinity_networks() if n.id not in joined])


def _affinity_or_404(code: str) -> Network:
    network = networks.by_code(code)
    if network is None or not network.is_affinity:
        abort(404)
    return network


@bp.route("/<code>/join", methods=["GET", "POST"])
@login_required
def join(code: str):
    network = _affinity_or_404(code)
    user = current_member()
    if networks.is_member(user.id, network.id):
        flash(f"You're already in the {network.name}.", "info")
        return redirect(url_for("networks.mine"))
    if not user.is_verified:
        # Checked before the form, so nothing posted can get past it.
        return render_template("networks/join_confirm_first.html", network=network,
                               resend_form=EmptyForm()), 403 if request.method == "POST" else 200
    form = ConsentForm()
    if form.validate_on_submit():
        networks.join_affinity(user, network)
        flash(f"Welcome to the {network.name}. You can leave at any time from My networks.",
              "success")
        return redirect(url_for("networks.mine"))
    return render_template("networks/join.html", form=form, network=network,
                           consent_version=networks.CONSENT_VERSION), 400 if form.errors else 200


@bp.route("/<code>/leave", methods=["GET", "POST"])
@login_required
def leave(code: str):
    network = _affinity_or_404(code)
    user = current_member()
    if not networks.is_member(user.id, network.id):
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        networks.withdraw(user, network)
        flash(f"You've left the {network.name}. We've deleted your membership and your consent "
              "record for it.", "success")
        return redirect(url_for("networks.mine"))
    return render_template("networks/leave.html", form=form, network=network)


@bp.route("/<code>/listing", methods=["POST"])
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
        return redirect(url_for("networks.mine"))
    if form.listed.data:
        flash(f"You're now listed in the {network.name}. Its other members can see your name.",
              "success")
    else:
        flash(f"You're no longer listed in the {network.name}. You're still a member.",
              "success")
    return redirect(url_for("networks.mine"))


def _visible_or_404(network_id: int, viewer: User) -> Network:
    found = db.session.get(Network, network_id)
    # Outsiders get "not found", not "forbidden": an affinity network's members stay private.
    if found is None or not networks.can_see_network(viewer, found):
        abort(404)
    return found


def _network_page(found: Network, viewer: User, lead_form: LeadForm | None = None,
                  status: int = 200, standing: networks.Standing | None = None,
                  people: networks.PeoplePanels | None = None,
                  lead_choices: networks.LeadChoices | None = None):
    # The viewer's place in the network is read once and handed on: each check reading it again
    # cost a query (the membership row is not kept between them).
    if standing is None:
        standing = networks.standing(viewer, found)
    member = standing.is_member
    if people is None:
        people = networks.people_panels(found, viewer,
                                        request.args.get("page", 1, type=page_number),
                                        current_app.config["PAGE_SIZE"], member=member,
                                        with_panels=True)
    manages = standing.can_manage_leads(viewer, found)
    if manages and lead_choices is None:
        lead_choices = networks.lead_candidates(found, viewer, member)
    if manages and lead_form is None:
        lead_form = LeadForm(lead_choices.people)
    to_profile = escape(url_for("members.profile", user_id=0)[:-1])
    can_follow = standing.can_follow(found)
    return render_template(
        "networks/network.html", network=found, page=people.page, viewer=viewer,
        unlisted_others=people.unlisted_others,
        viewer_listed=not member or standing.is_listed_to_members(found),
        is_member=member, leads=people.leads,
        manages_leads=manages, lead_form=lead_form, to_profile=to_profile,
        # With more members than the form offers, a search by name finds the others.
        more_leads=manages and lead_choices.more, leads_shown=networks.LEADS_SHOWN,
        # Its buttons write their token with ``token_input``, not through a form (building
        # one costs about 0.1 ms).
        can_follow=can_follow, following=standing.is_following,
        new_count=people.new_count, new_people=people.new_people,
        member_items=_people_items(people.page.items, viewer.id, to_profile),
        new_items=_people_items(people.new_people, viewer.id, to_profile),
        # The events, discussions and story came with the people, as plain rows.
        panels_html=panel_items.kept_panels(found, people.panel_rows),
    ), status


def _people_items(people: list[networks.Person], viewer_id: int, to_profile: Markup) -> Markup:
    """A list's items: each person's name, linked to their profile (``to_profile`` and their
    id) but for the viewer's own. Written here, not looped over in the template: a page of 25
    cost the template 0.15 ms."""
    return Markup("".join(
        f"<li>{escape(person.display_name)} (you)</li>" if person.id == viewer_id
        else f'<li><a href="{to_profile}{person.id}">{escape(person.display_name)}</a></li>'
        for person in people))


@bp.route("/<int:network_id>")
@login_required
def network(network_id: int):
    viewer = current_member()
    # The process's copy, read only: nothing is merged into this request's session (a network
    # another process has just added is read by ``reference.network``).
    found = reference.shared("networks").get(network_id) or reference.network(network_id)
    if found is None:
        abort(404)
    # Outsiders get "not found", not "forbidden": an affinity network's members stay private.
    # An unconfirmed account is turned away before anything is read; the viewer's place in
    # the network comes with its people, which the statement reads for an affinity network
    # only when the viewer is one of its members.
    if found.is_affinity and not viewer.is_verified:
        abort(404)
    # A local network's lead form (for those who manage its leads) reads its members from
    # the same statement.
    with_lead_choices = (found.kind is NetworkKind.LOCAL
                         and networks.can_manage_leads(viewer, found))
    standing, people = networks.standing_and_people(
        found, viewer, request.args.get("page", 1, type=page_number),
        current_app.config["PAGE_SIZE"], with_panels=True, with_lead_choices=with_lead_choices)
    if not standing.can_see(viewer, found):
        abort(404)
    return _network_page(found, viewer, standing=standing, people=people,
                         lead_choices=people.lead_choices)


@bp.route("/<int:network_id>/follow", methods=["POST"])
@login_required
def follow(network_id: int):
    viewer = current_member()
    found = _visible_or_404(network_id, viewer)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not networks.can_follow(viewer, found):
        flash("You can follow other councils' local networks, not your own.", "error")
        return redirect(url_for("networks.network", network_id=found.id))
    networks.follow(viewer, found)
    flash(f"You're following the {found.name}. Its events and discussions are open to you.",
          "success")
    return redirect(url_for("networks.network", network_id=found.id))


@bp.route("/<int:network_id>/unfollow", methods=["POST"])
@login_required
def unfollow(network_id: int):
    viewer = current_member()
    found = _visible_or_404(network_id, viewer)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if networks.unfollow(viewer, found):
        flash(f"You've stopped following the {found.name}.", "success")
    if request.form.get("back") == "mine":
        return redirect(url_for("networks.mine"))
    return redirect(url_for("networks.network", network_id=found.id))


def _managed_or_404(network_id: int, viewer: User) -> Network:
    found = _visible_or_404(network_id, viewer)
    if not networks.can_manage_leads(viewer, found):
        # An affinity network's members get 404 like everyone else: the page never offers it.
        abort(404 if found.is_affinity else 403)
    return found


def _chosen_id(text: str) -> int | None:
    """The id a form sent, when it is one (a number that fits), else None."""
    return int(text) if text.isdigit() and len(text) < 10 else None


@bp.route("/<int:network_id>/leads", methods=["POST"])
@login_required
def appoint_lead(network_id: int):
    viewer = current_member()
    found = _managed_or_404(network_id, viewer)
    # The form offers the first members by name, or those a search found (``name``, sent by
    # the search's page): anyone who may lead is accepted, and offered again if the form comes
    # back with a mistake, on the page it came from.
    searched = request.form.get("name")
    choices = networks.lead_candidates(found, viewer, name=(searched or "").strip()[:120],
                                       keep=_chosen_id(request.form.get("user_id", "")))
    form = LeadForm(choices.people, allowed=() if choices.kept is None else (choices.kept.id,))
    if not form.validate_on_submit():
        if searched is not None:
            return _find_lead_page(found, searched.strip()[:120], choices, form), 400
        return _network_page(found, viewer, lead_form=form, status=400, lead_choices=choices)
    person = db.session.get(User, form.user_id.data)
    networks.appoint_lead(viewer, found, person)
    flash(f"{person.display_name} now leads the {found.name}.", "success")
    return redirect(url_for("networks.network", network_id=found.id))


@bp.route("/<int:network_id>/leads/find")
@login_required
def find_lead(network_id: int):
    """A lead form of the members whose name holds the one searched for: a network may hold
    thousands, and its page offers the first by name."""
    viewer = current_member()
    found = reference.shared("networks").get(network_id) or reference.network(network_id)
    if found is None or (found.is_affinity and not viewer.is_verified):
        abort(404)
    standing = networks.standing(viewer, found)
    if not standing.can_see(viewer, found):
        abort(404)
    if not standing.can_manage_leads(viewer, found):
        # As appointing: an affinity network's members get 404, as everyone else.
        abort(404 if found.is_affinity else 403)
    name = request.args.get("name", "").strip()[:120]
    choices = networks.lead_candidates(found, viewer, standing.is_member, name=name)
    return _find_lead_page(found, name, choices, LeadForm(choices.people))


def _find_lead_page(found: Network, name: str, choices: networks.LeadChoices, form: LeadForm):
    return render_template("networks/find_lead.html", network=found, name=name,
                           choices=choices, form=form, shown=networks.LEADS_SHOWN)


@bp.route("/<int:network_id>/leads/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_lead(network_id: int, user_id: int):
    viewer = current_member()
    found = _managed_or_404(network_id, viewer)
    if not EmptyForm().validate_on_submit():
        abort(400)
    person = db.session.get(User, user_id)
    if person is None or not networks.remove_lead(viewer, found, person):
        abort(404)
    flash(f"{person.display_name} no longer leads the {found.name}.", "success")
    return redirect(url_for("networks.network", network_id=found.id))


def _directory_search(form: DirectoryForm) -> member_directory.Search:
    return member_directory.Search(
        name=(form.name.data or "").strip(), council_id=form.council.data,
        service_type=ServiceType(form.service_type.data) if form.service_type.data else None,
        strength_id=form.strength.data, can_mentor=bool(form.can_mentor.data))


@bp.route("/members")
@login_required
def members():
    # The search needs only who the reader is (id, roles, confirmed email), not their account.
    viewer = current_user._get_current_object()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    # The search asked and the form's HTML are worked out once per query string.
    search, valid, search_form = kept_forms.kept_search(
        "networks/_members_search.html", DirectoryForm, _directory_search, args=args)
    search = search or member_directory.Search()
    status = 200 if valid else 400
    page = member_directory.find(
        viewer, search, request.args.get("page", 1, type=page_number),
        current_app.config["PAGE_SIZE"])
    # Cards written from the page's rows; a profile's address built once, each id added to it
    # (not url_for per card).
    cards = member_cards.directory_cards(page.items, viewer,
                                         escape(url_for("members.profile", user_id=0)[:-1]))
    return render_template("networks/members.html", page=page, entries=page.items, cards=cards,
                           search=search, viewer=viewer, args=args, search_form=search_form,
                           most_counted=member_directory.MOST_COUNTED), status
