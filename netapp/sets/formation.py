"""The coordinators' formation console: create, run, preview, move members, facilitators,
publish and late joiners."""
from __future__ import annotations

from decimal import Decimal

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from netapp.access import current_account, role_required
from netapp.extensions import db
from netapp.forms_common import EmptyForm
from netapp.models import FormationStatus, LearningSet, Role, SetFormation
from netapp.progress import progress_fragment
from netapp.request_hooks import page_number
from netapp.services import jobs, reference
from netapp.services import sets_formation as service
from netapp.services.jobs import JobError
from netapp.sets import bp
from netapp.sets.formation_forms import (
    WHOLE_COUNTRY,
    FacilitatorForm,
    FormationForm,
    LateJoinerForm,
    MoveForm,
    SettingsForm,
)

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _page(name: str = "page") -> int:
    return max(request.args.get(name, 1, type=page_number), 1)


def _formation(formation_id: int) -> SetFormation:
    # Its job and region with it: every formation page shows them.
    formation = db.get_or_404(SetFormation, formation_id,
                              options=[joinedload(SetFormation.job),
                                       joinedload(SetFormation.region)])
    if formation.status == FormationStatus.RUNNING and formation.job is not None:
        jobs.give_up_if_stale(formation.job)
    return formation


def _shown(formation_id: int) -> service.FormationFacts | SetFormation:
    """The formation for a page that only shows it, as plain values (``formation_facts``);
    its record while it runs, so a stale run is given up first (``_formation``)."""
    return _unless_running(service.formation_facts(formation_id))


def _unless_running(formation: service.FormationFacts | None
                    ) -> service.FormationFacts | SetFormation:
    """``_shown`` of facts already read: 404 without them, the record while it runs."""
    if formation is None:
        abort(404)
    if formation.status == FormationStatus.RUNNING and formation.job is not None:
        return _formation(formation.id)
    return formation


def _to_formation(formation: SetFormation, **args):
    return redirect(url_for("sets.formation_detail", formation_id=formation.id, **args))


@bp.route("/formations")
@role_required(*STAFF)
def formations():
    page = service.formations_page(_page(), current_app.config["PAGE_SIZE"])
    return render_template("sets/formation_list.html", page=page)


@bp.route("/formations/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_formation():
    defaults = {k: Decimal(format(v, "g")) for k, v in service.default_weights().items()}
    form = FormationForm(data=None if request.method == "POST" else defaults)
    form.set_regions(reference.regions())
    if form.validate_on_submit():
        region_id = None if form.region.data == WHOLE_COUNTRY else int(form.region.data)
        try:
            formation = service.create_formation(
                current_account(), form.name.data, region_id, form.only_asked.data == "yes",
                form.min_size.data, form.max_size.data, form.weights())
        except service.FormationError as problem:
            form.region.errors.append(str(problem))
        else:
            flash(f"'{formation.name}' is ready. Form the sets when you're ready.", "success")
            return _to_formation(formation)
    return render_template("sets/formation_new.html", form=form)


@bp.route("/formations/<int:formation_id>")
@role_required(*STAFF)
def formation_detail(formation_id: int):
    formation = _shown(formation_id)
    sets_page = service.preview_page(formation, _page(), current_app.config["PAGE_SIZE"])
    return render_template(
        "sets/formation_detail.html", formation=formation, where=service.where(formation),
        sets_page=sets_page, views=sets_page.items, form=EmptyForm(), move_form=MoveForm(),
        weights=service.weights_of(formation), weight_names=service.WEIGHT_NAMES,
        editable=formation.status in service.EDITABLE)


@bp.route("/formations/<int:formation_id>/settings", methods=["GET", "POST"])
@role_required(*STAFF)
def formation_settings(formation_id: int):
    """Change the set sizes and weights of a formation not yet published, and form again."""
    formation = _formation(formation_id)
    if formation.status not in service.EDITABLE:
        flash("The sizes and weights can't be changed now: "
              + ("the sets are being formed." if formation.status == FormationStatus.RUNNING
                 else "these sets are published."), "info")
        return _to_formation(formation)
    current = {"min_size": formation.min_size, "max_size": formation.max_size,
               **{k: Decimal(format(v, "g")) for k, v in service.weights_of(formation).items()}}
    form = SettingsForm(data=None if request.method == "POST" else current)
    if form.validate_on_submit():
        try:
            service.change_settings(current_account(), formation, form.min_size.data,
                                    form.max_size.data, form.weights())
        except (service.FormationError, JobError) as problem:
            db.session.rollback()
            form.min_size.errors.append(str(problem))
        else:
            flash("Saved. The sets are being formed again with the new sizes and weights.",
                  "success")
            return _to_formation(formation)
    status = 400 if request.method == "POST" else 200
    return render_template("sets/formation_settings.html", formation=formation,
                           form=form), status


@bp.route("/formations/<int:formation_id>/unplaced")
@role_required(*STAFF)
def formation_unplaced(formation_id: int):
    formation = _shown(formation_id)
    page = service.unplaced_page(formation, _page(), current_app.config["PAGE_SIZE"])
    return render_template("sets/formation_unplaced.html", formation=formation, page=page,
                           names={row.user_id: row.name for row in page.items})


@bp.route("/formations/<int:formation_id>/run", methods=["POST"])
@role_required(*STAFF)
def run_formation(formation_id: int):
    formation = _formation(formation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.start_run(current_account(), formation)
    except (service.FormationError, JobError) as problem:
        flash(str(problem), "error")
    return _to_formation(formation)


@bp.route("/formations/<int:formation_id>/progress")
@role_required(*STAFF)
def formation_progress(formation_id: int):
    """The progress fragment, polled by the formation page; tells htmx to reload when done."""
    formation = _formation(formation_id)
    if formation.job is None:
        abort(404)
    return progress_fragment(formation.job,
                             url_for("sets.formation_detail", formation_id=formation.id))


@bp.route("/formations/<int:formation_id>/move", methods=["GET", "POST"])
@role_required(*STAFF)
def move_member(formation_id: int):
    """Move a member to another draft set. Without warnings the move is saved at once; with
    any, the coordinator reads them and confirms or cancels."""
    formation = _formation(formation_id)
    if formation.status != FormationStatus.PREVIEW:
        flash("Members can only be moved while the sets are a draft.", "info")
        return _to_formation(formation)
    form = MoveForm(request.form if request.method == "POST" else request.args)
    member_id = form.member.raw_data and form.member.raw_data[0]
    if not (member_id and str(member_id).isdigit()):
        abort(404)
    member_id = int(member_id)
    form.member.choices = [SelectChoice(member_id, "")]
    form.target.choices = [SelectChoice(i, name) for i, name in service.set_choices(formation)]
    check = None
    if request.method == "POST" and not form.validate() and "csrf_token" in form.errors:
        abort(400)
    if request.method == "POST" and not form.errors:
        try:
            check = service.check_move(formation, member_id, form.target.data)
            if not check.warnings or form.confirm.data:
                service.move_member(current_account(), formation, member_id, form.target.data)
                flash(f"{check.user.display_name} moved to {check.target.name}."
                      + (" Every rule still holds." if not check.warnings else
                         " Some rules are not kept: see the sets marked below."), "success")
                return _to_formation(formation)
        except service.FormationError as problem:
            form.target.errors.append(str(problem))
    person = service.mover(formation, member_id)
    if person is None:
        abort(404)
    return render_template("sets/formation_move.html", formation=formation, form=form,
                           check=check, person=person)


@bp.route("/formations/<int:formation_id>/sets/<int:set_id>/facilitator",
          methods=["GET", "POST"])
@role_required(*STAFF)
def set_facilitator(formation_id: int, set_id: int):
    # Only shown, the formation and the set are read as plain values; a save needs records.
    # Thousands may facilitate: the list offers the first by name, or those a search finds,
    # always with the one already chosen (so a save never changes them unseen); only shown,
    # the list is read with the formation and the set.
    name = request.args.get("name", "").strip()[:120]
    if request.method == "POST":
        formation, row = _formation(formation_id), db.get_or_404(LearningSet, set_id)
    else:
        facts, row, (choices, found, more) = service.formation_set_and_choices(
            formation_id, set_id, name)
        formation = _unless_running(facts)
    if row is None or row.formation_id != formation.id:
        abort(404)
    form = FacilitatorForm(data=None if request.method == "POST" else
                           {"facilitator": row.facilitator_id})
    if request.method == "POST":
        chosen = request.form.get("facilitator", "")
        keep = int(chosen) if chosen and chosen.isdigit() and len(chosen) < 10 else None
        choices, found, more = service.facilitator_choices(name, keep)
    form.facilitator.choices = [(i, person) for i, person in choices]
    if form.validate_on_submit():
        try:
            service.assign_facilitator(current_account(), formation, row.id, form.facilitator.data)
        except service.FormationError as problem:
            form.facilitator.errors.append(str(problem))
        else:
            flash(f"{row.facilitator.display_name} will facilitate {row.name}.", "success")
            return _to_formation(formation)
    return render_template("sets/formation_facilitator.html", formation=formation, row=row,
                           form=form, name=name, more=more, found=found,
                           shown=service.FACILITATORS_SHOWN)


@bp.route("/formations/<int:formation_id>/publish", methods=["GET", "POST"])
@role_required(*STAFF)
def publish_formation(formation_id: int):
    formation = _formation(formation_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            published = service.publish(current_account(), formation.id)
        except service.FormationError as problem:
            flash(str(problem), "error")
            return _to_formation(formation)
        if published:
            flash(f"Published: {published} {'set' if published == 1 else 'sets'} can now meet, "
                  "and each member has been told.", "success")
        else:
            flash("These sets were already published; nothing more was sent.", "info")
        return _to_formation(formation)
    if request.method == "POST":
        abort(400)
    if formation.status == FormationStatus.PUBLISHED:
        flash("These sets are already published.", "info")
        return _to_formation(formation)
    if formation.status != FormationStatus.PREVIEW:
        flash("Form the sets first: there is nothing to publish yet.", "info")
        return _to_formation(formation)
    return render_template("sets/formation_publish.html", formation=formation, form=form,
                           counts=service.publish_counts(formation))


@bp.route("/formations/<int:formation_id>/late")
@role_required(*STAFF)
def late_joiners(formation_id: int):
    formation = _shown(formation_id)
    if formation.status != FormationStatus.PUBLISHED:
        flash("Late joiners are added once the sets are published.", "info")
        return _to_formation(formation)
    page = service.late_joiners_page(formation, _page(), current_app.config["PAGE_SIZE"])
    return render_template("sets/formation_late.html", formation=formation, page=page)


def _late_person(formation: SetFormation, user_id: int) -> None:
    """404 unless the member is one of the formation's late joiners."""
    if formation.status != FormationStatus.PUBLISHED:
        abort(404)
    if service.late_person(formation, user_id) is None:
        abort(404)


@bp.route("/formations/<int:formation_id>/late/<int:user_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def late_joiner(formation_id: int, user_id: int):
    """The search for a late joiner's sets (run in the task queue), its progress, and once
    done the sets to choose from."""
    formation = _formation(formation_id) if request.method == "POST" else _shown(formation_id)
    if formation.status != FormationStatus.PUBLISHED:
        abort(404)
    person, job = service.late_person_and_job(formation, user_id)
    if person is None:
        abort(404)
    proposals, reason = service.late_proposals(job)
    form = LateJoinerForm(data=None if request.method == "POST" or not proposals else
                          {"set_id": proposals[0].set_id})
    form.set_id.choices = [SelectChoice(p.set_id, p.name) for p in proposals]
    if request.method == "POST":
        valid = form.validate_on_submit()
        if "csrf_token" in form.errors:
            abort(400)
        if not proposals:
            flash("Find the sets for them first.", "info")
            return redirect(url_for("sets.late_joiner", formation_id=formation.id,
                                    user_id=user_id))
        if valid:
            try:
                row = service.add_late_joiner(current_account(), formation, user_id,
                                              form.set_id.data)
            except service.FormationError as problem:
                form.set_id.errors.append(str(problem))
            else:
                flash(f"{person.display_name} joined {row.name}, and we've told them.",
                      "success")
                return redirect(url_for("sets.late_joiners", formation_id=formation.id))
    status = 400 if request.method == "POST" else 200
    return render_template("sets/formation_late_joiner.html", formation=formation,
                           person=person, job=job, proposals=proposals, reason=reason,
                           form=form, start_form=EmptyForm()), status


@bp.route("/formations/<int:formation_id>/late/<int:user_id>/find", methods=["POST"])
@role_required(*STAFF)
def late_joiner_find(formation_id: int, user_id: int):
    """Start (or start again) the search for the sets a late joiner can join."""
    formation = _formation(formation_id)
    _late_person(formation, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.start_late_proposals(current_account(), formation, user_id)
    except (service.FormationError, JobError) as problem:
        flash(str(problem), "error")
    return redirect(url_for("sets.late_joiner", formation_id=formation.id, user_id=user_id))


@bp.route("/formations/<int:formation_id>/late/<int:user_id>/progress")
@role_required(*STAFF)
def late_joiner_progress(formation_id: int, user_id: int):
    """The search's progress fragment, polled by the page; tells htmx to reload when done."""
    formation = _formation(formation_id)
    _late_person(formation, user_id)
    job = service.late_job(formation, user_id)
    if job is None:
        abort(404)
    return progress_fragment(
        job, url_for("sets.late_joiner", formation_id=formation.id, user_id=user_id))
