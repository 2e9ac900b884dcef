"""The learning resources page's items, written in Python (netapp/members/resource_items.py),
are the HTML the Jinja macro they replaced gave, and escape every value."""
from __future__ import annotations

from collections import namedtuple
from datetime import datetime

import pytest
from flask import render_template_string

from netapp.members.resource_items import item_writer
from netapp.services.resources import suits

# The macro as templates/members/resources.html had it.
_MACRO = """{% macro resource_item(r, in_list=False) %}
  <li class="resource"{% if in_list %} id="resource-{{ r.id }}"{% endif %}>
    <a href="{{ r.url }}" rel="noopener">{{ r.title }}</a>
    {% if r.summary %}<p>{{ r.summary }}</p>{% endif %}
    <p class="hint">{% if r.time_needed %}Time: {{ r.time_needed }}. {% endif %}{% if r.cost %}Cost: {{ r.cost }}. {% endif %}{{ suits(r) }}.</p>
    {% if r.id in done %}
    <form method="post" action="{{ url_for('members.undo_resource_done', resource_id=r.id) }}" class="inline-form">
      {{ done_form.csrf_token }}{% if in_list %}<input type="hidden" name="back" value="all">{% endif %}
      <p><strong>Done</strong> on {{ done[r.id].strftime('%d %b %Y') }}. <button type="submit" class="link-button">Undo<span class="visually-hidden"> “{{ r.title }}” done</span></button></p>
    </form>
    {% else %}
    <form method="post" action="{{ url_for('members.mark_resource_done', resource_id=r.id) }}" class="inline-form">
      {{ done_form.csrf_token }}{% if in_list %}<input type="hidden" name="back" value="all">{% endif %}
      <button type="submit" class="button-secondary">Mark done<span class="visually-hidden"> “{{ r.title }}”</span></button>
    </form>
    {% endif %}
  </li>
{% endmacro %}{{ resource_item(r, in_list) }}"""  # noqa: E501

Row = namedtuple("Row", "id element_id title url summary time_needed cost level_from level_to")
ROWS = [
    Row(7, 1, "Tom & Jerry's <guide>", 'https://example.org/a?b=1&c="2"',
        "Read <this> & 'that'", "2 hours", "Free & open", 1, 4),
    Row(12, 2, "Plain", "https://example.org/plain", "", "", "", 2, 2),
    Row(345, 3, "Costly", "https://example.org/c", "Worth it", "", "£20", 1, 3),
    Row(9, 4, "Timed", "https://example.org/t", "", "1 day", "", 3, 4),
]
DONE = {7: datetime(2026, 1, 5, 23, 59), 345: datetime(2025, 12, 31, 0, 1),
        9: datetime(2026, 6, 9, 12, 0)}


@pytest.mark.parametrize("csrf", [False, True], ids=["no-token", "token"])
def test_items_are_written_as_the_macro_wrote_them(app, csrf):
    from netapp.members.forms import EmptyForm

    app.config["WTF_CSRF_ENABLED"] = csrf
    with app.test_request_context("/me/resources"):
        form = EmptyForm()
        for done in (DONE, {}):
            write = item_writer(done)
            for row in ROWS:
                for in_list in (False, True):
                    expected = render_template_string(
                        _MACRO, r=row, in_list=in_list, done=done, done_form=form, suits=suits)
                    assert str(write(row, in_list)) == expected, (row.id, in_list, bool(done))
                    # Again, from what the process kept.
                    assert str(write(row, in_list)) == expected, (row.id, in_list, bool(done))
        written = str(item_writer(DONE)(ROWS[0]))
    assert "Tom &amp; Jerry&#39;s &lt;guide&gt;" in written
    assert 'href="https://example.org/a?b=1&amp;c=&#34;2&#34;"' in written
    assert "Done</strong> on 05 Jan 2026." in written


def test_an_edited_resource_shows_at_once_though_items_are_kept(client, auth, users):
    from netapp.extensions import db
    from netapp.models import Resource
    from netapp.services import lqf, resources

    fw = lqf.framework()
    element = fw.dimensions[0].elements[0]
    resource = resources.save(users["admin"], None, element_id=element.id, title="First title",
                              url="https://example.org/r", summary="About it")
    auth.login(users["member"].email)
    assert "First title" in client.get("/me/resources").get_data(as_text=True)
    db.session.get(Resource, resource.id).title = "Second <title>"
    db.session.commit()
    html = client.get("/me/resources").get_data(as_text=True)
    assert "First title" not in html and "Second &lt;title&gt;" in html
    # Done, then undone: the item says so each time.
    client.post(f"/me/resources/{resource.id}/done")
    assert "Done</strong> on" in client.get("/me/resources").get_data(as_text=True)
    client.post(f"/me/resources/{resource.id}/undo")
    assert "Done</strong> on" not in client.get("/me/resources").get_data(as_text=True)


# The full list's loops as templates/members/resources.html had them.
_AREAS = """{% for d in fw.dimensions %}
  {% set count = area_counts[d.code] %}
<details class="resource-area"{% if d.code == open_code %} open{% endif %} id="area-{{ d.code }}">
  <summary>{{ d.name }} <span class="hint">({% if count %}{{ count }} resource{{ 's' if count != 1 }}{% else %}none yet{% endif %})</span></summary>
  <ul>
  {% for e in d.elements %}
    <li>{{ e.name }}{% if by_element.get(e.id) %}
      <ul class="resource-list">{% for r in by_element[e.id] %}{{ item(r, True) }}{% endfor %}</ul>
    {% else %} <span class="hint">(none yet)</span>{% endif %}</li>
  {% endfor %}
  </ul>
</details>
{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("open_code", [None, "PQ", "DS", "nope"])
def test_the_full_list_is_written_as_the_template_wrote_it(app, open_code):
    from netapp.members.resources import areas_html
    from netapp.services import lqf
    from tests.profile_helpers import load_reference

    load_reference()
    with app.test_request_context("/me/resources"):
        layout = lqf.shared_layout()
        fw = layout.framework
        elements = [e for d in fw.dimensions for e in d.elements]
        # One resource on the first element, three (one a single) on others, none elsewhere.
        by_element = {elements[0].id: [ROWS[0]._replace(element_id=elements[0].id)],
                      elements[5].id: [r._replace(element_id=elements[5].id) for r in ROWS[1:]],
                      elements[-1].id: [ROWS[3]._replace(element_id=elements[-1].id)]}
        area_counts = {d.code: sum(len(by_element.get(e.id, ())) for e in d.elements)
                       for d in fw.dimensions}
        for done in (DONE, {}):
            item = item_writer(done)
            expected = render_template_string(_AREAS, fw=fw, by_element=by_element,
                                              area_counts=area_counts, open_code=open_code,
                                              item=item)
            assert str(areas_html(layout, by_element, open_code, item)) == expected
