"""Admin forms."""
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import AnyOf, DataRequired

from netapp.forms_common import Form
from netapp.models import Role

GRANTABLE = (Role.MENTOR, Role.COORDINATOR)


class RoleChangeForm(Form):
    role = SelectField(
        "Role",
        choices=[SelectChoice(r.value, r.label) for r in GRANTABLE],
        validators=[DataRequired(message="Pick a role.")],
    )
    action = HiddenField(validators=[AnyOf(["grant", "remove"], message="Choose grant or remove.")])
