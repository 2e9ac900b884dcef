"""Counting the SQL statements a page runs, for the tests that keep that number fixed."""
from __future__ import annotations

import sqlalchemy as sa

from netapp.extensions import db


def statements_per_page(client, paths) -> dict[str, int]:
    """{path: statements run while the page answered 200} for each GET in ``paths``."""
    counts: dict[str, int] = {}
    current = ""

    def count(*_args, **_kwargs):
        counts[current] += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        for current in paths:
            counts[current] = 0
            assert client.get(current).status_code == 200, current
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return counts


def count_statements(client, path: str) -> int:
    """Statements run while ``path`` answered 200."""
    return statements_per_page(client, [path])[path]
