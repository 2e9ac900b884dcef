"""The isolation index: per member, 0 (well connected) to 100 (on their own), from six parts.

``recompute`` scores everyone at once from a handful of SQL aggregates (nightly, and after
seeding). docs/networks.md, "Isolation index", lists the parts and their points.

Affinity networks count for nothing here: their events, RSVPs and posts are left out of every
part, so neither the index nor its parts (which coordinators see) can say who is in one.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    DiscussionPost,
    DiscussionThread,
    Event,
    EventRsvp,
    IsolationScore,
    LearningSet,
    LocalAuthority,
    Mentorship,
    MentorshipStatus,
    Network,
    NetworkKind,
    NetworkMembership,
    Profile,
    RsvpStatus,
    SetMembership,
    SetStatus,
    User,
    UserSession,
)
from netapp.models.base import utcnow
from netapp.services.audiences import AREA_DEFAULT, AUDIENCES, ONLY_ME
from netapp.services.sets import to_london

# Points towards being connected; the index is 100 minus their sum. Keep docs/networks.md
# in step with these.
LOCAL_NETWORK = 10  # in a local network (has a council area)
ACTIVE = 15  # posted in a discussion or answered an event in the last ACTIVE_DAYS
MENTORING = 20  # a mentorship under way, as mentor or mentee
LEARNING_SET = 20  # in (or facilitating) an action learning set that is meeting
ONE_EVENT, TWO_EVENTS = 10, 20  # events attended in the last EVENT_DAYS
SIGNED_IN_MONTH, SIGNED_IN_QUARTER = 15, 7  # last signed in within 30 / 90 days
ACTIVE_DAYS, EVENT_DAYS = 90, 182

PARTS = ("network", "active", "mentoring", "set", "events", "signed_in")
PART_WORDS = {
    "network": "In a local network",
    "active": "Took part in a discussion or an event lately",
    "mentoring": "Mentoring under way",
    "set": "In an action learning set",
    "events": "Went to network events in the last six months",
    "signed_in": "Signed in lately",
}
PART_SHORT = {  # for a coordinator's list: what the member has none of
    "network": "local network", "active": "recent activity", "mentoring": "mentoring",
    "set": "learning set", "events": "events", "signed_in": "recent sign-in",
}
PART_MAX = {"network": LOCAL_NETWORK, "active": ACTIVE, "mentoring": MENTORING,
            "set": LEARNING_SET, "events": TWO_EVENTS, "signed_in": SIGNED_IN_MONTH}
assert sum(PART_MAX.values()) == 100


def _not_affinity():
    return Network.kind != NetworkKind.AFFINITY


def score_parts(*, in_local: bool, active: bool, mentoring: bool, in_set: bool,
                events_attended: int, last_seen: datetime | None, now: datetime
                ) -> dict[str, int]:
    """The points a member earns for each part (the rule, apart from the reads)."""
    if last_seen is not None and last_seen >= now - timedelta(days=30):
        signed_in = SIGNED_IN_MONTH
    elif last_seen is not None and last_seen >= now - timedelta(days=90):
        signed_in = SIGNED_IN_QUARTER
    else:
        signed_in = 0
    return {
        "network": LOCAL_NETWORK if in_local else 0,
        "active": ACTIVE if active else 0,
        "mentoring": MENTORING if mentoring else 0,
        "set": LEARNING_SET if in_set else 0,
        "events": TWO_EVENTS if events_attended >= 2 else ONE_EVENT if events_attended else 0,
        "signed_in": signed_in,
    }


def index_of(parts: dict[str, int]) -> int:
    return max(0, min(100, 100 - sum(parts.values())))


def _ids(query) -> set[int]:
    return set(db.session.scalars(query))


def recompute(now: datetime | None = None, *, commit: bool = True) -> int:
    """Score every active account from SQL aggregates and replace the stored scores.

    Seven queries, a delete and one bulk insert however many members; commits unless told
    not to (the demo seeding commits everything once). Returns how many were scored.
    """
    now = now or utcnow()
    active_since, events_since = now - timedelta(days=ACTIVE_DAYS), now - timedelta(days=EVENT_DAYS)
    people = db.session.execute(
        sa.select(User.id, User.last_login_at).where(User.is_active_account.is_(True))).all()
    seen = dict(db.session.execute(
        sa.select(UserSession.user_id, sa.func.max(UserSession.last_seen_at))
        .group_by(UserSession.user_id)).all())
    in_local = _ids(sa.select(NetworkMembership.user_id).join(Network)
                    .where(Network.kind == NetworkKind.LOCAL))
    active = _ids(sa.union(
        sa.select(DiscussionPost.author_id)
        .join(DiscussionThread, DiscussionThread.id == DiscussionPost.thread_id)
        .join(Network, Network.id == DiscussionThread.network_id)
        .where(DiscussionPost.created_at >= active_since, _not_affinity()),
        sa.select(EventRsvp.user_id).join(Event, Event.id == EventRsvp.event_id)
        .join(Network, Network.id == Event.network_id)
        .where(EventRsvp.created_at >= active_since, _not_affinity()),
    ))
    mentoring = _ids(sa.union(
        sa.select(Mentorship.mentee_id).where(Mentorship.status == MentorshipStatus.ACCEPTED),
        sa.select(Mentorship.mentor_id).where(Mentorship.status == MentorshipStatus.ACCEPTED),
    ))
    in_set = _ids(sa.union(
        sa.select(SetMembership.user_id).join(LearningSet)
        .where(LearningSet.status == SetStatus.ACTIVE, SetMembership.left_at.is_(None)),
        sa.select(LearningSet.facilitator_id).where(LearningSet.status == SetStatus.ACTIVE,
                                                    LearningSet.facilitator_id.is_not(None)),
    ))
    attended = dict(db.session.execute(
        sa.select(EventRsvp.user_id, sa.func.count())
        .join(Event, Event.id == EventRsvp.event_id)
        .join(Network, Network.id == Event.network_id)
        .where(EventRsvp.attended.is_(True), Event.starts_at >= events_since,
               Event.starts_at <= now, Event.cancelled_at.is_(None), _not_affinity())
        .group_by(EventRsvp.user_id)).all())
    rows = []
    for uid, last_login in people:
        last = max((t for t in (last_login, seen.get(uid)) if t is not None), default=None)
        parts = score_parts(in_local=uid in in_local, active=uid in active,
                            mentoring=uid in mentoring, in_set=uid in in_set,
                            events_attended=attended.get(uid, 0), last_seen=last, now=now)
        rows.append({"user_id": uid, "score": index_of(parts), "parts": parts,
                     "computed_at": now})
    db.session.execute(sa.delete(IsolationScore))
    if rows:
        db.session.execute(sa.insert(IsolationScore), rows)
    if commit:
        db.session.commit()
    return len(rows)


# ---------------------------------------------------------------- the member's own view


@dataclass(frozen=True)
class NextStep:
    text: str
    endpoint: str
    values: tuple[tuple[str, int], ...] = ()
    link_text: str = ""


@dataclass(frozen=True)
class MyIndex:
    score: int
    parts: tuple[tuple[str, int, int], ...]  # (words, points, most points)
    computed_at: datetime


def _next_event_near():
    """SQL: the next event in the member's (parameter ``me``) local network that they could
    still go to after parameter ``now``, with the council's name: not one they are going to
    or waiting for already, nor one with no place left, since neither is a step they can
    take."""
    me = sa.bindparam("me")
    mine = sa.select(EventRsvp.id).where(EventRsvp.event_id == Event.id,
                                         EventRsvp.user_id == me)
    going = (sa.select(sa.func.count(EventRsvp.id))
             .where(EventRsvp.event_id == Event.id, EventRsvp.status == RsvpStatus.GOING)
             .scalar_subquery())
    return (
        sa.select(Event.id, Event.title, Event.starts_at, Event.is_online,
                  LocalAuthority.name.label("place"))
        .join(Network, Network.id == Event.network_id)
        .join(LocalAuthority, LocalAuthority.id == Network.local_authority_id)
        .join(NetworkMembership, sa.and_(NetworkMembership.network_id == Network.id,
                                         NetworkMembership.user_id == me))
        .where(Network.kind == NetworkKind.LOCAL,
               Event.starts_at > sa.bindparam("now", type_=Event.starts_at.type),
               Event.cancelled_at.is_(None), ~mine.exists(),
               sa.or_(Event.capacity.is_(None), going < Event.capacity))
        .order_by(Event.starts_at, Event.id).limit(1))


@cache
def _connected_statement():
    """The member's stored index and the next event near them (``_next_event_near``), in one
    statement of one row, built once per process."""
    event = _next_event_near().subquery()
    one = sa.select(sa.literal(1).label("one")).subquery()
    return (sa.select(IsolationScore.score, IsolationScore.parts, IsolationScore.computed_at,
                      event.c.id, event.c.title, event.c.starts_at, event.c.is_online,
                      event.c.place)
            .select_from(one)
            .outerjoin(IsolationScore, IsolationScore.user_id == sa.bindparam("me"))
            .outerjoin(event, sa.true()))


def connected(user: User, now: datetime | None = None) -> tuple[MyIndex | None, list[NextStep]]:
    """The member's own stored index (None before the first recompute) and friendly things
    to do next, built from real data: one statement."""
    (score, parts, computed_at, event_id, title, starts_at, is_online, place), = reads.rows(
        _connected_statement(), {"me": user.id, "now": now or utcnow()})
    index = None if score is None else MyIndex(
        score, tuple((PART_WORDS[p], int((parts or {}).get(p, 0)), PART_MAX[p]) for p in PARTS),
        computed_at)
    event = (None if event_id is None
             else _event_step(event_id, title, starts_at, is_online, place))
    return index, next_steps(index, event)


def _event_step(event_id: int, title: str, starts_at: datetime, is_online: bool,
                place: str) -> NextStep:
    # The day as people in the UK see it: 00:30 on 1 July is still 30 June in UTC.
    day = to_london(starts_at).strftime("%-d %B")
    words = (f"There is an online meet-up for {place} on {day}: {title}."
             if is_online else f"There is a meet-up in {place} on {day}: {title}.")
    return NextStep(words, "networks.event_page", (("event_id", event_id),), "See the event")


def next_steps(index: MyIndex | None, event: NextStep | None) -> list[NextStep]:
    """Friendly things to do next: ``event``, the step to the next event near them, first."""
    parts = {words: points for words, points, _ in index.parts} if index else {}
    steps = []
    if event is not None:
        steps.append(event)
    if not parts.get(PART_WORDS["network"]):
        steps.append(NextStep("Add your council area to your profile to join your local "
                              "network.", "members.edit_about", (), "Add your area"))
    if not parts.get(PART_WORDS["mentoring"]):
        steps.append(NextStep("A mentor can help you think things through.",
                              "mentoring.suggestions", (), "Find a mentor"))
    if not parts.get(PART_WORDS["set"]):
        steps.append(NextStep("Meet a few managers every few weeks to work on real problems.",
                              "sets.request_page", (), "Join an action learning set"))
    steps.append(NextStep("Other managers near you would like to meet.",
                          "networks.peers", (), "Say hello to a peer"))
    return steps


# ---------------------------------------------------------------- coordinators


def _area_shown_to_coordinators():
    """SQL: the member lets coordinators see their council area (anything but "Only me")."""
    area = sa.func.coalesce(Profile.visibility["area"].as_string(), AREA_DEFAULT)
    return area.in_(sorted(set(AUDIENCES) - {ONLY_ME}))


def _most_isolated(region_id: int):
    return (
        sa.select(User.id, User.display_name, LocalAuthority.name, IsolationScore.score,
                  IsolationScore.parts)
        .join(IsolationScore, IsolationScore.user_id == User.id)
        .join(Profile, Profile.user_id == User.id)
        .join(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
        .where(LocalAuthority.region_id == region_id, User.is_active_account.is_(True),
               _area_shown_to_coordinators())
        .order_by(IsolationScore.score.desc(), User.display_name, User.id)
    )


@dataclass(frozen=True)
class Page:
    """One page of rows, with what the pagination macro reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def most_isolated_page(region_id: int, page: int, per_page: int = 50) -> Page:
    """One page of the region's most isolated members (those who let coordinators see
    their area), most isolated first. Two queries."""
    query = _most_isolated(region_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        query.order_by(None).subquery())) or 0
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(rows), page, per_page, total)


def missing_words(parts: dict) -> str:
    """What a member has none of, in words, for a coordinator's list."""
    missing = [PART_SHORT[p] for p in PARTS if not parts.get(p)]
    return ", ".join(missing) if missing else "-"


def most_isolated_csv(region_id: int) -> Iterator[str]:
    """The region's list as CSV, a row at a time (streamed)."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(row) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        return out.getvalue()

    yield line(["name", "council", "isolation_index", *PARTS])
    rows = db.session.execute(_most_isolated(region_id).execution_options(yield_per=500))
    for _uid, name, council, score, parts in rows:
        yield line([_cell(name), _cell(council), score,
                    *(int(parts.get(p, 0)) for p in PARTS)])


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with one of these as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text



def data_of(user_id: int) -> dict | None:
    """The member's own stored index, for their data export."""
    row = db.session.get(IsolationScore, user_id)
    if row is None:
        return None
    return {"isolation_index": row.score, "parts": dict(row.parts),
            "computed_at": row.computed_at.isoformat(timespec="seconds")}
