"""Mentoring: matching rounds run by coordinators, and the mentorships that come of them."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.accounts import User
from netapp.models.base import stored_enum, utcnow
from netapp.models.jobs import Job
from netapp.models.places import Region


class RoundStatus(enum.Enum):
    DRAFT = "draft"          # set up: pool, weights, locked and forbidden pairs
    RUNNING = "running"      # the engine is working in the task queue
    PREVIEW = "preview"      # proposals ready for the coordinator to check
    FAILED = "failed"        # the run stopped; the job says why; it can run again
    PUBLISHED = "published"  # proposals became offers; nothing more changes


class MentoringRound(db.Model):
    """One matching round for a region, or the whole country when ``region_id`` is empty."""

    __tablename__ = "mentoring_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    status: Mapped[RoundStatus] = mapped_column(stored_enum(RoundStatus), default=RoundStatus.DRAFT,
                                                index=True)
    weights: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="SET NULL"))
    # What the engine said, in words for the page and as figures for the record.
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    stats: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship()
    job: Mapped[Job | None] = relationship()


class PairRuleKind(enum.Enum):
    LOCK = "lock"      # this mentee gets this mentor whatever the scores say
    FORBID = "forbid"  # never propose this pair


class RoundPairRule(db.Model):
    """A coordinator's lock or ban on one pair within a round."""

    __tablename__ = "round_pair_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_rounds.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[PairRuleKind] = mapped_column(stored_enum(PairRuleKind))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("round_id", "mentee_id", "mentor_id"),)


class RoundProposal(db.Model):
    """The engine's answer for one mentee in a round: a mentor, or none and why."""

    __tablename__ = "round_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_rounds.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])

    __table_args__ = (sa.UniqueConstraint("round_id", "mentee_id"),)


class MentorshipStatus(enum.Enum):
    OFFERED = "offered"      # proposed by a published round, waiting for the mentor
    REQUESTED = "requested"  # asked for by the mentee, waiting for the mentor
    ACCEPTED = "accepted"    # under way
    DECLINED = "declined"    # the mentor said no
    WITHDRAWN = "withdrawn"  # no longer asked for (another mentor accepted first, or the mentee)
    COMPLETED = "completed"  # closed as done
    ENDED = "ended"          # closed early

    @property
    def is_open(self) -> bool:
        return self in (MentorshipStatus.OFFERED, MentorshipStatus.REQUESTED)

    @property
    def is_closed(self) -> bool:
        return self in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED)


class Mentorship(db.Model):
    """A mentor and a mentee, from the first offer or request to the end of the relationship."""

    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MentorshipStatus] = mapped_column(stored_enum(MentorshipStatus), index=True)
    round_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mentoring_rounds.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[float | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    request_note: Mapped[str] = mapped_column(sa.String(500), default="")
    decline_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    mentee_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    mentor_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    last_nudged_at: Mapped[datetime | None]

    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    round: Mapped[MentoringRound | None] = relationship()


class DismissedSuggestion(db.Model):
    """A suggested mentor the member asked never to be shown again."""

    __tablename__ = "dismissed_suggestions"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    mentor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoalStatus(enum.Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class MentoringGoal(db.Model):
    """A goal the pair agreed, tied to framework elements (codes such as ``WO1``)."""

    __tablename__ = "mentoring_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    element_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[GoalStatus] = mapped_column(stored_enum(GoalStatus),
                                               default=GoalStatus.NOT_STARTED)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MentoringMeeting(db.Model):
    """A meeting: shared notes both see, and private notes only their writer sees."""

    __tablename__ = "mentoring_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    met_on: Mapped[date]
    shared_notes: Mapped[str] = mapped_column(sa.Text, default="")
    mentor_notes: Mapped[str] = mapped_column(sa.Text, default="")
    mentee_notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MentoringCheckIn(db.Model):
    """The 30- and 60-day check-in: one 1-5 answer and a comment from each side."""

    __tablename__ = "mentoring_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[int] = mapped_column(sa.SmallInteger)
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("mentorship_id", "user_id", "day"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sa.CheckConstraint("day IN (30, 60)", name="checkin_day"),
    )


class MentoringMessage(db.Model):
    """A message between mentor and mentee on their shared page."""

    __tablename__ = "mentoring_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
