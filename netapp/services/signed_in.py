"""The signed-in person as every page sees them, read in one light statement.

Every signed-in page needs a few things about the person: who they are (id, name, email),
whether their email is confirmed, their roles, whether they have finished their first steps, and
that their session is still live. ``find``
reads exactly that with the session row, as plain values (no ORM objects), and
``SignedIn`` carries it through the request as ``current_user``. Anything else a page asks of
``current_user`` (their profile, their roles as rows, ...) loads the full ``User`` row the first
time it is asked, once per request (``SignedIn.account``). Services that change the person take
that ``User`` row: routes pass ``netapp.access.current_account()``.

Live sessions are kept per process (``netapp/services/session_keeper.py``) where the database
can tell every process at once that a person or their sessions changed (PostgreSQL).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from netapp.extensions import db
from netapp.models import Profile, Role, User, UserRole, UserSession

__all__ = ["Found", "SignedIn", "find", "read"]


@dataclass(frozen=True)
class Found:
    """A session row and what every page needs of its person, as read from the database."""

    session_id: int
    user_id: int
    email: str
    display_name: str
    is_verified: bool
    is_open: bool
    roles: frozenset[Role]
    has_profile: bool
    is_onboarded: bool
    last_seen_at: datetime
    remember_expires_at: datetime | None

    def is_live(self, now: datetime, idle_limit: timedelta) -> bool:
        """Open account, and (kept signed in) not expired, or (not kept) used recently."""
        if not self.is_open:
            return False
        if self.remember_expires_at is not None:
            return self.remember_expires_at > now
        return self.last_seen_at > now - idle_limit


@cache
def _by_digest() -> sa.Select:
    # One row per role held (one row with no role for someone who holds none). Built once.
    return (
        sa.select(UserSession.id, UserSession.user_id, User.email, User.display_name,
                  User.email_verified_at, User.is_active_account, UserSession.last_seen_at,
                  UserSession.remember_expires_at, UserRole.role,
                  Profile.user_id.label("profile_id"), Profile.onboarded_at)
        .join(User, User.id == UserSession.user_id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(UserSession.token_hash == sa.bindparam("digest"))
    )


def read(digest: str) -> Found | None:
    """The session whose token has this SHA-256 ``digest``, straight from the database."""
    rows = db.session.execute(_by_digest(), {"digest": digest}).all()
    if not rows:
        return None
    first = rows[0]
    return Found(session_id=first.id, user_id=first.user_id, email=first.email,
                 display_name=first.display_name,
                 is_verified=first.email_verified_at is not None,
                 is_open=bool(first.is_active_account),
                 roles=frozenset(row.role for row in rows if row.role is not None),
                 has_profile=first.profile_id is not None,
                 is_onboarded=first.onboarded_at is not None,
                 last_seen_at=first.last_seen_at,
                 remember_expires_at=first.remember_expires_at)


def find(digest: str) -> Found | None:
    """The session with this ``digest``: from this process's keeper when it may keep them."""
    from netapp.services import session_keeper

    return session_keeper.find(digest, read)


@cache
def _account_statement() -> sa.Select:
    return (sa.select(User).where(User.id == sa.bindparam("user_id"))
            .options(joinedload(User.roles),
                     joinedload(User.profile).joinedload(Profile.organisation)))


class SignedIn:
    """``current_user`` for a request signed in with a session cookie.

    Holds what ``Found`` read; every other attribute comes from the full ``User`` row, loaded
    on first use (``account``), so templates and services read ``current_user.profile`` as
    before.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True  # ``find`` returns live sessions of open accounts only

    def __init__(self, found: Found, token: str) -> None:
        self.id = found.user_id
        self.email = found.email
        self.display_name = found.display_name
        self.is_verified = found.is_verified
        self.is_active_account = found.is_open
        self.role_set = found.roles
        self.has_profile = found.has_profile  # started the first steps
        self.is_onboarded = found.is_onboarded  # finished them
        self.session_token = token
        self._account: User | None = None

    def __repr__(self) -> str:
        return f"<SignedIn {self.id}>"

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: this browser's session token."""
        return self.session_token

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.role_set for role in roles)

    def account(self) -> User:
        """The person's ``User`` row (with roles, profile and organisation), read once."""
        if self._account is None:
            user = db.session.execute(_account_statement(),
                                      {"user_id": self.id}).unique().scalar_one()
            user.session_token = self.session_token
            self._account = user
        return self._account

    _OWN = frozenset({"id", "email", "display_name", "is_verified", "is_active_account",
                      "role_set", "has_profile", "is_onboarded", "session_token", "_account"})

    def __setattr__(self, name: str, value) -> None:
        # Anything but what it holds is the account's: set it there, where it is saved.
        if name in self._OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self.account(), name, value)

    def __getattr__(self, name: str):
        # Only reached for attributes not set above: the rest of the account.
        if name.startswith("__") or name == "_account":
            raise AttributeError(name)
        return getattr(self.account(), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SignedIn | User):
            return other.id == self.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("user", self.id))
