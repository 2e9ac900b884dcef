"""A member's own pages run the same SQL statements however much they and the site hold."""
from __future__ import annotations

import re

import sqlalchemy as sa

from netapp.models import AuditEntry, Resource
from netapp.services import lqf, profiles, resources
from tests.factories import make_user
from tests.profile_helpers import assess, give_profile, load_reference
from tests.statements import statements_per_page


def _more_resources(admin, count: int) -> list[Resource]:
    elements = [e for d in lqf.framework().dimensions for e in d.elements]
    return [resources.save(admin, None, element_id=elements[n % len(elements)].id,
                           title=f"Resource {n} & co", url=f"https://example.org/{n}",
                           summary="Worth a read", level_from=1, level_to=4)
            for n in range(count)]


def _counts(client, paths: list[str]) -> dict[str, int]:
    statements_per_page(client, paths)  # warm-up: what a serving process has cached
    return statements_per_page(client, paths)


def test_my_resources_runs_a_fixed_number_of_statements(client, auth, users):
    load_reference()
    member = users["member"]
    give_profile(member, needs=("leadership",))
    auth.login(member.email)
    paths = ["/me/resources", "/me/resources?open=PQ"]
    counts = []
    for round_ in range(2):
        # More resources, more of them done, more needs and another self-assessment.
        added = _more_resources(users["admin"], 3 + 30 * round_)
        for resource in added[: 2 + 20 * round_]:
            client.post(f"/me/resources/{resource.id}/done")
        assess(member, score_for=lambda i, r=round_: 1 + (i + r) % 4)
        if round_:
            give_profile(member, needs=("leadership", "finance", "wellbeing"))
        counts.append(_counts(client, paths))
    assert counts[0] == counts[1]
    # The signed-in person (SQLite reads them on every request), the member's own level,
    # scores, needs and done resources in one statement, and the framework's resources.
    assert set(counts[1].values()) == {3}


def test_my_mentoring_offer_form_runs_a_fixed_number_of_statements(client, auth, users):
    load_reference()
    mentor = users["member"]
    auth.login(mentor.email)
    counts, pages = [], []
    for offers in ((), ("leadership",), ("leadership", "finance", "wellbeing", "digital")):
        if offers:
            give_profile(mentor, "Leeds", offers=offers, capacity=len(offers) % 3 + 1)
        counts.append(_counts(client, ["/me/mentoring"])["/me/mentoring"])
        pages.append(client.get("/me/mentoring").get_data(as_text=True))
    # The signed-in person (SQLite reads them on every request), then the saved offer with
    # the topics offered in one statement, whether there is a profile yet or not.
    assert counts == [2, 2, 2]
    topics = {t.code: t.id for t in profiles.topics()}
    ticked = re.compile(r'<input checked id="offer(?:s|_areas)-\d+" name="\w+" '
                        r'type="checkbox" value="(\d+)">')
    assert "<input checked" not in pages[0]
    for page, offers in zip(pages[1:], (("leadership",), ("leadership", "finance",
                                                          "wellbeing", "digital")), strict=True):
        assert '<input checked id="will_mentor-0"' in page
        assert f'<input checked id="capacity-{len(offers) % 3}"' in page
        assert sorted(int(i) for i in ticked.findall(page)) == sorted(topics[c] for c in offers)


def test_editing_my_details_runs_a_fixed_number_of_statements(client, auth, users):
    load_reference()
    member = users["member"]
    give_profile(member, "Leeds")
    auth.login(member.email)
    counts = []
    for more in (2, 40):
        for n in range(more):  # more services in the member's council to suggest
            give_profile(make_user(name=f"Leeds Manager {len(counts)}-{n}"), "Leeds")
        counts.append(_counts(client, ["/me/edit", "/me/start/about"]))
    assert counts[0] == counts[1]
    # The signed-in person (SQLite reads them on every request), then the profile with its
    # service and the names of services in the council to suggest, in one.
    assert counts[1]["/me/edit"] == 2


def test_the_council_list_offers_a_council_added_since_the_page_was_last_shown(
        client, auth, users):
    from netapp.extensions import db
    from netapp.models import LocalAuthority, Region

    load_reference()
    auth.login(users["member"].email)
    assert "Newtown Borough" not in client.get("/me/edit").get_data(as_text=True)
    region = db.session.scalars(sa.select(Region).order_by(Region.name)).first()
    db.session.add(LocalAuthority(name="Newtown Borough", region_id=region.id))
    db.session.commit()
    html = client.get("/me/edit").get_data(as_text=True)
    assert re.search(rf'<optgroup label="{region.name}">.*<option value="\d+">Newtown Borough'
                     r"</option>.*?</optgroup>", html, re.S)


def test_another_members_profile_runs_a_fixed_number_of_statements_for_staff(
        client, auth, users):
    from netapp.models import Role
    from netapp.services import profiles

    load_reference()
    owner = make_user(name="Olga Owner")
    give_profile(owner, "Leeds", needs=("finance",), offers=("leadership",), capacity=1)
    profiles.set_visibility(owner, {"lqf": profiles.EVERYONE, "needs": profiles.EVERYONE})
    assess(owner)
    coordinator = make_user(name="Cora Coordinator", roles=[Role.COORDINATOR])
    give_profile(coordinator, "Leeds")
    auth.login(coordinator.email)
    path = f"/members/{owner.id}"
    counts = []
    for round_ in range(2):
        if round_:  # more of everything the page shows
            give_profile(owner, "Leeds", needs=("finance", "wellbeing", "digital"),
                         offers=("leadership", "recruitment_retention"), capacity=2)
            assess(owner, score_for=lambda i: 4 - i % 4)
            for n in range(5):
                give_profile(make_user(name=f"Leeds Peer {n}"), "Leeds")
        counts.append(_counts(client, [path])[path])
    assert counts[0] == counts[1]
    # The signed-in person, then the profile page's statement (with the owner's latest
    # self-assessment), which on PostgreSQL also writes the look to the audit log; SQLite
    # writes it apart.
    from netapp.extensions import db

    assert counts[1] == (3 if db.engine.dialect.name == "sqlite" else 2)
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "profile.viewed_by_staff")).all()
    assert [(e.actor_id, e.target_type, e.target_id, e.detail) for e in entries] == [
        (coordinator.id, "User", str(owner.id), {})] * 4  # each of the four looks


def test_the_hello_page_runs_a_fixed_number_of_statements(client, auth, users):
    from netapp.extensions import db
    from netapp.models import PeerDismissal, PeerHello

    load_reference()
    mina, pia = users["member"], users["other_member"]
    for person in (mina, pia):
        give_profile(person, "Leeds")
    replier = make_user(name="Rita Replier")
    give_profile(replier, "York")  # not in Mina's network: she may only answer Rita's hello
    db.session.add(PeerHello(sender_id=replier.id, recipient_id=mina.id, message="Hi"))
    db.session.commit()
    auth.login(mina.email)
    paths = [f"/networks/peers/{pia.id}/hello", f"/networks/peers/{replier.id}/hello"]
    counts = []
    for more in (1, 12):  # more people, hellos and "not for me" around them
        for n in range(more):
            other = make_user(name=f"Leeds Person {len(counts)}-{n}")
            give_profile(other, "Leeds")
            db.session.add(PeerHello(sender_id=other.id, recipient_id=mina.id, message="Hi"))
            db.session.add(PeerDismissal(user_id=pia.id, peer_id=other.id))
        db.session.commit()
        counts.append(_counts(client, paths))
    assert counts[0] == counts[1]
    # The signed-in person (SQLite reads them on every request), then one statement: who they
    # are with hellos and "not for me" either way and, for someone who has not said hello
    # first, whether Mina sees them listed in a network.
    assert counts[1] == {paths[0]: 2, paths[1]: 2}


def test_the_hellos_page_marks_new_hellos_read_and_writes_nothing_when_none_are_new(
        client, auth, users):
    from netapp.extensions import db
    from netapp.models import PeerHello

    load_reference()
    mina = users["member"]
    give_profile(mina, "Leeds")
    auth.login(mina.email)
    for n in range(3):
        sender = make_user(name=f"Sender {n}")
        give_profile(sender, "Leeds")
        db.session.add(PeerHello(sender_id=sender.id, recipient_id=mina.id, message=f"Hi {n}"))
    db.session.commit()
    path = "/networks/peers/hellos"
    first = client.get(path).get_data(as_text=True)
    assert first.count('<span class="tag">New</span>') == 3
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PeerHello)
                             .where(PeerHello.read_at.is_(None))) == 0
    again = statements_per_page(client, [path])
    assert '<span class="tag">New</span>' not in client.get(path).get_data(as_text=True)
    # The signed-in person (SQLite reads them on every request), then hellos received and
    # sent in one statement; no update when nothing is new.
    assert again[path] == 2
    # A hello that arrives now is new on the next visit, and marked read then.
    db.session.add(PeerHello(sender_id=users["other_member"].id, recipient_id=mina.id,
                             message="Late hello"))
    db.session.commit()
    assert client.get(path).get_data(as_text=True).count('<span class="tag">New</span>') == 1
    assert '<span class="tag">New</span>' not in client.get(path).get_data(as_text=True)


def test_previewing_my_profile_runs_a_fixed_number_of_statements(client, auth, users):
    from netapp.services import profiles

    load_reference()
    member = users["member"]
    give_profile(member, "Leeds", needs=("finance",), offers=("leadership",), capacity=1)
    profiles.set_visibility(member, {"lqf": profiles.EVERYONE})
    auth.login(member.email)
    paths = [f"/me/preview?as={audience}" for audience in profiles.PREVIEWS]
    counts = []
    for round_ in range(2):
        if round_:  # more of everything the page shows
            give_profile(member, "Leeds", needs=("finance", "wellbeing", "digital"),
                         offers=("leadership", "recruitment_retention"), capacity=2)
            assess(member, score_for=lambda i: 4 - i % 4)
        counts.append(_counts(client, paths))
    assert counts[0] == counts[1]
    # The signed-in person (SQLite reads them on every request) and the page's statement:
    # the profile with its needs, offers, networks and latest self-assessment.
    assert set(counts[1].values()) == {2}


def test_my_details_read_in_one_statement_are_those_of_the_two_reads(app, users):
    from netapp.members.onboarding import _about_saved, _about_shown
    from netapp.services import profiles

    load_reference()
    member, other = users["member"], users["other_member"]
    with app.test_request_context("/me/edit"):
        assert _about_shown(member.id) == (None, [])  # no profile yet
        give_profile(member, "Leeds")
        for n in range(4):  # services in the council to suggest, each name twice
            give_profile(make_user(name=f"Leeds Manager {n // 2}"), "Leeds")
        give_profile(other, "Bradford")
        saved = _about_saved(member.id)
        assert saved.local_authority_id is not None
        near = profiles.organisations_near(saved.local_authority_id)
        assert len(near) >= 2
        profile, shown_near = _about_shown(member.id)
        assert tuple(profile)[2:] == tuple(saved) and shown_near == near
        assert profile.service_type is saved.service_type
