"""The coordinators' matching rounds: create, pool, weights, locked and forbidden pairs, run,
progress, preview and publish."""
from __future__ import annotations

from collections import OrderedDict
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
from flask_login import current_user
from markupsafe import Markup

from netapp.access import current_account, role_required
from netapp.escaping import escaped
from netapp.forms_common import EmptyForm
from netapp.mentoring import bp, round_rows
from netapp.mentoring.round_forms import WHOLE_COUNTRY, PairForm, RoundForm, RuleForm, WeightsForm
from netapp.models import MentoringRound, PairRuleKind, Role, RoundStatus
from netapp.progress import progress_fragment
from netapp.request_hooks import page_number
from netapp.services import jobs, reference
from netapp.services import mentoring_rounds as rounds_service
from netapp.services.jobs import JobError
from netapp.services.peers import keep_latest

STAFF = (Role.COORDINATOR, Role.ADMIN)
POOL_LISTS = ("mentees", "mentors", "left_out")


def _page(name: str = "page") -> int:
    return max(request.args.get(name, 1, type=page_number), 1)


def _round(round_id: int) -> MentoringRound:
    rnd = rounds_service.get_round(round_id)
    if rnd is None:
        abort(404)
    if rnd.status == RoundStatus.RUNNING and rnd.job is not None:
        jobs.give_up_if_stale(rnd.job)  # a lost run becomes a failed one, which can run again
    return rnd


def _to_round(rnd: MentoringRound):
    return redirect(url_for("mentoring.round_detail", round_id=rnd.id))


@bp.route("/rounds")
@role_required(*STAFF)
def rounds():
    # Plain rows with each round's region and job, and the number in all, in one statement.
    page = rounds_service.round_rows(_page(), current_app.config["PAGE_SIZE"])
    return render_template("mentoring/rounds.html", page=page, where=rounds_service.where_row)


@bp.route("/rounds/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_round():
    form = RoundForm()
    form.set_regions(reference.regions())
    if form.validate_on_submit():
        region_id = None if form.region.data == WHOLE_COUNTRY else int(form.region.data)
        rnd = rounds_service.create_round(current_account(), form.name.data, region_id)
        flash(f"Round '{rnd.name}' created. Check its pool and weights, then run it.", "success")
        return _to_round(rnd)
    return render_template("mentoring/rounds_new.html", form=form)


@bp.route("/rounds/<int:round_id>")
@role_required(*STAFF)
def round_detail(round_id: int):
    # The round, its job and its rules in one statement.
    found = rounds_service.round_job_and_rules(round_id)
    if found is None:
        abort(404)
    rnd, rules = found
    if rnd.status == RoundStatus.RUNNING and rnd.job is not None:
        jobs.give_up_if_stale(rnd.job)  # a lost run becomes a failed one, which can run again
    return render_template(
        "mentoring/rounds_detail.html", rnd=rnd, where=rounds_service.where(rnd),
        rules=rules, weights=rounds_service.weights_of(rnd),
        weight_names=rounds_service.WEIGHT_NAMES, form=EmptyForm(),
        editable=rnd.status in rounds_service.EDITABLE)


@bp.route("/rounds/<int:round_id>/pool")
@role_required(*STAFF)
def round_pool(round_id: int):
    show = request.args.get("show", "mentees")
    if show not in POOL_LISTS:
        show = "mentees"
    # The round as plain values, the counts and a page of names come from the database in one
    # statement, without the engine's features (a page past the end shows the last one).
    found = rounds_service.round_and_pool_page(round_id, show, _page(),
                                               current_app.config["PAGE_SIZE"])
    if found is None:
        abort(404)
    rnd, counts, page = found
    if rnd.status == RoundStatus.RUNNING and rnd.job_id is not None:
        rnd = _round(round_id)  # a lost run becomes a failed one, which can run again
    return render_template("mentoring/rounds_pool.html", rnd=rnd, view=counts, show=show,
                           page=page, where=rounds_service.where(rnd))


@bp.route("/rounds/<int:round_id>/weights", methods=["GET", "POST"])
@role_required(*STAFF)
def round_weights(round_id: int):
    rnd = _round(round_id)
    saved = {name: Decimal(format(value, "g"))
             for name, value in rounds_service.weights_of(rnd).items()}
    form = WeightsForm(data=None if request.method == "POST" else saved)
    if form.validate_on_submit():
        try:
            rounds_service.set_weights(current_account(), rnd, form.values())
        except rounds_service.RoundError as problem:
            flash(str(problem), "error")
        else:
            flash("Weights saved. They count from the next run.", "success")
            return _to_round(rnd)
    return render_template("mentoring/rounds_weights.html", rnd=rnd, form=form,
                           defaults=rounds_service.default_weights(),
                           editable=rnd.status in rounds_service.EDITABLE)


@bp.route("/rounds/<int:round_id>/pairs", methods=["GET", "POST"])
@role_required(*STAFF)
def round_rules(round_id: int):
    # The round, its rules and its pick lists in one statement, as plain values (a failed
    # addition below changes no rule); the round itself to change it, or to give up on a lost
    # run (then the pick lists are read again for it).
    found = rounds_service.round_rules_and_picks(round_id)
    if found is None:
        abort(404)
    rnd, rules, picks = found
    if request.method == "POST" or (rnd.status == RoundStatus.RUNNING
                                    and rnd.job_id is not None):
        rnd, picks = _round(round_id), None
    form = RuleForm()
    if form.validate_on_submit():
        try:
            mentee_id, mentor_id = rounds_service.find_pair(rnd, form.mentee.data,
                                                            form.mentor.data)
            rounds_service.add_rule(current_account(), rnd, PairRuleKind(form.kind.data),
                                    mentee_id, mentor_id)
        except rounds_service.RoundError as problem:
            form.form_errors.append(str(problem))
        else:
            flash("Saved. It counts from the next run.", "success")
            return redirect(url_for("mentoring.round_rules", round_id=rnd.id))
    editable = rnd.status in rounds_service.EDITABLE
    mentee_options, mentor_options = _pick_options(rnd, picks) if editable else ("", "")
    return render_template("mentoring/rounds_pairs.html", rnd=rnd, form=form,
                           mentee_options=mentee_options, mentor_options=mentor_options,
                           rules=rules, remove_form=EmptyForm(), editable=editable)


def _options(people) -> Markup:
    """A pick list's options (up to a thousand), written in Python, every label escaped."""
    return Markup("".join(f'<option value="{escaped(rounds_service.label(p))}"></option>'
                          for p in people))


_PICKS_KEPT = 8  # pick lists a process keeps (``_pick_options``)


def _pick_options(rnd: MentoringRound | rounds_service.RoundHead,
                  texts: tuple[str, str] | None = None) -> tuple[Markup, Markup]:
    """The options of the mentee and mentor pick lists (``_options``), from ``texts`` as
    ``pick_texts`` has them (None: read now). A process keeps those of its latest few pools
    by every row they show (both lists as read, member numbers and names in order), so a pool
    shown again is not written again; any change is another key, written afresh."""
    if texts is None:
        texts = rounds_service.pick_texts(rnd)
    kept: OrderedDict = current_app.extensions.setdefault("round_picks", OrderedDict())
    found = kept.get(texts)
    if found is None:
        found = tuple(_options(rounds_service.people_of(text)) for text in texts)
        keep_latest(kept, texts, found, _PICKS_KEPT)
    return found


@bp.route("/rounds/<int:round_id>/pairs/<int:rule_id>/remove", methods=["POST"])
@role_required(*STAFF)
def remove_round_rule(round_id: int, rule_id: int):
    rnd = _round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        removed = rounds_service.remove_rule(current_account(), rnd, rule_id)
    except rounds_service.RoundError as problem:
        flash(str(problem), "error")
    else:
        if not removed:
            abort(404)
        flash("Removed. It counts from the next run.", "success")
    return redirect(url_for("mentoring.round_rules", round_id=rnd.id))


@bp.route("/rounds/<int:round_id>/pairs/from-preview", methods=["POST"])
@role_required(*STAFF)
def round_pair_from_preview(round_id: int):
    rnd = _round(round_id)
    form = PairForm()
    if not form.validate_on_submit() or not (form.mentee_id.data.isdigit()
                                             and form.mentor_id.data.isdigit()):
        abort(400)
    kind = PairRuleKind(form.kind.data)
    try:
        rounds_service.add_rule(current_account(), rnd, kind, int(form.mentee_id.data),
                                int(form.mentor_id.data))
    except rounds_service.RoundError as problem:
        flash(str(problem), "error")
    else:
        flash("Locked: they stay together when you run the round again."
              if kind == PairRuleKind.LOCK else
              "Forbidden: they won't be paired when you run the round again.", "success")
    return redirect(url_for("mentoring.round_preview", round_id=rnd.id))


@bp.route("/rounds/<int:round_id>/run", methods=["POST"])
@role_required(*STAFF)
def run_round(round_id: int):
    rnd = _round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        rounds_service.start_run(current_account(), rnd)
    except (rounds_service.RoundError, JobError) as problem:
        flash(str(problem), "error")
    return _to_round(rnd)


@bp.route("/rounds/<int:round_id>/progress")
@role_required(*STAFF)
def round_progress(round_id: int):
    """The progress fragment, polled by the round page; tells htmx to reload once finished."""
    rnd = _round(round_id)
    if rnd.job is None:
        abort(404)
    return progress_fragment(rnd.job, url_for("mentoring.round_detail", round_id=rnd.id))


@bp.route("/rounds/<int:round_id>/preview")
@role_required(*STAFF)
def round_preview(round_id: int):
    # The round comes as plain values with its pages of proposals, in one statement.
    found = rounds_service.preview(round_id, _page(), _page("unmatched_page"),
                                   current_app.config["PAGE_SIZE"])
    if found is None:
        abort(404)
    rnd, pairs, unmatched = found
    if rnd.status not in (RoundStatus.PREVIEW, RoundStatus.PUBLISHED):
        if rnd.status == RoundStatus.RUNNING:
            _round(round_id)  # a lost run becomes a failed one, which can run again
        flash("There are no proposals to see yet: run the round first.", "info")
        return _to_round(rnd)
    content = round_rows.preview_content(rnd, pairs, unmatched,
                                         current_user._get_current_object(),
                                         rnd.status in rounds_service.EDITABLE)
    return render_template("mentoring/rounds_preview.html", rnd=rnd, content=content)


@bp.route("/rounds/<int:round_id>/publish", methods=["GET", "POST"])
@role_required(*STAFF)
def publish_round(round_id: int):
    rnd = _round(round_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            offers = rounds_service.publish(current_account(), rnd.id)
        except rounds_service.RoundError as problem:
            flash(str(problem), "error")
            return redirect(url_for("mentoring.round_preview", round_id=rnd.id))
        if offers:
            flash(f"Published: {offers} {'offer' if offers == 1 else 'offers'} sent to mentors. "
                  "Each mentor can now accept or decline.", "success")
        else:
            flash("This round was already published; nothing more was sent.", "info")
        return _to_round(rnd)
    if request.method == "POST":
        abort(400)
    if rnd.status == RoundStatus.PUBLISHED:
        flash("This round is already published.", "info")
        return _to_round(rnd)
    if rnd.status != RoundStatus.PREVIEW:
        flash("Run the round first: there is nothing to publish yet.", "info")
        return _to_round(rnd)
    return render_template("mentoring/rounds_publish.html", rnd=rnd, stats=rnd.stats or {},
                           form=form)

