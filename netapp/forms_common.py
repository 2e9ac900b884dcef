"""The base of every form: text fields refuse hidden control characters, for free.

Every form in the app subclasses ``Form`` (tests/test_inputs.py fails if a module imports
FlaskForm directly), so a new form gets the check without anyone remembering to add it.
"""
from __future__ import annotations

import time

from flask import current_app, g, session
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF, generate_csrf
from markupsafe import Markup, escape
from wtforms import Field, PasswordField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import StopValidation

from netapp import form_html
from netapp.services.text import (
    display_name_problem,
    hidden_character_problem,
    normalise_display_name,
)

__all__ = ["PLAIN_WORDS", "DisplayName", "EmptyForm", "Form", "signed_token", "token_input"]

# A session's signed CSRF token is kept this long per process and given to its next pages:
# signing costs about 30 microseconds a page, and a token seconds older is as good (tokens
# last WTF_CSRF_TIME_LIMIT, hours). Kept at most _MOST_SIGNED, then the store starts again.
KEEP_SIGNED_FOR = 30.0
_MOST_SIGNED = 4096
_signed: dict[tuple, tuple[float, str]] = {}


def signed_token(secret_key=None, token_key=None) -> str:
    """Flask-WTF's ``generate_csrf``: this session's token signed, the same for every form of
    a request, and kept for KEEP_SIGNED_FOR seconds per session token and secret key."""
    name = token_key or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if name in g:
        return g.get(name)
    secret = (secret_key or current_app.config.get("WTF_CSRF_SECRET_KEY")
              or current_app.secret_key)
    raw = session.get(name)
    now = time.monotonic()
    if isinstance(raw, str) and secret:
        kept = _signed.get((secret, name, raw))
        if kept is not None and now - kept[0] < KEEP_SIGNED_FOR:
            setattr(g, name, kept[1])
            return kept[1]
    token = generate_csrf(secret_key, token_key)
    raw = session.get(name)  # made by generate_csrf for a new session
    if isinstance(raw, str) and secret:
        if len(_signed) >= _MOST_SIGNED:
            _signed.clear()
        _signed[(secret, name, raw)] = (now, token)
    return token


class _KeptTokenCSRF(_FlaskFormCSRF):
    """Flask-WTF's form CSRF, with the signed token from ``signed_token``."""

    def generate_csrf_token(self, csrf_token_field):
        return signed_token(self.meta.csrf_secret, self.meta.csrf_field_name)


class _PlainText:
    """Refuse control characters (NUL included) before any other check sees the text."""

    def __init__(self, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if isinstance(field.data, str):
            problem = hidden_character_problem(field.data, multiline=self.multiline)
            if problem:
                # Stop here: later checks (and any database lookup) never see the raw bytes.
                raise StopValidation(problem)


# WTForms' own messages, as a member should read them. Every form gets these through
# Form.Meta, so no page says "Not a valid integer value" or "could not be coerced".
PLAIN_WORDS = {
    "Not a valid integer value.": "Enter a whole number, for example 4.",
    "Not a valid decimal value.": "Enter a number, for example 2.5.",
    "Not a valid float value.": "Enter a number, for example 2.5.",
    "Not a valid choice.": "Choose one of the options shown.",
    "Invalid Choice: could not coerce.": "Choose one of the options shown.",
    "Invalid choice(s): one or more data inputs could not be coerced.":
        "Choose from the options shown.",
    "'%(value)s' is not a valid choice for this field.": "Choose from the options shown.",
    "'%(value)s' are not valid choices for this field.": "Choose from the options shown.",
    "Not a valid date value.": "Enter a date, for example 31/12/2026.",
    "Not a valid datetime value.": "Enter a date and time, for example 31/12/2026 14:30.",
    "Not a valid time value.": "Enter a time, for example 14:30.",
    "Not a valid week value.": "Enter a week, for example 2026-W48.",
    "This field is required.": "Please fill this in.",
    "Invalid input.": "Please check what you entered here.",
}


class _PlainWords:
    """A WTForms translations object that swaps its stock messages for PLAIN_WORDS."""

    def gettext(self, string: str) -> str:
        return PLAIN_WORDS.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """FlaskForm plus the plain-text check on every text field, and WTForms' messages in plain
    words.

    Passwords are left alone: they are only ever hashed, never shown or sent anywhere, and
    refusing one now could lock someone out of an account whose password was set before.
    """

    class Meta:
        csrf_class = _KeptTokenCSRF

        def get_translations(self, form):
            return _PlainWords()

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                check = _PlainText(multiline=isinstance(field, TextAreaField))
                field.validators = [check, *field.validators]
            form_html.quick_options(field)
            return field

        def render_field(self, field, render_kw):
            # The CSRF token's hidden input is on every form a page shows, often several times
            # over: written out directly it costs a few microseconds instead of WTForms' widget
            # machinery (about a tenth of a millisecond a form). Same HTML, byte for byte.
            if (isinstance(field, CSRFTokenField) and not render_kw
                    and not getattr(field, "render_kw", None)):
                return Markup(f'<input id="{escape(field.id)}" name="{escape(field.name)}" '
                              f'type="hidden" value="{escape(field._value())}">')
            # Every other field of WTForms' own widgets is written by form_html, the same
            # HTML in a fraction of the time; any other widget writes itself.
            kwargs = form_html.clean_attributes(render_kw)
            other = getattr(field, "render_kw", None)
            if other is not None:
                kwargs = dict(form_html.clean_attributes(other), **kwargs)
            written = form_html.write(field, kwargs)
            return written if written is not None else field.widget(field, **kwargs)


class EmptyForm(Form):
    """Only a CSRF token, for buttons that POST."""


def token_input() -> Markup:
    """What ``EmptyForm().hidden_tag()`` writes, without building the form (a template global).

    A page shown with GET writes its button-only forms' token with this: building a form for
    each costs about a tenth of a millisecond, and the token is the same for every form of a
    request. The POST that handles a button still checks it through its form.
    """
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return Markup("")
    return Markup(f'<input id="csrf_token" name="csrf_token" type="hidden" '
                  f'value="{escape(signed_token())}">')


class DisplayName:
    """A person's name as others will see it: one spelling, no hidden characters, no staff titles.

    Runs first in the field's validators and leaves ``field.data`` normalised (NFC, trimmed,
    single spaces), so the service stores exactly what passed.
    """

    def __call__(self, form: FlaskForm, field: Field) -> None:
        problem = display_name_problem(field.data or "")
        if problem:
            raise StopValidation(problem)
        field.data = normalise_display_name(field.data)
