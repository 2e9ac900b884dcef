"""Networks that end isolation: the directory of networks and their pages, events, discussions,
leadership stories, the member directory, peer suggestions and the isolation index."""
from flask import Blueprint

bp = Blueprint("networks", __name__)

# Route modules register their routes on ``bp`` when imported; each new module is added to the
# import below.
from netapp.networks import (  # noqa: E402,F401
    discussions,
    events,
    isolation,
    pages,
    peers,
    stories,
)
