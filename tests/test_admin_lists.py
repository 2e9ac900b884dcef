"""The admin pages' lists written in Python give the HTML their template loops wrote, with
awkward values (quotes, ampersands, angle brackets, accents)."""
import pytest
import sqlalchemy as sa
from flask import render_template_string

from netapp.admin import people
from netapp.admin import recruitment as recruitment_pages
from netapp.admin import reference as reference_pages
from netapp.admin import resources as resource_pages
from netapp.extensions import db
from netapp.models import (
    Element,
    Network,
    NetworkKind,
    RecruitmentQuestion,
    Resource,
    Role,
    User,
    UserRole,
)
from netapp.services import lqf, recruitment, resources, topics
from tests.factories import make_user
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


# The template's loop as it was (templates/admin/users.html).
PEOPLE_LOOP = """{% for u in page.items %}
    <tr role="row">
      <td role="cell" data-label="Name"><a href="{{ url_for('admin.user_detail', user_id=u.id) }}">{{ u.display_name }}</a></td>
      <td role="cell" data-label="Email">{{ u.email }}</td>
      <td role="cell" data-label="Roles">{{ u.roles | map(attribute='role.label') | join(', ') }}</td>
      <td role="cell" data-label="Status">{% if not u.is_active_account %}Closed{% elif u.is_verified %}Active{% else %}Email not confirmed{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize(("q", "role"), [("", None), ("o", None), ("", Role.MENTOR),
                                         ("example", Role.MEMBER), ("zzz", None)])
def test_the_people_list_is_the_loop_it_replaced(app, users, q, role):
    for i, name in enumerate(AWKWARD * 2):
        user = make_user(email=f"odd{i}@example.org", name=name,
                         roles=(Role.MEMBER, Role.MENTOR, Role.COORDINATOR)[:1 + i % 3])
        user.is_active_account = i % 4 != 1
        user.email_verified_at = None if i % 3 == 2 else user.email_verified_at
    db.session.commit()
    like = f"%{q}%"
    query = sa.select(User).where(sa.or_(sa.func.lower(User.display_name).like(like),
                                         User.email.like(like)))
    if role is not None:
        query = query.where(User.roles.any(UserRole.role == role))
    seen = ""
    for page in (1, 2, 9):
        with app.test_request_context("/admin/users"):
            # Roles in a set order, as the roles table's key gives them.
            old = db.paginate(query.order_by(User.display_name, User.id), page=page,
                              per_page=5, error_out=False)
            for user in old.items:
                user.roles.sort(key=lambda r: r.role.value)
            expected = render_template_string(PEOPLE_LOOP, page=old)
            new, rows = people.people_page(q, role, page, 5)
            assert str(rows) == expected
            assert (new.total, new.pages) == ((old.total, old.pages) if old.items else (0, 0))
            seen += expected
    assert ("<tr" in seen) == (q != "zzz")
    if not q and role is None:
        assert "Closed" in seen and "Email not confirmed" in seen and "Mentor" in seen


# The template's loop as it was (templates/admin/networks.html).
NETWORKS_LOOP = """{% for n in items %}
  <li>
    <h2><a href="{{ url_for('admin.edit_network', network_id=n.id) }}">{{ n.name }}</a></h2>
    <p>{{ 'Affinity network' if n.is_affinity else 'Local network' }}. {{ n.description or 'No description yet.' }}</p>
  </li>
{% else %}
  <li class="empty">No networks yet.</li>
{% endfor %}"""  # noqa: E501


def test_the_networks_list_is_the_loop_it_replaced(app, users):
    load_reference()
    for i, text in enumerate(AWKWARD):
        db.session.add(Network(kind=(NetworkKind.AFFINITY, NetworkKind.LOCAL,
                                     NetworkKind.NATIONAL)[i % 3], name=text, code=f"odd-{i}",
                               description=text if i % 2 else ""))
    db.session.commit()
    with app.test_request_context("/admin/networks"):
        expected = render_template_string(NETWORKS_LOOP, items=topics.all_networks())
        assert str(reference_pages._network_items()) == expected
        assert "Affinity network" in expected and "No description yet." in expected
