"""The admin pages' lists written in Python give the HTML their template loops wrote, with
awkward values (quotes, ampersands, angle brackets, accents)."""
import sqlalchemy as sa
from flask import render_template_string

from netapp.admin import resources as resource_pages
from netapp.extensions import db
from netapp.models import Element, Resource
from netapp.services import lqf, resources
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
