"""Member routes: the onboarding wizard, my profile, other members' profiles, networks, my data.

Pages about "me" live under /me and only ever show the signed-in member's own data;
pages about other people live under /members and show only what the owner allows.
"""
from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required, logout_user
from wtforms.fields.choices import SelectChoice

from netapp.access import role_required
from netapp.extensions import db
from netapp.members import bp
from netapp.members.forms import (
    AboutForm,
    ConsentForm,
    EmptyForm,
    EraseForm,
    InviteRatersForm,
    MentoringForm,
    ResourceForm,
    TopicsForm,
    assessment_form,
    feedback_form,
    networks_form,
    visibility_form,
)
from netapp.models import Network, Profile, Resource, Role, ServiceType, User
from netapp.services import feedback, lqf, networks, privacy, profiles, resources
from netapp.services.radar import Series, radar_svg

WIZARD_STEPS = (
    ("about", "About you"),
    ("assessment", "Your leadership"),
    ("needs", "Help you'd like"),
    ("mentoring", "Mentoring others"),
    ("networks", "Networks"),
)


def _me() -> User:
    return current_user._get_current_object()


def _progress(step: str, part: tuple[int, int] | None = None) -> dict:
    number = [code for code, _ in WIZARD_STEPS].index(step) + 1
    return {"number": number, "total": len(WIZARD_STEPS), "label": dict(WIZARD_STEPS)[step],
            "part": part}


def _short(name: str) -> str:
    """A dimension name short enough for a chart axis."""
    return name.removeprefix("Demonstrating ").capitalize()


# ------------------------------------------------------------------ the onboarding wizard


@bp.route("/me/start")
@login_required
def onboarding():
    """Send the member to the first step they haven't done, so they can leave and come back."""
    step = profiles.next_step(db.session.get(Profile, current_user.id))
    if step is None:
        return redirect(url_for("members.me"))
    if step == "assessment":
        fw = lqf.framework()
        user = _me()
        if lqf.draft(user, fw) is None and lqf.latest(user.id, fw) is not None:
            # Already assessed outside the wizard: no need to ask again.
            profiles.complete_step(user, "assessment")
            return redirect(url_for("members.onboarding"))
        done = lqf.scored_dimensions(user, fw)
        code = next((d.code for d in fw.dimensions if d.code not in done), fw.dimensions[-1].code)
        return redirect(url_for("members.wizard_assess", code=code))
    return redirect(url_for(f"members.wizard_{step}"))


def _about(wizard: bool):
    user = _me()
    profile = db.session.get(Profile, user.id)
    form = AboutForm()
    if request.method == "GET":
        form.display_name.data = user.display_name
        if profile is not None:
            form.job_title.data = profile.job_title
            if profile.organisation is not None:
                form.organisation_name.data = profile.organisation.name
                form.service_type.data = profile.organisation.service_type.value
            form.local_authority_id.data = profile.local_authority_id
            form.level.data = str(profile.level) if profile.level else None
            form.years_as_manager.data = profile.years_as_manager
            if profile.job_title:  # about me was saved once, so the answer is theirs
                form.meets_online.data = "yes" if profile.meets_online else "no"
    if form.validate_on_submit():
        profiles.save_about(
            user, display_name=form.display_name.data, job_title=form.job_title.data,
            organisation_name=form.organisation_name.data,
            service_type=ServiceType(form.service_type.data),
            local_authority_id=form.local_authority_id.data, level=int(form.level.data),
            years_as_manager=form.years_as_manager.data,
            meets_online=form.meets_online.data == "yes", step=wizard,
        )
        if wizard:
            return redirect(url_for("members.onboarding"))
        flash("Your details are saved.", "success")
        return redirect(url_for("members.me"))
    chosen = form.local_authority_id.data
    council = chosen if isinstance(chosen, int) else None
    return render_template(
        "members/about.html", form=form, wizard=wizard,
        progress=_progress("about") if wizard else None,
        levels_hints={str(k): hint for k, (_, hint) in profiles.LEVELS.items()},
        suggestions=profiles.organisations_near(
            council or (profile and profile.local_authority_id)
        ),
    ), 200 if request.method == "GET" or form.errors == {} else 400


@bp.route("/me/start/about", methods=["GET", "POST"])
@login_required
def wizard_about():
    return _about(wizard=True)


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
def edit_about():
    return _about(wizard=False)


def _assess(code: str, wizard: bool):
    user = _me()
    fw = lqf.framework()
    dimension = lqf.dimension(fw, code)
    if dimension is None:
        abort(404)
    position = fw.dimensions.index(dimension)
    start = lqf.starting_scores(user, fw)
    form = assessment_form(dimension, fw.levels,
                           {e.code: str(start[e.id]) for e in dimension.elements if e.id in start})
    if form.validate_on_submit():
        lqf.save_scores(user, fw, {e.id: int(form[e.code].data) for e in dimension.elements})
        if position + 1 < len(fw.dimensions):
            endpoint = "members.wizard_assess" if wizard else "members.assess"
            return redirect(url_for(endpoint, code=fw.dimensions[position + 1].code))
        try:
            lqf.complete(user, fw)
        except lqf.AssessmentIncomplete as exc:
            flash(f"{exc} Then you're done.", "error")
            scored = lqf.scored_dimensions(user, fw)
            missing = next(d for d in fw.dimensions if d.code not in scored)
            endpoint = "members.wizard_assess" if wizard else "members.assess"
            return redirect(url_for(endpoint, code=missing.code))
        if wizard:
            profiles.complete_step(user, "assessment")
            return redirect(url_for("members.onboarding"))
        flash("Thank you. Your new self-assessment is saved next to your earlier ones.", "success")
        return redirect(url_for("members.assessments"))
    previous = fw.dimensions[position - 1].code if position else None
    return render_template(
        "members/assess.html", form=form, fw=fw, dimension=dimension, wizard=wizard,
        previous=previous, position=position + 1, count=len(fw.dimensions),
        progress=_progress("assessment", (position + 1, len(fw.dimensions))) if wizard else None,
    ), 400 if form.errors else 200


@bp.route("/me/start/assessment/<code>", methods=["GET", "POST"])
@login_required
def wizard_assess(code: str):
    return _assess(code, wizard=True)


@bp.route("/me/assessment/<code>", methods=["GET", "POST"])
@login_required
def assess(code: str):
    return _assess(code, wizard=False)


def _needs(wizard: bool):
    user = _me()
    form = TopicsForm()
    form.set_topics(profiles.topics())
    if request.method == "GET":
        form.set_selected(profiles.need_ids(user.id))
    if wizard and request.method == "POST" and "skip" in request.form:
        profiles.save_needs(user, profiles.need_ids(user.id), step=True)
        return redirect(url_for("members.onboarding"))
    if form.validate_on_submit():
        profiles.save_needs(user, form.selected, step=wizard)
        if wizard:
            return redirect(url_for("members.onboarding"))
        flash("Thanks, we've saved what you'd like help with.", "success")
        return redirect(url_for("members.me"))
    return render_template("members/needs.html", form=form, wizard=wizard,
                           progress=_progress("needs") if wizard else None), \
        400 if form.errors else 200


@bp.route("/me/start/needs", methods=["GET", "POST"])
@login_required
def wizard_needs():
    return _needs(wizard=True)


@bp.route("/me/needs", methods=["GET", "POST"])
@login_required
def edit_needs():
    return _needs(wizard=False)


def _mentoring(wizard: bool):
    user = _me()
    profile = db.session.get(Profile, user.id)
    form = MentoringForm()
    form.set_topics(profiles.topics())
    if request.method == "GET" and profile is not None:
        if profile.mentor_capacity:
            form.will_mentor.data = "yes"
            form.capacity.data = str(profile.mentor_capacity)
        elif profile.onboarding_step in ("mentoring", "networks"):
            form.will_mentor.data = "no"
        form.set_selected(profiles.offer_ids(user.id))
        form.availability.data = profile.mentor_availability
        form.note.data = profile.mentor_note
    if form.validate_on_submit():
        mentoring = form.will_mentor.data == "yes"
        profiles.save_offer(
            user, capacity=int(form.capacity.data) if mentoring else 0,
            topic_ids=form.selected, availability=form.availability.data or "",
            note=form.note.data or "", step=wizard,
        )
        if wizard:
            return redirect(url_for("members.onboarding"))
        flash("Your mentoring offer is saved." if mentoring
              else "Saved: you're not offering to mentor for now.", "success")
        return redirect(url_for("members.me"))
    return render_template("members/mentoring.html", form=form, wizard=wizard,
                           progress=_progress("mentoring") if wizard else None), \
        400 if form.errors else 200


@bp.route("/me/start/mentoring", methods=["GET", "POST"])
@login_required
def wizard_mentoring():
    return _mentoring(wizard=True)


@bp.route("/me/mentoring", methods=["GET", "POST"])
@login_required
def edit_mentoring():
    return _mentoring(wizard=False)


@bp.route("/me/start/networks", methods=["GET", "POST"])
@login_required
def wizard_networks():
    user = _me()
    affinity = networks.affinity_networks()
    form = networks_form(affinity)
    if form.validate_on_submit():
        for network in affinity:
            if form[f"join_{network.code}"].data:
                networks.join_affinity(user, network)
        profiles.finish_networks_step(user)
        if profiles.next_step(db.session.get(Profile, user.id)) is None:
            flash("You're all set up. Welcome to the network!", "success")
            return redirect(url_for("members.me"))
        flash("Saved. There are still a few steps to do.", "info")
        return redirect(url_for("members.onboarding"))
    joined = {m.network_id for m in networks.memberships(user.id)}
    local = [m.network for m in networks.memberships(user.id) if not m.network.is_affinity]
    return render_template("members/wizard_networks.html", form=form, affinity=affinity,
                           joined=joined, local=local, progress=_progress("networks"),
                           consent_version=networks.CONSENT_VERSION)


# ------------------------------------------------------------------ my profile


def _chart(fw, series_scores: list[tuple[str, dict[int, int]]], ident: str, title: str):
    """The radar chart plus the rows of its data table."""
    labels = [_short(d.name) for d in fw.dimensions]
    columns = [(name, lqf.dimension_averages(fw, scores)) for name, scores in series_scores]
    description = "; ".join(
        f"{d.name}: " + ", ".join(
            f"{name} {avg[i].value if avg[i].value is not None else 'not scored'}"
            for name, avg in columns)
        for i, d in enumerate(fw.dimensions)
    ) + ". Scores run from 1 (just starting) to 4 (strong)."
    svg = radar_svg(labels, [Series(name, tuple(a.value for a in avg)) for name, avg in columns],
                    ident=ident, title=title, description=description)
    rows = [(d.name, [avg[i].value for _, avg in columns]) for i, d in enumerate(fw.dimensions)]
    return {"svg": svg, "names": [name for name, _ in columns], "rows": rows, "ident": ident}


@bp.route("/me")
@login_required
def me():
    user = _me()
    profile = db.session.get(Profile, user.id)
    fw = lqf.framework()
    latest = lqf.latest(user.id, fw)
    chart = None
    if latest is not None:
        chart = _chart(fw, [(f"You, {latest.completed_at:%d %B %Y}", lqf.as_dict(latest))],
                       "radar-me", "Your leadership self-assessment")
    return render_template(
        "members/me.html", user=user, profile=profile, chart=chart,
        next_step=profiles.next_step(profile), view=profiles.profile_view(user, user),
        visibility=profiles.visibility_of(profile), audiences=profiles.AUDIENCES,
        fields=profiles.FIELDS, network_list=networks.memberships(user.id),
    )


@bp.route("/me/preview")
@login_required
def preview():
    """My profile as a given audience would see it."""
    audience = request.args.get("as", profiles.EVERYONE)
    if audience not in profiles.PREVIEWS:
        abort(404)
    user = _me()
    return render_template("members/preview.html", owner=user, audience=audience,
                           previews=profiles.PREVIEWS,
                           view=profiles.profile_view(user, user, preview=audience))


@bp.route("/me/privacy", methods=["GET", "POST"])
@login_required
def privacy_settings():
    user = _me()
    current = profiles.visibility_of(db.session.get(Profile, user.id))
    form = visibility_form(current)
    if form.validate_on_submit():
        profiles.set_visibility(user, {f.key: form[f.key].data for f in profiles.FIELDS})
        flash("Saved. Your profile now shows only what you chose.", "success")
        return redirect(url_for("members.me"))
    return render_template("members/privacy.html", form=form, fields=profiles.FIELDS), \
        400 if form.errors else 200


@bp.route("/me/assessments")
@login_required
def assessments():
    user = _me()
    fw = lqf.framework()
    history = lqf.completed(user.id, fw)
    chart = comparison = None
    if history:
        series = [(f"Latest, {history[-1].completed_at:%d %B %Y}", lqf.as_dict(history[-1]))]
        if len(history) > 1:
            before = history[-2]
            series.append((f"Before, {before.completed_at:%d %B %Y}", lqf.as_dict(before)))
        chart = _chart(fw, series, "radar-history", "Your self-assessments compared")
        elements = [e for d in fw.dimensions for e in d.elements]
        comparison = [(e, [lqf.as_dict(a).get(e.id) for a in history]) for e in elements]
    return render_template("members/assessments.html", fw=fw, history=history, chart=chart,
                           comparison=comparison,
                           averages=[lqf.dimension_averages(fw, lqf.as_dict(a)) for a in history],
                           has_draft=lqf.draft(user, fw) is not None)


# ------------------------------------------------------------------ other members


@bp.route("/members/<int:user_id>")
@login_required
def profile(user_id: int):
    owner = db.session.get(User, user_id)
    if owner is None or not owner.is_active_account:
        abort(404)
    if owner.id == current_user.id:
        return redirect(url_for("members.me"))
    viewer = _me()
    view = profiles.profile_view(viewer, owner)
    chart = None
    if "lqf" in view["shown"]:
        fw = lqf.framework()
        latest = lqf.latest(owner.id, fw)
        if latest is not None:
            chart = _chart(fw, [(owner.display_name, lqf.as_dict(latest))], "radar-member",
                           f"{owner.display_name}'s leadership self-assessment")
    return render_template("members/profile.html", owner=owner, view=view, chart=chart)


# ------------------------------------------------------------------ networks and consent


@bp.route("/me/networks")
@login_required
def my_networks():
    user = _me()
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
    user = _me()
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
    user = _me()
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
    if found is None or not networks.can_see_network(_me(), found):
        abort(404)
    page = networks.members_page(found, request.args.get("page", 1, type=int),
                                 current_app.config["PAGE_SIZE"])
    return render_template("members/network.html", network=found, page=page)


# ------------------------------------------------------------------ my data


@bp.route("/me/data")
@login_required
def my_data():
    return render_template("members/my_data.html", form=EmptyForm())


@bp.route("/me/data/export", methods=["POST"])
@login_required
def export_data():
    if not EmptyForm().validate_on_submit():
        abort(400)
    payload = privacy.export_zip(_me())
    return send_file(io.BytesIO(payload), mimetype="application/zip", as_attachment=True,
                     download_name="my-registered-managers-network-data.zip")


@bp.route("/me/data/erase", methods=["GET", "POST"])
@login_required
def erase():
    form = EraseForm()
    if form.validate_on_submit():
        user = _me()
        if user.check_password(form.password.data):
            logout_user()
            privacy.erase(user)
            flash("Your account and personal information have been deleted. "
                  "Thank you for being part of the network.", "success")
            return redirect(url_for("main.index"))
        form.password.errors.append("That isn't your password. Check it and try again.")
    return render_template("members/erase.html", form=form), 400 if form.errors else 200


# ------------------------------------------------------------------ 360-degree feedback


@bp.route("/me/feedback", methods=["GET", "POST"])
@login_required
def my_feedback():
    user = _me()
    form = InviteRatersForm()
    if form.validate_on_submit():
        try:
            count = feedback.invite(user, lqf.framework(), form.addresses)
        except feedback.FeedbackError as exc:
            form.emails.errors.append(str(exc))
        else:
            flash(f"We've emailed {count} colleague{'s' if count != 1 else ''}. "
                  "You'll see results here once at least three have answered.", "success")
            return redirect(url_for("members.my_feedback"))
    current = feedback.current_round(user)
    return render_template("members/feedback.html", form=form, results=feedback.results(user),
                           minimum=feedback.MIN_RATERS, earlier=feedback.earlier_rounds(user),
                           new_round_form=EmptyForm(),
                           invited=[r.email for r in current.raters] if current else []), \
        400 if form.errors else 200


@bp.route("/me/feedback/new", methods=["POST"])
@login_required
def new_feedback_round():
    if EmptyForm().validate_on_submit():
        try:
            feedback.start_round(_me(), lqf.framework())
        except feedback.FeedbackError as exc:
            flash(str(exc), "error")
        else:
            flash("Your new request is ready. Invite colleagues below. "
                  "Your earlier results are kept.", "success")
    return redirect(url_for("members.my_feedback"))


@bp.route("/me/feedback/results", defaults={"round_id": None})
@bp.route("/me/feedback/results/<int:round_id>")
@login_required
def feedback_results(round_id: int | None):
    user = _me()
    found = feedback.results(user, round_id)
    if round_id is not None and found is None:
        abort(404)
    if found is None or not found.is_ready:
        flash(f"Results appear once at least {feedback.MIN_RATERS} colleagues have answered.",
              "info")
        return redirect(url_for("members.my_feedback"))
    fw = lqf.framework()
    mine = lqf.as_dict(lqf.latest(user.id, fw))
    others = found.averages
    series = [("Colleagues (average)", others)]
    if mine:
        series.insert(0, ("You", mine))
    chart = _chart(fw, series, "radar-feedback", "How you and your colleagues see your leadership")
    rows = [(e, mine.get(e.id), others.get(e.id)) for d in fw.dimensions for e in d.elements]
    return render_template("members/feedback_results.html", chart=chart, rows=rows,
                           results=found, has_self=bool(mine))


@bp.route("/feedback/<token>", methods=["GET", "POST"])
def give_feedback(token: str):
    """A colleague's private link: no account needed, and they can save and come back."""
    rater = feedback.rater_for(token)
    if rater is None:
        abort(404)
    member = db.session.get(User, rater.round.user_id)
    if rater.submitted_at is not None:
        return render_template("members/feedback_thanks.html", member=member)
    fw = lqf.framework()
    codes = {e.id: e.code for d in fw.dimensions for e in d.elements}
    form = feedback_form(fw, {codes[s.element_id]: str(s.score) for s in rater.scores})
    if form.validate_on_submit():
        answers = {e.id: int(form[e.code].data) for d in fw.dimensions for e in d.elements
                   if form[e.code].data}
        submit = "send" in request.form
        try:
            feedback.save_answers(rater, fw, answers, submit=submit)
        except feedback.FeedbackError as exc:
            flash(str(exc), "error")
            return redirect(url_for("members.give_feedback", token=token))
        if submit:
            return render_template("members/feedback_thanks.html", member=member)
        flash("Saved. Use the same link from your email to come back and finish.", "success")
        return redirect(url_for("members.give_feedback", token=token))
    return render_template("members/feedback_give.html", form=form, fw=fw, member=member)


# ------------------------------------------------------------------ learning resources


@bp.route("/me/resources")
@login_required
def my_resources():
    fw = lqf.framework()
    return render_template("members/resources.html", fw=fw,
                           suggestions=resources.suggestions(_me(), fw),
                           by_element=resources.by_element(fw))


def _resource_form(fw, resource: Resource | None = None) -> ResourceForm:
    form = ResourceForm(obj=resource)
    form.element_id.choices = [SelectChoice(e.id, f"{e.code} {e.name}", optgroup=d.name)
                               for d in fw.dimensions for e in d.elements]
    return form


@bp.route("/members/resources", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def manage_resources():
    fw = lqf.framework()
    form = _resource_form(fw)
    if form.validate_on_submit():
        resources.save(_me(), None, element_id=form.element_id.data, title=form.title.data,
                       url=form.url.data, summary=form.summary.data)
        flash("Resource added.", "success")
        return redirect(url_for("members.manage_resources"))
    return render_template("members/manage_resources.html", form=form,
                           items=resources.all_resources(fw)), 400 if form.errors else 200


@bp.route("/members/resources/<int:resource_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_resource(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    fw = lqf.framework()
    form = _resource_form(fw, resource)
    if form.validate_on_submit():
        resources.save(_me(), resource, element_id=form.element_id.data, title=form.title.data,
                       url=form.url.data, summary=form.summary.data)
        flash("Resource saved.", "success")
        return redirect(url_for("members.manage_resources"))
    return render_template("members/edit_resource.html", form=form, resource=resource,
                           delete_form=EmptyForm()), 400 if form.errors else 200


@bp.route("/members/resources/<int:resource_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_resource(resource_id: int):
    resource = db.get_or_404(Resource, resource_id)
    if EmptyForm().validate_on_submit() and request.form.get("confirm") == "yes":
        resources.delete(_me(), resource)
        flash("Resource deleted.", "success")
        return redirect(url_for("members.manage_resources"))
    flash("Tick the box to confirm you want to delete it.", "error")
    return redirect(url_for("members.edit_resource", resource_id=resource_id))
