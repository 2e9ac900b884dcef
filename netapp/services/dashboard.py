"""The coordinator dashboard's figures, for the whole country or one region.

Every figure comes from a handful of aggregate queries (COUNT ... GROUP BY), so the page runs the
same number of statements whatever the number of members. docs/coordinators.md, "The dashboard:
what each figure means", gives each definition in words; keep the two in step.

Who counts: open accounts holding the member role ("members"). A member belongs to a region
through the council area on their profile; members with no council area count only in the
national figures. Affinity networks never feed a figure except their own sizes, which are
national only and hidden below 5 (``networks.shown_count``): per region, small numbers could
say who is in one.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from markupsafe import Markup

from netapp.extensions import db
from netapp.models import (
    Event,
    EventRsvp,
    IsolationScore,
    LearningSet,
    LocalAuthority,
    MentoringMeeting,
    Mentorship,
    MentorshipStatus,
    Network,
    NetworkKind,
    NetworkMembership,
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
    User,
    UserRole,
    UserSession,
)
from netapp.models.base import utcnow
from netapp.services import kept
from netapp.services.charts import Bar, Bin, bar_chart, histogram
from netapp.services.mentorships import NUDGE_DAYS
from netapp.services.networks import shown_count

KEEP_FOR = 60.0  # seconds a process shows the same figures before working them out again
ACTIVE_DAYS = 30  # "active": signed in or seen within this many days
WINDOW_DAYS = 365  # events and set meetings held in the last year
MONTHS = 12  # trends: this month and the 11 before it
# A mentorship that got as far as the mentor accepting: under way, or closed after starting.
MATCHED = (MentorshipStatus.ACCEPTED, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED)
ISOLATION_BANDS = tuple((low, low + 9 if low < 90 else 100) for low in range(0, 100, 10))


@dataclass(frozen=True)
class People:
    members: int
    active: int  # signed in or seen in the last ACTIVE_DAYS days
    assessed: int  # finished at least one self-assessment


@dataclass(frozen=True)
class Mentoring:
    wanting: int  # asked for a mentor now, or have been matched
    matched: int  # have had a mentor accept them
    median_days: float | None  # offer or request made -> mentor accepted
    timed: int  # matches the median is taken over
    active: int
    stalled: int  # active, but no meeting logged for NUDGE_DAYS days
    completed: int
    ended: int  # closed early

    @property
    def match_rate(self) -> float | None:
        return self.matched / self.wanting if self.wanting else None


@dataclass(frozen=True)
class Sets:
    in_set: int  # members now in an active set
    asked: int  # in an active set, or waiting with an open request to join one
    members: int
    meetings: int  # set meetings held in the last WINDOW_DAYS days, not cancelled
    marked: int  # attendance records on those meetings
    attended: int

    @property
    def coverage_of_asked(self) -> float | None:
        return self.in_set / self.asked if self.asked else None

    @property
    def coverage_of_all(self) -> float | None:
        return self.in_set / self.members if self.members else None

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.marked if self.marked else None


@dataclass(frozen=True)
class Events:
    held: int  # not cancelled, started in the last WINDOW_DAYS days
    going: int  # places taken (RSVP "going")
    marked: int  # of those, attendance recorded by a lead or coordinator
    attended: int

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.marked if self.marked else None


@dataclass(frozen=True)
class Month:
    start: date
    new_members: int
    assessments: int
    matches: int
    events: int

    @property
    def label(self) -> str:
        return self.start.strftime("%b %Y")


@dataclass(frozen=True)
class AffinitySize:
    name: str
    count: int | None  # None: fewer than 5, not shown


@dataclass(frozen=True)
class Dashboard:
    region: Region | None
    people: People
    mentoring: Mentoring
    sets: Sets
    events: Events
    isolation: list[tuple[int, int, int]]  # (low, high, members) per band of the index
    scored: int  # members with an isolation index
    affinity: list[AffinitySize]  # national view only; empty for a region
    months: list[Month]  # oldest first
    as_of: datetime


def _members(region_id: int | None):
    """Open accounts with the member role (and, for a region, a council area in it)."""
    query = (sa.select(User.id, User.last_login_at, User.created_at)
             .join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == Role.MEMBER, User.is_active_account.is_(True)))
    if region_id is not None:
        query = (query.join(Profile, Profile.user_id == User.id)
                 .join(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
                 .where(LocalAuthority.region_id == region_id))
    return query.subquery("members")


def _open(user_id) -> sa.ColumnElement[bool]:
    """The account ``user_id`` is open: no closed account has that id (ix_users_closed holds
    the few closed ones, so this reads no other user)."""
    return sa.not_(sa.exists().where(User.id == user_id, User.is_active_account.is_not(True)))


def _member_ids(region_id: int | None):
    """The ids of ``_members``, read from the roles (and profiles) without the users table."""
    query = sa.select(UserRole.user_id).where(UserRole.role == Role.MEMBER, _open(UserRole.user_id))
    if region_id is not None:
        query = (query.join(Profile, Profile.user_id == UserRole.user_id)
                 .join(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
                 .where(LocalAuthority.region_id == region_id))
    return query


def _count_if(condition) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((condition, 1)))


def _in_active_set():
    return (sa.select(SetMembership.user_id)
            .join(LearningSet, LearningSet.id == SetMembership.set_id)
            .where(LearningSet.status == SetStatus.ACTIVE, SetMembership.left_at.is_(None)))


def _matched_mentees():
    return sa.select(Mentorship.mentee_id).where(Mentorship.status.in_(MATCHED))


def _month_bounds(now: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) of each of the last MONTHS calendar months, oldest first."""
    starts = [datetime.combine(start, time.min) for start in _month_starts(now)]
    following = starts[-1].replace(year=starts[-1].year + starts[-1].month // 12,
                                   month=starts[-1].month % 12 + 1)
    return list(zip(starts, [*starts[1:], following], strict=True))


def _in_month(column, bounds) -> sa.ColumnElement[bool]:
    low, high = bounds
    return sa.and_(column >= low, column < high)


def _month_of(column):
    """The calendar month of a timestamp, in SQL: date_trunc on PostgreSQL (EXTRACT gives a
    slow numeric there), "YYYY-MM" text on SQLite. ``_month_key`` reads either."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column)
    return sa.func.date_trunc("month", column)


def _month_key(value) -> tuple[int, int]:
    if isinstance(value, str):
        return int(value[:4]), int(value[5:7])
    return value.year, value.month


def _members_pass(members, now: datetime):
    """One pass over the members for every count that is "members who ...", the isolation
    bands and members joined by month: rows grouped by band and month joined, summed here."""
    since = now - timedelta(days=ACTIVE_DAYS)
    seen = sa.select(UserSession.user_id).where(UserSession.last_seen_at >= since)
    assessed = sa.select(SelfAssessment.user_id).where(SelfAssessment.completed_at.is_not(None))
    wants = sa.select(Profile.user_id).where(Profile.wants_mentor.is_(True))
    matched = members.c.id.in_(_matched_mentees())
    in_set = members.c.id.in_(_in_active_set())
    score = IsolationScore.score
    # The top band takes everything from 90 up, as ``min(score // 10, 9)`` would.
    band = sa.case((score >= 90, len(ISOLATION_BANDS) - 1), else_=score // 10).label("band")
    month = _month_of(members.c.created_at).label("month")
    rows = db.session.execute(
        sa.select(
            band, month,
            sa.func.count(),
            _count_if(sa.or_(members.c.last_login_at >= since, members.c.id.in_(seen))),
            _count_if(members.c.id.in_(assessed)),
            _count_if(sa.or_(members.c.id.in_(wants), matched)),
            _count_if(matched),
            _count_if(in_set),
            _count_if(sa.or_(in_set, members.c.id.in_(sa.select(SetRequest.user_id)))),
        ).select_from(members)
        .outerjoin(IsolationScore, IsolationScore.user_id == members.c.id)
        .group_by(band, month)).all()
    totals = [0] * 7
    bands = [0] * len(ISOLATION_BANDS)
    joined: dict[tuple[int, int], int] = {}
    for b, m, *counts in rows:
        totals = [t + n for t, n in zip(totals, counts, strict=True)]
        if b is not None:
            bands[b] += counts[0]
        if m is not None:
            key = _month_key(m)
            joined[key] = joined.get(key, 0) + counts[0]
    isolation = [(low, high, n) for (low, high), n in zip(ISOLATION_BANDS, bands, strict=True)]
    return totals, isolation, joined


def _assessments_by_month(member_ids, now: datetime) -> dict[tuple[int, int], int]:
    done = SelfAssessment.completed_at
    month = _month_of(done).label("month")
    since = _month_bounds(now)[0][0]
    return {_month_key(m): n for m, n in db.session.execute(
        sa.select(month, sa.func.count())
        .where(done >= since, SelfAssessment.user_id.in_(member_ids))
        .group_by(month)).all()}


def _days_between(later, earlier):
    """Whole days from ``earlier`` to ``later`` (rounded down), in SQL."""
    if db.session.get_bind().dialect.name == "sqlite":
        # julianday is a float: a hair's allowance keeps exactly 10 days from reading as 9.
        return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier) + 1e-6, sa.Integer)
    return sa.cast(sa.func.floor(sa.extract("epoch", later - earlier) / 86400), sa.Integer)


def _mentoring(member_ids, wanting: int, matched: int,
               now: datetime) -> tuple[Mentoring, list[int]]:
    """The mentoring figures and the matches made in each month, from one grouped query."""
    mine = Mentorship.mentee_id.in_(member_ids)
    # The nudge rule (services/mentorships.needs_meeting): no meeting for NUDGE_DAYS days, or
    # none since the relationship began NUDGE_DAYS or more days ago.
    today = now.date()
    began_before = datetime.combine(today - timedelta(days=NUDGE_DAYS - 1), time.min)
    met_lately = sa.exists().where(MentoringMeeting.mentorship_id == Mentorship.id,
                                   MentoringMeeting.met_on > today - timedelta(days=NUDGE_DAYS))
    stalled = sa.and_(Mentorship.status == MentorshipStatus.ACCEPTED,
                      sa.func.coalesce(Mentorship.responded_at, Mentorship.created_at)
                      < began_before,
                      sa.not_(met_lately))
    months = _month_bounds(now)
    days = _days_between(Mentorship.responded_at, Mentorship.created_at).label("days")
    month = sa.case(*((_in_month(Mentorship.responded_at, bounds), k)
                      for k, bounds in enumerate(months))).label("month")
    rows = db.session.execute(
        sa.select(Mentorship.status, days, month, sa.func.count(), _count_if(stalled))
        .where(mine).group_by(Mentorship.status, days, month)).all()
    by_status: dict[MentorshipStatus, list[int]] = {}
    waits: dict[int, int] = {}
    per_month = [0] * len(months)
    for status, d, k, n, quiet in rows:
        totals = by_status.setdefault(status, [0, 0])
        totals[0] += n
        totals[1] += quiet
        if status in MATCHED and d is not None:
            waits[d] = waits.get(d, 0) + n
            if k is not None:
                per_month[k] += n
    spread = [d for d, n in sorted(waits.items()) for _ in range(n)]
    return Mentoring(
        wanting=wanting, matched=matched,
        median_days=float(statistics.median(spread)) if spread else None, timed=len(spread),
        active=by_status.get(MentorshipStatus.ACCEPTED, (0, 0))[0],
        stalled=by_status.get(MentorshipStatus.ACCEPTED, (0, 0))[1],
        completed=by_status.get(MentorshipStatus.COMPLETED, (0, 0))[0],
        ended=by_status.get(MentorshipStatus.ENDED, (0, 0))[0],
    ), per_month


def _set_meetings(region_id: int | None, now: datetime) -> tuple[int, int, int]:
    query = (sa.select(sa.func.count(sa.distinct(SetMeeting.id)),
                       sa.func.count(SetAttendance.user_id),
                       _count_if(SetAttendance.attended.is_(True)))
             .select_from(SetMeeting)
             .join(LearningSet, LearningSet.id == SetMeeting.set_id)
             .outerjoin(SetAttendance, SetAttendance.meeting_id == SetMeeting.id)
             .where(SetMeeting.cancelled_at.is_(None), SetMeeting.starts_at <= now,
                    SetMeeting.starts_at > now - timedelta(days=WINDOW_DAYS),
                    LearningSet.status != SetStatus.DRAFT))
    if region_id is not None:
        query = query.where(LearningSet.region_id == region_id)
    meetings, marked, attended = db.session.execute(query).one()
    return meetings, marked, attended


def _held_events(region_id: int | None, now: datetime, since: datetime):
    """Conditions for events that took place: never an affinity network's; for a region, only
    its councils' local networks."""
    conditions = [Event.cancelled_at.is_(None), Event.starts_at <= now, Event.starts_at >= since]
    if region_id is None:
        conditions.append(Network.kind != NetworkKind.AFFINITY)
    else:
        conditions += [Network.kind == NetworkKind.LOCAL, LocalAuthority.region_id == region_id]
    return conditions


def _event_query(query, region_id, now, since):
    query = (query.join(Network, Network.id == Event.network_id)
             .outerjoin(LocalAuthority, LocalAuthority.id == Network.local_authority_id))
    return query.where(*_held_events(region_id, now, since))


def _events(region_id: int | None, now: datetime) -> Events:
    going = sa.and_(EventRsvp.status == RsvpStatus.GOING)
    query = (sa.select(sa.func.count(sa.distinct(Event.id)), _count_if(going),
                       _count_if(sa.and_(going, EventRsvp.attended.is_not(None))),
                       _count_if(sa.and_(going, EventRsvp.attended.is_(True))))
             .select_from(Event)
             .outerjoin(EventRsvp, EventRsvp.event_id == Event.id))
    held, places, marked, attended = db.session.execute(
        _event_query(query, region_id, now, now - timedelta(days=WINDOW_DAYS))).one()
    return Events(held=held, going=places, marked=marked, attended=attended)


def _affinity() -> list[AffinitySize]:
    rows = db.session.execute(
        sa.select(Network.name, sa.func.count(NetworkMembership.user_id))
        .outerjoin(NetworkMembership, sa.and_(NetworkMembership.network_id == Network.id,
                                              _open(NetworkMembership.user_id)))
        .where(Network.kind == NetworkKind.AFFINITY)
        .group_by(Network.id, Network.name).order_by(Network.name)).all()
    return [AffinitySize(name, shown_count(n)) for name, n in rows]


def _month_starts(now: datetime) -> list[date]:
    year, month = now.year, now.month
    starts = []
    for _ in range(MONTHS):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _events_by_month(region_id: int | None, now: datetime) -> list[int]:
    months = _month_bounds(now)
    month = sa.case(*((_in_month(Event.starts_at, bounds), k)
                      for k, bounds in enumerate(months))).label("month")
    held = dict(db.session.execute(
        _event_query(sa.select(month, sa.func.count()).select_from(Event), region_id, now,
                     months[0][0]).group_by(month)).all())
    return [held.get(k, 0) for k in range(len(months))]


def figures(region: Region | None = None, now: datetime | None = None) -> Dashboard:
    """Every figure on the dashboard, nationally or for one region: seven statements for
    England, six for a region (no affinity sizes), whatever the number of members. The members
    are read once (``_members_pass``); their ids for the other counts come from the roles and
    ix_users_closed, without the users table."""
    now = now or utcnow()
    region_id = region.id if region is not None else None
    members = _members(region_id)
    (count, active, assessed, wanting, matched, in_set,
     asked_set), isolation, joined = _members_pass(members, now)
    member_ids = _member_ids(region_id)
    assessments = _assessments_by_month(member_ids, now)
    mentoring, matches = _mentoring(member_ids, wanting, matched, now)
    meetings, marked, attended = _set_meetings(region_id, now)
    held = _events_by_month(region_id, now)
    return Dashboard(
        region=region,
        people=People(members=count, active=active, assessed=assessed),
        mentoring=mentoring,
        sets=Sets(in_set=in_set, asked=asked_set, members=count, meetings=meetings,
                  marked=marked, attended=attended),
        events=_events(region_id, now),
        isolation=isolation,
        scored=sum(n for _, _, n in isolation),
        affinity=_affinity() if region is None else [],
        months=[Month(start, joined.get(key, 0), assessments.get(key, 0), matches[k], held[k])
                for k, start in enumerate(_month_starts(now))
                for key in [(start.year, start.month)]],
        as_of=now,
    )


def forget_figures() -> None:
    """Drop the figures this process keeps (tests; after seeding)."""
    kept.forget("dashboard")


def recent(region: Region | None = None) -> tuple[Dashboard, dict[str, Chart], Chart]:
    """The figures, their charts and the month table, as worked out in this process within the
    last ``DASHBOARD_KEEP_FOR`` seconds (KEEP_FOR; 0 in tests, so they see each change at once):
    the same for every coordinator, and the page says when they were worked out. Each region
    is kept on its own (services/kept.py)."""
    keep_for = kept.keep_for("DASHBOARD_KEEP_FOR", KEEP_FOR)

    def work():
        d = figures(region)
        # The region row is this request's own: the kept copy holds none, so nothing detached.
        return replace(d, region=None), charts(d), month_table(d)

    d, drawn, table = kept.kept("dashboard", region.id if region else None, keep_for, work)
    return replace(d, region=region), drawn, table


# ---------------------------------------------------------------- charts


def percent(part: float | None) -> str:
    """A share in words: "–" when there is nothing to count, "under 1%" rather than "0%"."""
    if part is None:
        return "–"
    return "under 1%" if 0 < part < 0.01 else f"{part:.0%}"


def _n(value: int) -> str:
    return f"{value:,}"


def _share(part: int, whole: int) -> str:
    return percent(part / whole if whole else None)


@dataclass(frozen=True)
class Chart:
    """A chart and the table that repeats its figures (templates/coordinator/_chart.html)."""

    svg: Markup
    caption: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]


def _said(bars: list[Bar]) -> str:
    return "; ".join(f"{b.label}: {b.shown}" for b in bars) + "."


def charts(d: Dashboard) -> dict[str, Chart]:
    """The dashboard's charts as inline SVG with their tables, keyed by name."""
    where = d.region.name if d.region else "England"
    members = d.people.members
    people = [("Members", members), ("Active in the last 30 days", d.people.active),
              ("Finished a self-assessment", d.people.assessed),
              ("Have been matched with a mentor", d.mentoring.matched),
              ("In an action learning set", d.sets.in_set)]
    bars = [Bar(label, n) for label, n in people]
    found = {"people": Chart(
        bar_chart("chart-people", f"Members and what they take part in, {where}",
                  "Counts of members. " + _said(bars), bars),
        "Members and what they take part in", ("What", "Members", "Share of members"),
        [(label, _n(n), _share(n, members)) for label, n in people])}

    states = [("Under way", d.mentoring.active), ("Stalled (part of under way)",
                                                   d.mentoring.stalled),
              ("Completed", d.mentoring.completed), ("Ended early", d.mentoring.ended)]
    bars = [Bar(label, n) for label, n in states]
    found["relationships"] = Chart(
        bar_chart("chart-relationships", f"Mentoring relationships, {where}",
                  "Mentoring relationships by state. " + _said(bars), bars),
        "Mentoring relationships", ("State", "Relationships"),
        [(label, _n(n)) for label, n in states])

    found["isolation"] = Chart(
        histogram("chart-isolation", f"Isolation index of members, {where}",
                  f"How many of the {d.scored:,} members with an isolation index fall in each "
                  "band of ten points, from 0 (well connected) to 100 (on their own).",
                  [Bin(low, high, n) for low, high, n in d.isolation],
                  axis_label="Isolation index"),
        "Members in each band of the isolation index", ("Index", "Members"),
        [(f"{low}–{high}", _n(n)) for low, high, n in d.isolation])

    if d.affinity:
        bars = [Bar(a.name, a.count, "" if a.count is not None else "fewer than 5")
                for a in d.affinity]
        found["affinity"] = Chart(
            bar_chart("chart-affinity", "Affinity network sizes, England",
                      "Members in each affinity network; a network with fewer than 5 has no "
                      "bar. " + _said(bars), bars),
            "Affinity network sizes", ("Network", "Members"),
            [(b.label, b.shown) for b in bars])

    for key, words in MONTH_SERIES:
        bars = [Bar(m.label, getattr(m, key)) for m in d.months]
        found[f"month_{key}"] = Chart(
            bar_chart(f"chart-month-{key.replace('_', '-')}", f"{words} by month, {where}",
                      f"{words} in each of the last {len(bars)} months, one bar a month. "
                      + _said(bars), bars),
            words, ("Month", words), [(b.label, b.shown) for b in bars])
    return found


MONTH_SERIES = (("new_members", "New members"), ("assessments", "Self-assessments finished"),
                ("matches", "Mentoring matches made"), ("events", "Events held"))


def month_table(d: Dashboard) -> Chart:
    """The four monthly series in one table (no chart of its own: each series has one)."""
    return Chart(Markup(""), "Month by month", ("Month", *(w for _, w in MONTH_SERIES)),
                 [(m.label, *(_n(getattr(m, key)) for key, _ in MONTH_SERIES))
                  for m in d.months])
