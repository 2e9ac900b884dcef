"""The Flask application class: Flask, with each page address built once per process.

A page builds many addresses (the header's menu alone has eight), and building one takes
Werkzeug's router 10 to 40 microseconds, so a page spent up to a millisecond on them. An
address inside a request depends only on the endpoint, its values and where the site is
mounted (the request's script root), so ``url_for`` keeps each one it builds. Addresses with an
anchor, a method, a scheme or for outside the site (``_external``) are built each time, as
are those outside a request or with values that cannot be kept (lists).
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.globals import _cv_request

__all__ = ["NetworkApp"]

# Addresses kept at most; past this the whole store starts again (ids in addresses make the
# set of addresses grow with the data).
MOST = 8192


class NetworkApp(Flask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._built: dict[tuple, str] = {}

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
