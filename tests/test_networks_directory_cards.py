"""The member directory's cards, written in Python (netapp/networks/member_cards.py), are the
HTML the Jinja loop they replaced gave, and escape whatever members type."""
from types import SimpleNamespace

from markupsafe import Markup

from netapp.extensions import db
from netapp.models import Role
from netapp.networks import member_cards
from netapp.services import directory, profiles
from tests.factories import make_user
from tests.profile_helpers import assess, council, give_profile, load_reference

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


def test_cards_written_from_the_rows_are_the_cards_of_the_entries(app, users):
    """The page writes its cards straight from the statement's rows
    (``member_cards.directory_cards``); they are the cards ``cards_html`` writes from the
    entries ``search_page`` works out with the profiles' own rules, for every kind of reader,
    choice and field, on several searches and pages."""
    load_reference()
    leeds, cornwall = "Leeds", "Cornwall"
    people = [
        ("Ann <b>Bold</b> & \"Co\"", leeds, 2, ("finance", "leadership"), {}),
        ("Bea O'Brien", cornwall, 1, ("safeguarding",), {"offer": profiles.NETWORKS}),
        ("Cal Coordinated", leeds, 0, (), {"job_title": profiles.COORDINATORS,
                                          "area": profiles.ONLY_ME}),
        ("Dee Networked", leeds, 3, ("communication", "finance"),
         {"area": profiles.NETWORKS, "organisation": profiles.NETWORKS,
          "lqf": profiles.EVERYONE}),
        ("Eve Everyone", cornwall, 2, ("recruitment_retention",),
         {key: profiles.EVERYONE for key in profiles.FIELD_KEYS}),
        ("Fay Private", leeds, 1, ("finance",),
         {key: profiles.ONLY_ME for key in profiles.FIELD_KEYS}),
        ("Gus Strong", cornwall, 0, (), {"lqf": profiles.NETWORKS}),
    ]
    for name, place, capacity, offers, choices in people:
        person = make_user(name=name)
        give_profile(person, place, capacity=capacity, offers=offers,
                     job_title=f"Lead <i>{name[:3]}</i> & more")
        profile = profiles.profile_of(person)
        if capacity:
            profile.mentor_note = f"Ask me about <script>{name}</script> & 'rotas'"
        if name.startswith("Bea"):
            profile.mentor_availability = ""
        assess(person, score_for=lambda i: 4 if i % 5 == 0 else 2)
        if choices:
            profiles.set_visibility(person, choices)
        db.session.commit()
    give_profile(users["member"], leeds, capacity=1, offers=("leadership",))
    assess(users["member"])
    give_profile(users["other_member"], cornwall)
    for role in ("mentor", "coordinator", "admin"):
        give_profile(users[role], leeds)
    unverified = make_user(name="Uma Unconfirmed", verified=False)
    give_profile(unverified, leeds)
    path = Markup("/members/")
    searches = [directory.Search(), directory.Search(name="e"), directory.Search(name="<b>"),
                directory.Search(can_mentor=True), directory.Search(council_id=council(leeds).id),
                directory.Search(name="a", can_mentor=True)]
    written = []
    for viewer in (*users.values(), unverified):
        for search in searches:
            for page in (1, 2):
                with app.test_request_context():
                    found, entries = directory.search_page(viewer, search, page, 5)
                    got = member_cards.directory_cards(found.items, viewer, path)
                    assert got == member_cards.cards_html(entries, viewer.id, path), \
                        (viewer.display_name, search, page)
                    written.append(str(got))
    html = "".join(written)
    # The comparison covered every row a card may have, escaped, and the reader's own card.
    for part in ("<dt>Job title</dt><dd>Lead &lt;i&gt;", "<dt>Service</dt>", "<dt>Area</dt>",
                 "<dt>Mentoring</dt><dd>Can mentor 2 people: ", "<dt>Usually free</dt>",
                 "<dt>A note for mentees</dt><dd>Ask me about &lt;script&gt;",
                 "<dt>Strong in</dt>", "Mina Member (you)", "Ann &lt;b&gt;Bold&lt;/b&gt;"):
        assert part in html, part
    assert any(viewer.has_role(Role.COORDINATOR) for viewer in users.values())
