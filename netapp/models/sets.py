"""Action learning sets: members asking to join, coordinators forming sets, set meetings."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.accounts import User
from netapp.models.base import stored_enum, utcnow
from netapp.models.jobs import Job
from netapp.models.places import Region


class MeetingMode(enum.Enum):
    IN_PERSON = "in_person"  # near where the member works
    ONLINE = "online"
    EITHER = "either"


class SetRequest(db.Model):
    """A member asking to join an action learning set. One open request per member."""

    __tablename__ = "set_requests"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[MeetingMode] = mapped_column(stored_enum(MeetingMode), default=MeetingMode.EITHER)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FormationStatus(enum.Enum):
    DRAFT = "draft"
    RUNNING = "running"
    PREVIEW = "preview"
    FAILED = "failed"
    PUBLISHED = "published"


class SetFormation(db.Model):
    """One run of set formation over a pool, its draft sets, and who was left out."""

    __tablename__ = "set_formations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    only_asked: Mapped[bool] = mapped_column(default=True)
    min_size: Mapped[int] = mapped_column(sa.SmallInteger, default=6)
    max_size: Mapped[int] = mapped_column(sa.SmallInteger, default=8)
    weights: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[FormationStatus] = mapped_column(stored_enum(FormationStatus),
                                                    default=FormationStatus.DRAFT, index=True)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    stats: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship()
    job: Mapped[Job | None] = relationship()

    __table_args__ = (sa.CheckConstraint("min_size BETWEEN 2 AND max_size", name="size_range"),)


class FormationUnplaced(db.Model):
    """A member of a formation's pool left out of every set, and why, in words about them."""

    __tablename__ = "formation_unplaced"

    formation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("set_formations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")


class SetStatus(enum.Enum):
    DRAFT = "draft"    # part of a formation's preview; only the coordinator sees it
    ACTIVE = "active"  # published: members see it and meet
    CLOSED = "closed"


class LearningSet(db.Model):
    """An action learning set. ``needs_look`` tells the coordinator a rule could not be kept
    (someone would be the only one of their affinity network) without saying who or which."""

    __tablename__ = "learning_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    formation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("set_formations.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    status: Mapped[SetStatus] = mapped_column(stored_enum(SetStatus), default=SetStatus.DRAFT,
                                              index=True)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    meets_online: Mapped[bool] = mapped_column(default=False)
    facilitator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    quality: Mapped[float | None]
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    needs_look: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship()
    facilitator: Mapped[User | None] = relationship()
    members: Mapped[list[SetMembership]] = relationship(
        back_populates="learning_set", cascade="all, delete-orphan"
    )


class SetMembership(db.Model):
    __tablename__ = "set_memberships"

    set_id: Mapped[int] = mapped_column(
        sa.ForeignKey("learning_sets.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]

    learning_set: Mapped[LearningSet] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class SetMeeting(db.Model):
    """A meeting of a set: in person at a place, or online with a link only the set sees."""

    __tablename__ = "set_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        sa.ForeignKey("learning_sets.id", ondelete="CASCADE"), index=True
    )
    # Stored in UTC; shown and put in calendar files as Europe/London time.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    is_online: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    cancelled_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)  # calendar files: bumped on each change
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class SetAttendance(db.Model):
    __tablename__ = "set_attendance"

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("set_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    attended: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SetNote(db.Model):
    """The set's shared space: notes and actions between meetings, for the set and facilitator."""

    __tablename__ = "set_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        sa.ForeignKey("learning_sets.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    is_action: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeed(db.Model):
    """A member's private calendar feed address. Only a hash of its token is kept; making a new
    one ends the old address."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
