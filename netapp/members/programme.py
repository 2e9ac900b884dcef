"""A member's programme page: their Leadership in Care Award, their service's rating from the
regulator, and feedback on the network (the figures of the coordinators' programme report)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.programme_forms import ProgrammeFeedbackForm, ProgrammeForm
from netapp.models.base import utcnow
from netapp.models.coordinator import UpdateKind
from netapp.services import programme

FIELDS = {"award": UpdateKind.AWARD, "rating": UpdateKind.RATING,
          "compliance": UpdateKind.COMPLIANCE}


def _feedback_form(**kwargs) -> ProgrammeFeedbackForm:
    # Its own prefix: both forms have a "rating", and each posts only its own.
    return ProgrammeFeedbackForm(prefix="feedback", **kwargs)


def _page(form: ProgrammeForm, feedback_form: ProgrammeFeedbackForm, status: int = 200):
    user = current_member()
    latest, last = programme.own_page(user)  # one statement
    for name, kind in FIELDS.items():  # unanswered questions show the latest answer
        if form[name].data is None and kind in latest:
            form[name].data = latest[kind].value
    return render_template(
        "members/programme.html", form=form, feedback_form=feedback_form,
        latest=latest, choices=programme.CHOICES, kind_words=programme.KIND_WORDS,
        last_feedback=last, replace_until=programme.replace_until(last, utcnow()),
        comment_max=programme.COMMENT_MAX), status


@bp.route("/me/programme")
@login_required
def my_programme():
    return _page(ProgrammeForm(), _feedback_form())


@bp.route("/me/programme", methods=["POST"])
@login_required
def save_programme():
    form = ProgrammeForm()
    if not form.validate_on_submit():
        return _page(form, _feedback_form(formdata=None), 400)
    saved = programme.save_updates(current_member(),
                                   {kind: form[name].data for name, kind in FIELDS.items()})
    flash("Thank you: saved." if saved else "Nothing has changed since you last told us.",
          "success")
    return redirect(url_for("members.my_programme"))


@bp.route("/me/programme/feedback", methods=["POST"])
@login_required
def programme_feedback():
    feedback_form = _feedback_form()
    if not feedback_form.validate_on_submit():
        return _page(ProgrammeForm(), feedback_form, 400)
    programme.give_feedback(current_member(), int(feedback_form.rating.data),
                            feedback_form.comment.data or "")
    flash("Thank you for your feedback. It helps us shape the network.", "success")
    return redirect(url_for("members.my_programme"))
