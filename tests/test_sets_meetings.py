"""Set meetings: the facilitator schedules, changes and cancels them; each member gets an email
with a calendar file in UK time; attendance, and members flagged after two misses in a row."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import EmailOptOut, Notification, SetAttendance, SetMeeting
from netapp.models.base import utcnow
from tests.factories import make_user
from tests.sets_life import mark, meeting, next_year_day, past_meetings, published_set
from tests.statements import count_statements


@pytest.fixture
def the_set(app, users):
    return published_set([users["member"], users["other_member"]], users["mentor"])


def _form(day, start="10:00", end="12:00", mode="online", link="https://meet.example.org/s1",
          place=""):
    return {"day": day.isoformat(), "start": start, "end": end, "mode": mode, "link": link,
            "place": place}


def _calendar_in(message) -> icalendar.Calendar:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar file in the email")


def _event(cal: icalendar.Calendar) -> icalendar.Event:
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def _schedule(client, row, **form):
    return client.post(f"/sets/{row.id}/meetings/new", data=_form(**form))


def test_a_july_meeting_at_ten_uk_time_is_nine_utc_and_every_member_gets_a_calendar_file(
        client, auth, users, the_set, mailbox):
    mailbox.clear()
    auth.as_role(users, "mentor")
    day = next_year_day(7)
    assert _schedule(client, the_set, day=day).status_code == 302
    stored = db.session.scalar(sa.select(SetMeeting))
    assert stored.starts_at == datetime(day.year, 7, 15, 9, 0)
    assert stored.ends_at == datetime(day.year, 7, 15, 11, 0)
    for person in (users["member"], users["other_member"], users["mentor"]):
        sent = mailbox.to(person.email)
        assert len(sent) == 1, person.email
        cal = _calendar_in(sent[0])
        assert cal["METHOD"] == "REQUEST"
        assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
        event = _event(cal)
        start = event.decoded("DTSTART")
        assert start.hour == 10 and str(start.tzinfo) == "Europe/London"
        assert start.astimezone(UTC) == datetime(day.year, 7, 15, 9, 0, tzinfo=UTC)
        assert event["SEQUENCE"] == 0
        assert str(event["URL"]) == "https://meet.example.org/s1"
        assert "10:00 to 12:00 (UK time)" in sent[0]["Subject"]
    kinds = db.session.scalars(sa.select(Notification.kind)).all()
    assert kinds == ["set_meeting"] * 3


def test_a_january_meeting_at_ten_uk_time_is_ten_utc(client, auth, users, the_set, mailbox):
    mailbox.clear()
    auth.as_role(users, "mentor")
    day = next_year_day(1)
    assert _schedule(client, the_set, day=day, mode="in_person", link="",
                     place="Room 2, Civic Hall").status_code == 302
    event = _event(_calendar_in(mailbox.to(users["member"].email)[0]))
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(day.year, 1, 15, 10, 0,
                                                                tzinfo=UTC)
    assert str(event["LOCATION"]) == "Room 2, Civic Hall" and "URL" not in event


@pytest.mark.parametrize(("changes", "words"), [
    ({"start": "12:00", "end": "11:00"}, "end after it starts"),
    ({"link": "http://meet.example.org/s1"}, "starting https://"),
    ({"mode": "in_person", "link": "", "place": ""}, "Say where you"),
])
def test_a_meeting_that_cannot_work_is_refused_and_the_form_keeps_what_was_typed(
        client, auth, users, the_set, changes, words):
    auth.as_role(users, "mentor")
    response = _schedule(client, the_set, **{"day": next_year_day(3), **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert words in page
    assert next_year_day(3).isoformat() in page
    assert db.session.scalar(sa.select(sa.func.count(SetMeeting.id))) == 0


def test_a_meeting_in_the_past_is_refused(client, auth, users, the_set):
    auth.as_role(users, "mentor")
    yesterday = (utcnow() - timedelta(days=1)).date()
    response = _schedule(client, the_set, day=yesterday)
    assert response.status_code == 400
    assert "passed yet" in response.get_data(as_text=True)


def test_only_the_facilitator_schedules_members_and_staff_get_a_404(
        client, auth, users, the_set):
    m = meeting(the_set, utcnow() + timedelta(days=5))
    for role in ("member", "coordinator", "admin"):
        auth.as_role(users, role)
        for path in (f"/sets/{the_set.id}/meetings/new",
                     f"/sets/{the_set.id}/meetings/{m.id}/edit",
                     f"/sets/{the_set.id}/meetings/{m.id}/cancel",
                     f"/sets/{the_set.id}/meetings/{m.id}/attendance"):
            assert client.get(path).status_code == 404, (role, path)
            assert client.post(path, data=_form(next_year_day(5))).status_code == 404
        auth.logout()
    assert db.session.scalar(sa.select(sa.func.count(SetMeeting.id))) == 1
    # A meeting of another set can't be reached through this one.
    other = published_set([make_user(email="z@example.org")], users["mentor"], name="Two")
    theirs = meeting(other, utcnow() + timedelta(days=5))
    auth.as_role(users, "mentor")
    assert client.get(f"/sets/{the_set.id}/meetings/{theirs.id}/edit").status_code == 404
    auth.logout()
    auth.as_role(users, "member")
    assert client.get(f"/sets/{the_set.id}/meetings/{theirs.id}/calendar.ics").status_code == 404


def test_a_change_keeps_the_uid_and_bumps_the_sequence(client, auth, users, the_set, mailbox):
    auth.as_role(users, "mentor")
    _schedule(client, the_set, day=next_year_day(7))
    first = _event(_calendar_in(mailbox.to(users["member"].email)[-1]))
    m = db.session.scalar(sa.select(SetMeeting))
    form = client.get(f"/sets/{the_set.id}/meetings/{m.id}/edit").get_data(as_text=True)
    assert 'value="10:00"' in form and next_year_day(7).isoformat() in form
    mailbox.clear()
    assert client.post(f"/sets/{the_set.id}/meetings/{m.id}/edit",
                       data=_form(next_year_day(7), start="14:00", end="15:30")).status_code == 302
    cal = _calendar_in(mailbox.to(users["member"].email)[0])
    changed = _event(cal)
    assert cal["METHOD"] == "REQUEST"
    assert changed["UID"] == first["UID"] and changed["SEQUENCE"] == 1
    assert changed.decoded("DTSTART").hour == 14


def test_a_cancellation_is_confirmed_first_and_sends_a_cancel(client, auth, users, the_set,
                                                               mailbox):
    auth.as_role(users, "mentor")
    _schedule(client, the_set, day=next_year_day(7))
    m = db.session.scalar(sa.select(SetMeeting))
    uid = _event(_calendar_in(mailbox.to(users["member"].email)[-1]))["UID"]
    confirm = client.get(f"/sets/{the_set.id}/meetings/{m.id}/cancel")
    assert "Cancel the meeting on" in confirm.get_data(as_text=True)
    mailbox.clear()
    assert client.post(f"/sets/{the_set.id}/meetings/{m.id}/cancel").status_code == 302
    cal = _calendar_in(mailbox.to(users["other_member"].email)[0])
    event = _event(cal)
    assert cal["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == uid and event["SEQUENCE"] == 1
    assert "No meeting is booked yet" in client.get(f"/sets/{the_set.id}").get_data(as_text=True)


def test_a_member_who_turned_meeting_emails_off_gets_none(client, auth, users, the_set,
                                                          mailbox):
    db.session.add(EmailOptOut(user_id=users["member"].id, kind="set_meeting"))
    db.session.commit()
    mailbox.clear()
    auth.as_role(users, "mentor")
    _schedule(client, the_set, day=next_year_day(7))
    assert mailbox.to(users["member"].email) == []
    assert len(mailbox.to(users["other_member"].email)) == 1


def test_a_member_downloads_a_meetings_calendar_file(client, auth, users, the_set):
    m = meeting(the_set, datetime(next_year_day(1).year, 1, 15, 10, 0))
    auth.as_role(users, "member")
    response = client.get(f"/sets/{the_set.id}/meetings/{m.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    event = _event(icalendar.Calendar.from_ical(response.data))
    assert event.decoded("DTSTART").hour == 10


# ---------------------------------------------------------------- attendance and flags


def _record(client, row, m, came):
    return client.post(f"/sets/{row.id}/meetings/{m.id}/attendance",
                       data={"came": [u.id for u in came]})


def test_the_facilitator_records_who_came(client, auth, users, the_set):
    (m,) = past_meetings(the_set, 1)
    auth.as_role(users, "mentor")
    page = client.get(f"/sets/{the_set.id}/meetings/{m.id}/attendance").get_data(as_text=True)
    assert "Mina Member" in page and "Otto Other" in page
    assert _record(client, the_set, m, [users["member"]]).status_code == 302
    got = dict(db.session.execute(sa.select(SetAttendance.user_id, SetAttendance.attended)).all())
    assert got == {users["member"].id: True, users["other_member"].id: False}
    again = client.get(f"/sets/{the_set.id}/meetings/{m.id}/attendance").get_data(as_text=True)
    assert "checked" in again


def test_attendance_waits_until_the_meeting_has_started(client, auth, users, the_set):
    m = meeting(the_set, utcnow() + timedelta(days=2))
    auth.as_role(users, "mentor")
    _record(client, the_set, m, [users["member"]])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SetAttendance)) == 0


def _flags(client, users, auth):
    auth.logout()
    auth.as_role(users, "coordinator")
    page = client.get("/sets/flags").get_data(as_text=True)
    auth.logout()
    auth.as_role(users, "mentor")
    return page


def test_two_missed_meetings_in_a_row_flag_the_member_to_coordinators(
        client, auth, users, the_set, mailbox):
    first, second = past_meetings(the_set, 2)
    auth.as_role(users, "mentor")
    _record(client, the_set, first, [users["member"]])
    assert "Otto Other" not in _flags(client, users, auth)
    mailbox.clear()
    _record(client, the_set, second, [users["member"]])
    flags = db.session.scalars(sa.select(Notification).where(Notification.kind == "set_flag"))
    told = {n.user_id: n.text for n in flags}
    assert set(told) == {users["coordinator"].id}
    assert "Otto Other has missed two meetings in a row" in told[users["coordinator"].id]
    assert mailbox.to(users["coordinator"].email)
    page = _flags(client, users, auth)
    assert "Otto Other" in page and "Mina Member" not in page
    # Saving the same attendance again doesn't tell the coordinators a second time.
    _record(client, the_set, second, [users["member"]])
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.kind == "set_flag")) == 1
    # Coming to the next meeting takes them off the list.
    third = meeting(the_set, utcnow() - timedelta(hours=3))
    _record(client, the_set, third, [users["member"], users["other_member"]])
    assert "Otto Other" not in _flags(client, users, auth)


def test_two_misses_with_a_meeting_attended_between_flag_nobody(client, auth, users, the_set):
    one, two, three = past_meetings(the_set, 3)
    auth.as_role(users, "mentor")
    _record(client, the_set, one, [users["member"]])
    _record(client, the_set, two, [users["member"], users["other_member"]])
    _record(client, the_set, three, [users["member"]])
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.kind == "set_flag")) == 0
    assert "Nobody has missed two meetings in a row" in _flags(client, users, auth)


def test_the_flags_list_is_paged_and_for_coordinators_only(client, auth, users):
    people = [make_user(email=f"absent{n}@example.org", name=f"Absent {n:02d}")
              for n in range(27)]
    row = published_set(people, users["mentor"], name="Big set")
    one, two = past_meetings(row, 2)
    mark(one, {p: False for p in people})
    mark(two, {p: False for p in people})
    auth.as_role(users, "coordinator")
    first = client.get("/sets/flags").get_data(as_text=True)
    assert "Page 1 of 2 (27 in all)" in first and first.count("Absent ") == 25
    assert client.get("/sets/flags?page=2").get_data(as_text=True).count("Absent ") == 2
    assert "Nobody has missed" in client.get("/sets/flags?page=3").get_data(as_text=True)
    # The person, and the page with the number in all in one statement, however many.
    assert count_statements(client, "/sets/flags") == 2
    auth.logout()
    auth.as_role(users, "member")
    assert client.get("/sets/flags").status_code == 403
