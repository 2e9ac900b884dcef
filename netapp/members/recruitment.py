"""The values-based recruitment kit: questions, good answers and a scoring sheet for a role."""
from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_login import login_required

from netapp.members import bp
from netapp.members.forms import KitForm
from netapp.services import lqf, recruitment


def _kit_form(fw, formdata) -> KitForm:
    form = KitForm(formdata=formdata, max_elements=recruitment.MAX_ELEMENTS)
    form.elements.choices = [(e.code, f"{e.code} {e.name}")
                             for d in fw.dimensions for e in d.elements]
    return form


def _groups(fw, form: KitForm) -> list:
    """The element checkboxes, one group per dimension."""
    options = {option.data: option for option in form.elements}
    return [(d, [options[e.code] for e in d.elements]) for d in fw.dimensions]


def _chosen(fw, form: KitForm) -> tuple[str, list]:
    codes = set(form.elements.data)
    ids = [e.id for d in fw.dimensions for e in d.elements if e.code in codes]
    return form.role.data.strip(), recruitment.kit(fw, ids)


def _form_page(fw, form: KitForm, status: int = 200):
    return render_template("members/recruitment/choose.html", form=form,
                           groups=_groups(fw, form),
                           max_elements=recruitment.MAX_ELEMENTS), status


@bp.route("/me/recruitment")
@login_required
def recruitment_kit():
    fw = lqf.shared_framework()
    # "Change these choices" on a pack comes back here with its role and ticks in the address:
    # the form starts from them, unchecked, so nothing is marked wrong before it is sent.
    return _form_page(fw, _kit_form(fw, request.args))


@bp.route("/me/recruitment/kit")
@login_required
def recruitment_pack():
    fw = lqf.shared_framework()
    form = _kit_form(fw, request.args)
    if not form.validate():
        return _form_page(fw, form, 400)
    role, parts = _chosen(fw, form)
    return render_template("members/recruitment/kit.html", role=role, parts=parts,
                           scores=recruitment.SCORES,
                           csv_url=url_for("members.recruitment_csv", role=form.role.data,
                                           elements=form.elements.data),
                           change_url=url_for("members.recruitment_kit", role=form.role.data,
                                              elements=form.elements.data),
                           top_score=4 * sum(len(p.questions) for p in parts))


@bp.route("/me/recruitment/kit.csv")
@login_required
def recruitment_csv():
    fw = lqf.shared_framework()
    form = _kit_form(fw, request.args)
    if not form.validate():
        return _form_page(fw, form, 400)
    role, parts = _chosen(fw, form)
    return Response(recruitment.kit_csv(role, parts), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="interview-questions.csv"'})
