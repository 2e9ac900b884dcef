"""The profile steps: the onboarding wizard under /me/start, and the same pages for editing later.

Each step has one handler with a ``wizard`` flag: in the wizard it shows progress and moves on
to the next step; outside it, it saves and returns to My profile.
"""
from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from netapp import reads
from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import (
    AboutForm,
    EmptyForm,
    MentoringForm,
    TopicsForm,
    assessment_form,
    networks_form,
)
from netapp.models import Organisation, Profile, ServiceType, member_offers
from netapp.services import lqf, networks, profiles, reference
from netapp.services import mentoring as mentoring_service

WIZARD_STEPS = (
    ("about", "About you"),
    ("assessment", "Your leadership"),
    ("needs", "Help you'd like"),
    ("mentoring", "Mentoring others"),
    ("networks", "Networks"),
)


def _progress(step: str, part: tuple[int, int] | None = None) -> dict:
    number = [code for code, _ in WIZARD_STEPS].index(step) + 1
    return {"number": number, "total": len(WIZARD_STEPS), "label": dict(WIZARD_STEPS)[step],
            "part": part}


@bp.route("/me/start")
@login_required
def onboarding():
    """Send the member to the first step they haven't done, so they can leave and come back."""
    step = profiles.next_step(db.session.get(Profile, current_user.id))
    if step is None:
        return redirect(url_for("members.me"))
    if step == "assessment":
        fw = lqf.framework()
        user = current_member()
        if lqf.draft(user, fw) is None and lqf.latest(user.id, fw) is not None:
            # Already assessed outside the wizard: no need to ask again.
            profiles.complete_step(user, "assessment")
            return redirect(url_for("members.onboarding"))
        done = lqf.scored_dimensions(user, fw)
        code = next((d.code for d in fw.dimensions if d.code not in done), fw.dimensions[-1].code)
        return redirect(url_for("members.wizard_assess", code=code))
    return redirect(url_for(f"members.wizard_{step}"))


def _about_saved(user_id: int):
    """The saved About you answers as one plain row (None before a profile exists): the page
    only shows them, and loading the profile and its service as objects cost more."""
    return db.session.execute(
        sa.select(Profile.job_title, Profile.local_authority_id, Profile.level,
                  Profile.years_as_manager, Profile.meets_online,
                  Organisation.id.label("organisation_id"),
                  Organisation.name.label("organisation_name"), Organisation.service_type)
        .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
        .where(Profile.user_id == user_id)).first()


# As many suggestions as ``profiles.organisations_near`` gives.
_NEAR_MOST = 300


@cache
def _about_shown_statement():
    """The saved answers (``_about_saved``'s row, kind "saved") and the names of the services
    in the saved council (kind "near", each with its place in ``organisations_near``'s order)
    in one statement."""
    user_id = sa.bindparam("user_id", type_=sa.Integer())
    council = sa.select(Profile.local_authority_id).where(Profile.user_id == user_id)
    names = (sa.select(Organisation.name)
             .where(Organisation.local_authority_id == council.scalar_subquery())
             .distinct().order_by(Organisation.name).limit(_NEAR_MOST).subquery())
    no_int, no_bool = sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.Boolean)
    no_text = sa.cast(sa.null(), sa.String)
    return sa.union_all(
        sa.select(sa.literal("saved").label("kind"), no_int.label("place"),
                  Profile.job_title, Profile.local_authority_id, Profile.level,
                  Profile.years_as_manager, Profile.meets_online,
                  Organisation.id.label("organisation_id"),
                  Organisation.name.label("organisation_name"), Organisation.service_type)
        .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
        .where(Profile.user_id == user_id),
        sa.select(sa.literal("near"), sa.func.row_number().over(order_by=names.c.name),
                  no_text, no_int, no_int, no_int, no_bool, no_int, names.c.name,
                  sa.cast(sa.null(), Organisation.service_type.type)),
    ).order_by(sa.text("kind"), sa.text("place"))


def _about_shown(user_id: int):
    """(``_about_saved(user_id)``, ``profiles.organisations_near`` its council) in one
    statement, for a page that only shows them."""
    profile, near = None, []
    for row in reads.rows(_about_shown_statement(), {"user_id": user_id}):
        if row.kind == "saved":
            profile = row
        else:
            near.append(row.organisation_name)
    return profile, near


def _about(wizard: bool):
    user = current_member()
    if request.method == "GET":
        profile, near = _about_shown(user.id)
    else:
        profile, near = _about_saved(user.id), None
    form = AboutForm()
    if request.method == "GET":
        form.display_name.data = user.display_name
        if profile is not None:
            form.job_title.data = profile.job_title
            if profile.organisation_id is not None:
                form.organisation_name.data = profile.organisation_name
                form.service_type.data = profile.service_type.value
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
    saved_so_far = False
    if wizard and form.is_submitted() and "csrf_token" not in form.errors:
        # The wizard promises to save as you go: keep every answer that passed its own checks.
        answers = _about_answers_so_far(form)
        if answers:
            profiles.save_about_so_far(user, answers)
            saved_so_far = True
    if near is None:  # a form sent back: its council, else the saved one
        chosen = form.local_authority_id.data
        council = chosen if isinstance(chosen, int) else None
        near = profiles.organisations_near(council or (profile and profile.local_authority_id))
    return render_template(
        "members/about.html", form=form, wizard=wizard, saved_so_far=saved_so_far,
        progress=_progress("about") if wizard else None,
        levels_hints={str(k): hint for k, (_, hint) in profiles.LEVELS.items()},
        suggestions=near,
    ), 200 if request.method == "GET" or form.errors == {} else 400


def _about_answers_so_far(form: AboutForm) -> dict:
    """The About you answers that are filled in and passed their own checks."""
    def given(field) -> bool:
        return not field.errors and field.data not in (None, "")

    answers = {}
    for key in ("display_name", "job_title", "organisation_name", "years_as_manager"):
        if given(form[key]):
            answers[key] = form[key].data
    if given(form.local_authority_id):
        answers["local_authority_id"] = form.local_authority_id.data
    if given(form.service_type):
        answers["service_type"] = ServiceType(form.service_type.data)
    if given(form.level):
        answers["level"] = int(form.level.data)
    if given(form.meets_online):
        answers["meets_online"] = form.meets_online.data == "yes"
    return answers


@bp.route("/me/start/about", methods=["GET", "POST"])
@login_required
def wizard_about():
    return _about(wizard=True)


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
def edit_about():
    return _about(wizard=False)


def _assess(code: str, wizard: bool):
    user = current_member()
    # The process's copy: this handler only reads the framework (its ids and text).
    fw = lqf.shared_framework()
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
    user = current_member()
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


@cache
def _offer_statement():
    """The saved mentoring offer as one plain row (none before a profile exists): what the
    form shows of the profile, with the ids of the topics offered joined by commas (NULL when
    none). One statement, where loading the profile as an object and then its topics took
    two."""
    offered = (sa.select(sa.func.aggregate_strings(sa.cast(member_offers.c.topic_id,
                                                           sa.String()), ","))
               .where(member_offers.c.user_id == Profile.user_id).scalar_subquery())
    return (sa.select(Profile.mentor_capacity, Profile.onboarding_step,
                      Profile.mentor_availability, Profile.mentor_note,
                      offered.label("offers"))
            .where(Profile.user_id == sa.bindparam("user_id", type_=sa.Integer())))


def _mentoring(wizard: bool):
    user = current_member()
    form = MentoringForm()
    # The process's copies: the form only reads their ids and names (merging each topic into
    # the request's session cost about a third of a millisecond).
    form.set_topics(reference.shared("topics").values())
    # Only shown on a GET; a POST saves what was sent.
    found = (reads.rows(_offer_statement(), {"user_id": user.id})
             if request.method == "GET" else [])
    profile = found[0] if found else None
    if profile is not None:
        if profile.mentor_capacity:
            form.will_mentor.data = "yes"
            form.capacity.data = str(profile.mentor_capacity)
        elif profile.onboarding_step in ("mentoring", "networks"):
            form.will_mentor.data = "no"
        form.set_selected([int(i) for i in profile.offers.split(",")] if profile.offers else [])
        form.availability.data = profile.mentor_availability
        form.note.data = profile.mentor_note
    if form.validate_on_submit():
        mentoring = form.will_mentor.data == "yes"
        capacity = int(form.capacity.data) if mentoring else 0
        problem = mentoring_service.too_few_places(user, capacity)
        if problem:
            form.capacity.errors.append(problem)
        else:
            profiles.save_offer(
                user, capacity=capacity, topic_ids=form.selected,
                availability=form.availability.data or "", note=form.note.data or "",
                step=wizard,
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
    user = current_member()
    # Only confirmed accounts may join an affinity network, so others are offered no boxes.
    affinity = networks.affinity_networks() if user.is_verified else []
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
                           consent_version=networks.CONSENT_VERSION, resend_form=EmptyForm())

