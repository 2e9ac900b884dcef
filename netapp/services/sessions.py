"""Signed-in browsers: one database row per login, found through a random token in the cookie.

How a browser stays signed in
-----------------------------
Each login (``sign_in``) creates a ``UserSession`` row and a random token
(``secrets.token_urlsafe(32)``). The row keeps only the token's SHA-256; the token itself goes
into Flask's signed session cookie, where Flask-Login keeps whatever ``User.get_id()`` returns:
here the token, never the user id. On each request the token's hash finds the row, with what
every page needs of the person (``signed_in.find``: on PostgreSQL from this process's kept
sessions, which every change to them reaches at once, see ``session_keeper``). So a cookie is
only as good as its row:

- deleting the row ends that browser's session at once: logout, "sign out everywhere", a
  password change (every other browser) or reset (all), closing, reopening or erasing the
  account (all);
- a cookie can only ever open the account its row belongs to, so even if an id were reused
  after an erasure, an old cookie opens nothing;
- the account must still be open: a closed account's rows are deleted, and checked anyway.

"Keep me logged in" is a second random token in its own cookie (``REMEMBER_COOKIE``), stored
as ``remember_hash`` on the same row with an expiry 30 days after the login (fixed, never
extended). It is read only when the session cookie has no live row, for example after the
browser was closed. Each use replaces both tokens, so the old remember cookie stops working
the moment a new one is issued, and ending the session ends it too. Flask-Login's own
remember cookie (derived from the user id, valid 30 days whatever happens) is never set.

Flask-Login's ``session_protection`` is off. Its "strong" mode binds the session to the
client's address and browser string, and a session it restored from its remember cookie got
no identifier, so the next request was treated as stolen and signed out: the "keep me logged
in logs me out on the second request" bug. With revocable server-side sessions the address
check adds little (a phone moving between Wi-Fi and mobile data would be signed out), and the
browser string is trivially copied along with a stolen cookie.

A session without "keep me logged in" ends after ``IDLE_LIMIT`` without use. ``last_seen_at``
is written at most once every ``SEEN_EVERY``, not on every request.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from netapp.extensions import db, login_manager
from netapp.models import Profile, User, UserSession
from netapp.models.base import utcnow
from netapp.services import signed_in
from netapp.services.signed_in import SignedIn

__all__ = [
    "REMEMBER_COOKIE", "BrowserRow", "account", "current", "end_session", "end_sessions",
    "ago", "describe_browser", "init_app", "renew", "sign_in", "sign_out", "sign_out_everywhere",
]

REMEMBER_COOKIE = "keep_me_logged_in"
# Flask-Login's cookie name; old copies of it are removed from browsers that still send one.
_LEGACY_REMEMBER_COOKIE = "remember_token"
IDLE_LIMIT = timedelta(hours=12)
SEEN_EVERY = timedelta(minutes=5)
_CLEAR = "clear"


def init_app(app: Flask) -> None:
    """Load users through their session row, and write the remember cookie after requests."""
    login_manager.session_protection = None
    login_manager.user_loader(_load_from_session_cookie)
    login_manager.request_loader(_load_from_remember_cookie)
    app.before_request(_forget_earlier_requests)
    app.after_request(_write_remember_cookie)


def _forget_earlier_requests() -> None:
    # Flask reuses an application context that is already pushed (as tests do), and with it
    # ``g``: each request must still load its own user from its own cookies.
    for name in ("_login_user", "user_session", "user_session_id", "remember_cookie"):
        g.pop(name, None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_agent() -> str:
    return (request.headers.get("User-Agent") or "")[:200]


def _is_live(row: UserSession | None, now: datetime) -> bool:
    if row is None or row.user is None or not row.user.is_active:
        return False
    if row.remember_expires_at is not None:
        return row.remember_expires_at > now
    return row.last_seen_at > now - IDLE_LIMIT


def _with_person(column) -> sa.Select:
    # One statement for the session row, its user, their roles and profile (with its
    # organisation), for a browser coming back with its remember cookie. Built once.
    person = joinedload(UserSession.user)
    return (sa.select(UserSession).where(column == sa.bindparam("digest"))
            .options(person.joinedload(User.roles),
                     person.joinedload(User.profile).joinedload(Profile.organisation)))


_BY_REMEMBER_TOKEN = _with_person(UserSession.remember_hash)


def _live_row(by: sa.Select, digest: str) -> UserSession | None:
    """The session row whose token (``by``: session or remember) has this digest, if it may
    still be used; a dead row is deleted."""
    row = db.session.scalars(by, {"digest": digest}).unique().one_or_none()
    now = utcnow()
    if row is not None and not _is_live(row, now):
        db.session.delete(row)
        db.session.commit()
        return None
    return row


def _attach(row: UserSession, token: str) -> User:
    """Mark ``row`` as this request's session and give its user the token for Flask-Login."""
    user = row.user
    user.session_token = token
    g.user_session = row
    g.user_session_id = row.id
    return user


def _load_from_session_cookie(token: str) -> SignedIn | None:
    digest = _digest(token)
    found = signed_in.find(digest)
    now = utcnow()
    if found is not None and not found.is_live(now, IDLE_LIMIT):
        db.session.execute(sa.delete(UserSession).where(UserSession.id == found.session_id))
        db.session.commit()
        found = None
    if found is None:
        session.pop("_user_id", None)
        return None
    if now - found.last_seen_at >= SEEN_EVERY:
        db.session.execute(sa.update(UserSession).where(UserSession.id == found.session_id)
                           .values(last_seen_at=now))
        db.session.commit()
    g.user_session_id = found.session_id
    return SignedIn(found, token)


def _load_from_remember_cookie(req) -> User | None:
    token = req.cookies.get(REMEMBER_COOKIE)
    if not token:
        return None
    row = _live_row(_BY_REMEMBER_TOKEN, _digest(token))
    if row is None:
        return None
    # Each use replaces both tokens: a copied remember cookie works once at most.
    user = _issue_tokens(row)
    row.last_seen_at = utcnow()
    row.user_agent = _user_agent()
    db.session.commit()
    session["_user_id"] = user.session_token
    session["_fresh"] = False
    return user


def _issue_tokens(row: UserSession) -> User:
    """Give ``row`` a fresh session token, and a fresh remember token if it had one."""
    token = secrets.token_urlsafe(32)
    row.token_hash = _digest(token)
    if row.remember_hash is not None:
        remember = secrets.token_urlsafe(32)
        row.remember_hash = _digest(remember)
        g.remember_cookie = (remember, row.remember_expires_at)
    return _attach(row, token)


def _write_remember_cookie(response: Response) -> Response:
    pending = g.pop("remember_cookie", None)
    config = current_app.config
    if pending == _CLEAR:
        response.delete_cookie(REMEMBER_COOKIE, path="/",
                               secure=config["REMEMBER_COOKIE_SECURE"], httponly=True,
                               samesite=config["REMEMBER_COOKIE_SAMESITE"])
    elif pending is not None:
        token, expires = pending
        response.set_cookie(REMEMBER_COOKIE, token, expires=expires, path="/",
                            secure=config["REMEMBER_COOKIE_SECURE"],
                            httponly=config["REMEMBER_COOKIE_HTTPONLY"],
                            samesite=config["REMEMBER_COOKIE_SAMESITE"])
    if _LEGACY_REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(_LEGACY_REMEMBER_COOKIE, path="/")
    return response


def sign_in(user: User, *, remember: bool = False) -> UserSession:
    """Start a new session for ``user`` in this browser, kept for 30 days if ``remember``."""
    row = UserSession(user=user, token_hash="", user_agent=_user_agent())
    if remember:
        row.remember_hash = ""  # replaced by _issue_tokens with a real token's hash
        lasts = current_app.config["REMEMBER_COOKIE_DURATION"]  # seconds, as Flask-Login allows
        if not isinstance(lasts, timedelta):
            lasts = timedelta(seconds=lasts)
        row.remember_expires_at = utcnow() + lasts
    _issue_tokens(row)
    db.session.add(row)
    db.session.commit()
    # Nothing from before the login (for example another account's leftovers) carries over.
    session.clear()
    login_user(user)
    if not remember:
        g.remember_cookie = _CLEAR
    return row


def current() -> UserSession | None:
    """This request's session row, once the signed-in user has been loaded."""
    if "user_session" not in g:
        session_id = g.get("user_session_id")
        g.user_session = None if session_id is None else db.session.get(UserSession, session_id)
    return g.user_session


def account() -> User:
    """The signed-in person's full account (a ``User`` row), loaded the first time a request
    asks; most pages need only what ``current_user`` already holds."""
    person = current_user._get_current_object()
    return person.account() if isinstance(person, SignedIn) else person


def renew() -> None:
    """Keep this browser signed in with fresh tokens (after a password change)."""
    row = current()
    if row is None:
        return
    user = _issue_tokens(row)
    db.session.commit()
    session["_user_id"] = user.session_token


def end_sessions(user: User, *, keep: UserSession | None = None) -> int:
    """End every session of ``user`` except ``keep``, and commit. Returns how many ended.

    Also commits whatever else the caller has pending, so call it last (or first) in a change
    that must not leave the person signed in elsewhere.
    """
    query = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    ended = db.session.execute(query).rowcount
    db.session.commit()
    return ended


def sign_out() -> None:
    """End this browser's session: its row, the cookie's user and the remember cookie."""
    row = current()
    if row is not None:
        db.session.execute(sa.delete(UserSession).where(UserSession.id == row.id))
        db.session.commit()
    logout_user()
    g.remember_cookie = _CLEAR


def sign_out_everywhere(user: User) -> int:
    """End every session of ``user``, this browser's included. Returns how many ended."""
    ended = end_sessions(user)
    logout_user()
    g.remember_cookie = _CLEAR
    return ended


def end_session(user: User, session_id: int) -> bool:
    """End one of ``user``'s other sessions; False when they have no such session."""
    mine = current()
    if mine is not None and mine.id == session_id:
        return False
    ended = db.session.execute(
        sa.delete(UserSession).where(UserSession.id == session_id,
                                     UserSession.user_id == user.id)
    ).rowcount
    db.session.commit()
    return ended == 1


@dataclass(frozen=True)
class BrowserRow:
    """One signed-in browser as the account page shows it."""

    id: int
    browser: str
    last_seen: str
    is_this_browser: bool
    kept_signed_in: bool


# Checked in order: Edge and Opera carry "Chrome" too, and Chrome carries "Safari".
_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari")]
_SYSTEMS = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux")]


def describe_browser(user_agent: str) -> str:
    """A plain name for a browser, like "Firefox on Windows", from its User-Agent."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "An unknown browser")


def ago(when: datetime, now: datetime) -> str:
    """How long ago ``when`` was, in words (the account page's list of browsers)."""
    minutes = int((now - when).total_seconds() // 60)
    if minutes < 5:
        return "in the last few minutes"
    if minutes < 60:
        return f"{minutes} minutes ago"
    hours = minutes // 60
    if hours < 24:
        return "1 hour ago" if hours == 1 else f"{hours} hours ago"
    days = hours // 24
    return "yesterday" if days == 1 else f"{days} days ago"
