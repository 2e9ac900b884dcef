"""Administration: accounts, roles and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from netapp.admin import routes  # noqa: E402,F401
