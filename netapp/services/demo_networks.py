"""Demo networks data: leads and follows, events past and upcoming with RSVPs and a waitlist,
discussions with replies, leadership stories, and everyone's isolation index.

Called by ``seed_demo`` before its one commit; bulk inserts and no commit here. Each part has
its own random stream derived from the one passed in, so the same seed gives the same data and
adding one part does not change another's.
"""
from __future__ import annotations

import random
from datetime import datetime


def seed_networks(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
                  now: datetime) -> None:
    """Add the demo networks data. ``special`` maps "member", "coordinator" ... to user ids."""
    base = rng.randrange(2**32)
    parts = (
        _seed_leads_and_follows,   # network pages (leads, follows)
        _seed_events,              # events, RSVPs, waitlist, attendance
        _seed_discussions,         # discussions, replies, reports; stories and thanks
        _seed_isolation,           # peer hellos; the isolation index (last: it reads the rest)
    )
    for offset, part in enumerate(parts):
        part(random.Random(base + offset), profile_rows, special, now)


def _seed_leads_and_follows(rng, profile_rows, special, now) -> None:
    from netapp.services.demo_network_pages import seed_leads_and_follows

    seed_leads_and_follows(rng, profile_rows, special, now)


def _seed_events(rng, profile_rows, special, now) -> None:
    from netapp.services.demo_events import seed_events

    seed_events(rng, profile_rows, special, now)


def _seed_discussions(rng, profile_rows, special, now) -> None:
    from netapp.services.demo_discussions import seed_discussions

    seed_discussions(rng, profile_rows, special, now)


def _seed_isolation(rng, profile_rows, special, now) -> None:
    from netapp.services.demo_peers import seed_peers

    seed_peers(rng, profile_rows, special, now)
