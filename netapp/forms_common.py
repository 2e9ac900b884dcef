"""The base of every form: text fields refuse hidden control characters, for free.

Every form in the app subclasses ``Form`` (tests/test_inputs.py fails if a module imports
FlaskForm directly), so a new form gets the check without anyone remembering to add it.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField, TextAreaField
from wtforms.validators import StopValidation

from netapp.services.text import (
    display_name_problem,
    hidden_character_problem,
    normalise_display_name,
)

__all__ = ["DisplayName", "EmptyForm", "Form"]


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


class Form(FlaskForm):
    """FlaskForm plus the plain-text check on every text field.

    Passwords are left alone: they are only ever hashed, never shown or sent anywhere, and
    refusing one now could lock someone out of an account whose password was set before.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                check = _PlainText(multiline=isinstance(field, TextAreaField))
                field.validators = [check, *field.validators]
            return field


class EmptyForm(Form):
    """Only a CSRF token, for buttons that POST."""


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
