"""Demo data for the networks area (being built); called from demo_networks.seed_networks."""
from __future__ import annotations

import random
from datetime import datetime


def seed_events(rng: random.Random, profile_rows: list[dict], special: dict[str, int],
        now: datetime) -> None:
    """Bulk inserts, no commit."""
