"""The programme report: what members report (the Award, their service's rating, compliance
action, feedback on the network) and the strategy's monitoring figures built from it and from
the use of the LQF.

Members' own reports are saved only when they change, so each row marks a change and its date;
the report reads each member's latest report up to the end of the range. Figures are counts of
people, and a count of 1 to 4 people is never shown: it could single someone out.
"""
from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    FeedbackRound,
    LocalAuthority,
    Profile,
    Region,
    ResourceDone,
    SelfAssessment,
    User,
)
from netapp.models.base import utcnow
from netapp.models.coordinator import ProgrammeFeedback, ProgrammeUpdate, UpdateKind
from netapp.services import audit, kept

__all__ = [
    "AWARD", "COMMENT_MAX", "COMPLIANCE", "RATING", "SMALLEST_COUNT", "Figure", "Report",
    "Section", "current", "default_range", "give_feedback", "last_feedback", "region_of",
    "report", "report_csv", "save_updates",
]

# What a member can say, in the order the form shows it: {value: words}.
AWARD = {"not_yet": "Not yet", "applying": "I'm applying", "completed": "I've completed it"}
RATING = {
    "outstanding": "Outstanding", "good": "Good",
    "requires_improvement": "Requires improvement", "inadequate": "Inadequate",
    "not_rated": "Not yet rated",
}
COMPLIANCE = {"action": "Yes", "none": "No"}
CHOICES = {UpdateKind.AWARD: AWARD, UpdateKind.RATING: RATING,
           UpdateKind.COMPLIANCE: COMPLIANCE}
KIND_WORDS = {UpdateKind.AWARD: "The Leadership in Care Award",
              UpdateKind.RATING: "Your service's CQC rating",
              UpdateKind.COMPLIANCE: "Compliance action asked for"}
GOOD_OR_BETTER = ("outstanding", "good")
COMMENT_MAX = 1000
# Counts of people below this are shown as "fewer than 5" (as for affinity networks).
SMALLEST_COUNT = 5
KEEP_FOR = 60.0  # seconds a process shows the same report before working it out again
# A member's feedback within this many days of their last replaces it.
FEEDBACK_EVERY_DAYS = 30
# The report shows at most this many comments, newest first.
COMMENTS_SHOWN = 50


# ---------------------------------------------------------------- a member's own reports


def current(user: User) -> dict[UpdateKind, ProgrammeUpdate]:
    """The member's latest report of each kind."""
    latest: dict[UpdateKind, ProgrammeUpdate] = {}
    for row in db.session.scalars(
            sa.select(ProgrammeUpdate).where(ProgrammeUpdate.user_id == user.id)
            .order_by(ProgrammeUpdate.reported_at, ProgrammeUpdate.id)):
        latest[row.kind] = row
    return latest


@dataclass(frozen=True)
class Reported:
    """One of a member's reports as their page shows it."""

    value: str
    reported_at: datetime


@dataclass(frozen=True)
class LastFeedback:
    """When the member last gave feedback on the network."""

    created_at: datetime


@functools.cache
def _own_statement() -> sa.CompoundSelect:
    """The member's reports (parameter ``me``), oldest first, and the time of their latest
    feedback, as plain rows of one statement (part "f" for the feedback, then "u" for each
    report): built once per process."""
    me = sa.bindparam("me", type_=sa.Integer())
    text = sa.String()
    last = (sa.select(ProgrammeFeedback.created_at, ProgrammeFeedback.id)
            .where(ProgrammeFeedback.user_id == me)
            .order_by(ProgrammeFeedback.created_at.desc(), ProgrammeFeedback.id.desc())
            .limit(1).subquery())
    return sa.union_all(
        sa.select(sa.literal("u", text).label("part"),
                  sa.cast(ProgrammeUpdate.kind, text).label("kind"),
                  sa.cast(ProgrammeUpdate.value, text).label("value"),
                  ProgrammeUpdate.reported_at.label("at"), ProgrammeUpdate.id.label("id"))
        .where(ProgrammeUpdate.user_id == me),
        sa.select(sa.literal("f", text), sa.cast(sa.null(), text), sa.cast(sa.null(), text),
                  last.c.created_at, last.c.id),
    ).order_by(sa.column("part"), sa.column("at"), sa.column("id"))


def own_page(user: User) -> tuple[dict[UpdateKind, Reported], LastFeedback | None]:
    """``current(user)`` (each kind's latest report, the kinds in the order first reported)
    and when ``last_feedback(user)`` was given, in one statement of plain rows."""
    latest: dict[UpdateKind, Reported] = {}
    last = None
    for part, kind, value, at, _id in reads.raw_rows(_own_statement(), {"me": user.id}):
        if part == "f":
            last = LastFeedback(at)
        else:
            latest[UpdateKind(kind)] = Reported(value, at)
    return latest, last


def history(user: User) -> list[ProgrammeUpdate]:
    """Everything the member has reported, oldest first (for their data export)."""
    return list(db.session.scalars(
        sa.select(ProgrammeUpdate).where(ProgrammeUpdate.user_id == user.id)
        .order_by(ProgrammeUpdate.reported_at, ProgrammeUpdate.id)))


def save_updates(user: User, answers: dict[UpdateKind, str | None]) -> list[UpdateKind]:
    """Save each answer that differs from the member's latest report of that kind; return the
    kinds saved. A missing answer (None) leaves that kind as it was. Audited."""
    for kind, value in answers.items():
        if value is not None and value not in CHOICES[kind]:
            raise ValueError(f"{value!r} is not a choice for {kind.value}")
    latest = {kind: row.value for kind, row in current(user).items()}
    saved = []
    for kind, value in answers.items():
        # No report yet reads as "not yet" for the Award: saying so again changes nothing.
        before = latest.get(kind, "not_yet" if kind is UpdateKind.AWARD else None)
        if value is None or value == before:
            continue
        db.session.add(ProgrammeUpdate(user_id=user.id, kind=kind, value=value))
        # The kind, not the answer: the member page promises only they see their answers.
        audit.record(user, "programme.updated", user, kind=kind.value)
        saved.append(kind)
    db.session.commit()
    return saved


def region_of(user: User) -> Region | None:
    profile = db.session.get(Profile, user.id)
    council = profile.local_authority if profile else None
    return council.region if council else None


def give_feedback(user: User, rating: int, comment: str) -> ProgrammeFeedback:
    """Save the member's feedback on the network, with their region (for the report). Feedback
    given again within FEEDBACK_EVERY_DAYS replaces the last, so one member counts once a month
    at most and can still put right what they said. Audited with no actor: the entry's time,
    next to a name, would tie the comment to its writer (the report can be narrowed to a day)."""
    if not 1 <= rating <= 5:
        raise ValueError(f"rating {rating!r} is not 1 to 5")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValueError(f"comment longer than {COMMENT_MAX} characters")
    region = region_of(user)
    now = utcnow()
    row = last_feedback(user)
    if row is None or not is_recent(row, now):
        row = ProgrammeFeedback(user_id=user.id)
        db.session.add(row)
    row.region_id = region.id if region else None
    row.rating, row.comment, row.created_at = rating, comment, now
    entry = audit.record(None, "programme.feedback_given")
    entry.created_at = now.replace(hour=0, minute=0, second=0, microsecond=0)  # the day only
    db.session.commit()
    return row


def is_recent(row: ProgrammeFeedback, now: datetime) -> bool:
    """Given within FEEDBACK_EVERY_DAYS: feedback sent now would replace it."""
    return now - row.created_at < timedelta(days=FEEDBACK_EVERY_DAYS)


def replace_until(row: ProgrammeFeedback | None, now: datetime) -> datetime | None:
    """Until when feedback sent would replace ``row`` (None: it would be new)."""
    if row is None or not is_recent(row, now):
        return None
    return row.created_at + timedelta(days=FEEDBACK_EVERY_DAYS)


def last_feedback(user: User) -> ProgrammeFeedback | None:
    return db.session.scalars(
        sa.select(ProgrammeFeedback).where(ProgrammeFeedback.user_id == user.id)
        .order_by(ProgrammeFeedback.created_at.desc(), ProgrammeFeedback.id.desc())
        .limit(1)).first()


def feedback_of(user: User) -> list[ProgrammeFeedback]:
    """The member's own feedback, oldest first (for their data export)."""
    return list(db.session.scalars(
        sa.select(ProgrammeFeedback).where(ProgrammeFeedback.user_id == user.id)
        .order_by(ProgrammeFeedback.created_at, ProgrammeFeedback.id)))


def forget_feedback_author(uid: int) -> None:
    """On erasure: the ratings stay (the figures stay true); the person and their words go,
    and the time is cut to the month, so it cannot be lined up with the audit log."""
    rows = db.session.scalars(sa.select(ProgrammeFeedback).where(ProgrammeFeedback.user_id == uid))
    for row in rows:
        row.user_id = None
        row.comment = ""
        row.created_at = row.created_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


# ---------------------------------------------------------------- the report


def default_range(today: date) -> tuple[date, date]:
    """The last 12 months, ending today."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return start + timedelta(days=1), today


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    count: int | float | None  # None: hidden, too few people to show
    of: int | None = None  # what the percentage is of, when there is one
    is_average: bool = False  # an average rating (out of 5), not a count

    @property
    def shown(self) -> str:
        if self.count is None:
            return "not shown (fewer than 5 responses)" if self.is_average else "fewer than 5"
        if self.is_average:
            return f"{self.count:.1f} out of 5"
        return f"{self.count:,}"

    @property
    def percent(self) -> str:
        if self.count is None or not self.of or self.is_average:
            return ""
        return f"{round(100 * self.count / self.of)}%"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    figures: list[Figure]


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    region: Region | None
    members: int
    sections: list[Section]
    comments: list[str]  # without names or dates; empty when fewer than 5 responses
    responses: int
    as_of: datetime = field(default_factory=utcnow)  # when the figures were worked out

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else "All regions"


def _people(n: int) -> int | None:
    """A count of people as the report shows it: None for 1 to 4 (0 says nobody, safely)."""
    return n if n == 0 or n >= SMALLEST_COUNT else None


def _open(user_id) -> sa.ColumnElement[bool]:
    """The account ``user_id`` is open: no closed account has that id (ix_users_closed holds
    the few closed ones, so this reads no other user)."""
    return sa.not_(sa.exists().where(User.id == user_id, User.is_active_account.is_not(True)))


def _members(region_id: int | None) -> sa.Subquery:
    """Active members with a council (and so a region), with their organisation: read from
    the profiles, leaving out the few closed accounts, without reading every user."""
    query = (sa.select(Profile.user_id, Profile.organisation_id)
             .join(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
             .where(_open(Profile.user_id)))
    if region_id is not None:
        query = query.where(LocalAuthority.region_id == region_id)
    return query.subquery("members")


def _latest_states(members: sa.Subquery, until: datetime) -> dict[tuple[UpdateKind, str], int]:
    """{(kind, value): members whose latest report of that kind, up to ``until``, says so}."""
    ranked = (sa.select(ProgrammeUpdate.kind, ProgrammeUpdate.value,
                        sa.func.row_number().over(
                            partition_by=(ProgrammeUpdate.user_id, ProgrammeUpdate.kind),
                            order_by=(ProgrammeUpdate.reported_at.desc(),
                                      ProgrammeUpdate.id.desc())).label("n"))
              .join(members, members.c.user_id == ProgrammeUpdate.user_id)
              .where(ProgrammeUpdate.reported_at < until)
              .subquery())
    rows = db.session.execute(
        sa.select(ranked.c.kind, ranked.c.value, sa.func.count())
        .where(ranked.c.n == 1).group_by(ranked.c.kind, ranked.c.value))
    return {(kind, value): n for kind, value, n in rows}


def _award_reports(members: sa.Subquery, since: datetime, until: datetime) -> dict[str, int]:
    """{value: members who reported it within the range} for the Award."""
    rows = db.session.execute(
        sa.select(ProgrammeUpdate.value, sa.func.count(sa.distinct(ProgrammeUpdate.user_id)))
        .join(members, members.c.user_id == ProgrammeUpdate.user_id)
        .where(ProgrammeUpdate.kind == UpdateKind.AWARD,
               ProgrammeUpdate.reported_at >= since, ProgrammeUpdate.reported_at < until)
        .group_by(ProgrammeUpdate.value))
    return dict(rows.all())


def _feedback(region_id: int | None, since: datetime, until: datetime):
    """({rating: responses}, the newest comments) within the range."""
    where = [ProgrammeFeedback.created_at >= since, ProgrammeFeedback.created_at < until]
    if region_id is not None:
        where.append(ProgrammeFeedback.region_id == region_id)
    ratings = dict(db.session.execute(
        sa.select(ProgrammeFeedback.rating, sa.func.count()).where(*where)
        .group_by(ProgrammeFeedback.rating)).all())
    comments = list(db.session.scalars(
        sa.select(ProgrammeFeedback.comment).where(*where, ProgrammeFeedback.comment != "")
        .order_by(ProgrammeFeedback.created_at.desc(), ProgrammeFeedback.id.desc())
        .limit(COMMENTS_SHOWN)))
    return ratings, comments


def _lqf_use(members: sa.Subquery, since: datetime, until: datetime) -> dict[str, int]:
    """People and organisations using the LQF within the range: one pass over the members,
    each joined to how many self-assessments, 360 rounds and resources done they have."""

    def per_member(column, when, name: str) -> sa.Subquery:
        return (sa.select(column.label("user_id"), sa.func.count().label("n"))
                .where(when >= since, when < until).group_by(column).subquery(name))

    done = per_member(SelfAssessment.user_id, SelfAssessment.completed_at, "done")
    rounds = per_member(FeedbackRound.user_id, FeedbackRound.created_at, "rounds")
    learned = per_member(ResourceDone.user_id, ResourceDone.done_at, "learned")
    using = sa.or_(done.c.user_id.is_not(None), rounds.c.user_id.is_not(None),
                   learned.c.user_id.is_not(None))
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(done.c.n), 0), sa.func.count(done.c.user_id),
            sa.func.coalesce(sa.func.sum(rounds.c.n), 0), sa.func.count(rounds.c.user_id),
            sa.func.coalesce(sa.func.sum(learned.c.n), 0), sa.func.count(learned.c.user_id),
            sa.func.count(sa.distinct(sa.case((using, members.c.organisation_id)))),
            sa.func.count(sa.distinct(members.c.organisation_id)),
            sa.func.count(),
        ).select_from(members)
        .outerjoin(done, done.c.user_id == members.c.user_id)
        .outerjoin(rounds, rounds.c.user_id == members.c.user_id)
        .outerjoin(learned, learned.c.user_id == members.c.user_id)).one()
    keys = ("assessments", "assessed", "rounds", "asked", "resources", "learners",
            "organisations_using", "organisations", "members")
    return {key: int(n) for key, n in zip(keys, row, strict=True)}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The range as [since, until): the whole of both days."""
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def report(start: date, end: date, region: Region | None) -> Report:
    """Every figure of the programme report for the range and region (None: all regions)."""
    if end < start:
        raise ValueError(f"range ends {end} before it starts {start}")
    since, until = _bounds(start, end)
    region_id = region.id if region else None
    members = _members(region_id)
    use = _lqf_use(members, since, until)
    states = _latest_states(members, until)
    reported = _award_reports(members, since, until)
    ratings, comments = _feedback(region_id, since, until)
    n = use["members"]
    responses = sum(ratings.values())
    sections = [
        _feedback_section(ratings, responses),
        _award_section(states, reported, n),
        _regulator_section(states, n),
        _lqf_section(use, n),
    ]
    shown = comments if responses >= SMALLEST_COUNT else []
    return Report(start, end, region, n, sections, shown, responses)


def recent_report(start: date, end: date, region: Region | None) -> Report:
    """The report as worked out in this process within the last ``REPORT_KEEP_FOR`` seconds
    (KEEP_FOR; 0 in tests): the same for every coordinator asking for the same dates and
    region, and the page says when it was worked out (services/kept.py)."""
    keep_for = kept.keep_for("REPORT_KEEP_FOR", KEEP_FOR)

    def work() -> Report:
        # The region row is this request's own: the kept copy holds none.
        return replace(report(start, end, region), region=None)

    found = kept.kept("programme report", (start, end, region.id if region else None),
                      keep_for, work)
    return replace(found, region=region)


def _feedback_section(ratings: dict[int, int], responses: int) -> Section:
    enough = responses >= SMALLEST_COUNT
    average = (sum(r * k for r, k in ratings.items()) / responses) if enough else None
    helpful = sum(k for r, k in ratings.items() if r >= 4)
    figures = [
        Figure("feedback_responses", "Responses",
               "Feedback given on the page “How is the network helping you?” within the "
               "dates. Answering again within 30 days replaces a member's last answer.",
               _people(responses)),
        Figure("feedback_average", "Average rating",
               "The mean of the ratings, from 1 (not helpful) to 5 (very helpful).",
               average, is_average=True),
        Figure("feedback_helpful", "Rated it helpful (4 or 5)",
               "Responses rating the network 4 or 5, as a share of all responses.",
               _people(helpful) if enough else None, responses),
    ]
    figures += [Figure(f"feedback_rating_{r}", f"Rated it {r}",
                       f"Responses giving a rating of {r} out of 5.",
                       _people(ratings.get(r, 0)) if enough else None, responses)
                for r in range(5, 0, -1)]
    return Section("feedback", "Feedback on the network",
                   "From the feedback form members fill in on their programme page.", figures)


def _award_section(states, reported: dict[str, int], n: int) -> Section:
    def state(value):
        return _people(states.get((UpdateKind.AWARD, value), 0))

    figures = [
        Figure("award_applying", "Applying for the Award",
               "Members whose latest Award report, up to the end date, says they are "
               "applying. Percentage of members.", state("applying"), n),
        Figure("award_completed", "Completed the Award",
               "Members whose latest Award report, up to the end date, says they have "
               "completed it. Percentage of members.", state("completed"), n),
        Figure("award_started_in_range", "Started applying within the dates",
               "Members who reported they were applying, within the dates.",
               _people(reported.get("applying", 0)), n),
        Figure("award_completed_in_range", "Completed within the dates",
               "Members who reported completing the Award, within the dates.",
               _people(reported.get("completed", 0)), n),
    ]
    return Section("award", "The Leadership in Care Award",
                   "As members report it on their programme page.", figures)


def _regulator_section(states, n: int) -> Section:
    def state(kind, values: Iterable[str]) -> int:
        return sum(states.get((kind, v), 0) for v in values)

    rated = state(UpdateKind.RATING, [v for v in RATING if v != "not_rated"])
    answered = state(UpdateKind.COMPLIANCE, COMPLIANCE)
    figures = [
        Figure("rating_reported", "Members who told us their service's rating",
               "Members with a rating report up to the end date (any answer, "
               "“not yet rated” included). Percentage of members.",
               _people(state(UpdateKind.RATING, RATING)), n),
        Figure("rating_good_or_better", "Services rated good or better",
               "Members whose latest report says Outstanding or Good, as a share of "
               "those whose service has a rating.",
               _people(state(UpdateKind.RATING, GOOD_OR_BETTER)), rated),
    ]
    figures += [Figure(f"rating_{value}", f"Rated {words.lower()}",
                       f"Members whose latest report says {words}, as a share of those "
                       "whose service has a rating.",
                       _people(state(UpdateKind.RATING, [value])), rated)
                for value, words in RATING.items() if value != "not_rated"]
    figures += [
        Figure("rating_not_rated", "Not yet rated",
               "Members whose latest report says their service is not yet rated.",
               _people(state(UpdateKind.RATING, ["not_rated"])), None),
        Figure("compliance_action", "Services asked to take compliance action",
               "Members whose latest report says the regulator asked their service to "
               "take compliance action, as a share of those who answered.",
               _people(state(UpdateKind.COMPLIANCE, ["action"])), answered),
    ]
    return Section("regulator", "Ratings from the regulator (CQC)",
                   "Each member's latest report up to the end date, as they report it: "
                   "we do not check it against the CQC's records.", figures)


def _lqf_section(use: dict[str, int], n: int) -> Section:
    figures = [
        Figure("lqf_assessments", "Self-assessments finished",
               "Self-assessments against the LQF finished within the dates.",
               _people(use["assessments"]), None),
        Figure("lqf_assessed", "Members who finished a self-assessment",
               "Members who finished at least one, within the dates. Percentage of members.",
               _people(use["assessed"]), n),
        Figure("lqf_rounds", "360 feedback rounds started",
               "Requests for 360 feedback members sent within the dates.",
               _people(use["rounds"]), None),
        Figure("lqf_asked", "Members who asked for 360 feedback",
               "Members who started at least one round, within the dates. Percentage of "
               "members.", _people(use["asked"]), n),
        Figure("lqf_resources", "Learning resources marked done",
               "Resources members marked done within the dates.",
               _people(use["resources"]), None),
        Figure("lqf_learners", "Members who marked a resource done",
               "Members who marked at least one resource done, within the dates. "
               "Percentage of members.", _people(use["learners"]), n),
        Figure("lqf_organisations", "Employers whose managers use the LQF",
               "Organisations with at least one member who did any of the above within the "
               "dates, as a share of organisations with members.",
               _people(use["organisations_using"]), use["organisations"]),
    ]
    return Section("lqf", "Use of the Leadership Qualities Framework (LQF)",
                   "What members did with the LQF on this site within the dates.", figures)


def report_csv(result: Report, printed: date) -> str:
    """The report's figures as CSV, one row a figure, exactly as the page shows them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Programme report", f"{result.start.isoformat()} to {result.end.isoformat()}",
                     result.region_name, f"made {printed.isoformat()}"])
    writer.writerow(["section", "figure", "value", "percentage", "definition"])
    writer.writerow(["Members", "Members in the report", _shown_members(result.members), "",
                     "Active members whose profile names a council in the region."])
    for section in result.sections:
        for f in section.figures:
            writer.writerow([section.title, f.label, f.shown, f.percent, f.definition])
    return out.getvalue()


def _shown_members(n: int) -> str:
    return f"{n:,}"
