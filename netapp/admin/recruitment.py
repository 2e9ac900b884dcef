"""Admins keep the recruitment kit's interview questions."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from netapp import reads
from netapp.access import current_account, role_required
from netapp.admin import bp
from netapp.admin.forms import QuestionForm
from netapp.escaping import escaped
from netapp.extensions import db
from netapp.models import Dimension, Element, RecruitmentQuestion, Role
from netapp.services import lqf, recruitment


def _question_form(fw, question: RecruitmentQuestion | None = None) -> QuestionForm:
    form = QuestionForm(obj=question)
    form.element_id.choices = [SelectChoice(e.id, f"{e.code} {e.name}", optgroup=d.name)
                               for d in fw.dimensions for e in d.elements]
    return form


@functools.cache
def _questions_statement() -> sa.Select:
    """Every question of a framework (``framework_id``) as plain columns, in the kit's order
    (area, element, the question's order): built once per process."""
    return (sa.select(RecruitmentQuestion.id, RecruitmentQuestion.element_id,
                      RecruitmentQuestion.position, RecruitmentQuestion.question,
                      RecruitmentQuestion.active)
            .join(Element, Element.id == RecruitmentQuestion.element_id)
            .join(Dimension, Dimension.id == Element.dimension_id)
            .where(Dimension.framework_id == sa.bindparam("framework_id", type_=sa.Integer()))
            .order_by(Dimension.position, Element.position, RecruitmentQuestion.position,
                      RecruitmentQuestion.id))


def _question_rows(fw) -> Markup:
    """The list's rows, written in Python from plain rows (one statement, the framework's
    elements from the process's copy), every value escaped as the template's loop wrote them:
    that loop, each question with its element read as a record, was most of the page's time."""
    elements = {e.id: e for d in fw.dimensions for e in d.elements}
    edit = url_for("admin.edit_recruitment_question", question_id=0).removesuffix("0")
    parts = []
    for q_id, element_id, position, question, active in reads.raw_rows(
            _questions_statement(), {"framework_id": fw.id}):
        element = elements[element_id]
        code, where = escaped(element.code), escaped(position)
        parts.append(
            f'\n    <tr><td>{code} {escaped(element.name)}</td><td>{where}</td><td>'
            f'{escaped(question)}</td><td>{"Yes" if active else "No"}</td>\n'
            f'        <td><a href="{edit}{q_id}" aria-label="Edit {code} question {where}">'
            f'Edit</a></td></tr>\n  ')
    return Markup("".join(parts))


def _save(form: QuestionForm, question: RecruitmentQuestion | None) -> RecruitmentQuestion:
    return recruitment.save_question(
        current_account(), question, element_id=form.element_id.data, text=form.question.data,
        good_answer=form.good_answer.data, position=form.position.data,
        active=form.active.data)


@bp.route("/recruitment", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def recruitment_questions():
    fw = lqf.shared_framework()
    form = _question_form(fw)
    if form.validate_on_submit():
        _save(form, None)
        flash("Question added.", "success")
        return redirect(url_for("admin.recruitment_questions"))
    return render_template("admin/recruitment_questions.html", form=form,
                           rows=_question_rows(fw)), 400 if form.errors else 200


@bp.route("/recruitment/<int:question_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_recruitment_question(question_id: int):
    question = db.get_or_404(RecruitmentQuestion, question_id)
    form = _question_form(lqf.shared_framework(), question)
    if form.validate_on_submit():
        _save(form, question)
        flash("Question saved." if question.active else
              "Question saved. It is no longer shown in the kit.", "success")
        return redirect(url_for("admin.recruitment_questions"))
    return render_template("admin/recruitment_question.html", form=form, question=question), \
        400 if form.errors else 200
