"""Admins keep the recruitment kit's interview questions."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from netapp.access import current_account, role_required
from netapp.admin import bp
from netapp.admin.forms import QuestionForm
from netapp.extensions import db
from netapp.models import RecruitmentQuestion, Role
from netapp.services import lqf, recruitment


def _question_form(fw, question: RecruitmentQuestion | None = None) -> QuestionForm:
    form = QuestionForm(obj=question)
    form.element_id.choices = [SelectChoice(e.id, f"{e.code} {e.name}", optgroup=d.name)
                               for d in fw.dimensions for e in d.elements]
    return form


def _save(form: QuestionForm, question: RecruitmentQuestion | None) -> RecruitmentQuestion:
    return recruitment.save_question(
        current_account(), question, element_id=form.element_id.data, text=form.question.data,
        good_answer=form.good_answer.data, position=form.position.data,
        active=form.active.data)


@bp.route("/recruitment", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def recruitment_questions():
    fw = lqf.framework()
    form = _question_form(fw)
    if form.validate_on_submit():
        _save(form, None)
        flash("Question added.", "success")
        return redirect(url_for("admin.recruitment_questions"))
    return render_template("admin/recruitment_questions.html", form=form,
                           items=recruitment.all_questions(fw)), 400 if form.errors else 200


@bp.route("/recruitment/<int:question_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_recruitment_question(question_id: int):
    question = db.get_or_404(RecruitmentQuestion, question_id)
    form = _question_form(lqf.framework(), question)
    if form.validate_on_submit():
        _save(form, question)
        flash("Question saved." if question.active else
              "Question saved. It is no longer shown in the kit.", "success")
        return redirect(url_for("admin.recruitment_questions"))
    return render_template("admin/recruitment_question.html", form=form, question=question), \
        400 if form.errors else 200
