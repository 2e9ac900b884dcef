"""Helpers shared by the model modules."""
import enum
from datetime import UTC, datetime

import sqlalchemy as sa

# The largest id a row can have: ids (and the numbers pages pass to the database, such as a
# page number) are 32-bit integers in PostgreSQL, so anything larger names nothing.
LARGEST_ID = 2_147_483_647


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def stored_enum(cls: type[enum.Enum]) -> sa.Enum:
    """An enum stored as its values in a short string column (no database enum type, so adding
    a value needs no type migration on PostgreSQL)."""
    return sa.Enum(cls, native_enum=False, length=16,
                   values_callable=lambda e: [m.value for m in e])


def create_with_table(table: sa.Table, functions: list[str],
                      triggers: dict[str, list[str]]) -> None:
    """Create ``functions`` (PostgreSQL) and then each dialect's ``triggers`` right after
    ``table`` (and so after the tables its foreign keys name), when ``create_all`` makes it."""
    for sql in functions:
        sa.event.listen(table, "after_create", sa.DDL(sql).execute_if(dialect="postgresql"))
    for dialect, statements in triggers.items():
        for sql in statements:
            sa.event.listen(table, "after_create", sa.DDL(sql).execute_if(dialect=dialect))
