"""Admin forms."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import AnyOf, DataRequired

from netapp.models import Role

GRANTABLE = (Role.MENTOR, Role.COORDINATOR)


class RoleChangeForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice(r.value, r.label) for r in GRANTABLE],
        validators=[DataRequired(message="Pick a role.")],
    )
    action = HiddenField(validators=[AnyOf(["grant", "remove"], message="Choose grant or remove.")])
