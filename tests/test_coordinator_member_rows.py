"""The members list's table rows, written in Python (netapp/coordinator/member_rows.py), are the
HTML the Jinja loop they replaced gave, for every kind of cell, and escape whatever members
type."""
import itertools
from types import SimpleNamespace

from markupsafe import Markup

from netapp.coordinator import member_rows
from netapp.models import ServiceType
from netapp.services.member_list import Row

# The loop templates/coordinator/members.html used to run, as it was.
JINJA_ROWS = """\
  {% for r in page.items %}
    <tr>
      {# The email under the name, free to break before its @, so the table fits a laptop's width. #}
      {% set mailbox, _, domain = r.email.partition("@") %}
      <td data-label="Name and email">{% if r.id == viewer.id %}{{ r.name }} (you){% else %}<a href="{{ profile_path }}{{ r.id }}">{{ r.name }}</a>{% endif %}<br><span class="member-email">{{ mailbox }}<wbr>@{{ domain }}</span></td>
      <td data-label="Area">{% if r.council %}{{ r.council }}, {{ r.region }}{% elif "area" in r.hidden %}<span class="hint">Not shared</span>{% else %}–{% endif %}</td>
      <td data-label="Service">{% if r.organisation %}{{ r.organisation }} ({{ r.service_type.label | lower }}){% elif "organisation" in r.hidden %}<span class="hint">Not shared</span>{% else %}–{% endif %}</td>
      <td data-label="Level">{{ r.level_name or "–" }}</td>
      <td data-label="Needs and strengths">{% if r.needs %}Help with: {{ r.needs | join(", ") }}{% if r.strengths %}<br>{% endif %}{% endif %}{% if r.strengths %}Strong in: {{ r.strengths | join(", ") }}{% elif not r.needs %}–{% endif %}</td>
      <td data-label="Mentoring and sets">{% if r.wants_mentor %}Asking for a mentor{% if r.in_set %}, In a set{% endif %}{% elif r.in_set %}In a set{% else %}–{% endif %}</td>
      <td data-label="Isolation index">{{ r.isolation if r.isolation is not none else "–" }}</td>
    </tr>
  {% endfor %}
"""  # noqa: E501


def _rows() -> list[Row]:
    """A row for each combination of what a cell can show, with typed text to escape."""
    rows = []
    shapes = itertools.product(
        [("Leeds", "Yorkshire & the Humber"), (None, None)],  # area given or not
        [("<b>Oak</b> & Ash", ServiceType.CARE_HOME), (None, None)],  # service or not
        [frozenset(), frozenset({"area", "organisation"})],  # hidden from coordinators
        [[], ["Recruiting & keeping staff", "<i>Digital</i>"]],  # needs
        [[], ["MS1", "MS2"]],  # strengths
        [(False, False), (True, False), (False, True), (True, True)],  # mentor, set
    )
    for n, ((council, region), (org, kind), hidden, needs, strengths, (wants, in_set)) in \
            enumerate(shapes):
        rows.append(Row(n + 1, f"Ann \"<Bold>\" O'Neil {n}", f"ann+{n}@ex&ample.org", council,
                        region, org, kind, (n % 4) or None, wants, in_set,
                        None if n % 3 == 0 else n % 101, needs, strengths, hidden))
    return rows


def test_rows_are_the_html_the_template_gave(app):
    rows = _rows()
    viewer_id = 5
    with app.test_request_context():
        expected = app.jinja_env.from_string(JINJA_ROWS).render(
            page=SimpleNamespace(items=rows), viewer=SimpleNamespace(id=viewer_id),
            profile_path="/members/")
        got = member_rows.rows_html(rows, viewer_id, Markup("/members/"))
    assert expected == "  " + got
    assert "<Bold>" not in got and "&lt;Bold&gt;" in got and "<b>Oak</b>" not in got
    assert "Ann &#34;&lt;Bold&gt;&#34; O&#39;Neil 4 (you)" in got
    assert 'href="/members/5"' not in got and 'href="/members/6"' in got
    for words in ("Not shared", "Asking for a mentor, In a set", ">In a set<", "<br>Strong in",
                  'data-label="Isolation index">–<', 'data-label="Area">–<'):
        assert words in got, words
