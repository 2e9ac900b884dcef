"""Forms for accounts."""
from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from netapp.forms_common import DisplayName, Form
from netapp.forms_common import EmptyForm as EmptyForm  # one EmptyForm, re-exported here
from netapp.models import User

PASSWORD_MIN = 10


def _new_password(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(message="Choose a password."),
            Length(min=PASSWORD_MIN, max=200,
                   message=f"Use at least {PASSWORD_MIN} characters: a short phrase works well."),
        ],
        description=(
            f"At least {PASSWORD_MIN} characters. A few words strung together is easy to remember."
        ),
    )


def _email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message="Enter your email address."),
            Email(message="Enter an email address like name@example.org.",
                  check_deliverability=False),
            Length(max=254, message="That email address is too long."),
        ],
    )


class SignupForm(Form):
    display_name = StringField(
        "Your name",
        validators=[DataRequired(message="Tell us your name."), DisplayName(),
                    Length(max=120, message="Please keep your name under 120 characters.")],
    )
    email = _email_field()
    password = _new_password()
    confirm = PasswordField(
        "Password again",
        validators=[DataRequired(message="Type your password again."),
                    EqualTo("password", message="The two passwords don't match.")],
    )


class LoginForm(Form):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")


class ResetRequestForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password = _new_password("New password")
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(message="Type your new password again."),
                    EqualTo("password", message="The two passwords don't match.")],
    )


class ChangePasswordForm(Form):
    current = PasswordField("Current password",
                            validators=[DataRequired(message="Enter your current password.")])
    password = _new_password("New password")
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(message="Type your new password again."),
                    EqualTo("password", message="The two passwords don't match.")],
    )


class ChangeEmailForm(Form):
    email = _email_field("New email address")
    password = PasswordField("Current password",
                             validators=[DataRequired(message="Enter your current password.")])

    def validate_email(self, field: EmailField) -> None:
        # Only the person's own address is named here: whether any other address has an
        # account is never said (see accounts.request_email_change).
        if User.normalise_email(field.data) == current_user.email:
            raise ValidationError("That's already your email address.")


class DeactivateForm(Form):
    password = PasswordField("Your password",
                             validators=[DataRequired(message="Enter your password to confirm.")])
    confirm = BooleanField(
        "I understand I will be logged out and can't log back in",
        validators=[DataRequired(message="Tick the box to confirm.")],
    )

