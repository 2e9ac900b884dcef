"""Member profiles: onboarding, self-assessment, networks and consent, 360° feedback, my data."""
from flask import Blueprint

bp = Blueprint("members", __name__)

# Importing the route modules registers their routes on ``bp``.
from netapp.members import (  # noqa: E402,F401
    feedback,
    my_data,
    networks,
    notifications,
    onboarding,
    profile,
    programme,
    recruitment,
    resources,
)
