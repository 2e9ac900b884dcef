"""A member's working profile: where they work, their level and how they meet."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.base import create_with_table, utcnow
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


# ``User.profile_exists``, kept by the database on both engines whenever a profile row is added,
# removed or (never in the app) moved to another account. Installed by migration
# 0017_profile_exists and by create_all. On PostgreSQL one statement per insert or delete (a COPY
# of 25,000 profiles in an import updates their accounts at once, not row by row).
PROFILE_EXISTS_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_profiles_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET profile_exists = true FROM netapp_added
    WHERE users.id = netapp_added.user_id AND users.profile_exists IS NOT TRUE;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profiles_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET profile_exists = false FROM netapp_removed
    WHERE users.id = netapp_removed.user_id AND users.profile_exists IS NOT FALSE
      AND NOT EXISTS (SELECT 1 FROM profiles WHERE profiles.user_id = users.id);
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profile_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET profile_exists = (users.id = NEW.user_id)
    WHERE users.id IN (OLD.user_id, NEW.user_id);
    RETURN NULL;
END
$$
""",
]
PROFILE_EXISTS_TRIGGERS = {
    "postgresql": [
        "CREATE TRIGGER profiles_added AFTER INSERT ON profiles "
        "REFERENCING NEW TABLE AS netapp_added FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_profiles_added()",
        "CREATE TRIGGER profiles_removed AFTER DELETE ON profiles "
        "REFERENCING OLD TABLE AS netapp_removed FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_profiles_removed()",
        "CREATE TRIGGER profiles_moved AFTER UPDATE OF user_id ON profiles FOR EACH ROW "
        "WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id) "
        "EXECUTE FUNCTION netapp_profile_moved()",
    ],
    "sqlite": [
        "CREATE TRIGGER profiles_added AFTER INSERT ON profiles FOR EACH ROW BEGIN "
        "UPDATE users SET profile_exists = 1 WHERE id = NEW.user_id; END",
        "CREATE TRIGGER profiles_removed AFTER DELETE ON profiles FOR EACH ROW BEGIN "
        "UPDATE users SET profile_exists = 0 WHERE id = OLD.user_id; END",
        "CREATE TRIGGER profiles_moved AFTER UPDATE OF user_id ON profiles FOR EACH ROW "
        "WHEN OLD.user_id IS NOT NEW.user_id BEGIN "
        "UPDATE users SET profile_exists = (id = NEW.user_id) "
        "WHERE id IN (OLD.user_id, NEW.user_id); END",
    ],
}
create_with_table(Profile.__table__, PROFILE_EXISTS_FUNCTIONS, PROFILE_EXISTS_TRIGGERS)
