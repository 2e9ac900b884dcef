"""Mentoring: coordinators' matching rounds, mentors' offers, members' suggestions and requests,
and the page a mentor and mentee share."""
from flask import Blueprint

bp = Blueprint("mentoring", __name__)

# Route modules register their routes on ``bp`` when imported; each new module is added to the
# import below.
from netapp.mentoring import offers, relationship, rounds, suggestions  # noqa: E402,F401
