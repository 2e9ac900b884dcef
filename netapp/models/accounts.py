"""People who sign in, and the roles they hold."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from netapp.extensions import db
from netapp.models.base import utcnow

if TYPE_CHECKING:
    from netapp.models.profiles import Profile


def hash_password(password: str) -> str:
    """``password`` hashed as the app's ``PASSWORD_HASH_METHOD`` says (config.py)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class Role(enum.Enum):
    """What a person may do. A person can hold several roles."""

    MEMBER = "member"
    MENTOR = "mentor"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class User(UserMixin, db.Model):
    """An account. Email is stored lower-cased, so it is unique whatever its case."""

    __tablename__ = "users"
    # The few closed accounts, so "open accounts" can be counted without reading every user
    # (the coordinator dashboard: NOT EXISTS a closed row).
    # The coordinators' members list pages through everyone by name: this reads one page.
    __table_args__ = (sa.Index("ix_users_closed", "id",
                               postgresql_where=sa.text("is_active_account IS NOT TRUE"),
                               sqlite_where=sa.text("is_active_account IS NOT 1")),
                      sa.Index("ix_users_display_name", "display_name", "id"),
                      # Open accounts by name: a search by part of a name (a set's
                      # facilitator, the coordinators' list) reads the names here, each with
                      # its lowered copy, so no name is lowered again per search (0021).
                      sa.Index("ix_users_open_by_name", "display_name", "id",
                               sa.func.lower(sa.text("display_name")),
                               postgresql_where=sa.text("is_active_account IS TRUE"),
                               sqlite_where=sa.text("is_active_account IS 1")),
                      # Open accounts with a profile by name: the member directory counts and
                      # pages a name search (or none) from these names and their lowered
                      # copies alone, without looking up each one's profile
                      # (``profile_exists``).
                      sa.Index("ix_users_listed_by_name", "display_name", "id",
                               sa.func.lower(sa.text("display_name")),
                               postgresql_where=sa.text(
                                   "is_active_account IS TRUE AND profile_exists IS TRUE"),
                               sqlite_where=sa.text(
                                   "is_active_account IS 1 AND profile_exists IS 1")))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(120))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The one email-change link that may still be used: a newer link or a password change
    # replaces or clears it, so older links stop working.
    email_change_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    # Whether the account has a profile row, kept by the database (``PROFILE_EXISTS_TRIGGERS``
    # in netapp/models/profiles.py) whenever a profile is added or removed, however it is
    # written (the ORM, bulk inserts, COPY in imports): never written by the app. Not loaded
    # with an account (deferred): only the directory's statement reads it.
    profile_exists: Mapped[bool] = mapped_column(server_default=sa.false(), deferred=True)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    profile: Mapped[Profile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )
    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # The token of the session row this request signed in with (netapp/services/sessions.py).
    # A plain attribute, not a column: it lives for one request only.
    session_token = None

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: this browser's session token.

        Never the user id, so a cookie opens only the session row it was issued for
        (see netapp/services/sessions.py).
        """
        if not self.session_token:
            raise RuntimeError("Sign people in with netapp.services.sessions.sign_in.")
        return self.session_token

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @validates("email")
    def _lower_email(self, key: str, email: str) -> str:
        return self.normalise_email(email)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts.
        return self.is_active_account

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_profile(self) -> bool:
        """Started the first steps (netapp/members/onboarding.py)."""
        return self.profile is not None

    @property
    def is_onboarded(self) -> bool:
        """Finished the first steps."""
        return self.profile is not None and self.profile.onboarded_at is not None

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, *roles: Role) -> bool:
        held = self.role_set
        return any(role in held for role in roles)

    def grant(self, role: Role) -> bool:
        """Give the role; return False when it was already held."""
        if role in self.role_set:
            return False
        self.roles.append(UserRole(role=role))
        return True

    def revoke(self, role: Role) -> bool:
        """Take the role away; return False when it was not held."""
        for held in self.roles:
            if held.role is role:
                self.roles.remove(held)
                return True
        return False


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class UserSession(db.Model):
    """One signed-in browser. Only hashes of its tokens are stored, so a copy of the
    database cannot be used to sign in; deleting the row ends the session at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # "Keep me logged in": a separate random token, replaced each time it is used.
    remember_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    remember_expires_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="sessions")


# -------------------------------------------------------------------------------------------
# PostgreSQL tells every process whose sign-in details changed, so each can keep live sessions
# (netapp/services/session_keeper.py). Installed by migration 0013_identity and by create_all.
IDENTITY_CHANNEL = "netapp_identity"
IDENTITY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION netapp_identity_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    person text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        person := to_jsonb(NEW) ->> TG_ARGV[0];
    ELSE
        person := to_jsonb(OLD) ->> TG_ARGV[0];
    END IF;
    PERFORM pg_notify('{IDENTITY_CHANNEL}', person);
    RAISE DEBUG USING MESSAGE = '{IDENTITY_CHANNEL} ' || person;
    RETURN NULL;
END
$$
"""
# Per table: when the trigger fires, and which column holds the person's id. A login (a new
# session) and the last-login time change nothing a kept session holds.
IDENTITY_TRIGGERS = {
    "users": ("AFTER UPDATE OF email, display_name, email_verified_at, is_active_account "
              "OR DELETE", "id"),
    "user_roles": ("AFTER INSERT OR UPDATE OR DELETE", "user_id"),
    "user_sessions": ("AFTER UPDATE OR DELETE", "user_id"),
    "profiles": ("AFTER INSERT OR UPDATE OF onboarded_at OR DELETE", "user_id"),
}


def identity_trigger(table: str) -> str:
    """The ``CREATE TRIGGER`` statement for ``table``."""
    when, column = IDENTITY_TRIGGERS[table]
    return (f"CREATE TRIGGER {table}_identity_changed {when} ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION netapp_identity_changed('{column}')")


sa.event.listen(db.metadata, "after_create",
                sa.DDL(IDENTITY_FUNCTION).execute_if(dialect="postgresql"))
for _table in IDENTITY_TRIGGERS:
    # Each table's trigger once the table exists (profiles is declared in its own module).
    sa.event.listen(db.metadata, "after_create",
                    sa.DDL(identity_trigger(_table)).execute_if(dialect="postgresql"))
