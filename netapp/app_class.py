"""The Flask application class: Flask, with each page address built once per process.

Also kept once per process, as they are the same for every request: whether each request hook
is a coroutine (Flask asks for every hook of every request, about 20 a page), the session
cookie's signing serializer for the current secret keys, and each session cookie already read
with them (its signature checked once; its age checked on every request).

A page builds many addresses (the header's menu alone has eight), and building one takes
Werkzeug's router 10 to 40 microseconds, so a page spent up to a millisecond on them. An
address inside a request depends only on the endpoint, its values and where the site is
mounted (the request's script root), so ``url_for`` keeps each one it builds. Addresses with an
anchor, a method, a scheme or for outside the site (``_external``) are built each time, as
are those outside a request or with values that cannot be kept (lists).
"""
from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.globals import _cv_request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.routing import IntegerConverter

from netapp.models.base import LARGEST_ID

__all__ = ["IdConverter", "KeptSerializerSessions", "NetworkApp"]

# Addresses kept at most; past this the whole store starts again (ids in addresses make the
# set of addresses grow with the data).
MOST = 8192


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` in addresses, no larger than any id can be: ``/members/99999999999``
    names no one, so it is a 404 (a number past 32 bits would fail in PostgreSQL)."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per set of keys
    (Flask builds it afresh on every request; a new ``SECRET_KEY`` or fallback makes a new one)."""

    def __init__(self) -> None:
        self._kept: tuple[tuple, Any] | None = None
        self._opened: dict[str, tuple[Any, int, str]] = {}

    def open_session(self, app: Flask, request: Any):
        """Flask's ``open_session``, with each cookie's signature checked once per process and
        keys: a cookie seen before is read from its kept contents, if it is not too old."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._opened.get(cookie)
        if (kept is not None and kept[0] is serializer
                and 0 <= int(time.time()) - kept[1] <= max_age):
            return self.session_class(self.serializer.loads(kept[2]))
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._opened) >= MOST:
            self._opened.clear()
        self._opened[cookie] = (serializer, int(signed_at.timestamp()), self.serializer.dumps(data))
        return self.session_class(data)

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        serializer = super().get_signing_serializer(app)
        self._kept = (keys, serializer)
        return serializer


class NetworkApp(Flask):
    session_interface = KeptSerializerSessions()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url_map.converters["int"] = IdConverter  # before any route is added
        self.session_interface = KeptSerializerSessions()  # one per app: each has its keys
        self._built: dict[tuple, str] = {}
        self._sync: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        try:
            return self._sync[func]
        except KeyError:
            pass
        except TypeError:  # a callable that cannot be kept
            return super().ensure_sync(func)
        made = super().ensure_sync(func)
        if len(self._sync) >= MOST:
            self._sync.clear()
        self._sync[func] = made
        return made

    def url_for(self, endpoint: str, *, _anchor: str | None = None,
                _method: str | None = None, _scheme: str | None = None,
                _external: bool | None = None, **values: Any) -> str:
        request_context = _cv_request.get(None)
        if (request_context is None or _anchor is not None or _method is not None
                or _scheme is not None or _external):
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        request = request_context.request
        if endpoint[:1] == ".":  # relative to the blueprint serving this request
            endpoint = f"{request.blueprint}{endpoint}" if request.blueprint else endpoint[1:]
        key = (request.script_root, endpoint, *sorted(values.items()))
        try:
            return self._built[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be kept (a list of query values)
            return super().url_for(endpoint, **values)
        address = super().url_for(endpoint, **values)
        if len(self._built) >= MOST:
            self._built.clear()
        self._built[key] = address
        return address
