"""The member directory's cards, written in Python (netapp/networks/member_cards.py), are the
HTML the Jinja loop they replaced gave, and escape whatever members type."""
from types import SimpleNamespace

from markupsafe import Markup

from netapp.networks import member_cards
from netapp.services import profiles
from tests.factories import make_user
from tests.profile_helpers import give_profile, load_reference

# The loop templates/networks/members.html used to run, as it was.
JINJA_CARDS = """\
  {% for entry in entries %}
  <li>
    <h3>{% if entry.user.id == viewer.id %}{{ entry.user.display_name }} (you){% else %}<a href="{{ profile_path }}{{ entry.user.id }}">{{ entry.user.display_name }}</a>{% endif %}</h3>
    {% if entry.card.rows %}
    <dl>
      {% for label, value in entry.card.rows %}<dt>{{ label }}</dt><dd>{{ value }}</dd>{% endfor %}
      {% if entry.strengths %}<dt>Strong in</dt><dd>{{ entry.strengths | join(", ") }}</dd>{% endif %}
    </dl>
    {% endif %}
  </li>
  {% endfor %}
"""  # noqa: E501


def _entry(uid, name, rows, strengths):
    return SimpleNamespace(user=SimpleNamespace(id=uid, display_name=name),
                           card=profiles.ProfileCard(rows, frozenset()), strengths=strengths)


def test_cards_are_the_html_the_template_gave(app):
    entries = [
        _entry(1, "Ann <b>Bold</b> & \"Co\"", [("Job title", "<script>alert('x')</script>"),
                                               ("Area", "Leeds, Yorkshire & the Humber")],
               ["Planning", "<i>Trust</i> & care"]),
        _entry(2, "Sam Member", [("Job title", "Manager")], []),  # the reader
        _entry(3, "Nobody Shared", [], ["Hidden when no rows"]),
        _entry(4, "O'Brien", [("Mentoring", "Can mentor 1 person: finance")], ["Planning"]),
    ]
    with app.test_request_context():
        expected = app.jinja_env.from_string(JINJA_CARDS).render(
            entries=entries, viewer=SimpleNamespace(id=2), profile_path="/members/")
        got = member_cards.cards_html(entries, 2, Markup("/members/"))
    assert expected == "  " + got
    assert "&lt;script&gt;" in got and "<script>" not in got
    assert "Ann &lt;b&gt;Bold&lt;/b&gt; &amp; &#34;Co&#34;" in got
    assert "<h3>Sam Member (you)</h3>" in got and 'href="/members/2"' not in got
    assert "Hidden when no rows" not in got


def test_a_typed_name_and_job_title_show_escaped_on_the_page(client, auth, users):
    load_reference()
    person = make_user(name="Zoe <em>Zed</em> & Co")
    give_profile(person, "Leeds")
    profiles.profile_of(person).job_title = "<img src=x> Lead"
    profiles.set_visibility(person, {"job_title": profiles.EVERYONE})
    auth.login(users["other_member"].email)
    page = client.get("/networks/members?name=zoe").get_data(as_text=True)
    assert f'<h3><a href="/members/{person.id}">Zoe &lt;em&gt;Zed&lt;/em&gt; &amp; Co</a></h3>' \
        in page
    assert "<dt>Job title</dt><dd>&lt;img src=x&gt; Lead</dd>" in page
    assert "<em>Zed</em>" not in page and "<img src=x>" not in page
