"""Forms for peer suggestions: saying hello, and "not for me"."""
from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from netapp.forms_common import Form
from netapp.services.peers import MESSAGE_MAX


class HelloForm(Form):
    message = TextAreaField(
        "Your message",
        validators=[DataRequired(message="Write a few words to say hello."),
                    Length(max=MESSAGE_MAX,
                           message=f"Please keep it under {MESSAGE_MAX} characters.")],
        description="A line or two: who you are and why you'd like to talk. They'll see your "
                    "name.")


class DismissForm(Form):
    back = HiddenField(default="peers")
