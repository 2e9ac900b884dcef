"""Route guards: every route says who may use it."""
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from netapp.models import Role, User


def role_required(*roles: Role) -> Callable:
    """Allow signed-in users holding any of ``roles``; others get 403 (anonymous: log in)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_account() -> User:
    """The signed-in person's ``User`` row, for services that change or record them.

    ``current_user`` holds only what every page needs (id, name, email, roles); this loads the
    rest once per request (netapp/services/signed_in.py).
    """
    from netapp.services import sessions

    return sessions.account()
