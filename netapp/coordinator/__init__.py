"""The coordinator console: the list of members, member imports, the dashboard, the programme
report and exports. Coordinators and admins only (``role_required(Role.COORDINATOR, Role.ADMIN)``
on every route); affinity networks appear only as counts, hidden below 5."""
from flask import Blueprint

bp = Blueprint("coordinator", __name__)

# Route modules register their routes on ``bp`` when imported.
from netapp.coordinator import (  # noqa: E402,F401
    dashboard,
    exports,
    imports,
    members,
    report,
)
