"""The admin pages' lists written in Python give the HTML their template loops wrote, with
awkward values (quotes, ampersands, angle brackets, accents)."""
import sqlalchemy as sa
from flask import render_template_string

from netapp.admin import recruitment as recruitment_pages
from netapp.admin import resources as resource_pages
from netapp.extensions import db
from netapp.models import Element, RecruitmentQuestion, Resource
from netapp.services import lqf, recruitment, resources
from tests.profile_helpers import load_reference

AWKWARD = ("Tom's <b>\"best\"</b> & café", "A & B", "<script>x</script>", "Ünïcode’s “quotes”")

# The template's loop as it was (templates/admin/manage_resources.html).
RESOURCES_LOOP = """{% for r in items %}
    <tr role="row"><td role="cell" data-label="Element">{{ r.element.code }} {{ r.element.name }}</td><td role="cell" data-label="Resource"><a href="{{ r.url }}" rel="noopener">{{ r.title }}</a></td><td role="cell" data-label="Levels">{{ r.level_from }} to {{ r.level_to }}</td>
        <td role="cell" data-label="Change"><a href="{{ url_for('admin.edit_resource', resource_id=r.id) }}">Edit<span class="visually-hidden"> {{ r.title }}</span></a></td></tr>
  {% endfor %}"""  # noqa: E501


def test_the_resources_list_is_the_loop_it_replaced(app, users):
    load_reference()
    elements = db.session.scalars(sa.select(Element).order_by(Element.id)).all()
    for i, title in enumerate(AWKWARD * 3):
        db.session.add(Resource(element_id=elements[i * 5 % len(elements)].id, title=title,
                                url=f"https://example.org/a?b={i}&c=\"{title}\"",
                                level_from=1 + i % 3, level_to=3 + i % 2))
    db.session.commit()
    with app.test_request_context("/admin/resources"):
        fw = lqf.framework()
        expected = render_template_string(RESOURCES_LOOP, items=resources.all_resources(fw))
        assert str(resource_pages._resource_rows(fw)) == expected
        assert expected.count("<tr") == len(AWKWARD) * 3


# The template's loop as it was (templates/admin/recruitment_questions.html).
QUESTIONS_LOOP = """{% for q in items %}
    <tr><td>{{ q.element.code }} {{ q.element.name }}</td><td>{{ q.position }}</td><td>{{ q.question }}</td><td>{{ 'Yes' if q.active else 'No' }}</td>
        <td><a href="{{ url_for('admin.edit_recruitment_question', question_id=q.id) }}" aria-label="Edit {{ q.element.code }} question {{ q.position }}">Edit</a></td></tr>
  {% endfor %}"""  # noqa: E501


def test_the_recruitment_questions_list_is_the_loop_it_replaced(app, users):
    load_reference()
    elements = db.session.scalars(sa.select(Element).order_by(Element.id)).all()
    for i, text in enumerate(AWKWARD * 3):
        db.session.add(RecruitmentQuestion(element_id=elements[i * 7 % len(elements)].id,
                                           question=text, good_answer=text,
                                           position=1 + i % 4, active=i % 3 != 0))
    db.session.commit()
    with app.test_request_context("/admin/recruitment"):
        fw = lqf.framework()
        expected = render_template_string(QUESTIONS_LOOP, items=recruitment.all_questions(fw))
        assert str(recruitment_pages._question_rows(fw)) == expected
        assert expected.count("<tr") > len(AWKWARD) * 3 and ">No<" in expected
