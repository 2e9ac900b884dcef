"""Network discussions: threads and replies in sanitised Markdown, editing, reports, hiding, the
weekly digest. (Being built for issue 12; the functions below are the contract the network page
uses.)"""
from __future__ import annotations

from netapp.models import DiscussionThread, User


def recent_threads(network_id: int, viewer: User, limit: int = 5) -> list[DiscussionThread]:
    """The network's most recently active threads (fixed number of queries)."""
    return []
