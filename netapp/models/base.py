"""Helpers shared by the model modules."""
import enum
from datetime import UTC, datetime

import sqlalchemy as sa


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def stored_enum(cls: type[enum.Enum]) -> sa.Enum:
    """An enum stored as its values in a short string column (no database enum type, so adding
    a value needs no type migration on PostgreSQL)."""
    return sa.Enum(cls, native_enum=False, length=16,
                   values_callable=lambda e: [m.value for m in e])
