"""360-degree feedback: inviting colleagues, the results, and the raters' private-link pages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import current_member, dimension_chart
from netapp.members.forms import UNSEEN, EmptyForm, InviteRatersForm, feedback_form
from netapp.models import User
from netapp.services import feedback, lqf


@bp.route("/me/feedback", methods=["GET", "POST"])
@login_required
def my_feedback():
    user = current_member()
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
    current, results, earlier = feedback.my_page(user)
    return render_template("members/feedback.html", form=form, results=results,
                           minimum=feedback.MIN_RATERS, earlier=earlier,
                           new_round_form=EmptyForm(),
                           invited=feedback.invited_addresses(current)), \
        400 if form.errors else 200


@bp.route("/me/feedback/new", methods=["POST"])
@login_required
def new_feedback_round():
    if EmptyForm().validate_on_submit():
        try:
            feedback.start_round(current_member(), lqf.framework())
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
    user = current_member()
    found = feedback.results(user, round_id)
    if round_id is not None and found is None:
        abort(404)
    if found is None or not found.is_ready:
        flash(f"Results appear once at least {feedback.MIN_RATERS} colleagues have answered.",
              "info")
        return redirect(url_for("members.my_feedback"))
    fw = lqf.framework()
    mine = {d.code: d.value for d in lqf.dimension_averages(
        fw, lqf.as_dict(lqf.latest(user.id, fw)))}
    has_self = any(v is not None for v in mine.values())
    theirs = found.bands
    columns = [("Colleagues (rounded)", [theirs.get(d.code) for d in fw.dimensions])]
    if has_self:
        columns.insert(0, ("You", [mine[d.code] for d in fw.dimensions]))
    chart = dimension_chart(fw, columns, "radar-feedback",
                            "How you and your colleagues see your leadership")
    rows = [(d, mine[d.code], theirs.get(d.code)) for d in fw.dimensions]
    return render_template("members/feedback_results.html", chart=chart, rows=rows,
                           results=found, has_self=has_self, minimum=feedback.MIN_RATERS)


@bp.route("/feedback/<token>", methods=["GET", "POST"])
def give_feedback(token: str):
    """A colleague's private link; they answer signed in with the invited address's account."""
    rater = feedback.rater_for(token)
    if rater is None:
        # Requests go when their member leaves; we keep nothing that could tell a closed link
        # from a mistyped one, so the page covers both, kindly.
        return render_template("members/feedback_closed.html"), 404
    member = db.session.get(User, rater.round.user_id)
    here = url_for("members.give_feedback", token=token)
    if not current_user.is_authenticated:
        return render_template("members/feedback_sign_in.html", member=member, here=here)
    user = current_member()
    try:
        feedback.check_rater(rater, user)
    except feedback.NotYourInvitation as exc:
        return render_template("members/feedback_refused.html", member=member, reason=str(exc),
                               needs_confirming=not user.is_verified, form=EmptyForm()), 403
    if rater.submitted_at is not None:
        return render_template("members/feedback_thanks.html", member=member)
    fw = lqf.framework()
    codes = {e.id: e.code for d in fw.dimensions for e in d.elements}
    saved = {codes[s.element_id]: UNSEEN if s.score is None else str(s.score)
             for s in rater.scores}
    form = feedback_form(fw, {**saved, "comment": rater.comment or ""})
    if form.validate_on_submit():
        answers = {e.id: None if form[e.code].data == UNSEEN else int(form[e.code].data)
                   for d in fw.dimensions for e in d.elements if form[e.code].data}
        submit = "send" in request.form
        try:
            feedback.save_answers(rater, user, fw, answers, submit=submit,
                                  comment=form.comment.data)
        except feedback.MissingAnswers as exc:
            for e in exc.missing:
                form[e.code].errors = [f"Choose a number for “{e.name}”, or "
                                       "“I haven't seen this”."]
            return render_template("members/feedback_give.html", form=form, fw=fw,
                                   member=member, missing=exc.missing), 400
        except feedback.FeedbackError as exc:
            flash(str(exc), "error")
            return redirect(here)
        if submit:
            return render_template("members/feedback_thanks.html", member=member)
        flash("Saved. Use the same link from your email to come back and finish.", "success")
        return redirect(here)
    return render_template("members/feedback_give.html", form=form, fw=fw, member=member,
                           missing=[]), 400 if form.errors else 200
