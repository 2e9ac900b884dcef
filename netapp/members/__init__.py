"""Member profiles: onboarding, self-assessment, networks and consent, 360° feedback, my data."""
from flask import Blueprint

bp = Blueprint("members", __name__)

from netapp.members import routes  # noqa: E402,F401
