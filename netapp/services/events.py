"""Network events: creating, RSVPs with a waitlist, reminders, calendar files, attendance.
(Being built for issue 12; the functions below are the contract the network page uses.)"""
from __future__ import annotations

from netapp.models import Event, User


def upcoming_for_network(network_id: int, viewer: User, limit: int = 3) -> list[Event]:
    """The network's next events the viewer may see, soonest first (fixed number of queries)."""
    return []
