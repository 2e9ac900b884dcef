"""The member directory: every filter and every field on a card follows the person's choice of
who sees it, for each kind of viewer.

The rule, written out from docs/members.md independently of the code: a field is seen by the
person themselves; by everyone signed in when they chose "everyone"; by people in their
networks when they chose "networks" (fellow members of a network where the viewer can see
them listed: here, the same local network while their council area is for everyone or for
networks); by coordinators and admins when they chose "everyone", "networks" or
"coordinators"; never by anyone else with "only me". The mentor role adds nothing. A search on
a field finds the person exactly when the viewer may see that field. Affinity networks never
show or filter.
"""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Element,
    LocalAuthority,
    Network,
    NetworkKind,
    NetworkMembership,
    Profile,
    ServiceType,
)
from netapp.services import directory as member_directory
from netapp.services import lqf, networks, profiles
from tests.factories import make_user
from tests.profile_helpers import assess, council, give_profile, join, load_reference
from tests.statements import count_statements, statements_per_page

AUDIENCES = [profiles.EVERYONE, profiles.NETWORKS, profiles.COORDINATORS, profiles.ONLY_ME]
VIEWERS = ["neighbour", "outsider", "mentor", "coordinator", "admin"]


def _first_element() -> Element:
    return lqf.framework().dimensions[0].elements[0]


# What each field looks like on a card, and the search that needs it.
FIELDS = {
    "area": ("Cornwall, South West", lambda: {"council": council("Cornwall").id}),
    "organisation": ("(care home)", lambda: {"service_type": ServiceType.CARE_HOME.value}),
    "lqf": ("<dt>Strong in</dt>", lambda: {"strength": _first_element().id}),
    "offer": ("Can mentor 2 people", lambda: {"can_mentor": "y"}),
}


def _may_see(viewer: str, field: str, audience: str, area_audience: str) -> bool:
    if audience == profiles.EVERYONE:
        return True
    staff = viewer in ("coordinator", "admin")
    if audience == profiles.COORDINATORS:
        return staff
    if audience == profiles.NETWORKS:
        shares = viewer == "neighbour" and area_audience in (profiles.EVERYONE,
                                                             profiles.NETWORKS)
        return staff or shares
    return False


@pytest.fixture
def owner(app, users):
    """Olga in Cornwall: a care home, can mentor 2, strong in the first element only. Mina
    (the neighbour) is in Cornwall too; everyone else is in Leeds."""
    load_reference()
    olga = make_user(name="Olga Owner")
    give_profile(olga, "Cornwall", capacity=2, offers=("finance",))
    assess(olga, score_for=lambda i: 4 if i == 0 else 2)
    give_profile(users["member"], "Cornwall")
    for role in ("other_member", "mentor", "coordinator", "admin"):
        give_profile(users[role], "Leeds")
    return olga


def _login_as(auth, users, viewer):
    role = {"neighbour": "member", "outsider": "other_member"}.get(viewer, viewer)
    auth.login(users[role].email)


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_each_field_for_each_audience_and_viewer(client, auth, users, owner, field):
    shown_as, search = FIELDS[field]
    wrong = []
    for audience in AUDIENCES:
        profiles.set_visibility(owner, {field: audience})
        area_audience = audience if field == "area" else profiles.EVERYONE
        for viewer in VIEWERS:
            _login_as(auth, users, viewer)
            card = client.get("/networks/members?name=Olga").get_data(as_text=True)
            found = client.get("/networks/members", query_string=search()) \
                .get_data(as_text=True)
            expected = _may_see(viewer, field, audience, area_audience)
            if ("Olga Owner" in card) is not True:
                wrong.append(f"{viewer}: Olga's name is always shown")
            if (shown_as in card) is not expected:
                wrong.append(f"{viewer} sees {field}={audience}: {not expected}")
            if ("Olga Owner" in found) is not expected:
                wrong.append(f"{viewer} finds by {field}={audience}: {not expected}")
            auth.logout()
    assert wrong == []


def test_the_owner_always_sees_and_finds_themselves(client, auth, owner):
    profiles.set_visibility(owner, {key: profiles.ONLY_ME for key in FIELDS})
    auth.login(owner.email)
    for shown_as, search in FIELDS.values():
        html = client.get("/networks/members", query_string=search()).get_data(as_text=True)
        assert "Olga Owner (you)" in html and shown_as in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/networks/members?name=Olga")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_strengths_come_from_the_latest_assessment_only(client, auth, users, owner):
    profiles.set_visibility(owner, {"lqf": profiles.EVERYONE})
    element = _first_element()
    auth.login(users["other_member"].email)
    assert "Olga Owner" in client.get(f"/networks/members?strength={element.id}") \
        .get_data(as_text=True)
    assess(owner, score_for=lambda i: 1)  # a newer self-assessment: nothing strong now
    html = client.get(f"/networks/members?strength={element.id}").get_data(as_text=True)
    assert "Olga Owner" not in html
    assert "<dt>Strong in</dt>" not in client.get("/networks/members?name=Olga") \
        .get_data(as_text=True)


def test_each_card_shows_that_persons_own_strengths_and_offers(client, auth, users, owner):
    """Cards read everyone's strengths and offers in the page's one statement: each card holds
    its own person's, in the framework's and the site's order."""
    elements = [e for d in lqf.framework().dimensions for e in d.elements]
    zoe, zak = make_user(name="Zed Zoe"), make_user(name="Zed Zak")
    give_profile(zoe, "Leeds", capacity=1, offers=("finance", "leadership"))
    assess(zoe, score_for=lambda i: 4 if i in (1, 5) else 2)
    give_profile(zak, "Leeds")
    assess(zak, score_for=lambda i: 4 if i == 0 else 1)
    assess(zak, score_for=lambda i: 4 if i == 2 else 1)  # only the latest counts
    for person in (zoe, zak):
        profiles.set_visibility(person, {key: profiles.EVERYONE for key in FIELDS})
    auth.login(users["other_member"].email)
    html = client.get("/networks/members?name=zed").get_data(as_text=True)
    cards = {name: html.split(f">{name}<", 1)[1].split("</li>", 1)[0]
             for name in ("Zed Zak", "Zed Zoe")}
    assert (f"<dt>Strong in</dt><dd>{elements[1].name}, {elements[5].name}</dd>"
            in cards["Zed Zoe"])
    assert f"<dt>Strong in</dt><dd>{elements[2].name}</dd>" in cards["Zed Zak"]
    assert "Can mentor 1 person: Leadership, Finance and budgets" in cards["Zed Zoe"]
    assert "Can mentor" not in cards["Zed Zak"]


def test_a_paused_mentor_is_not_found_as_able_to_mentor(client, auth, users, owner):
    profiles.profile_of(owner).mentoring_paused = True
    db.session.commit()
    auth.login(users["other_member"].email)
    assert "Olga Owner" not in client.get("/networks/members?can_mentor=y").get_data(as_text=True)


def test_affinity_membership_never_shows_or_filters(client, auth, users, owner):
    join(owner, "bame")
    join(users["member"], "bame")
    auth.login(users["member"].email)
    html = client.get("/networks/members?name=Olga").get_data(as_text=True)
    assert "Olga Owner" in html and "minority ethnic" not in html.lower()
    assert "bame" not in html.lower()
    # No filter takes a network: an unknown parameter changes nothing.
    def results(path):
        return client.get(path).get_data(as_text=True).split('id="results-title"')[1]

    assert results("/networks/members?network=bame") == results("/networks/members")


def test_a_search_found_by_name_shares_networks_as_the_others_do(app):
    """A type of service or "can mentor" (found by walking the names) checks per person
    whether the reader shares a network with them; a council or a strength reads the reader's
    networks' members once. Both find the same people: in the reader's local network while
    their council area is for everyone or for networks, in the reader's national network, in
    the reader's affinity network when listed and the reader's email is confirmed."""
    load_reference()
    national = Network(kind=NetworkKind.NATIONAL, code="national-test",
                       name="A national network", description="")
    db.session.add(national)
    db.session.commit()
    bame = networks.by_code("bame")

    def person(name, council_name="Cornwall", area=profiles.EVERYONE, *joined):
        made = make_user(name=name, verified=name != "Uma Unconfirmed")
        give_profile(made, council_name)
        profiles.set_visibility(made, {"area": area})
        for network, listed in joined:
            db.session.add(NetworkMembership(user_id=made.id, network_id=network.id,
                                             is_listed=listed))
        db.session.commit()
        return made

    readers = [person("Vera Confirmed", "Cornwall", profiles.EVERYONE, (national, True),
                      (bame, False)),
               person("Uma Unconfirmed", "Cornwall", profiles.EVERYONE, (bame, True)),
               person("Lee Leeds", "Leeds")]
    people = {audience: person(f"Area {audience}", "Cornwall", audience)
              for audience in AUDIENCES}
    others = {"national": person("Nat National", "Leeds", profiles.ONLY_ME, (national, False)),
              "listed": person("Lisa Listed", "Leeds", profiles.ONLY_ME, (bame, True)),
              "unlisted": person("Ulf Unlisted", "Leeds", profiles.ONLY_ME, (bame, False)),
              "leeds": person("Leo Elsewhere", "Leeds")}

    def found(reader, sharing):
        return set(db.session.scalars(sa.select(Profile.user_id).where(sharing(reader))))

    for reader in readers:
        assert found(reader, member_directory._sharing_with) == found(
            reader, networks.in_sharing_network), reader.display_name
    by_area = {people[a].id for a in (profiles.EVERYONE, profiles.NETWORKS)}
    vera, uma, lee = (found(r, member_directory._sharing_with) for r in readers)
    assert by_area | {others["national"].id, others["listed"].id} <= vera
    assert by_area <= uma and others["listed"].id not in uma  # not confirmed
    assert {people[profiles.COORDINATORS].id, people[profiles.ONLY_ME].id,
            others["unlisted"].id, others["leeds"].id}.isdisjoint(vera | uma)
    assert others["leeds"].id in lee and not by_area & lee


def test_name_search_takes_wildcards_literally(client, auth, users, owner):
    auth.login(users["other_member"].email)
    assert "No members found" in client.get("/networks/members?name=%25").get_data(as_text=True)
    assert "No members found" in client.get("/networks/members?name=_").get_data(as_text=True)
    assert "Olga Owner" in client.get("/networks/members?name=lga+ow").get_data(as_text=True)


@pytest.mark.parametrize(("query", "message"), [
    ({"council": "99999"}, "Choose a council from the list."),
    ({"service_type": "castle"}, "Choose a type of service from the list."),
    ({"strength": "99999"}, "Choose an element of the framework from the list."),
    ({"name": "x" * 101}, "Use at most 100 letters."),
])
def test_bad_searches_say_what_to_fix_and_keep_what_was_typed(client, auth, users, owner,
                                                               query, message):
    auth.login(users["other_member"].email)
    response = client.get("/networks/members", query_string={"name": "Olga", **query})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'value="Olga"' in html or "x" * 101 in html


def test_a_kept_search_form_belongs_to_its_own_search(client, auth, users, owner):
    """A process keeps each search's form HTML (netapp/kept_forms.py): asked again, a bad
    search still says what to fix, and another search shows none of its errors or words."""
    auth.login(users["other_member"].email)
    for _ in range(2):
        response = client.get("/networks/members?name=Olga&council=99999")
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "Choose a council from the list." in html
        assert 'value="Olga"' in html
    html = client.get("/networks/members?name=Zoe").get_data(as_text=True)
    assert 'value="Zoe"' in html and "Choose a council" not in html and 'value="Olga"' not in html
    html = client.get("/networks/members").get_data(as_text=True)
    assert "Clear the search" not in html and 'value="Zoe"' not in html


def test_the_search_shows_what_was_chosen_and_a_council_added_since(client, auth, users, owner):
    """The selects' options are rendered once per process: the chosen ones are still marked,
    and a council added later is offered (and found) at once."""
    auth.login(users["other_member"].email)
    leeds = council("Leeds")
    html = client.get(f"/networks/members?council={leeds.id}&service_type=care_home") \
        .get_data(as_text=True)
    assert f'<option selected value="{leeds.id}">Leeds</option>' in html
    assert '<option selected value="care_home">' in html
    assert html.count("<option selected") == 3  # and "Any" strength
    html = client.get("/networks/members").get_data(as_text=True)
    assert '<option selected value="">Any council</option>' in html
    assert f'<option value="{leeds.id}">Leeds</option>' in html
    db.session.add(LocalAuthority(name="Newtown", region_id=leeds.region_id))
    db.session.commit()
    newtown = council("Newtown")
    html = client.get(f"/networks/members?council={newtown.id}").get_data(as_text=True)
    assert f'<option selected value="{newtown.id}">Newtown</option>' in html
    assert "Choose a council from the list." not in html


def test_results_are_paged(client, auth, app, users, owner):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        give_profile(make_user(name=f"Zara {n}"), "Leeds")
    auth.login(users["other_member"].email)
    first = client.get("/networks/members?name=Zara").get_data(as_text=True)
    assert "3 members" in first and "Page 1 of 2" in first and "Zara 0" in first
    second = client.get("/networks/members?name=Zara&page=2").get_data(as_text=True)
    assert "Zara 2" in second and "Zara 0" not in second


def test_a_search_counts_up_to_a_most_then_says_more_than(monkeypatch, client, auth, app,
                                                            users, owner):
    """Past ``MOST_COUNTED`` matches the page says "more than" and pages through the first ones
    by name, whether the search is a name alone (counted apart) or has a filter (alongside)."""
    monkeypatch.setattr(member_directory, "MOST_COUNTED", 4)
    app.config["PAGE_SIZE"] = 2
    for n in range(6):
        give_profile(make_user(name=f"Zara {n}"), "Leeds")
    auth.login(users["other_member"].email)
    for query in ("name=zara", f"name=Zara&council={council('Leeds').id}"):
        first = client.get(f"/networks/members?{query}").get_data(as_text=True)
        assert "More than 4 members" in first and "first 4 by name" in first, query
        assert "Page 1 of 2 (the first 4)" in first and "Zara 0" in first, query
        second = client.get(f"/networks/members?{query}&page=2").get_data(as_text=True)
        assert "Zara 3" in second and "Zara 4" not in second and 'rel="next"' not in second
        third = client.get(f"/networks/members?{query}&page=3").get_data(as_text=True)
        assert "Zara 4" not in third and "Zara 5" not in third, query
    exact = client.get("/networks/members?name=zara+1").get_data(as_text=True)
    assert "1 member<" in exact and "More than" not in exact


def test_a_search_runs_a_fixed_number_of_statements(client, auth, users, owner):
    element = _first_element()
    paths = ["/networks/members", "/networks/members?name=a",
             f"/networks/members?council={council('Cornwall').id}&can_mentor=y",
             f"/networks/members?strength={element.id}&service_type=care_home"]
    for person in (owner, users["member"]):
        profiles.set_visibility(person, {key: profiles.EVERYONE for key in FIELDS})
    auth.login(users["other_member"].email)
    statements_per_page(client, paths)  # warm-up: what a serving process has cached
    small = statements_per_page(client, paths)
    for n in range(8):
        person = make_user(name=f"Anna {n}")
        give_profile(person, "Leeds" if n % 2 else "Cornwall", capacity=n % 3,
                     offers=("finance",) if n % 3 else ())
        assess(person, score_for=lambda i: 4)
        profiles.set_visibility(person, {key: profiles.EVERYONE for key in FIELDS})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Element)) == 28
    assert statements_per_page(client, paths) == small


def test_the_count_and_the_pages_agree_with_the_people_found(app, client, auth, users, owner):
    """Searches counted apart (no filter, a name) and alongside (a filter) say the same number
    as there are people on their pages, and the last page holds the rest."""
    app.config["PAGE_SIZE"] = 4
    element = _first_element()
    for n in range(9):
        person = make_user(name=f"Zed Counted {n}")
        give_profile(person, "Cornwall", capacity=1)
        assess(person, score_for=lambda i: 4)
        profiles.set_visibility(person, {key: profiles.EVERYONE for key in FIELDS})
    auth.login(users["other_member"].email)

    def everyone_on_pages(query: str) -> tuple[str, list[str]]:
        first = client.get(f"/networks/members?{query}").get_data(as_text=True)
        heading = first.split('id="results-title">', 1)[1].split("<", 1)[0]
        names = []
        for number in range(1, 5):
            text = client.get(f"/networks/members?{query}&page={number}").get_data(as_text=True)
            names += [f"Zed Counted {n}" for n in range(9) if f"Zed Counted {n}<" in text]
        return heading, names

    for query in ("name=zed+counted", f"name=zed&strength={element.id}",
                  f"name=zed&council={council('Cornwall').id}&can_mentor=y"):
        heading, names = everyone_on_pages(query)
        assert heading == "9 members", query
        assert sorted(names) == [f"Zed Counted {n}" for n in range(9)], query
    heading, _ = everyone_on_pages("")
    everyone = db.session.scalar(sa.text("SELECT count(*) FROM users JOIN profiles ON "
                                         "profiles.user_id = users.id WHERE is_active_account"))
    assert heading == f"{everyone} members"


def test_pages_follow_the_names_order_and_a_page_past_the_end_keeps_the_count(
        monkeypatch, client, auth, app, users, owner):
    """A name search's pages hold its matches in the database's order of names (then ids, for
    the same name), each once; a page past the last says the same count as the first and
    shows nobody, with one statement more than a page of people (its count, read up to the
    most counted)."""
    monkeypatch.setattr(member_directory, "MOST_COUNTED", 6)
    app.config["PAGE_SIZE"] = 2
    for name in ("Quin b", "quin a", "Quin A", "Quin A", "QUIN", "Quinn Ó", "Quin_%", "O'Quin"):
        give_profile(make_user(name=name), "Leeds")
    auth.login(users["other_member"].email)
    expected = [f'href="/members/{user_id}"' for user_id in db.session.scalars(
        sa.text("SELECT users.id FROM users JOIN profiles ON profiles.user_id = users.id "
                "WHERE lower(display_name) LIKE '%quin%' AND is_active_account "
                "ORDER BY display_name, users.id LIMIT 6"))]
    shown = []
    for number in (1, 2, 3):
        page = client.get(f"/networks/members?name=QUIN&page={number}").get_data(as_text=True)
        assert "More than 6 members" in page
        shown += [part.split(">", 1)[0] for part in page.split("<h3><a ")[1:]]
    assert shown == expected
    for query in ("name=quin", f"name=quin&council={council('Leeds').id}"):
        past = client.get(f"/networks/members?{query}&page=9").get_data(as_text=True)
        assert "More than 6 members" in past and "<h3>" not in past, query
        assert count_statements(client, f"/networks/members?{query}&page=9") <= \
            count_statements(client, f"/networks/members?{query}") + 1, query
    exact = client.get("/networks/members?name=quin+a&page=5").get_data(as_text=True)
    assert "3 members" in exact and "<h3>" not in exact
