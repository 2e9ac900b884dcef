"""Build rows with sensible defaults for tests."""
from __future__ import annotations

import itertools
from functools import lru_cache

from werkzeug.security import generate_password_hash

from config import TestingConfig
from netapp.extensions import db
from netapp.models import Role, User
from netapp.models.base import utcnow

DEFAULT_PASSWORD = "correct horse battery"
_seq = itertools.count(1)


@lru_cache(maxsize=8)
def hashed_password(password: str) -> str:
    # Hashed as the tests' app hashes passwords (cheaply); one hash per password.
    return generate_password_hash(password, method=TestingConfig.PASSWORD_HASH_METHOD)


def make_user(
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    roles: list[Role] | tuple[Role, ...] = (),
    verified: bool = True,
    active: bool = True,
) -> User:
    n = next(_seq)
    user = User(
        email=User.normalise_email(email or f"person{n}@example.org"),
        display_name=name or f"Person {n}",
        password_hash=hashed_password(password),
        email_verified_at=utcnow() if verified else None,
        is_active_account=active,
    )
    user.grant(Role.MEMBER)
    for role in roles:
        user.grant(role)
    db.session.add(user)
    db.session.commit()
    return user
