"""App-wide rules for every request: no NUL, no file uploads, nothing personal kept in caches."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, abort, current_app, request
from flask_login import current_user

from netapp.models.base import LARGEST_ID

# Bytes a form with a file may carry beyond the file itself (the CSRF token, field names).
FORM_OVERHEAD = 64 * 1024


def whole_number(value: str) -> int:
    """A query argument read as a whole number (``request.args.get(name, 1, type=whole_number)``):
    as ``int``, but a number no id or page can be (beyond 32 bits) counts as not given, so
    the page shows what it shows for a missing one instead of failing in the database."""
    number = int(value)
    if not -LARGEST_ID <= number <= LARGEST_ID:
        raise ValueError(value)
    return number


# The largest page number a list takes: with at most a few hundred rows a page, the rows it
# skips stay within the database's 32-bit numbers.
LARGEST_PAGE = 1_000_000


def page_number(value: str) -> int:
    """A page number from the query (``request.args.get("page", 1, type=page_number)``): as
    ``int``, but one past any list's pages (beyond ``LARGEST_PAGE``) counts as not given."""
    number = int(value)
    if number > LARGEST_PAGE:
        raise ValueError(value)
    return number


def takes_file(limit_setting: str, field: str = "file") -> Callable:
    """Mark a view that takes one uploaded file, in ``field``, of at most
    ``config[limit_setting]`` bytes (a file in any other field is still a 400).

    Put it under ``@bp.route`` so the registered view carries the mark. The view must check
    the file's size itself and say so in words: a body bigger than the limit plus the form
    gets a 413 here, which the view's blueprint can answer in its own words.
    """
    def mark(view: Callable) -> Callable:
        view.upload_limit_setting = limit_setting
        view.upload_field = field
        return view

    return mark


def upload_limit_setting() -> str | None:
    """The size setting of the view this request goes to, if it takes a file."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "upload_limit_setting", None)


def refuse_file_parts() -> None:
    """Only a page marked ``takes_file`` takes a file, so elsewhere a file part can only be a
    mistake or a probe: 400.

    Flask-WTF mixes uploaded files into form data, so a file sent in a text field used to reach
    the form as an object instead of text and broke it with a 500. Reading ``request.files``
    here also applies MAX_CONTENT_LENGTH (413) before any view runs.
    """
    req = request._get_current_object()  # every page runs this: one lookup, not one a use
    # A NUL can't be stored in PostgreSQL text and is never typed on purpose: a search or a link
    # holding one gets a 400 rather than a database error.
    if "\x00" in req.path or any("\x00" in value for value in req.args.values()):
        abort(400)
    setting = upload_limit_setting()
    # Only someone signed in may send a big file: the body is read before the view's own
    # checks, so a visitor must not make the server read 50 MB to be told to log in.
    if setting is not None and req.method == "POST" and current_user.is_authenticated:
        req.max_content_length = current_app.config[setting] + FORM_OVERHEAD
    length = req.content_length
    if length:  # no declared body (most GETs) is never over the limit
        limit = req.max_content_length
        if limit is not None and length > limit:
            abort(413)  # said up front: refused before a byte of the body is read
    # Werkzeug reads files only from a body with a Content-Type: without one there are none.
    if req.environ.get("CONTENT_TYPE") and req.files:
        view = current_app.view_functions.get(req.endpoint or "")
        if setting is None or set(req.files) - {getattr(view, "upload_field", None)}:
            abort(400)


def no_store(response: Response) -> Response:
    """Only static files may be kept by browsers and proxies.

    Every other page may show someone's own data, a token link or a form with a CSRF token, so
    the one simple rule is that none of it is stored: a shared computer's back button or a proxy
    cache cannot show one person's pages to the next.
    """
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.before_request(refuse_file_parts)
    app.after_request(no_store)
