"""The coordinator dashboard: every figure against a small hand-built network whose answers are
worked out by hand below, suppression of small affinity networks, the region filter, the charts
(well-formed SVG with a title, each with its table), fixed statements per page, and who may see it.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Event,
    EventRsvp,
    IsolationScore,
    LearningSet,
    MentoringMeeting,
    Mentorship,
    MentorshipStatus,
    Profile,
    Region,
    Role,
    RsvpStatus,
    SelfAssessment,
    SetAttendance,
    SetMeeting,
    SetMembership,
    SetRequest,
    SetStatus,
    UserSession,
)
from netapp.models.base import utcnow
from netapp.services import charts, lqf, networks
from netapp.services import dashboard as service
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, join, load_reference
from tests.statements import count_statements

NOW = utcnow()
SVG = "{http://www.w3.org/2000/svg}"


def months_ago(k: int, day: int = 15) -> datetime:
    """Noon on ``day`` of the calendar month ``k`` months before NOW's."""
    year, month = NOW.year, NOW.month - k
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, day, 12)


def region(name: str) -> Region:
    return db.session.scalar(sa.select(Region).where(Region.name == name))


def local_network(council_name: str):
    return networks.ensure_local_network(council(council_name))


def _pair(mentee, mentor, status, asked_days_ago, accepted_days_ago=None, **more) -> Mentorship:
    m = Mentorship(mentee_id=mentee.id, mentor_id=mentor.id, status=status,
                   created_at=NOW - timedelta(days=asked_days_ago),
                   responded_at=(NOW - timedelta(days=accepted_days_ago)
                                 if accepted_days_ago is not None else None), **more)
    db.session.add(m)
    db.session.flush()
    return m


def _event(network, days_from_now, **more) -> Event:
    start = NOW + timedelta(days=days_from_now)
    event = Event(network_id=network.id, title="Meet-up", starts_at=start,
                  ends_at=start + timedelta(hours=2), place="Library", **more)
    db.session.add(event)
    db.session.flush()
    return event


def _rsvp(event, user, status=RsvpStatus.GOING, attended=None) -> None:
    db.session.add(EventRsvp(event_id=event.id, user_id=user.id, status=status,
                             attended=attended))


@pytest.fixture
def net(app):
    """Yorkshire (Leeds): a1-a4 and mentor m1; London (Camden): b1, b2 and mentor m2; a closed
    account d1 in Leeds; the coordinator has no council area. Figures in each test."""
    load_reference()
    p = {}
    for key, place in (("a1", "Leeds"), ("a2", "Leeds"), ("a3", "Leeds"), ("a4", "Leeds"),
                       ("m1", "Leeds"), ("b1", "Camden"), ("b2", "Camden"), ("m2", "Camden"),
                       ("d1", "Leeds")):
        roles = [Role.MENTOR] if key.startswith("m") else []
        p[key] = make_user(email=f"{key}@example.org", name=key.upper(), roles=roles)
        give_profile(p[key], place, capacity=3 if key.startswith("m") else 0)
    p["coordinator"] = make_user(email="coord@example.org", name="Cora", roles=[Role.COORDINATOR])
    p["d1"].is_active_account = False

    # Joining dates: a1, a2 three months ago, b1 last month, a3 thirteen months ago (outside the
    # trend), everyone else this month.
    for key, when in (("a1", months_ago(3)), ("a2", months_ago(3)), ("b1", months_ago(1)),
                      ("a3", months_ago(13))):
        p[key].created_at = when
    # Active: a1 signed in 3 days ago; a2 40 days ago but a session seen 2 days ago; a3 only
    # 40 days ago; b1 yesterday; d1 (closed) yesterday.
    p["a1"].last_login_at = NOW - timedelta(days=3)
    p["a2"].last_login_at = NOW - timedelta(days=40)
    p["a3"].last_login_at = NOW - timedelta(days=40)
    p["b1"].last_login_at = NOW - timedelta(days=1)
    p["d1"].last_login_at = NOW - timedelta(days=1)
    db.session.add(UserSession(user_id=p["a2"].id, token_hash="a" * 64,
                               last_seen_at=NOW - timedelta(days=2)))
    db.session.add(UserSession(user_id=p["a3"].id, token_hash="b" * 64,
                               last_seen_at=NOW - timedelta(days=35)))

    # Self-assessments: a1 finished two months ago, b1 this month, a2 started only.
    fw = lqf.framework()
    db.session.add_all([
        SelfAssessment(user_id=p["a1"].id, framework_id=fw.id, started_at=months_ago(2, 10),
                       completed_at=months_ago(2)),
        SelfAssessment(user_id=p["b1"].id, framework_id=fw.id, started_at=NOW, completed_at=NOW),
        SelfAssessment(user_id=p["a2"].id, framework_id=fw.id, started_at=NOW),
    ])

    # Mentoring. a1-m1 accepted 40 days ago after 10 days, last met 35 days ago: stalled.
    # a2-m1 accepted 10 days ago after 2 days. a3-m2 took 4 days and completed. b1-m2 took 6
    # days, met 5 days ago. b2 was declined and is asking again; a4 asks and has an offer
    # open. d1 is closed.
    a1_pair = _pair(p["a1"], p["m1"], MentorshipStatus.ACCEPTED, 50, 40)
    db.session.add(MentoringMeeting(mentorship_id=a1_pair.id,
                                    met_on=(NOW - timedelta(days=35)).date()))
    _pair(p["a2"], p["m1"], MentorshipStatus.ACCEPTED, 12, 10)
    _pair(p["a3"], p["m2"], MentorshipStatus.COMPLETED, 200, 196,
          closed_at=NOW - timedelta(days=20))
    b1_pair = _pair(p["b1"], p["m2"], MentorshipStatus.ACCEPTED, 100, 94)
    db.session.add(MentoringMeeting(mentorship_id=b1_pair.id,
                                    met_on=(NOW - timedelta(days=5)).date()))
    _pair(p["b2"], p["m2"], MentorshipStatus.DECLINED, 30, 29)
    _pair(p["a4"], p["m1"], MentorshipStatus.OFFERED, 3)
    _pair(p["d1"], p["m1"], MentorshipStatus.ACCEPTED, 60, 59)
    for key in ("b2", "a4"):
        db.session.get(Profile, p[key].id).wants_mentor = True

    # Sets: an active Yorkshire set with a1 and a3 (a2 left); a draft set with b2 does not
    # count; a4 and b1 asked to join one.
    active = LearningSet(name="Leeds set", status=SetStatus.ACTIVE,
                         region_id=region("Yorkshire and the Humber").id)
    draft = LearningSet(name="Draft", status=SetStatus.DRAFT, region_id=region("London").id)
    db.session.add_all([active, draft])
    db.session.flush()
    db.session.add_all([
        SetMembership(set_id=active.id, user_id=p["a1"].id),
        SetMembership(set_id=active.id, user_id=p["a3"].id),
        SetMembership(set_id=active.id, user_id=p["a2"].id, left_at=NOW - timedelta(days=9)),
        SetMembership(set_id=draft.id, user_id=p["b2"].id),
        SetRequest(user_id=p["a4"].id), SetRequest(user_id=p["b1"].id),
    ])

    def meeting(days_from_now, **more):
        m = SetMeeting(set_id=active.id, starts_at=NOW + timedelta(days=days_from_now),
                       ends_at=NOW + timedelta(days=days_from_now, hours=2), **more)
        db.session.add(m)
        db.session.flush()
        return m

    held = meeting(-10)
    cancelled = meeting(-20, cancelled_at=NOW - timedelta(days=25))
    meeting(7)
    long_ago = meeting(-400)
    for m, user, came in ((held, "a1", True), (held, "a3", False), (cancelled, "a1", True),
                          (long_ago, "a1", True)):
        db.session.add(SetAttendance(meeting_id=m.id, user_id=p[user].id, attended=came))

    # Events. Leeds 10 days ago: a1 came, a2 did not, a3 not recorded, b1 on the waitlist.
    # Camden 40 days ago: b1 came. Not counted: a cancelled and a future Leeds event, one 400
    # days ago, and an affinity network's event (a1 came).
    leeds, camden = local_network("Leeds"), local_network("Camden")
    e1 = _event(leeds, -10)
    _rsvp(e1, p["a1"], attended=True)
    _rsvp(e1, p["a2"], attended=False)
    _rsvp(e1, p["a3"])
    _rsvp(e1, p["b1"], status=RsvpStatus.WAITING)
    e3 = _event(camden, -40)
    _rsvp(e3, p["b1"], attended=True)
    _rsvp(_event(leeds, -3, cancelled_at=NOW - timedelta(days=5)), p["a1"], attended=True)
    _rsvp(_event(leeds, 6), p["a1"])
    _rsvp(_event(leeds, -400), p["a1"], attended=True)
    _rsvp(_event(networks.by_code("women"), -5), p["a1"], attended=True)

    # Isolation index: a1 5, a2 15, m1 10, a3 95, b1 100; d1 (closed) 50.
    for key, score in (("a1", 5), ("a2", 15), ("m1", 10), ("a3", 95), ("b1", 100), ("d1", 50)):
        db.session.add(IsolationScore(user_id=p[key].id, score=score, parts={}))
    db.session.commit()

    # Affinity networks: women has a1-a4 (and closed d1): 4 shown as fewer than 5; BAME has 5.
    for key in ("a1", "a2", "a3", "a4", "d1"):
        join(p[key], "women")
    for key in ("a1", "a2", "a3", "b1", "b2"):
        join(p[key], "bame")
    db.session.commit()
    return p


def by_month(d) -> dict[tuple[int, int], service.Month]:
    return {(m.start.year, m.start.month): m for m in d.months}


def key(when: datetime) -> tuple[int, int]:
    return when.year, when.month


def test_national_figures(net):
    d = service.figures(None, now=NOW)
    # a1-a4, m1, b1, b2, m2 and the coordinator; d1's account is closed.
    assert d.people.members == 9
    assert d.people.active == 3  # a1, a2 (session), b1; the coordinator never signed in here
    assert d.people.assessed == 2  # a1, b1
    m = d.mentoring
    assert (m.matched, m.wanting) == (4, 6)  # a1 a2 a3 b1 of those plus b2 and a4
    assert m.match_rate == pytest.approx(4 / 6)
    assert (m.median_days, m.timed) == (5.0, 4)  # 10, 2, 4, 6 days
    assert (m.active, m.stalled, m.completed, m.ended) == (3, 1, 1, 0)
    s = d.sets
    assert (s.in_set, s.asked, s.members) == (2, 4, 9)
    assert (s.meetings, s.marked, s.attended) == (1, 2, 1)
    assert s.coverage_of_asked == pytest.approx(0.5)
    assert s.attendance_rate == pytest.approx(0.5)
    e = d.events
    assert (e.held, e.going, e.marked, e.attended) == (2, 4, 3, 2)
    assert d.isolation[0] == (0, 9, 1)
    assert d.isolation[1] == (10, 19, 2)
    assert d.isolation[9] == (90, 100, 2)
    assert sum(n for _, _, n in d.isolation[2:9]) == 0
    assert d.scored == 5
    sizes = {a.name: a.count for a in d.affinity}
    assert sizes["Women managers network"] is None
    assert sizes["Black, Asian and minority ethnic managers network"] == 5
    assert sizes["Entrepreneurs network"] is None


def test_region_figures(net):
    d = service.figures(region("Yorkshire and the Humber"), now=NOW)
    assert (d.people.members, d.people.active, d.people.assessed) == (5, 2, 1)
    m = d.mentoring
    assert (m.matched, m.wanting, m.median_days) == (3, 4, 4.0)  # 10, 2, 4 days
    assert (m.active, m.stalled, m.completed) == (2, 1, 1)
    assert (d.sets.in_set, d.sets.asked, d.sets.meetings, d.sets.attended) == (2, 3, 1, 1)
    assert (d.events.held, d.events.going, d.events.marked, d.events.attended) == (1, 3, 2, 1)
    assert [n for _, _, n in d.isolation] == [1, 2, 0, 0, 0, 0, 0, 0, 0, 1]
    assert d.affinity == []  # national only

    d = service.figures(region("London"), now=NOW)
    assert (d.people.members, d.people.active, d.people.assessed) == (3, 1, 1)
    m = d.mentoring
    assert (m.matched, m.wanting, m.median_days) == (1, 2, 6.0)
    assert (m.active, m.stalled, m.completed) == (1, 0, 0)
    assert (d.sets.in_set, d.sets.asked, d.sets.meetings) == (0, 1, 0)
    assert d.sets.attendance_rate is None
    assert (d.events.held, d.events.going, d.events.marked, d.events.attended) == (1, 1, 1, 1)

    d = service.figures(region("North East"), now=NOW)
    assert d.people.members == 0
    assert d.mentoring.match_rate is None and d.mentoring.median_days is None


def test_trends_by_month(net):
    d = service.figures(None, now=NOW)
    assert len(d.months) == 12
    assert d.months[-1].start == date(NOW.year, NOW.month, 1)
    assert d.months[0].start == months_ago(11, 1).date()
    months = by_month(d)
    # New members: five joined this month (a4 m1 b2 m2 coordinator), b1 last month, a1 a2
    # three months ago; a3 joined before the window and d1's account is closed.
    assert months[key(NOW)].new_members == 5
    assert months[key(months_ago(1))].new_members == 1
    assert months[key(months_ago(3))].new_members == 2
    assert sum(m.new_members for m in d.months) == 8
    assert months[key(months_ago(2))].assessments == 1
    assert months[key(NOW)].assessments == 1
    assert sum(m.assessments for m in d.months) == 2
    expected_matches: dict = {}
    for days in (40, 10, 196, 94):  # accepted: a1, a2, a3, b1
        k = key(NOW - timedelta(days=days))
        expected_matches[k] = expected_matches.get(k, 0) + 1
    assert {k: m.matches for k, m in months.items() if m.matches} == expected_matches
    expected_events: dict = {}
    for days in (10, 40):
        k = key(NOW - timedelta(days=days))
        expected_events[k] = expected_events.get(k, 0) + 1
    assert {k: m.events for k, m in months.items() if m.events} == expected_events

    london = by_month(service.figures(region("London"), now=NOW))
    assert sum(m.new_members for m in london.values()) == 3
    assert sum(m.events for m in london.values()) == 1


def test_affinity_networks_never_feed_another_figure(net):
    before = service.figures(None, now=NOW)
    leeds_before = service.figures(region("Yorkshire and the Humber"), now=NOW)
    women = networks.by_code("women")
    event = _event(women, -2)
    _rsvp(event, net["a2"], attended=True)
    _rsvp(event, net["a4"], attended=True)
    db.session.commit()
    after = service.figures(None, now=NOW)
    assert after.events == before.events
    assert [m.events for m in after.months] == [m.events for m in before.months]
    assert service.figures(region("Yorkshire and the Humber"), now=NOW).events == \
        leeds_before.events


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_page_shows_figures_charts_and_tables(net, client, auth):
    auth.login("coord@example.org")
    html = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert "Dashboard: England" in html
    svgs = _svgs(html)
    assert len(svgs) == 8  # people, relationships, isolation, affinity, four monthly
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for svg in svgs:
        assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None and title.text.strip()
        assert svg.find(f"{SVG}desc").text.strip()
        assert set(svg.get("aria-labelledby").split()) <= ids
    # A table after each chart; the four monthly charts share one.
    assert html.count('<details class="chart-data">') == 5
    # Affinity sizes: 5 shown, 4 hidden.
    table = html[html.index("Affinity network sizes: the figures"):]
    table = table[:table.index("</table>")]
    assert re.search(r"Black, Asian and minority ethnic managers network</th><td>5<", table)
    assert re.search(r"Women managers network</th><td>fewer than 5<", table)
    assert "4" not in table
    assert "4 matched of 6 who wanted a mentor" in html


def test_region_page_filters_and_hides_affinity_sizes(net, client, auth):
    auth.login("coord@example.org")
    yorkshire = region("Yorkshire and the Humber")
    html = client.get(f"/coordinator/dashboard?region={yorkshire.id}").get_data(as_text=True)
    assert "Dashboard: Yorkshire and the Humber" in html
    assert f'<option value="{yorkshire.id}" selected>' in html
    assert "3 matched of 4 who wanted a mentor" in html
    assert "Women managers network" not in html and "Black, Asian" not in html
    assert len(_svgs(html)) == 7
    assert client.get("/coordinator/dashboard?region=9999").status_code == 404


@pytest.mark.parametrize("who, status", [(None, 302), ("a1", 403), ("m1", 403),
                                         ("coordinator", 200), ("admin", 200)])
def test_only_coordinators_and_admins_see_it(net, client, auth, who, status):
    if who == "admin":
        make_user(email="admin@example.org", roles=[Role.ADMIN])
        auth.login("admin@example.org")
    elif who == "coordinator":
        auth.login("coord@example.org")
    elif who is not None:
        auth.login(f"{who}@example.org")
    response = client.get("/coordinator/dashboard")
    assert response.status_code == status
    if who is None:
        assert "/account/login" in response.headers["Location"]


def _grow(p, n: int) -> None:
    """n more members in Leeds with the things the dashboard counts."""
    fw = lqf.framework()
    leeds = local_network("Leeds")
    for i in range(n):
        user = make_user(email=f"grow{n}-{i}@example.org")
        give_profile(user, "Leeds")
        user.last_login_at = NOW - timedelta(days=i % 40)
        db.session.add(SelfAssessment(user_id=user.id, framework_id=fw.id, started_at=NOW,
                                      completed_at=NOW))
        pair = _pair(user, p["m1"], MentorshipStatus.ACCEPTED, 20 + i, 10 + i)
        db.session.add(MentoringMeeting(mentorship_id=pair.id, met_on=NOW.date()))
        event = _event(leeds, -1 - i)
        _rsvp(event, user, attended=True)
        db.session.add(IsolationScore(user_id=user.id, score=(i * 17) % 101, parts={}))
        db.session.add(SetRequest(user_id=user.id))
        db.session.commit()
        join(user, "entrepreneurs")


def test_pages_run_a_fixed_number_of_statements(net, client, auth):
    auth.login("coord@example.org")
    yorkshire = region("Yorkshire and the Humber")
    paths = ["/coordinator/dashboard", f"/coordinator/dashboard?region={yorkshire.id}"]
    for path in paths:  # warm-up: reference data a serving process already holds
        client.get(path)
    counts = []
    for n in (1, 7):
        _grow(net, n)
        counts.append([count_statements(client, path) for path in paths])
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- charts on their own


def test_bar_chart_is_svg_with_its_words_and_hidden_values():
    svg = charts.bar_chart("c1", "Sizes <&>", "What it shows",
                           [charts.Bar("One", 3), charts.Bar("Two", None, "fewer than 5"),
                            charts.Bar("Three", 0)])
    root = ET.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == "Sizes <&>"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["One", "3", "Two", "fewer than 5", "Three", "0"]
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > 0 and widths[1] == 0 and widths[2] == 0


def test_histogram_columns_follow_counts():
    svg = charts.histogram("h1", "Spread", "Counts per band",
                           [charts.Bin(0, 9, 4), charts.Bin(10, 19, 2), charts.Bin(20, 29, 0)])
    heights = [float(r.get("height")) for r in ET.fromstring(str(svg)).iter(f"{SVG}rect")]
    assert heights[0] == pytest.approx(2 * heights[1]) and heights[2] == 0


@pytest.mark.parametrize("make", [
    lambda: charts.bar_chart("bad id", "t", "d", []),
    lambda: charts.bar_chart("ok", "t", "d", [charts.Bar("x", -1)]),
    lambda: charts.histogram("ok", "t", "d", []),
    lambda: charts.histogram("ok", "t", "d", [charts.Bin(0, 9, 1), charts.Bin(5, 14, 1)]),
])
def test_charts_refuse_bad_input(make):
    with pytest.raises(ValueError):
        make()


def test_an_empty_network_shows_dashes_not_errors(app, client, auth):
    make_user(email="coord@example.org", roles=[Role.COORDINATOR])
    auth.login("coord@example.org")
    response = client.get("/coordinator/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There are no affinity networks yet." in html
    assert "<strong>–</strong> match rate" in html
    for svg in _svgs(html):
        assert svg.find(f"{SVG}title").text
