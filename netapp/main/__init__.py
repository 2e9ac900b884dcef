"""The public front page and the signed-in home page."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from netapp.main import routes  # noqa: E402,F401
