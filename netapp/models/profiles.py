"""A member's working profile: where they work, their level and how they meet."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.base import utcnow
from netapp.models.places import LocalAuthority, Organisation

if TYPE_CHECKING:
    from netapp.models.accounts import User


class Profile(db.Model):
    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    job_title: Mapped[str | None] = mapped_column(sa.String(120))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    local_authority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("local_authorities.id"), index=True
    )
    level: Mapped[int | None] = mapped_column(sa.SmallInteger)
    years_as_manager: Mapped[int | None] = mapped_column(sa.SmallInteger)
    meets_online: Mapped[bool] = mapped_column(default=True)
    mentor_capacity: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    # Mentoring (migration 0005): asking for a mentor, and a mentor taking a break from new offers.
    wants_mentor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    mentoring_paused: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Added by the members area (migration 0002): the mentor offer, who sees what, onboarding.
    mentor_note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    mentor_availability: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    visibility: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    onboarding_step: Mapped[str | None] = mapped_column(sa.String(32))
    onboarded_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="profile")
    organisation: Mapped[Organisation | None] = relationship(back_populates="profiles")
    local_authority: Mapped[LocalAuthority | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("level IS NULL OR level BETWEEN 1 AND 4", name="level_range"),
        sa.CheckConstraint("mentor_capacity BETWEEN 0 AND 3", name="capacity_range"),
    )
