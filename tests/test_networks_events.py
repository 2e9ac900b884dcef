"""Network events: who may create and see them, RSVPs and the waitlist (also under 20 people
answering at once on PostgreSQL), emails that never name an affinity network, calendar files
in UK time across a clock change, the private feed, reminders, attendance and page speed."""
from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import icalendar
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    Event,
    EventRsvp,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    Notification,
    RsvpStatus,
    User,
)
from netapp.models.base import utcnow
from netapp.services import events
from netapp.services.sets import to_utc
from tests.factories import make_user
from tests.statements import count_statements


def _network(name: str, kind: NetworkKind = NetworkKind.LOCAL) -> Network:
    network = Network(kind=kind, code=name.lower().replace(" ", "-"), name=name)
    db.session.add(network)
    db.session.commit()
    return network


def _member(network: Network, user: User) -> User:
    db.session.add(NetworkMembership(user_id=user.id, network_id=network.id))
    db.session.commit()
    return user


def _lead(network: Network, user: User) -> User:
    if not db.session.get(NetworkMembership, (user.id, network.id)):
        _member(network, user)
    db.session.add(NetworkLead(network_id=network.id, user_id=user.id))
    db.session.commit()
    return user


def _soon(days: int = 10) -> date:
    return (utcnow() + timedelta(days=days)).date()


def _event(network: Network, *, title: str = "Winter meet-up", capacity: int | None = None,
           online: bool = False, starts: datetime | None = None, hours: int = 2,
           link: str = "https://meet.example.org/winter") -> Event:
    """An event straight into the database (the form's checks are tested through the pages)."""
    starts = starts or utcnow().replace(microsecond=0) + timedelta(days=10)
    event = Event(network_id=network.id, title=title, description="Bring a question.",
                  starts_at=starts, ends_at=starts + timedelta(hours=hours), is_online=online,
                  place="" if online else "Leeds Civic Hall, LS1 1UR",
                  link=link if online else "", capacity=capacity, sequence=0)
    db.session.add(event)
    db.session.commit()
    return event


@pytest.fixture
def leeds(app, users):
    """A local network with the member in it and a lead; an affinity network the member is in."""
    network = _network("Leeds network")
    _member(network, users["member"])
    lead = _lead(network, make_user(email="lee@example.org", name="Lee Lead"))
    women = _network("Women managers", NetworkKind.AFFINITY)
    _member(women, users["member"])
    wendy = _lead(women, make_user(email="wendy@example.org", name="Wendy Lead"))
    return {"network": network, "lead": lead, "women": women, "wendy": wendy}


def _login(client, user: User) -> None:
    response = client.post("/account/login", data={"email": user.email,
                                                    "password": "correct horse battery"})
    assert response.status_code == 302


def _form(day: date, **changes) -> dict:
    data = {"title": "Spring meet-up", "description": "Tea and a chat.\n\nAll welcome.",
            "day": day.isoformat(), "start": "18:00", "end": "20:00", "mode": "in_person",
            "place": "Leeds Civic Hall, LS1 1UR", "link": "", "capacity": "5"}
    data.update(changes)
    return data


# ---------------------------------------------------------------- creating and who may


def test_a_lead_creates_an_event_in_uk_time_and_it_is_audited(client, leeds):
    _login(client, leeds["lead"])
    day = date(utcnow().year + 1, 7, 15)
    response = client.post(f"/networks/{leeds['network'].id}/events/new", data=_form(day))
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert event.title == "Spring meet-up" and event.capacity == 5
    assert event.starts_at == datetime(day.year, 7, 15, 17, 0)  # 18:00 BST is 17:00 UTC
    assert event.created_by_id == leeds["lead"].id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "18:00 to 20:00 (UK time)" in page and "All welcome." in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.created"))
    assert entry.actor_id == leeds["lead"].id and entry.target_id == str(event.id)


@pytest.mark.parametrize("changes, message", [
    ({"end": "17:00"}, "The event must end after it starts."),
    ({"mode": "online", "link": "http://meet.example.org/x"}, "starting https://"),
    ({"mode": "online", "link": ""}, "starting https://"),
    ({"place": "  "}, "Give the address, so people can find it."),
    ({"title": ""}, "Give the event a name."),
    ({"capacity": "0"}, "Places must be a whole number from 1"),
    ({"day": "2001-01-01"}, "Choose a day and time that haven&#39;t passed yet."),
])
def test_bad_details_say_what_to_fix_and_keep_what_was_typed(client, leeds, changes, message):
    _login(client, leeds["lead"])
    data = _form(_soon(), description="Keep this text please") | changes
    response = client.post(f"/networks/{leeds['network'].id}/events/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Keep this text please" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_coordinators_manage_local_events_but_plain_members_cannot(client, leeds, users):
    network = leeds["network"]
    _login(client, users["member"])
    assert client.get(f"/networks/{network.id}/events/new").status_code == 404
    client.post("/account/logout")
    _login(client, users["coordinator"])
    assert client.get(f"/networks/{network.id}/events/new").status_code == 200
    response = client.post(f"/networks/{network.id}/events/new", data=_form(_soon()))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["coordinator", "admin", "other_member"])
def test_an_affinity_networks_events_are_404_to_everyone_outside_it(client, leeds, users, role):
    event = _event(leeds["women"], title="Women leaders breakfast")
    _login(client, users[role])
    for path in (f"/networks/events/{event.id}", f"/networks/events/{event.id}/calendar.ics",
                 f"/networks/{leeds['women'].id}/events",
                 f"/networks/{leeds['women'].id}/events/new",
                 f"/networks/events/{event.id}/edit", f"/networks/events/{event.id}/attendance"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/networks/events/{event.id}/rsvp").status_code in (400, 404)
    assert "Women leaders" not in client.get("/networks/events").get_data(as_text=True)
    assert "Women leaders" not in client.get("/home").get_data(as_text=True)


def test_a_member_of_the_affinity_network_sees_its_event_and_its_lead_manages_it(
        client, leeds, users):
    event = _event(leeds["women"], title="Women leaders breakfast")
    _login(client, users["member"])
    assert "Women leaders breakfast" in client.get("/networks/events").get_data(as_text=True)
    assert client.get(f"/networks/events/{event.id}/edit").status_code == 404
    client.post("/account/logout")
    _login(client, leeds["wendy"])
    assert client.get(f"/networks/events/{event.id}/edit").status_code == 200


def test_changes_to_an_affinity_event_are_audited_without_naming_anyone(client, leeds):
    _login(client, leeds["wendy"])
    response = client.post(f"/networks/{leeds['women'].id}/events/new", data=_form(_soon()))
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.created"))
    assert entry.actor_id is None and entry.target_id is None and entry.detail == {}
    assert entry.created_at.hour == 0 and entry.created_at.minute == 0


def test_a_lead_of_another_network_cannot_manage_this_one(client, leeds):
    other = _network("Bradford network")
    bob = _lead(other, make_user(email="bob@example.org"))
    event = _event(leeds["network"])
    _login(client, bob)
    assert client.get(f"/networks/events/{event.id}/edit").status_code == 404
    assert client.post(f"/networks/events/{event.id}/cancel").status_code == 404
    assert client.get(f"/networks/{leeds['network'].id}/events/new").status_code == 404


# ---------------------------------------------------------------- RSVPs and the waitlist


def _people(network: Network, n: int, prefix: str = "Racer") -> list[User]:
    return [_member(network, make_user(email=f"{prefix.lower()}{i}@example.org",
                                       name=f"{prefix} Number{i}")) for i in range(n)]


def test_going_then_the_waitlist_in_order_then_promotion_when_someone_cancels(
        app, leeds, mailbox):
    event = _event(leeds["network"], capacity=2)
    a, b, c, d = _people(leeds["network"], 4)
    with app.test_request_context():
        assert [events.join(p, event).status for p in (a, b, c, d)] == [
            RsvpStatus.GOING, RsvpStatus.GOING, RsvpStatus.WAITING, RsvpStatus.WAITING]
        assert events.position(d, event) == 2
        assert events.join(a, event).status is RsvpStatus.GOING  # asking twice changes nothing
        mailbox.clear()
        assert events.leave(a, event)
    assert events.rsvp_of(c, event).status is RsvpStatus.GOING
    assert events.rsvp_of(c, event).promoted_at is not None
    assert events.rsvp_of(d, event).status is RsvpStatus.WAITING
    with app.test_request_context():
        assert events.position(d, event) == 1
    sent = mailbox.to(c.email)
    assert len(sent) == 1 and "A place came up" in sent[0]["Subject"]
    assert db.session.scalar(sa.select(Notification.kind).where(
        Notification.user_id == c.id)) == "event_promoted"


def _listed(page: str) -> tuple[list[str], list[str]]:
    """The names an event's page lists as going (with any mark) and waiting."""
    going = re.search(r"<h3>Going \(\d+\)</h3>\s*<ul>(.*?)</ul>", page, re.S)
    waiting = re.search(r"<h3>Waitlist, in order \(\d+\)</h3>\s*<ol>(.*?)</ol>", page, re.S)
    return ([re.sub(r"<[^>]+>", "", n) for n in re.findall(r"<li>(.*?)</li>", going[1])]
            if going else [],
            re.findall(r"<li>(.*?)</li>", waiting[1]) if waiting else [])


@pytest.mark.parametrize("kind", ["local", "affinity"])
def test_who_is_going_and_waiting_shows_to_the_events_managers_only(app, client, leeds, users,
                                                                    kind):
    network = leeds["network"] if kind == "local" else leeds["women"]
    lead = leeds["lead"] if kind == "local" else leeds["wendy"]
    event = _event(network, capacity=2)
    people = [_member(network, make_user(email=f"p{n}@example.org", name=name))
              for n, name in enumerate(["Zoe Zed", "Amy Able", "Yan Young", "Bob Brown"])]
    with app.test_request_context():
        for person in people:
            events.join(person, event)
        event.starts_at = utcnow() - timedelta(hours=3)  # it has happened: who came is marked
        event.ends_at = utcnow() - timedelta(hours=1)
        events.record_attendance(lead, event, {people[0].id})
    _member(network, users["coordinator"])  # staff in the network, but not leading it
    shown = (["Amy Able (didn't come)", "Zoe Zed (came)"], ["Yan Young", "Bob Brown"])
    for reader, sees in ((lead, True), (users["member"], False),
                         (users["coordinator"], kind == "local")):
        _login(client, reader)
        page = client.get(f"/networks/events/{event.id}").get_data(as_text=True)
        client.post("/account/logout")
        assert _listed(page) == (shown if sees else ([], [])), reader.email
        assert ("Amy Able" in page) is sees, reader.email


def test_more_places_promote_the_waitlist_in_order(app, leeds, client):
    event = _event(leeds["network"], capacity=1)
    people = _people(leeds["network"], 4)
    with app.test_request_context():
        for p in people:
            events.join(p, event)
    _login(client, leeds["lead"])
    data = _form(_soon(), capacity="3", title=event.title)
    assert client.post(f"/networks/events/{event.id}/edit", data=data).status_code == 302
    statuses = [events.rsvp_of(p, event).status for p in people]
    assert statuses == [RsvpStatus.GOING] * 3 + [RsvpStatus.WAITING]
    too_few = _form(_soon(), capacity="2")
    response = client.post(f"/networks/events/{event.id}/edit", data=too_few)
    assert response.status_code == 400
    assert "3 people are already going" in response.get_data(as_text=True)


def test_only_members_and_followers_may_go(app, leeds, users, client):
    event = _event(leeds["network"])
    stranger = users["other_member"]
    _login(client, stranger)
    page = client.get(f"/networks/events/{event.id}").get_data(as_text=True)
    assert "Events are for members of the network" in page
    client.post(f"/networks/events/{event.id}/rsvp")
    assert events.rsvp_of(stranger, event) is None
    db.session.add(NetworkFollow(user_id=stranger.id, network_id=leeds["network"].id))
    db.session.commit()
    client.post(f"/networks/events/{event.id}/rsvp")
    assert events.rsvp_of(stranger, event).status is RsvpStatus.GOING


def test_the_online_link_shows_only_to_people_going(client, leeds, users, mailbox):
    event = _event(leeds["network"], online=True)
    _login(client, users["member"])
    path = f"/networks/events/{event.id}"
    assert "meet.example.org" not in client.get(path).get_data(as_text=True)
    assert b"meet.example.org" not in client.get(path + "/calendar.ics").data
    assert client.post(path + "/rsvp").status_code == 302
    assert "meet.example.org/winter" in client.get(path).get_data(as_text=True)
    assert b"meet.example.org/winter" in client.get(path + "/calendar.ics").data
    confirmation = mailbox.to(users["member"].email)[-1]
    assert "You're going to Winter meet-up" in confirmation["Subject"]
    files = [p for p in confirmation.walk() if p.get_content_type() == "text/calendar"]
    attached = icalendar.Calendar.from_ical(files[0].get_payload(decode=True))
    assert str(attached.walk("VEVENT")[0]["URL"]) == "https://meet.example.org/winter"


def test_emails_about_an_affinity_event_never_name_it_or_its_network(client, leeds, users,
                                                                      mailbox, app):
    event = _event(leeds["women"], title="Women leaders breakfast", capacity=1)
    other = _member(leeds["women"], make_user(email="olive@example.org", name="Olive Other"))
    _login(client, users["member"])
    client.post(f"/networks/events/{event.id}/rsvp")
    with app.test_request_context():
        events.join(other, event)
    client.post(f"/networks/events/{event.id}/rsvp/cancel")  # Olive is promoted
    client.post("/account/logout")
    _login(client, leeds["wendy"])
    client.post(f"/networks/events/{event.id}/cancel")
    sent = mailbox.to(users["member"].email) + mailbox.to(other.email)
    assert len(sent) >= 3
    for message in sent:
        whole = message.as_string() + "".join(
            p.get_payload(decode=True).decode() for p in message.walk()
            if not p.is_multipart())
        assert "Women" not in whole and "breakfast" not in whole.lower(), message["Subject"]
    assert any("an event you" in m["Subject"] for m in sent)


def test_a_cancelled_event_tells_everyone_and_takes_no_more_rsvps(client, leeds, users,
                                                                  mailbox):
    event = _event(leeds["network"])
    _login(client, users["member"])
    client.post(f"/networks/events/{event.id}/rsvp")
    client.post("/account/logout")
    _login(client, leeds["lead"])
    confirm = client.get(f"/networks/events/{event.id}/cancel").get_data(as_text=True)
    assert "Cancel Winter meet-up?" in confirm
    assert db.session.get(Event, event.id).cancelled_at is None  # asking is not doing
    assert client.post(f"/networks/events/{event.id}/cancel").status_code == 302
    told = mailbox.to(users["member"].email)[-1]
    assert "Event cancelled: Winter meet-up" in told["Subject"]
    files = [p for p in told.walk() if p.get_content_type() == "text/calendar"]
    assert b"METHOD:CANCEL" in files[0].get_payload(decode=True)
    newcomer = _member(leeds["network"], make_user(email="late@example.org"))
    client.post("/account/logout")
    _login(client, newcomer)
    client.post(f"/networks/events/{event.id}/rsvp")
    assert events.rsvp_of(newcomer, event) is None


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.fixture
def roomy_app(smtp_sink):
    """The PostgreSQL app with a connection for each of 20 threads."""
    from tests.conftest import _make_app

    _, port = smtp_sink
    app = _make_app("postgres", port, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_size": 25, "max_overflow": 0, "pool_timeout": 60})
    with app.app_context():
        yield app
        db.session.remove()
        from tests.conftest import empty_database
        empty_database()
        db.engine.dispose()


def _at_once(app, action, user_ids: list[int], event_id: int) -> list[str]:
    """Run ``action(user, event)`` for each user in its own thread, all released together."""
    start = threading.Barrier(len(user_ids), timeout=60)
    results: list[str] = []
    lock = threading.Lock()

    def run(user_id: int) -> None:
        outcome = "did not run"
        try:
            with app.app_context(), app.test_request_context():
                me = db.session.get(User, user_id)
                event = db.session.get(Event, event_id)
                _ = event.network.name
                db.session.commit()  # hold no transaction while waiting for the others
                start.wait()
                try:
                    outcome = str(action(me, event))
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            outcome = repr(error)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@pytest.mark.postgres
def test_twenty_rsvps_at_once_for_five_places_give_five_going_and_fifteen_waiting(roomy_app):
    app = roomy_app
    network = _network("Leeds network")
    event = _event(network, capacity=5)
    ids = [p.id for p in _people(network, 20)]
    event_id = event.id
    db.session.remove()

    results = _at_once(app, lambda me, ev: events.join(me, ev).status.value, ids, event_id)
    assert sorted(results) == ["going"] * 5 + ["waiting"] * 15, results
    rows = db.session.scalars(sa.select(EventRsvp).where(EventRsvp.event_id == event_id)
                              .order_by(EventRsvp.id)).all()
    # The places went to the first five to get the lock; the waitlist keeps the order after.
    assert [r.status for r in rows] == [RsvpStatus.GOING] * 5 + [RsvpStatus.WAITING] * 15
    waiting_in_order = [r.user_id for r in rows[5:]]

    # The five going all cancel at once: exactly the first five waiting are promoted.
    going = [r.user_id for r in rows[:5]]
    results = _at_once(app, lambda me, ev: events.leave(me, ev), going, event_id)
    assert results == ["True"] * 5, results
    db.session.expire_all()
    now_going = set(db.session.scalars(sa.select(EventRsvp.user_id).where(
        EventRsvp.event_id == event_id, EventRsvp.status == RsvpStatus.GOING)))
    assert now_going == set(waiting_in_order[:5])
    still_waiting = db.session.scalars(sa.select(EventRsvp.user_id).where(
        EventRsvp.event_id == event_id, EventRsvp.status == RsvpStatus.WAITING)
        .order_by(EventRsvp.id)).all()
    assert still_waiting == waiting_in_order[5:]


# ---------------------------------------------------------------- calendar files and the feed


def test_the_ics_parses_and_keeps_uk_time_across_the_clock_change(client, leeds, users):
    year = utcnow().year + 1
    summer = _event(leeds["network"], title="Summer", starts=to_utc(date(year, 7, 1), time(10)))
    winter = _event(leeds["network"], title="Winter", starts=to_utc(date(year, 12, 1), time(10)))
    _login(client, users["member"])
    for event, utc_hour in ((summer, 9), (winter, 10)):
        response = client.get(f"/networks/events/{event.id}/calendar.ics")
        assert response.mimetype == "text/calendar"
        assert "attachment" in response.headers["Content-Disposition"]
        cal = icalendar.Calendar.from_ical(response.data)
        assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
        vevent = cal.walk("VEVENT")[0]
        start = vevent.decoded("DTSTART")
        assert start.hour == 10 and str(start.tzinfo) == "Europe/London"
        assert start.astimezone(UTC).hour == utc_hour
        assert vevent.decoded("DTEND").hour == 12
        assert str(vevent["SUMMARY"]) == event.title
        assert str(vevent["LOCATION"]) == "Leeds Civic Hall, LS1 1UR"


def _feed(client) -> str:
    import re

    page = client.post("/sets/calendar/new").get_data(as_text=True)
    return re.search(r'value="http://localhost([^"]+\.ics)"', page).group(1)


def test_the_private_feed_has_the_events_i_go_to_and_stops_when_revoked(client, leeds, users,
                                                                        app):
    going = _event(leeds["network"], title="Going one", online=True)
    _event(leeds["network"], title="Not going one")
    affinity = _event(leeds["women"], title="Breakfast")
    with app.test_request_context():
        events.join(users["member"], going)
        events.join(users["member"], affinity)
    _login(client, users["member"])
    path = _feed(client)
    client.post("/account/logout")
    cal = icalendar.Calendar.from_ical(client.get(path).data)
    titles = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert titles == ["Breakfast", "Going one"]
    assert "https://meet.example.org/winter" in [str(e.get("URL")) for e in cal.walk("VEVENT")]
    # Leaving the affinity network takes its events out of the feed.
    db.session.execute(sa.delete(NetworkMembership).where(
        NetworkMembership.user_id == users["member"].id,
        NetworkMembership.network_id == leeds["women"].id))
    db.session.commit()
    assert b"Breakfast" not in client.get(path).data
    _login(client, users["member"])
    client.post("/sets/calendar/stop")
    assert client.get(path).status_code == 404
    client.post("/account/logout")
    _login(client, users["other_member"])  # another member's feed has nothing of mine
    theirs = client.get(_feed(client)).data
    assert b"Going one" not in theirs and b"meet.example.org" not in theirs


# ---------------------------------------------------------------- reminders and attendance


def test_reminders_go_once_to_people_going_the_day_before(app, leeds, users, mailbox):
    tomorrow = _event(leeds["network"], title="Tomorrow", capacity=1,
                      starts=utcnow() + timedelta(hours=20))
    later = _event(leeds["network"], title="Later", starts=utcnow() + timedelta(days=3))
    waiting = _member(leeds["network"], make_user(email="wait@example.org"))
    with app.test_request_context():
        events.join(users["member"], tomorrow)
        events.join(waiting, tomorrow)
        events.join(users["member"], later)
    mailbox.clear()
    assert events.run_reminders("http://localhost") == 1
    sent = mailbox.to(users["member"].email)
    assert len(sent) == 1 and "Reminder: Tomorrow" in sent[0]["Subject"]
    assert not mailbox.to(waiting.email)
    assert db.session.get(Event, tomorrow.id).reminder_sent_at is not None
    assert events.run_reminders("http://localhost") == 0
    assert len(mailbox.to(users["member"].email)) == 1


def test_the_lead_records_who_came_afterwards(client, leeds, users, app):
    event = _event(leeds["network"], starts=utcnow() + timedelta(days=1))
    other = _member(leeds["network"], make_user(email="ola@example.org", name="Ola Other"))
    with app.test_request_context():
        events.join(users["member"], event)
        events.join(other, event)
    _login(client, leeds["lead"])
    path = f"/networks/events/{event.id}/attendance"
    assert "once the event has started" in client.get(path).get_data(as_text=True)
    event.starts_at = utcnow() - timedelta(hours=3)
    event.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert "Ola Other" in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"came": [str(users["member"].id)]}).status_code == 302
    assert events.rsvp_of(users["member"], event).attended is True
    assert events.rsvp_of(other, event).attended is False
    assert client.post(path, data={"came": [str(leeds["lead"].id)]}).status_code == 400
    client.post("/account/logout")
    _login(client, users["member"])
    assert client.get(path).status_code == 404


# ---------------------------------------------------------------- lists and speed


def test_upcoming_for_network_is_soonest_first_without_cancelled_or_past(app, leeds, users):
    network = leeds["network"]
    later = _event(network, title="Later", starts=utcnow() + timedelta(days=9))
    sooner = _event(network, title="Sooner", starts=utcnow() + timedelta(days=2))
    gone = _event(network, title="Cancelled", starts=utcnow() + timedelta(days=1))
    gone.cancelled_at = utcnow()
    _event(network, title="Past", starts=utcnow() - timedelta(days=2))
    db.session.commit()
    assert [e.title for e in events.upcoming_for_network(network.id, users["member"])] == [
        "Sooner", "Later"]
    assert later.id and sooner.id
    _event(leeds["women"], title="Breakfast")
    assert events.upcoming_for_network(leeds["women"].id, users["coordinator"]) == []
    assert [e.title for e in events.upcoming_for_network(leeds["women"].id,
                                                         users["member"])] == ["Breakfast"]


def test_the_home_page_shows_my_next_events(client, leeds, users, app):
    event = _event(leeds["network"], title="Meet-up in Leeds")
    with app.test_request_context():
        events.join(users["member"], event)
    _login(client, users["member"])
    page = client.get("/home").get_data(as_text=True)
    assert "Your next events" in page and "Meet-up in Leeds" in page


def test_lists_are_paged(client, leeds, users, app):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        _event(leeds["network"], title=f"Event number {n}",
               starts=utcnow() + timedelta(days=n + 1))
    _login(client, users["member"])
    first = client.get("/networks/events").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Event number 2" not in first
    assert "Event number 2" in client.get("/networks/events?page=2").get_data(as_text=True)
    network_page = client.get(f"/networks/{leeds['network'].id}/events?page=2")
    assert "Event number 2" in network_page.get_data(as_text=True)


def test_the_event_pages_run_the_same_number_of_statements_however_many_people(
        client, leeds, users, app):
    network = leeds["network"]
    event = _event(network, capacity=3)
    first = _people(network, 4, prefix="First")
    with app.test_request_context():
        for p in first:  # three going and one waiting, as the lead sees on the page
            events.join(p, event)

    def counts():
        _login(client, leeds["lead"])
        found = {path: count_statements(client, path) for path in (
            f"/networks/events/{event.id}", "/networks/events",
            f"/networks/{network.id}/events")}
        client.post("/account/logout")
        return found

    counts()  # warm-up: what a serving process has cached
    small = counts()
    people = _people(network, 6, prefix="Extra")
    with app.test_request_context():
        for p in people:
            events.join(p, event)
            events.join(p, _event(network, title=f"More for {p.display_name}"))
    counts()  # adding people may refresh the cached reference data
    assert counts() == small
    # The person; the lead's standing with the network's page of events, counts and answers.
    assert small[f"/networks/{network.id}/events"] == 2


def test_my_data_export_has_my_events(client, leeds, users, app):
    import io
    import json
    import zipfile

    event = _event(leeds["network"], title="Meet-up in Leeds")
    with app.test_request_context():
        events.join(users["member"], event)
    _login(client, users["member"])
    archive = zipfile.ZipFile(io.BytesIO(client.post("/me/data/export").data))
    mine = json.loads(archive.read("my-data.json"))["events"]
    assert [(e["event"], e["network"], e["status"]) for e in mine] == [
        ("Meet-up in Leeds", "Leeds network", "going")]
    assert "Meet-up in Leeds" in archive.read("events.csv").decode()


def test_the_demo_member_has_events_to_go_to_one_full_and_one_they_went_to(app, client):
    from netapp.services.demo import DEMO_PASSWORD, seed_demo

    logins = {login.role: login for login in seed_demo(members=600, seed=5)}
    member = db.session.scalar(sa.select(User).where(User.email == logins["member"].email))
    mine = db.session.execute(
        sa.select(Event, EventRsvp).join(EventRsvp, EventRsvp.event_id == Event.id)
        .where(EventRsvp.user_id == member.id)).all()
    assert any(e.starts_at < utcnow() and r.attended for e, r in mine), "one they went to"
    assert any(e.starts_at > utcnow() and r.status is RsvpStatus.GOING for e, r in mine)
    home = db.session.scalar(sa.select(NetworkMembership.network_id).join(Network).where(
        NetworkMembership.user_id == member.id, Network.kind == NetworkKind.LOCAL))
    full = [e for e in db.session.scalars(sa.select(Event).where(Event.network_id == home))
            if events._count(e.id, RsvpStatus.WAITING)]
    assert len(full) == 1 and events._count(full[0].id, RsvpStatus.GOING) == full[0].capacity
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Event.network_id)))) >= 5
    client.post("/account/login", data={"email": member.email, "password": DEMO_PASSWORD})
    assert "Your next events" in client.get("/home").get_data(as_text=True)
    page = client.get(f"/networks/events/{full[0].id}").get_data(as_text=True)
    assert "Join the waitlist" in page
    # The networks they follow have coming events too, listed with their own.
    from netapp.services import networks

    followed = networks.followed(member.id)
    assert followed
    listed = client.get("/networks/events").get_data(as_text=True)
    for network in followed:
        coming = db.session.scalars(sa.select(Event).where(
            Event.network_id == network.id, Event.starts_at > utcnow())).all()
        assert coming, f"no coming event in {network.name}"
        assert any(e.title in listed for e in coming) and network.name in listed


def test_the_network_page_shows_its_next_events(client, leeds, users):
    _event(leeds["network"], title="Meet-up in Leeds", starts=utcnow() + timedelta(days=4))
    _event(leeds["women"], title="Breakfast")
    _login(client, users["coordinator"])
    page = client.get(f"/networks/{leeds['network'].id}").get_data(as_text=True)
    assert "Coming up" in page and "Meet-up in Leeds" in page
    assert client.get(f"/networks/{leeds['women'].id}").status_code == 404


def test_an_affinity_event_shows_no_number_under_five(client, leeds, users, app):
    event = _event(leeds["women"], title="Breakfast", capacity=10)
    few = _people(leeds["women"], 3, prefix="Few")
    with app.test_request_context():
        for p in few:
            events.join(p, event)
    _login(client, users["member"])
    page = client.get(f"/networks/events/{event.id}").get_data(as_text=True)
    assert "10 in all" in page and "7 of 10" not in page
    with app.test_request_context():
        for p in _people(leeds["women"], 2, prefix="More"):
            events.join(p, event)
    assert "5 of 10 left" in client.get(f"/networks/events/{event.id}").get_data(as_text=True)


def test_rsvps_to_an_affinity_event_are_audited_without_naming_anyone(client, leeds, users):
    event = _event(leeds["women"], title="Breakfast")
    _login(client, users["member"])
    client.post(f"/networks/events/{event.id}/rsvp")
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "event.rsvp_going"))
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.detail) == (
        None, None, None, {})


def test_a_members_view_of_an_event_runs_the_same_statements_however_many(client, leeds,
                                                                          users, app):
    event = _event(leeds["network"], capacity=2)
    first = _people(leeds["network"], 3, prefix="First")
    with app.test_request_context():
        for p in first:
            events.join(p, event)
        events.join(users["member"], event)  # waiting, number 2
    _login(client, users["member"])
    paths = [f"/networks/events/{event.id}", "/networks/events"]
    for p in paths:
        count_statements(client, p)  # warm-up: what a serving process has cached
    small = {p: count_statements(client, p) for p in paths}
    assert small[paths[0]] == 2  # the person; the event with all its page shows them
    assert small[paths[1]] == 2  # the person; the page of events, their counts and answers
    with app.test_request_context():
        for p in _people(leeds["network"], 6, prefix="Later"):
            events.join(p, event)
            events.join(p, _event(leeds["network"], title=f"More for {p.display_name}"))
    assert {p: count_statements(client, p) for p in paths} == small


def test_the_list_of_events_is_written_as_its_template_wrote_each_event(app):
    from flask import render_template_string, url_for
    from markupsafe import escape

    from netapp.networks.event_items import event_lines
    from netapp.services.event_lists import Line

    start = datetime(2026, 3, 29, 0, 30, 15, 250)  # the night the clocks go forward
    lines = [
        Line(1, "Tea & <talk>", start, True, None, None, 'The "Leeds" network', 0, None),
        Line(2, "Full up", start + timedelta(days=200), False, 3, None, "York's", 3, None),
        Line(3, "Cancelled, full", start, False, 2, start, "York", 5, None),
        Line(4, "Going", start, True, 2, None, "York", 2, RsvpStatus.GOING),
        Line(5, "Waiting", start, False, 2, start, "York", 2, RsvpStatus.WAITING),
        Line(6, "Room left", start, False, 4, None, "York", 3, None)]
    # The list's loop as templates/networks/events/my_events.html had it, each event a
    # plain object shaped as the include reads it.
    loop = ('{% for line in lines %}{% set show_network = show %}'
            '{% include "networks/events/_line.html" %}{% endfor %}')
    shaped = [SimpleNamespace(event=line, network=SimpleNamespace(name=line.network_name),
                              going=line.going, my_status=line.my_status) for line in lines]
    with app.test_request_context("/networks/events"):
        path = escape(url_for("networks.event_page", event_id=0)[:-1])
        for show in (True, False):
            expected = render_template_string(loop, lines=shaped, show=show,
                                              when=events.short_when)
            assert event_lines(lines, path, show) == expected
    assert "Tea &amp; &lt;talk&gt;" in expected and "Sun 29 Mar 2026, 00:30" in expected


def test_an_affinity_networks_events_are_read_only_for_its_members(client, leeds, users, app):
    from netapp.services import event_lists

    women = leeds["women"]
    _event(women, title="Women leaders breakfast")
    _login(client, users["other_member"])  # not in the network
    assert client.get(f"/networks/{women.id}/events").status_code == 404
    with app.test_request_context():
        outside, outsider_page = event_lists.network_events(users["other_member"], women, 1, 25)
        inside, member_page = event_lists.network_events(users["member"], women, 1, 25)
    assert not outside.is_member and outsider_page.items == []  # nothing of them read
    assert inside.is_member and [e.title for e in member_page.items] == [
        "Women leaders breakfast"]


def test_the_event_form_reads_the_event_and_the_leads_standing_in_one_statement(
        client, leeds, users):
    """Changing an event: the event, and whether the lead is in and leads its network, in one
    statement (the network from this process's copy)."""
    paths = [f"/networks/events/{_event(leeds['network']).id}/edit",
             f"/networks/events/{_event(leeds['women']).id}/edit"]
    for lead, path in zip((leeds["lead"], leeds["wendy"]), paths, strict=True):
        _login(client, lead)
        client.get(path)  # warm-up: the process's copy of networks
        assert count_statements(client, path) == 2  # the person; the event with the standing
        client.post("/account/logout")
