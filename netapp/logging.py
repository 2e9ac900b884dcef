"""Request ids and logs as JSON lines on standard output, for running the site in production.

Every request gets an id: the ``X-Request-ID`` header a proxy in front sent (when it looks like
an id), or a new one. The id goes back in the response's ``X-Request-ID`` header and into every
log line written while the request is handled, so one person's problem can be followed from
the proxy's log to the app's.

With ``LOG_FORMAT = "json"`` (production's default) each log line is one JSON object on standard
output: time, level, logger, message, request id (when in a request) and the traceback (when
there is one). Otherwise logging is left as Flask sets it up (plain text, for development).
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
# A proxy's id is kept only if it is short and plain, so a log line can never be forged with it.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_log = logging.getLogger("netapp.request")


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    if has_request_context():
        return g.get("request_id")
    return None


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key in ("method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at the time (so a captured stdout is honoured)."""

    def __init__(self) -> None:
        super().__init__()
        self.previous_level = logging.WARNING

    @property
    def stream(self):  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ sets it; stdout is always used
        pass


def install_json_handler(level: int = logging.INFO) -> StdoutHandler:
    """Send every log record (the root logger's) to stdout as JSON lines; once per process."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, StdoutHandler):
            return handler
    handler = StdoutHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    handler.previous_level = root.level
    if root.getEffectiveLevel() > level:
        root.setLevel(level)
    return handler


def remove_json_handler() -> None:
    """Undo ``install_json_handler`` (for tests)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, StdoutHandler):
            root.removeHandler(handler)
            root.setLevel(handler.previous_level)


def _take_request_id() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _GOOD_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _send_request_id(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        request_log.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"method": request.method, "path": request.path,
                   "status": response.status_code, "duration_ms": duration},
        )
    return response


def init_app(app: Flask) -> None:
    # First in line, so even a request refused by a later hook has its id.
    app.before_request_funcs.setdefault(None, []).insert(0, _take_request_id)
    app.after_request(_send_request_id)
    if app.config.get("LOG_FORMAT", "text") == "json":
        install_json_handler()
        # Flask's own handler would print each app.logger line a second time, as text.
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)
