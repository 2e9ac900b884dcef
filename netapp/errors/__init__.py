"""Friendly error pages, app-wide."""
from flask import Blueprint

bp = Blueprint("errors", __name__)

from netapp.errors import handlers  # noqa: E402,F401
