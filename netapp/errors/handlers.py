"""Calm error pages in the site's layout."""
from flask import current_app, render_template
from flask_wtf.csrf import CSRFError

from netapp.errors import bp
from netapp.extensions import db

MESSAGES = {
    400: ("Something was wrong with that request",
          "Please go back and try again."),
    403: ("You don't have access to this page",
          "If you think you should, please ask a programme coordinator."),
    404: ("We can't find that page",
          "It may have moved, or the link may be mistyped."),
    405: ("That didn't work",
          "Please go back and use the buttons on the page."),
    413: ("That was too much to send",
          "Forms here take typed text only, with no files. Please go back, shorten what you "
          "entered and try again."),
    429: ("Too many tries",
          "For your safety we've paused this for a little while. "
          "Please wait a minute and try again."),
    500: ("Sorry, something went wrong on our side",
          "We've been told about it. Please try again in a few minutes."),
}


def _render(code: int, detail: str | None = None):
    title, text = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title,
                           text=detail or text), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return _render(400, "The form had expired. Please go back, reload the page and try again.")


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
def client_error(error):
    return _render(error.code)


@bp.app_errorhandler(429)
def too_many(error):
    # A limit written with its own message (say, how long to wait) shows that message.
    own = getattr(getattr(error, "limit", None), "error_message", None)
    return _render(429, error.description if own else None)


@bp.app_errorhandler(500)
def server_error(error):
    db.session.rollback()
    current_app.logger.exception("Unhandled error: %s", getattr(error, "original_exception", error))
    return _render(500)
