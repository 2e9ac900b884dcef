"""The coordinator console: member imports, and what members report for the programme report.

* ``MemberImport``: one uploaded CSV of members, from upload through dry run to import. The
  file's text is kept only until the import has run (or the upload is abandoned), so names and
  emails of the people in it do not outlive the job that needed them.
* ``ProgrammeUpdate``: something a member reports about themselves or their service, dated, for
  the strategy's monitoring indicators: the Leadership in Care Award (applying, completed), the
  service's rating from the regulator, and compliance action.
* ``ProgrammeFeedback``: a member's feedback on the support programme (the network itself).
"""
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


class ImportStatus(enum.Enum):
    UPLOADED = "uploaded"  # columns still to be mapped
    CHECKED = "checked"  # dry run done (``report`` says what it found)
    IMPORTING = "importing"  # handed to the task queue (``job`` shows progress)
    DONE = "done"
    FAILED = "failed"


class MemberImport(db.Model):
    __tablename__ = "member_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(sa.String(200))
    # The decoded CSV text; emptied once the import has run or failed.
    content: Mapped[str] = mapped_column(sa.Text, default="")
    # {field name: CSV column heading} chosen on the mapping page.
    mapping: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    row_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[ImportStatus] = mapped_column(
        stored_enum(ImportStatus), default=ImportStatus.UPLOADED
    )
    # The dry run's findings and, after the import, its counts (no names or emails).
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    checked_at: Mapped[datetime | None]
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)

    created_by: Mapped[User | None] = relationship()
    job: Mapped[Job | None] = relationship()


class UpdateKind(enum.Enum):
    AWARD = "award"  # value: applying | completed
    RATING = "rating"  # value: outstanding | good | requires_improvement | inadequate | not_rated
    COMPLIANCE = "compliance"  # value: action | none (the regulator asked for compliance action)


class ProgrammeUpdate(db.Model):
    __tablename__ = "programme_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[UpdateKind] = mapped_column(stored_enum(UpdateKind))
    value: Mapped[str] = mapped_column(sa.String(32))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship()


class ProgrammeFeedback(db.Model):
    __tablename__ = "programme_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept, without the person, when they erase their account: the figures stay true.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    rating: Mapped[int] = mapped_column(sa.SmallInteger)  # 1 (not helpful) .. 5 (very helpful)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    region: Mapped[Region | None] = relationship()

    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)
