"""App-wide rules for every request: no NUL, no file uploads, nothing personal kept in caches."""
from __future__ import annotations

from flask import Flask, Response, abort, request


def refuse_file_parts() -> None:
    """No page takes a file, so a file part can only be a mistake or a probe: 400.

    Flask-WTF mixes uploaded files into form data, so a file sent in a text field used to reach
    the form as an object instead of text and broke it with a 500. Reading ``request.files``
    here also applies MAX_CONTENT_LENGTH (413) before any view runs.
    """
    # A NUL can't be stored in PostgreSQL text and is never typed on purpose: a search or a link
    # holding one gets a 400 rather than a database error.
    if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
        abort(400)
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)  # said up front: refused before a byte of the body is read
    if request.files:
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
