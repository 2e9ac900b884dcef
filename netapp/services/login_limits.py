"""Limits on wrong passwords, so guessing is slow: only failures count, never successes.

Logging in counts failures per account (the email typed, whether or not it has an account, so
the limit itself tells nothing) and per client address. A room of managers on one network can
all sign in, since correct passwords never count. Signed-in people who must type their
password again (change password or email, close or erase the account) are counted per account.

Counts live in ``RATELIMIT_STORAGE_URI`` (memory by default, so per process; use a shared store
such as Redis when running more than one process). ``RATELIMIT_ENABLED = False`` turns them off.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from netapp.models import User

__all__ = ["TooManyTries", "check_login", "clear_account", "init_app", "record_login_failure",
           "verify_password"]

class TooManyTries(Exception):
    """Too many wrong passwords; ``seconds`` says how long until trying again is allowed."""

    def __init__(self, seconds: float) -> None:
        self.minutes = max(1, math.ceil(seconds / 60))
        super().__init__(
            "Too many wrong passwords. For your safety we've paused this: please try again in "
            + ("1 minute." if self.minutes == 1 else f"{self.minutes} minutes.")
        )


def init_app(app: Flask) -> None:
    # The limits themselves are settings (config.py: LOGIN_RATE_LIMIT, LOGIN_ACCOUNT_LIMIT,
    # PASSWORD_CHECK_LIMIT).
    storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.extensions["login_limits"] = FixedWindowRateLimiter(storage)


def _counters() -> FixedWindowRateLimiter:
    return current_app.extensions["login_limits"]


def _rules(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _keys(email: str, address: str | None) -> list[tuple[str, tuple[str, ...]]]:
    return [("LOGIN_ACCOUNT_LIMIT", ("login-account", User.normalise_email(email))),
            ("LOGIN_RATE_LIMIT", ("login-address", address or "unknown"))]


def _check(keys: list[tuple[str, tuple[str, ...]]]) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    counters = _counters()
    waits = [counters.get_window_stats(rule, *ids).reset_time - time.time()
             for setting, ids in keys for rule in _rules(setting)
             if not counters.test(rule, *ids)]
    if waits:
        raise TooManyTries(max(waits))


def _hit(keys: list[tuple[str, tuple[str, ...]]]) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    counters = _counters()
    for setting, ids in keys:
        for rule in _rules(setting):
            counters.hit(rule, *ids)


def check_login(email: str, address: str | None) -> None:
    """Raise ``TooManyTries`` if this email or this address has failed too often lately."""
    _check(_keys(email, address))


def record_login_failure(email: str, address: str | None) -> None:
    _hit(_keys(email, address))


def clear_account(email: str) -> None:
    """Forget failed logins for this email (after a password reset proves who is asking)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    for setting, ids in _keys(email, None)[:1]:
        for rule in _rules(setting):
            _counters().clear(rule, *ids)


def verify_password(user: User, password: str) -> bool:
    """Check a signed-in person's password; raise ``TooManyTries`` after too many wrong ones."""
    keys = [("PASSWORD_CHECK_LIMIT", ("password-check", str(user.id)))]
    _check(keys)
    if user.check_password(password):
        return True
    _hit(keys)
    return False
