"""Peer suggestions: the search equals brute force, who is never suggested, reasons that show
only what a peer shows, saying hello (and back), "not for me", and a fixed number of queries."""
from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from netapp.extensions import db
from netapp.models import Notification, Organisation, PeerDismissal, PeerHello, Profile, ServiceType
from netapp.services import peers, privacy, profiles
from tests.factories import make_user
from tests.profile_helpers import assess, give_profile, join, load_reference
from tests.statements import count_statements

# ---------------------------------------------------------------- the search, without a database


def brute_force(peer_vectors, ids, queries, k, leave_out):
    """Every squared distance, then sorted by (distance, id): written again from the rule."""
    out = []
    for row, query in enumerate(queries):
        dist = ((peer_vectors - query) ** 2).sum(axis=1)
        order = sorted((round(float(d), peers.DECIMALS), int(i))
                       for d, i in zip(dist, ids, strict=True))
        out.append([(i, d) for d, i in order if i not in leave_out[row]][:k])
    return out


SPACE = peers.Space(("PQ", "WO", "MS"), ("care_home", "home_care"), (1, 2, 3))


def person(uid, strengths, service=None, needs=()):
    return peers.Person(uid, tuple(strengths), service, frozenset(needs))


def test_the_vector_is_the_documented_one():
    me = person(1, (1.0, 4.0, None), "home_care", (2,))
    assert peers.profile_vectors([me], SPACE).tolist() == [
        [0.0, 1.0, 0.5, 0.0, 1.0, 0.0, 0.7, 0.0]]
    # The query mirrors the scores: it looks for strength where the member is weakest.
    assert peers.query_vectors([me], SPACE).tolist() == [
        [1.0, 0.0, 0.5, 0.0, 1.0, 0.0, 0.7, 0.0]]


def test_a_hand_built_network_ranks_complement_and_shared_service_first():
    me = person(1, (1.0, 1.0, 4.0), "home_care", (1,))
    complement = person(2, (4.0, 4.0, 1.0), "home_care", (1,))
    same_as_me = person(3, (1.0, 1.0, 4.0), "home_care", (1,))
    other_service = person(4, (4.0, 4.0, 1.0), "care_home", (1,))
    pool = [me, complement, same_as_me, other_service]
    model = peers.fit(peers.profile_vectors(pool, SPACE))
    ids = np.array([p.user_id for p in pool])
    found = peers.nearest(model, ids, peers.query_vectors([me], SPACE), 3, [{1}])[0]
    assert [pid for pid, _ in found] == [2, 4, 3]
    assert found[0][1] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_nearest_equals_brute_force(data):
    n = data.draw(st.integers(1, 40))
    # Few distinct values, so ties are common and the tie-break is tested too.
    values = st.sampled_from([1.0, 2.0, 2.5, 3.0, 4.0, None])
    pool = [person(uid, data.draw(st.lists(values, min_size=3, max_size=3)),
                   data.draw(st.sampled_from([None, "care_home", "home_care"])),
                   data.draw(st.sets(st.sampled_from([1, 2, 3]))))
            for uid in data.draw(st.lists(st.integers(1, 500), min_size=n, max_size=n,
                                          unique=True))]
    queries = pool[: data.draw(st.integers(1, n))]
    k = data.draw(st.integers(1, 8))
    ids = np.array([p.user_id for p in pool])
    leave_out = [{q.user_id} | set(data.draw(st.sets(st.sampled_from(list(ids)), max_size=6)))
                 for q in queries]
    peer_vectors = peers.profile_vectors(pool, SPACE)
    query = peers.query_vectors(queries, SPACE)
    got = peers.nearest(peers.fit(peer_vectors), ids, query, k, leave_out)
    assert got == brute_force(peer_vectors, ids, query, k, leave_out)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from([1.0, 2.5, 3.25, 4.0, None]), min_size=3,
                                   max_size=3),
                          st.sampled_from([None, "care_home", "home_care", "day_service"]),
                          st.sets(st.sampled_from([1, 2, 3, 99]))), max_size=8))
def test_vectors_for_many_people_are_each_persons_vector(rows):
    """Built for everyone at once, each row is still the documented vector of that person."""
    pool = [person(uid, *row) for uid, row in enumerate(rows)]
    for build, mirror in ((peers.profile_vectors, False), (peers.query_vectors, True)):
        got = build(pool, SPACE)
        assert got.shape == (len(pool), SPACE.width)
        for row, p in zip(got, pool, strict=True):
            lqf = [0.5 if v is None else (v - 1.0) / 3.0 for v in p.strengths]
            want = [1.0 - x if mirror else x for x in lqf]
            want += [1.0 if code == p.service else 0.0 for code in SPACE.services]
            want += [0.7 if tid in p.needs else 0.0 for tid in SPACE.topics]
            assert row.tolist() == pytest.approx(want, abs=1e-12)


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="k must be at least 1"):
        peers.nearest(None, np.array([]), np.zeros((1, 8)), 0)
    with pytest.raises(ValueError, match="expected 3"):
        peers.profile_vectors([person(1, (1.0,))], SPACE)


# ---------------------------------------------------------------- in the app


def _service(user, kind: ServiceType) -> None:
    org = db.session.scalar(sa.select(Organisation).join(Profile).where(
        Profile.user_id == user.id))
    org.service_type = kind
    db.session.commit()


@pytest.fixture
def leeds(app, users):
    """Mina and four peers in Leeds, one inactive and one unconfirmed; Otto in Leeds too."""
    load_reference()
    people = {"mina": users["member"], "otto": users["other_member"]}
    for key in ("pia", "ravi", "sue"):
        people[key] = make_user(email=f"{key}@example.org", name=key.capitalize() + " Peer")
    people["gone"] = make_user(email="gone@example.org", name="Gone Away", active=False)
    people["new"] = make_user(email="new@example.org", name="Not Confirmed", verified=False)
    for key, user in people.items():
        give_profile(user, "Leeds", needs=("finance",) if key in ("mina", "pia") else ("digital",))
    assess(people["mina"], lambda i: 1)
    for key in ("pia", "ravi", "sue"):
        assess(people[key], lambda i: 4)
    _service(people["mina"], ServiceType.HOME_CARE)
    _service(people["pia"], ServiceType.HOME_CARE)
    return people


def _suggested(user) -> list[str]:
    peers.forget_cache()
    return [s.name for s in peers.suggestions_for(user)]


def test_never_yourself_inactive_or_unconfirmed_people(leeds):
    names = _suggested(leeds["mina"])
    assert "Mina Member" not in names and "Gone Away" not in names
    assert "Not Confirmed" not in names
    assert set(names) == {"Otto Other", "Pia Peer", "Ravi Peer", "Sue Peer"}
    assert names[0] == "Pia Peer", "same service and the same need come first"
    # An unconfirmed member gets no suggestions (and cannot say hello) until they confirm.
    assert peers.suggestions_for(leeds["new"]) == []


def test_reasons_name_only_what_the_peer_shows_their_networks(leeds):
    peers.forget_cache()
    pia = next(s for s in peers.suggestions_for(leeds["mina"]) if s.name == "Pia Peer")
    # Pia's self-assessment is hers alone (the default): it is never a reason.
    assert pia.reasons == ("also runs a home care service",
                           "also wants help with finance and budgets")
    profiles.set_visibility(leeds["pia"], {"lqf": "networks", "needs": "me"})
    peers.forget_cache()
    pia = next(s for s in peers.suggestions_for(leeds["mina"]) if s.name == "Pia Peer")
    assert pia.reasons[0] == "also runs a home care service"
    assert pia.reasons[1].startswith("strong where you want to grow: ")
    assert not any("finance" in r for r in pia.reasons)


def test_the_bulk_build_reads_each_peer_as_their_own_choices_allow(leeds):
    """Read in bulk (only what peers show), each peer is what their own data and choices give."""
    profiles.set_visibility(leeds["pia"], {"lqf": "networks", "needs": "me"})
    profiles.set_visibility(leeds["ravi"], {"lqf": "everyone", "organisation": "me"})
    sue = db.session.get(Profile, leeds["sue"].id)
    sue.visibility = {**(sue.visibility or {}), "lqf": "no such choice"}  # the default: only me
    db.session.commit()
    network = peers._my_networks(leeds["mina"])[0][0]
    index = peers.build_indexes([network])[network]
    space = index.space
    blank = (None,) * len(space.dimensions)
    for key in ("pia", "ravi", "sue", "otto"):
        user = leeds[key]
        vis = db.session.get(Profile, user.id).visibility or {}
        own = peers.dimension_averages([user.id], space).get(user.id, blank)
        org = db.session.scalar(sa.select(Organisation.service_type).join(
            Profile, Profile.organisation_id == Organisation.id).where(Profile.user_id == user.id))
        needs = peers.needs_of([user.id]).get(user.id, frozenset())
        got = index.people[user.id]
        assert got.strengths == (own if peers._shown(vis, "lqf") else blank), key
        assert got.service == (org.value if org and peers._shown(vis, "organisation")
                               else None), key
        assert got.needs == (needs if peers._shown(vis, "needs") else frozenset()), key
    assert index.people[leeds["pia"].id].strengths != blank, "Pia shows her self-assessment"
    assert index.people[leeds["ravi"].id].service is None
    assert index.people[leeds["sue"].id].strengths == blank, "an unknown choice is the default"
    assert index.people[leeds["pia"].id].needs == frozenset()


def test_a_peer_who_hides_a_field_since_the_index_was_built_is_not_named_by_it(leeds):
    peers.forget_cache()
    peers.suggestions_for(leeds["mina"])  # the index is cached now
    profiles.set_visibility(leeds["pia"], {"organisation": "me", "needs": "me"})
    pia = next(s for s in peers.suggestions_for(leeds["mina"]) if s.name == "Pia Peer")
    assert pia.reasons == ("in your local network",)


def test_people_hidden_from_the_network_are_never_suggested(leeds):
    profiles.set_visibility(leeds["ravi"], {"area": "me"})
    profiles.set_visibility(leeds["sue"], {"area": "coordinators"})
    assert set(_suggested(leeds["mina"])) == {"Otto Other", "Pia Peer"}


def test_affinity_peers_only_when_listed_and_never_named_by_the_network(leeds, users):
    outsider = make_user(email="far@example.org", name="Far Away")
    give_profile(outsider, "Cornwall")
    for user in (leeds["mina"], outsider):
        join(user, "women")
    assert "Far Away" not in _suggested(leeds["mina"]), "not listed: not suggested"
    from netapp.services import networks

    networks.set_listed(outsider, networks.by_code("women"), True)
    peers.forget_cache()
    far = next(s for s in peers.suggestions_for(leeds["mina"]) if s.name == "Far Away")
    words = " ".join(far.reasons).lower()
    assert "women" not in words and "network" not in words


def test_hello_and_hello_back(leeds, client, auth):
    mina, pia = leeds["mina"], leeds["pia"]
    auth.login(mina.email)
    page = client.get(f"/networks/peers/{pia.id}/hello")
    assert page.status_code == 200 and "Say hello to Pia Peer" in page.get_data(as_text=True)
    empty = client.post(f"/networks/peers/{pia.id}/hello", data={"message": "  "})
    assert empty.status_code == 400
    assert "Write a few words to say hello." in empty.get_data(as_text=True)
    long = "x" * 501
    too_long = client.post(f"/networks/peers/{pia.id}/hello", data={"message": long})
    assert too_long.status_code == 400 and long in too_long.get_data(as_text=True)
    sent = client.post(f"/networks/peers/{pia.id}/hello", data={"message": "Coffee in Leeds?"})
    assert sent.status_code == 302
    assert client.get(f"/networks/peers/{pia.id}/hello").status_code == 404, "one each way"
    note = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == pia.id)).one()
    assert (note.kind, note.text) == ("peer_hello", "Mina Member said hello")
    assert "Pia Peer" not in _suggested(mina), "greeted: no longer suggested"
    auth.logout()

    auth.login(pia.email)
    assert "Mina Member" not in _suggested(pia)
    hellos = client.get("/networks/peers/hellos").get_data(as_text=True)
    assert "Coffee in Leeds?" in hellos and "Say hello back" in hellos
    reply = client.post(f"/networks/peers/{mina.id}/hello", data={"message": "Yes please"})
    assert reply.status_code == 302
    back = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == mina.id)).one()
    assert back.text == "Pia Peer said hello back"
    assert db.session.get(PeerHello, 1) is not None


def test_hellos_show_the_day_they_were_sent_in_uk_time(leeds, client, auth):
    mina, pia = leeds["mina"], leeds["pia"]
    # 23:30 UTC on 30 June is half past midnight on 1 July in the UK.
    db.session.add(PeerHello(sender_id=pia.id, recipient_id=mina.id, message="Late hello",
                             created_at=datetime(2026, 6, 30, 23, 30)))
    db.session.commit()
    auth.login(mina.email)
    hellos = client.get("/networks/peers/hellos").get_data(as_text=True)
    assert "1 July 2026" in hellos and "30 June" not in hellos


def test_a_reply_is_allowed_even_outside_your_networks(leeds, client, auth):
    outsider = make_user(email="far@example.org", name="Far Away")
    give_profile(outsider, "Cornwall")
    auth.login(outsider.email)
    assert client.get(f"/networks/peers/{leeds['mina'].id}/hello").status_code == 404
    db.session.add(PeerHello(sender_id=leeds["mina"].id, recipient_id=outsider.id,
                             message="Hi"))
    db.session.commit()
    assert client.get(f"/networks/peers/{leeds['mina'].id}/hello").status_code == 200


def test_not_for_me_works_both_ways(leeds, client, auth):
    mina, sue = leeds["mina"], leeds["sue"]
    auth.login(mina.email)
    response = client.post(f"/networks/peers/{sue.id}/dismiss", data={"back": "home"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert db.session.get(PeerDismissal, (mina.id, sue.id)) is not None
    assert "Sue Peer" not in _suggested(mina)
    assert "Mina Member" not in _suggested(sue)
    assert client.get(f"/networks/peers/{sue.id}/hello").status_code == 404
    stranger = make_user(email="x@example.org")
    assert client.post(f"/networks/peers/{stranger.id}/dismiss").status_code == 404


def test_the_peers_page_and_home_show_suggestions(leeds, client, auth):
    auth.login(leeds["mina"].email)
    page = client.get("/networks/peers").get_data(as_text=True)
    assert "Pia Peer" in page
    assert "Also runs a home care service; also wants help with finance and budgets." in page
    home = client.get("/home").get_data(as_text=True)
    assert "Peers worth meeting" in home and "Pia Peer" in home


def test_home_checks_the_peers_it_expects_live_in_its_one_statement(leeds, client, auth):
    """Once a process has suggested peers to a member, the home page reads them again in its
    own statement; a peer dismissed, hidden from the network or hiding a field since then
    shows so at once, and a new nearer peer is still found."""
    mina = leeds["mina"]
    auth.login(mina.email)
    client.get("/home")
    assert count_statements(client, "/home") == 2, "the person, then everything else"
    home = client.get("/home").get_data(as_text=True)
    shown = [n for n in ("Pia Peer", "Ravi Peer", "Sue Peer", "Otto Other") if n in home]
    assert len(shown) == peers.HOME_SHOWN and "Pia Peer" in shown
    assert "Also runs a home care service; also wants help with finance and budgets." in home
    client.post(f"/networks/peers/{leeds['sue'].id}/dismiss", data={"back": "home"})
    profiles.set_visibility(leeds["ravi"], {"area": "me"})
    profiles.set_visibility(leeds["pia"], {"needs": "me"})
    home = client.get("/home").get_data(as_text=True)
    assert "Sue Peer" not in home and "Ravi Peer" not in home
    assert "Pia Peer" in home and "Otto Other" in home
    assert "Also runs a home care service." in home and "finance" not in home
    # A newcomer with the same service and need is nearer than anyone this process expected.
    newcomer = make_user(email="nia@example.org", name="Nia Newcomer")
    give_profile(newcomer, "Leeds", needs=("finance",))
    _service(newcomer, ServiceType.HOME_CARE)
    peers.forget_cache()
    assert "Nia Newcomer" in client.get("/home").get_data(as_text=True)


def test_the_peers_page_reads_everything_in_one_statement_and_shows_changes_at_once(
        leeds, client, auth):
    """The peers page reads the member's networks, their new hellos, their own data and the
    peers this process expects in one statement; a peer dismissed or hidden from the network
    since the last look is gone on the next one, and a new hello is counted."""
    mina = leeds["mina"]
    auth.login(mina.email)
    client.get("/networks/peers")
    assert count_statements(client, "/networks/peers") == 2, "the person, then everything else"
    page = client.get("/networks/peers").get_data(as_text=True)
    assert "Sue Peer" in page and "Ravi Peer" in page and "new hello" not in page
    client.post(f"/networks/peers/{leeds['sue'].id}/dismiss", data={"back": "peers"})
    profiles.set_visibility(leeds["ravi"], {"area": "me"})
    db.session.add(PeerHello(sender_id=leeds["otto"].id, recipient_id=mina.id, message="Hi"))
    db.session.commit()
    page = client.get("/networks/peers").get_data(as_text=True)
    assert "Sue Peer" not in page and "Ravi Peer" not in page and "Pia Peer" in page
    assert "1 new hello for you." in page


def test_a_members_own_new_scores_reorder_their_suggestions_at_once(leeds):
    """A process keeps each search by everything it depends on: with the indexes as they were
    built, the member's own new self-assessment reorders their suggestions on the next look."""
    for key in ("pia", "ravi", "sue"):
        profiles.set_visibility(leeds[key], {"lqf": "networks"})
    peers.forget_cache()
    first = peers.suggestions_for(leeds["mina"])
    assert first[0].name == "Pia Peer", "strong where Mina is not, same service and need"
    assert peers.suggestions_for(leeds["mina"]) == first, "the same search, the same answer"
    assess(leeds["mina"], lambda i: 4)  # strong everywhere now: their strength is no longer why
    assert peers.suggestions_for(leeds["mina"])[0].name == "Otto Other"


def test_home_kept_suggestions_carry_each_pages_token(app, leeds, client, auth):
    """Each suggestion's HTML is kept per process with the request's CSRF token put in: "not
    for me" works from the first page and from the kept copy, and a wrong token is refused."""
    mina = leeds["mina"]
    auth.login(mina.email)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for _ in range(2):
            page = client.get("/home").get_data(as_text=True)
            forms = re.findall(r'action="/networks/peers/(\d+)/dismiss" class="inline-form">\s*'
                               r'<input type="hidden" name="csrf_token" value="([^"]+)">', page)
            assert len(forms) == peers.HOME_SHOWN
            assert len({token for _, token in forms}) == 1, "one token for the page's forms"
            peer, token = forms[0]
            assert client.post(f"/networks/peers/{peer}/dismiss",
                               data={"back": "home", "csrf_token": token + "x"}).status_code == 400
            response = client.post(f"/networks/peers/{peer}/dismiss",
                                   data={"back": "home", "csrf_token": token})
            assert response.status_code == 302
            assert db.session.get(PeerDismissal, (mina.id, int(peer))) is not None
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_process_remembers_the_peers_it_expects_for_its_latest_members_only(app, monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(peers, "EXPECTED_KEPT", 2)
    people = [SimpleNamespace(id=n) for n in (1, 2, 3)]
    for person in people:
        peers._remember(person, [person.id * 10, person.id * 10 + 1])
    peers._remember(people[1], [7])  # seen again: now the latest
    peers._remember(SimpleNamespace(id=4), [])
    assert [peers.expected(p) for p in people] == [(), (7,), ()], "3 was the oldest"


def _grow(extra: int) -> None:
    for n in range(extra):
        user = make_user(email=f"grow{extra}-{n}@example.org")
        give_profile(user, "Leeds")
        assess(user)


@pytest.mark.parametrize("cached", [False, True])
def test_pages_run_a_fixed_number_of_statements(leeds, client, auth, cached):
    auth.login(leeds["mina"].email)
    db.session.add(PeerHello(sender_id=leeds["pia"].id, recipient_id=leeds["mina"].id,
                             message="Hi"))
    db.session.commit()
    counts = []
    for extra in (0, 6):
        _grow(extra)
        row = []
        for path in ("/networks/peers", "/home", "/networks/peers/hellos"):
            client.get(path)  # a serving process's copy of reference data is loaded
            if not cached:
                peers.forget_cache()
            row.append(count_statements(client, path))
        counts.append(row)
    assert counts[0] == counts[1]


def test_my_data_holds_my_hellos_and_not_for_me_but_not_theirs(leeds, client, auth):
    mina, pia, sue = leeds["mina"], leeds["pia"], leeds["sue"]
    db.session.add_all([
        PeerHello(sender_id=mina.id, recipient_id=pia.id, message="Coffee?"),
        PeerHello(sender_id=sue.id, recipient_id=mina.id, message="Hi Mina"),
        PeerDismissal(user_id=mina.id, peer_id=leeds["ravi"].id),
        PeerDismissal(user_id=pia.id, peer_id=mina.id),
    ])
    db.session.commit()
    data = privacy.collect(mina)["peers"]
    assert [(h["to"], h["message"]) for h in data["hellos_sent"]] == [("Pia Peer", "Coffee?")]
    assert [(h["from"], h["message"]) for h in data["hellos_received"]] == [
        ("Sue Peer", "Hi Mina")]
    assert [d["who"] for d in data["not_for_me"]] == ["Ravi Peer"], "Pia's choice is hers"


def test_the_hellos_page_lists_both_ways_newest_first_in_one_statement(leeds, client, auth):
    from datetime import timedelta

    from netapp.models.base import utcnow

    mina, now = leeds["mina"], utcnow()
    db.session.add_all([
        PeerHello(sender_id=leeds["pia"].id, recipient_id=mina.id, message="Older",
                  created_at=now - timedelta(days=2), read_at=now),
        PeerHello(sender_id=leeds["sue"].id, recipient_id=mina.id, message="Newer",
                  created_at=now - timedelta(days=1), read_at=now),
        PeerHello(sender_id=mina.id, recipient_id=leeds["pia"].id, message="Back to Pia",
                  created_at=now - timedelta(hours=5)),
        PeerHello(sender_id=mina.id, recipient_id=leeds["ravi"].id, message="To Ravi",
                  created_at=now - timedelta(hours=1)),
    ])
    db.session.commit()
    auth.login(mina.email)
    client.get("/networks/peers/hellos")
    assert count_statements(client, "/networks/peers/hellos") == 2, "the person, the hellos"
    page = client.get("/networks/peers/hellos").get_data(as_text=True)
    order = [page.index(text) for text in ("Newer", "Older", "To Ravi", "Back to Pia")]
    assert order == sorted(order)
    # Sue may be answered; Pia has her answer already.
    assert f"/networks/peers/{leeds['sue'].id}/hello" in page
    assert f"/networks/peers/{leeds['pia'].id}/hello" not in page


def test_saying_hello_reads_who_may_be_greeted_in_one_statement(leeds, client, auth):
    mina = leeds["mina"]
    auth.login(mina.email)
    path = f"/networks/peers/{leeds['pia'].id}/hello"
    client.get(path)
    assert count_statements(client, path) == 2, "the person, then who they may greet"
    profiles.set_visibility(leeds["pia"], {"area": "me"})  # no longer listed for Mina
    assert client.get(path).status_code == 404
    db.session.add(PeerHello(sender_id=leeds["pia"].id, recipient_id=mina.id, message="Hi"))
    db.session.commit()
    assert "Pia Peer" in client.get(path).get_data(as_text=True), "a reply needs no listing"


def test_the_demo_member_meets_peers_and_has_hellos_both_ways(app, client):
    from netapp.models import IsolationScore, User
    from netapp.services.demo import seed_demo

    logins = {login.role: login for login in seed_demo(members=300, seed=7)}
    member = db.session.scalar(sa.select(User).where(User.email == logins["member"].email))
    hellos = peers.hellos_for(member)
    assert len(hellos.received) == 2 and len(hellos.sent) == 1
    assert [h.is_new for h in hellos.received] == [True, False]
    peers.forget_cache()
    found = peers.suggestions_for(member)
    assert found, "the demo member has peers to meet"
    greeted = {h.other_id for h in hellos.received + hellos.sent}
    assert not greeted & {s.user_id for s in found}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IsolationScore)) == \
        db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_when_too_few_of_the_nearest_pass_the_live_check_the_rest_are_checked(app, users):
    """Only the nearest few candidates are checked live (as many as are shown and a few
    spare). When people who left since the indexes were built leave too few of those, the
    other candidates are checked too: the suggestions are the first that pass, as with
    indexes built afresh."""
    from netapp.services import networks

    load_reference()
    mina = users["member"]
    give_profile(mina, "Leeds", needs=("finance",))
    join(mina, "women")
    networks.set_listed(mina, networks.by_code("women"), True)
    others = []
    for n in range(12):  # six in Leeds, six in the women's network elsewhere
        peer = make_user(email=f"peer{n}@example.org", name=f"Peer {n:02d}")
        give_profile(peer, "Leeds" if n < 6 else "Camden", needs=("finance",))
        assess(peer, lambda i, n=n: 1 + (i + n) % 4)
        if n >= 6:
            join(peer, "women")
            networks.set_listed(peer, networks.by_code("women"), True)
        others.append(peer)
    peers.forget_cache()
    shown = peers.suggestions_for(mina, limit=3)
    checked = peers.expected(mina)
    assert len(shown) == 3 and len(checked) == 3 + peers.MARGIN, "the nearest seven only"
    for peer in others:  # all but one of those checked leave (the indexes still hold them)
        if peer.id in checked[1:]:
            peer.is_active_account = False
    db.session.commit()
    again = peers.suggestions_for(mina, limit=3)
    assert len(peers.expected(mina)) == 12, "then every candidate was checked"
    peers.forget_cache()
    assert again == peers.suggestions_for(mina, limit=3)
    assert len(again) == 3 and again[0].user_id == checked[0]
