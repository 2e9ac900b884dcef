"""Account lifecycle: sign-up, verification, password reset, email change, deactivation."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from email.utils import parseaddr
from functools import lru_cache
from types import SimpleNamespace

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from netapp.extensions import db
from netapp.models import Role, User, UserSession
from netapp.models.accounts import hash_password
from netapp.models.base import utcnow
from netapp.services import audit, login_limits, sessions
from netapp.services.mail import send_email
from netapp.services.text import normalise_display_name
from netapp.urls import safe_next_path

VERIFY_SALT = "verify-email"
RESET_SALT = "reset-password"
# An invitation (a coordinator's import) lets a new member choose their first password; it lasts
# longer than a reset link, since people open such emails days later. Its own salt, so a reset
# link cannot be stretched to an invitation's age.
INVITE_SALT = "invitation"
CHANGE_EMAIL_SALT = "change-email"


class TokenError(ValueError):
    """A link that is broken, used or too old; the message says which."""


class AccountClosed(Exception):
    """The password was right, but the account is closed; the message says how to reopen it."""


class NotConfirmed(ValueError):
    """The role needs a confirmed email address; the message says so."""


# Roles with power over other people's accounts or data need an address we know is theirs.
ROLES_NEEDING_CONFIRMED_EMAIL = frozenset({Role.COORDINATOR, Role.ADMIN})


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    # Part of a reset token: once the password changes, old reset links stop working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _load(salt: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("That link has expired. Please ask for a new one.") from exc
    except BadSignature as exc:
        raise TokenError("That link is not valid. Please check you copied all of it.") from exc


def find_by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(User.email == User.normalise_email(email))
    ).scalar_one_or_none()


def _dummy_hash() -> str:
    # Hashed the same way as real passwords, so an unknown email takes as long as a known one.
    return _dummy_hash_for(current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(email: str, password: str, address: str | None) -> User | None:
    """The account for ``email`` if ``password`` is right, else None.

    Raises ``login_limits.TooManyTries`` when this email or address has failed too often, and
    ``AccountClosed`` only after the right password for a closed account. An unknown email
    runs the same password hash as a known one, so timing does not tell them apart.
    """
    login_limits.check_login(email, address)
    user = find_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        is_right = False
    else:
        is_right = user.check_password(password)
    if not is_right:
        login_limits.record_login_failure(email, address)
        return None
    if not user.is_active:
        contact = parseaddr(current_app.config["MAIL_SENDER"])[1]
        raise AccountClosed(
            "Your account is closed, so you can't log in. If you'd like it back, "
            f"email {contact} and an admin will reopen it."
        )
    return user


def register(display_name: str, email: str, password: str, next_path: str | None = None) -> User:
    """Create a member account and send the verification email.

    ``next_path`` (already checked as a path on this site) is where the confirmation link leads
    after logging in, e.g. back to a 360 feedback form the person was invited to answer.
    """
    user = User(display_name=normalise_display_name(display_name),
                email=User.normalise_email(email))
    user.set_password(password)
    user.grant(Role.MEMBER)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "account.created", user)
    db.session.commit()
    send_verification(user, next_path)
    return user


def sign_up(display_name: str, email: str, password: str,
            next_path: str | None = None) -> User | None:
    """Start an account for a new address, or tell the holder of a known one; None for known.

    The person signing up is told the same thing either way ("check your email"), so sign-up
    cannot be used to find out who has an account. A known address costs the same password
    hash and one email, like a new one, so timing does not tell them apart either.
    """
    existing = find_by_email(email)
    if existing is None:
        return register(display_name, email, password, next_path)
    hash_password(password)
    _tell_holder_about_sign_up(existing)
    return None


def _tell_holder_about_sign_up(user: User) -> None:
    reset_link = None
    if user.is_active:
        reset_link = _signed_link(RESET_SALT, "auth.reset_password",
                                  {"id": user.id, "fp": _password_fingerprint(user)})
    send_email(user.email, "Someone tried to join with your email address",
               "email/signup_existing.txt", user=user, reset_link=reset_link,
               login_link=url_for("auth.login", _external=True),
               minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60)


def _signed_link(salt: str, endpoint: str, payload: dict) -> str:
    token = _serializer(salt).dumps(payload)
    return url_for(endpoint, token=token, _external=True)


def _email_link(user: User, to: str, salt: str, endpoint: str, subject: str, template: str,
                payload: dict, **context) -> None:
    """Email ``to`` a signed link to ``endpoint`` carrying ``payload``."""
    link = _signed_link(salt, endpoint, payload)
    send_email(to, subject, template, user=user, link=link, **context)


def send_verification(user: User, next_path: str | None = None) -> None:
    payload = {"id": user.id, "email": user.email}
    if next_path:
        payload["next"] = next_path
    _email_link(user, user.email, VERIFY_SALT, "auth.verify_email",
                "Please confirm your email address", "email/verify.txt", payload)


def verification_next(token: str) -> str | None:
    """Where a confirmation link asked to lead after logging in (None: the profile wizard).
    Read only after ``verify_email`` accepted the token; checked again as a same-site path."""
    data = _load(VERIFY_SALT, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    return safe_next_path(data.get("next"))


def verify_email(token: str) -> User:
    data = _load(VERIFY_SALT, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("id"))
    if user is None or user.email != data.get("email"):
        raise TokenError("That link is not valid any more. Please ask for a new one.")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        audit.record(user, "account.email_verified", user)
        db.session.commit()
    return user


def send_password_reset(email: str) -> None:
    """Email a reset link if the address has an active account; say nothing either way."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    _email_link(user, user.email, RESET_SALT, "auth.reset_password", "Reset your password",
                "email/reset.txt", {"id": user.id, "fp": _password_fingerprint(user)},
                minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60)


def invitation_link(user_id: int, password_hash: str) -> str:
    """A link for a new member to choose their first password on the reset page: it works
    once (choosing a password changes the fingerprint) and for INVITE_TOKEN_MAX_AGE."""
    fingerprint = _password_fingerprint(SimpleNamespace(password_hash=password_hash))
    return _signed_link(INVITE_SALT, "auth.reset_password", {"id": user_id, "fp": fingerprint})


def user_for_reset(token: str) -> User:
    """The account a reset link, or an invitation, is for."""
    try:
        data = _load(RESET_SALT, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    except TokenError as not_a_reset:
        try:
            data = _serializer(INVITE_SALT).loads(
                token, max_age=current_app.config["INVITE_TOKEN_MAX_AGE"])
        except SignatureExpired as exc:
            raise TokenError("That invitation has expired. Ask for a new link with "
                             "\"Forgot your password?\" and the address it was sent to.") from exc
        except BadSignature:
            raise not_a_reset from None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.is_active or data.get("fp") != _password_fingerprint(user):
        raise TokenError("That reset link has already been used. Please ask for a new one.")
    return user


def set_password(user: User, password: str, *, action: str = "account.password_changed",
                 keep: UserSession | None = None) -> None:
    """Change the password and end every session but ``keep`` (all of them when None)."""
    user.set_password(password)
    user.email_change_nonce = None  # an email-change link sent before this stops working
    audit.record(user, action, user)
    sessions.end_sessions(user, keep=keep)  # commits the change with it
    if keep is None:
        login_limits.clear_account(user.email)


def request_email_change(user: User, new_email: str) -> None:
    """Email a link to confirm ``new_email``; if another account has it, tell its holder instead.

    Each request puts a fresh random nonce on the account and in the link, so only the newest
    link can work, once. The person asking is told the same either way, so the settings page
    cannot be used to find out who has an account.
    """
    new_email = User.normalise_email(new_email)
    user.email_change_nonce = secrets.token_hex(16)
    db.session.commit()
    holder = find_by_email(new_email)
    if holder is None:
        _email_link(user, new_email, CHANGE_EMAIL_SALT, "auth.confirm_email_change",
                    "Please confirm your new email address", "email/change_email.txt",
                    {"id": user.id, "email": new_email, "nonce": user.email_change_nonce})
    else:
        send_email(new_email, "Someone tried to move their account to your email address",
                   "email/change_email_in_use.txt", user=holder)


def confirm_email_change(token: str) -> User:
    """Move the account to the address in the link, then tell the old address it happened."""
    data = _load(CHANGE_EMAIL_SALT, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("id"))
    new_email = data.get("email", "")
    nonce = data.get("nonce")
    if user is None or not user.is_active:
        raise TokenError("That link is not valid any more.")
    if not (isinstance(nonce, str) and user.email_change_nonce
            and hmac.compare_digest(nonce, user.email_change_nonce)):
        raise TokenError("That link has been used already, or a newer one was sent since. "
                         "To change your email address, ask for a new link on your account page.")
    if find_by_email(new_email) not in (None, user):
        raise TokenError("Another account already uses that email address.")
    old = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    user.email_change_nonce = None
    audit.record(user, "account.email_changed", user, old=old, new=new_email)
    db.session.commit()
    send_email(old, "Your email address has been changed", "email/email_changed.txt",
               user=user, when=utcnow())
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record(user, "account.logged_in", user)
    db.session.commit()


def deactivate(user: User) -> None:
    user.is_active_account = False
    audit.record(user, "account.deactivated", user)
    sessions.end_sessions(user)  # commits the change with it


def set_active(actor: User, user: User, active: bool) -> None:
    """An admin closes or reopens someone's account."""
    if user.is_active_account == active:
        return
    user.is_active_account = active
    audit.record(actor, "account.reopened" if active else "account.closed_by_admin", user)
    # Closing ends every session; reopening starts from none, so nothing from before returns.
    sessions.end_sessions(user)  # commits the change with it


def create_admin(email: str, display_name: str, password: str) -> User:
    user = find_by_email(email)
    if user is None:
        user = User(email=User.normalise_email(email), display_name=display_name)
        db.session.add(user)
        user.grant(Role.MEMBER)
    user.set_password(password)
    user.grant(Role.ADMIN)
    user.email_verified_at = user.email_verified_at or utcnow()
    user.is_active_account = True
    db.session.flush()
    audit.record(None, "account.admin_created", user, via="cli")
    db.session.commit()
    return user


def change_role(actor: User, user: User, role: Role, grant: bool) -> bool:
    """Grant or remove ``role`` for ``user``; return True when something changed.

    Raises ``NotConfirmed`` when granting a staff role to someone whose email is unconfirmed:
    anyone can sign up with any address, so until it is confirmed we don't know who they are.
    """
    if grant and role in ROLES_NEEDING_CONFIRMED_EMAIL and not user.is_verified:
        raise NotConfirmed("They need to confirm their email address first. Ask them to open "
                           "the link we emailed them, then try again.")
    changed = user.grant(role) if grant else user.revoke(role)
    if changed:
        audit.record(actor, "role.granted" if grant else "role.removed", user, role=role.value)
        db.session.commit()
    return changed
