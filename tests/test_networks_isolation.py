"""The isolation index on hand-built cases (each part moves it by its documented points), the
member's own page, and coordinators' list and CSV, which never count affinity networks."""
from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    DiscussionPost,
    DiscussionThread,
    Event,
    EventRsvp,
    IsolationScore,
    LearningSet,
    Mentorship,
    MentorshipStatus,
    Network,
    Region,
    RsvpStatus,
    SetMembership,
    SetStatus,
    UserSession,
)
from netapp.models.base import utcnow
from netapp.services import isolation, networks, profiles
from netapp.services.sets import to_utc
from tests.factories import make_user
from tests.profile_helpers import give_profile, join, load_reference
from tests.statements import count_statements

NOW = utcnow()


def _score(user) -> tuple[int, dict]:
    isolation.recompute(NOW)
    row = db.session.get(IsolationScore, user.id)
    db.session.refresh(row)
    return row.score, row.parts


def _local(user) -> Network:
    return next(m.network for m in networks.memberships(user.id) if not m.network.is_affinity)


def _event(network, days_from_now: float) -> Event:
    start = NOW + timedelta(days=days_from_now)
    event = Event(network_id=network.id, title="Leeds meet-up", starts_at=start,
                  ends_at=start + timedelta(hours=2), place="Leeds Library")
    db.session.add(event)
    db.session.commit()
    return event


def _attended(user, event, created_days_ago: float = 200) -> None:
    db.session.add(EventRsvp(event_id=event.id, user_id=user.id, status=RsvpStatus.GOING,
                             attended=True, created_at=NOW - timedelta(days=created_days_ago)))
    db.session.commit()


def _post(user, network, days_ago: float) -> None:
    thread = DiscussionThread(network_id=network.id, author_id=user.id, title="Rotas")
    db.session.add(thread)
    db.session.flush()
    db.session.add(DiscussionPost(thread_id=thread.id, author_id=user.id, body="Hello",
                                  created_at=NOW - timedelta(days=days_ago)))
    db.session.commit()


@pytest.fixture
def mina(app, users):
    load_reference()
    return users["member"]


def test_alone_is_100_and_each_part_moves_the_index_by_its_points(mina, users):
    # No council area, no sign-in, nothing else: on her own.
    assert _score(mina) == (100, {p: 0 for p in isolation.PARTS})
    give_profile(mina, "Leeds")
    assert _score(mina)[0] == 100 - isolation.LOCAL_NETWORK
    db.session.add(Mentorship(mentee_id=mina.id, mentor_id=users["mentor"].id,
                              status=MentorshipStatus.ACCEPTED))
    db.session.commit()
    assert _score(mina)[0] == 90 - isolation.MENTORING
    learning_set = LearningSet(name="Set 1", status=SetStatus.ACTIVE)
    db.session.add(learning_set)
    db.session.flush()
    db.session.add(SetMembership(set_id=learning_set.id, user_id=mina.id))
    db.session.commit()
    assert _score(mina)[0] == 70 - isolation.LEARNING_SET
    leeds = _local(mina)
    _attended(mina, _event(leeds, -30))
    assert _score(mina)[0] == 50 - isolation.ONE_EVENT
    _attended(mina, _event(leeds, -60))
    assert _score(mina)[0] == 50 - isolation.TWO_EVENTS
    _post(mina, leeds, days_ago=10)
    assert _score(mina)[0] == 30 - isolation.ACTIVE
    mina.last_login_at = NOW - timedelta(days=60)
    db.session.commit()
    assert _score(mina)[0] == 15 - isolation.SIGNED_IN_QUARTER
    db.session.add(UserSession(user_id=mina.id, token_hash="a" * 64,
                               last_seen_at=NOW - timedelta(days=2)))
    db.session.commit()
    score, parts = _score(mina)
    assert score == 0 and sum(parts.values()) == 100


def test_what_no_longer_counts(mina, users):
    give_profile(mina, "Leeds")
    leeds = _local(mina)
    for status in (MentorshipStatus.REQUESTED, MentorshipStatus.COMPLETED):
        db.session.add(Mentorship(mentee_id=mina.id, mentor_id=users["mentor"].id,
                                  status=status))
    closed = LearningSet(name="Old set", status=SetStatus.CLOSED)
    left = LearningSet(name="Set 2", status=SetStatus.ACTIVE)
    db.session.add_all([closed, left])
    db.session.flush()
    db.session.add_all([SetMembership(set_id=closed.id, user_id=mina.id),
                        SetMembership(set_id=left.id, user_id=mina.id, left_at=NOW)])
    db.session.commit()
    _attended(mina, _event(leeds, -200))  # more than six months ago
    _post(mina, leeds, days_ago=100)  # more than 90 days ago
    mina.last_login_at = NOW - timedelta(days=120)
    db.session.commit()
    assert _score(mina) == (90, {**{p: 0 for p in isolation.PARTS}, "network": 10})


def test_affinity_networks_count_for_nothing(mina):
    give_profile(mina, "Leeds")
    join(mina, "women")
    women = networks.by_code("women")
    _attended(mina, _event(women, -20), created_days_ago=10)
    _post(mina, women, days_ago=3)
    assert _score(mina) == (90, {**{p: 0 for p in isolation.PARTS}, "network": 10})


def test_my_page_shows_my_index_and_next_steps_from_real_data(mina, client, auth):
    give_profile(mina, "Leeds")
    _event(_local(mina), 12)
    auth.login(mina.email)
    before = client.get("/networks/connected").get_data(as_text=True)
    assert "Yours will be here tomorrow" in before
    isolation.recompute()
    page = client.get("/networks/connected").get_data(as_text=True)
    assert "Your isolation index is <strong>75</strong>" in page  # local network, signed in
    when = (NOW + timedelta(days=12)).strftime("%-d %B")
    assert f"There is a meet-up in Leeds on {when}: Leeds meet-up." in page
    assert "Find a mentor" in page and "Join an action learning set" in page
    home = client.get("/home").get_data(as_text=True)
    assert "How connected you are" in home and "<strong>75</strong>" in home


def test_the_suggested_event_is_one_with_a_place_for_me_on_its_uk_day(mina, users, client,
                                                                       auth):
    give_profile(mina, "Leeds")
    other, = _people_in("Leeds", 1)
    going = _event(_local(mina), 1)
    db.session.add(EventRsvp(event_id=going.id, user_id=mina.id, status=RsvpStatus.GOING))
    full = _event(_local(mina), 2)
    full.title, full.capacity = "Full breakfast", 1
    db.session.add(EventRsvp(event_id=full.id, user_id=other.id, status=RsvpStatus.GOING))
    # 00:30 on 1 July in the UK is still 30 June in UTC.
    july = date(NOW.year + 1, 7, 1)
    online = Event(network_id=_local(mina).id, title="Summer catch-up", is_online=True,
                   starts_at=to_utc(july, time(0, 30)), ends_at=to_utc(july, time(1, 30)),
                   link="https://meet.example.org/summer")
    db.session.add(online)
    db.session.commit()
    isolation.recompute()
    auth.login(mina.email)
    page = client.get("/networks/connected").get_data(as_text=True)
    assert "There is an online meet-up for Leeds on 1 July: Summer catch-up." in page
    assert "Leeds meet-up" not in page, "she is going already"
    assert "Full breakfast" not in page, "it has no place left"


def _people_in(council: str, n: int, **kwargs):
    out = []
    for i in range(n):
        user = make_user(email=f"{council.lower()}{i}-{utcnow().timestamp()}@example.org",
                         name=f"{council} Person {i}", **kwargs)
        give_profile(user, council)
        out.append(user)
    return out


def test_coordinators_see_the_most_isolated_in_a_region(mina, users, client, auth):
    give_profile(mina, "Leeds")
    lonely, = _people_in("Bradford", 1)
    private, = _people_in("Wakefield", 1)
    profiles.set_visibility(private, {"area": "me"})
    far, = _people_in("Cornwall", 1)
    mina.last_login_at = utcnow()
    db.session.commit()
    isolation.recompute()
    region = db.session.scalar(sa.select(Region).where(Region.name == "Yorkshire and the Humber"))
    auth.login(users["coordinator"].email)
    page = client.get(f"/networks/isolation?region={region.id}").get_data(as_text=True)
    assert "Bradford Person 0" in page and "Mina Member" in page
    assert page.index("Bradford Person 0") < page.index("Mina Member"), "most isolated first"
    assert "Wakefield Person 0" not in page, "their area is theirs alone"
    assert "Cornwall Person 0" not in page
    response = client.get(f"/networks/isolation/{region.id}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["name", "council", "isolation_index", *isolation.PARTS]
    assert [r[0] for r in rows[1:]] == ["Bradford Person 0", "Mina Member"]
    assert rows[1][1:3] == ["Bradford", "90"]
    assert client.get("/networks/isolation?region=99999").status_code == 404
    auth.logout()
    auth.login(users["member"].email)
    assert client.get(f"/networks/isolation?region={region.id}").status_code == 403


def test_pages_run_a_fixed_number_of_statements(mina, users, client, auth):
    give_profile(mina, "Leeds")
    region = db.session.scalar(sa.select(Region).where(Region.name == "Yorkshire and the Humber"))
    auth.login(users["coordinator"].email)
    client.get(f"/networks/isolation?region={region.id}")  # warm-up: reference data a
    auth.logout()  # serving process already holds
    counts = []
    for extra in (1, 6):
        _people_in("Leeds", extra)
        _event(_local(mina), 5 + extra)
        isolation.recompute()
        auth.login(users["coordinator"].email)
        coordinator = count_statements(client, f"/networks/isolation?region={region.id}")
        auth.logout()
        auth.login(mina.email)
        counts.append((coordinator, count_statements(client, "/networks/connected")))
        auth.logout()
    assert counts[0] == counts[1]
    assert counts[0][1] == 2, "the person; their index with the next event near them"


def test_the_nightly_task_scores_everyone(mina, users):
    from netapp.tasks import isolation_index

    isolation_index.call_local()
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IsolationScore)) == 5
    assert isolation.data_of(mina.id)["isolation_index"] == 100
