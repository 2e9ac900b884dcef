"""Leadership stories: writing, sharing with a network or everyone, thanks, featuring.
(Being built for issue 12; the functions below are the contract the network page uses.)"""
from __future__ import annotations

from netapp.models import Story, User


def featured_for_network(network_id: int, viewer: User) -> Story | None:
    """The story a lead featured on this network's page, if the viewer may read it."""
    return None
