"""Helpers shared by the model modules."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
