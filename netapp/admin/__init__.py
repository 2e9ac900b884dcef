"""Administration: accounts, roles, the audit log, organisations and reference data."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from netapp.admin import (  # noqa: E402,F401
    organisations,
    recruitment,
    reference,
    resources,
    routes,
)
