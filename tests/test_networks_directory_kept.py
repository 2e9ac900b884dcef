"""A process keeps what each directory search asks (netapp/kept_forms.py ``kept_search``): the
same query string is checked again as soon as the lists it is checked against change."""
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import LocalAuthority, Topic
from netapp.services import profiles
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, load_reference


def test_a_council_refused_is_found_once_it_is_added(client, auth, users):
    load_reference()
    auth.login(users["other_member"].email)
    new_id = db.session.scalar(sa.select(sa.func.max(LocalAuthority.id))) + 1
    query = f"/networks/members?council={new_id}"
    for _ in range(2):
        response = client.get(query)
        assert response.status_code == 400
        assert "Choose a council from the list." in response.get_data(as_text=True)
    db.session.add(LocalAuthority(id=new_id, name="Newtown",
                                  region_id=council("Leeds").region_id))
    db.session.commit()
    person = make_user(name="Nia Newtown")
    give_profile(person, "Newtown")
    response = client.get(query)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose a council" not in html
    assert "Nia Newtown" in html and "1 member<" in html


def test_each_query_string_gets_its_own_search(client, auth, users):
    load_reference()
    for name in ("Ann Apple", "Bob Brook"):
        give_profile(make_user(name=name), "Leeds")
    auth.login(users["other_member"].email)
    for _ in range(2):
        ann = client.get("/networks/members?name=apple").get_data(as_text=True)
        bob = client.get("/networks/members?name=brook").get_data(as_text=True)
        assert "Ann Apple" in ann and "Bob Brook" not in ann
        assert "Bob Brook" in bob and "Ann Apple" not in bob


def test_a_kept_card_shows_each_change_on_the_next_search(client, auth, users):
    """A process keeps each card's HTML by what it was written from
    (``member_cards.directory_cards``): a changed job title, choice, offer, topic name or
    reader shows on the very next load of the same search."""
    load_reference()
    person = make_user(name="Kit Kept")
    give_profile(person, "Leeds", capacity=1, offers=("finance",), job_title="Deputy")
    profiles.set_visibility(person, {key: profiles.EVERYONE for key in profiles.FIELD_KEYS})
    db.session.commit()
    auth.login(users["other_member"].email)

    def card() -> str:
        page = client.get("/networks/members?name=kit").get_data(as_text=True)
        return page[page.index(f'href="/members/{person.id}"'):].split("</li>", 1)[0]

    first = card()
    assert "<dd>Deputy</dd>" in first and first == card()
    profiles.profile_of(person).job_title = "Registered Manager"
    db.session.commit()
    assert "<dd>Registered Manager</dd>" in card()
    profiles.set_visibility(person, {"job_title": profiles.ONLY_ME})
    db.session.commit()
    assert "Job title" not in card()
    topic = db.session.scalar(sa.select(Topic).where(Topic.code == "finance"))
    before = topic.name
    topic.name = "Money & budgets"
    db.session.commit()
    assert "Can mentor 1 person: Money &amp; budgets" in card()
    assert before not in card()
    # The same row as the person themselves see it: their own card, not a link to it.
    auth.logout()
    auth.login(person.email)
    page = client.get("/networks/members?name=kit").get_data(as_text=True)
    assert "<h3>Kit Kept (you)</h3>" in page and f'href="/members/{person.id}"' not in page


def test_a_kept_filter_search_answers_each_reader_for_themselves(client, auth, users):
    """A filter's statement is kept per process for every reader of the same kind: who reads
    is a parameter of it, so a council kept to networks is found by a fellow member of that
    local network and never by someone outside it, in whichever order they search."""
    load_reference()
    person = make_user(name="Nell Networked")
    give_profile(person, "Leeds")
    profiles.set_visibility(person, {"area": profiles.NETWORKS})
    give_profile(users["member"], "Leeds")
    give_profile(users["other_member"], "Cornwall")
    db.session.commit()
    query = f"/networks/members?council={council('Leeds').id}"
    for _ in range(2):
        for reader, finds in ((users["member"], True), (users["other_member"], False)):
            auth.login(reader.email)
            page = client.get(query).get_data(as_text=True)
            assert ("Nell Networked" in page) is finds, reader.display_name
            auth.logout()
