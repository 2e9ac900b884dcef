"""Action learning sets: members asking to join, coordinators forming sets, and each set's own
pages and meetings."""
from flask import Blueprint

bp = Blueprint("sets", __name__)

# Route modules register their routes on ``bp`` when imported; each new module is added to the
# import below.
from netapp.sets import calendar, formation, meetings, requests, set_pages  # noqa: E402,F401
