"""Administration: accounts, roles, the audit log and the recruitment kit's questions."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from netapp.admin import organisations, recruitment, resources, routes  # noqa: E402,F401
