"""Counting the SQL statements a page runs, for the tests that keep that number fixed."""
from __future__ import annotations

import threading

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


def prepared_after_pages(client, path: str, times: int = 7) -> list[int]:
    """Open ``path`` ``times`` times, then count the statements each idle pooled connection
    has prepared (PostgreSQL): none when every request planned its statements afresh.

    The requests run in a thread of their own, so each has its own app context, ended (and its
    database session closed) as a served request's is; the test's own context would keep one
    open.
    """
    answers: list[int] = []

    def open_pages() -> None:
        answers.extend(client.get(path).status_code for _ in range(times))

    worker = threading.Thread(target=open_pages)
    worker.start()
    worker.join(timeout=60)
    assert answers == [200] * times, answers
    # Whichever pooled connection served the pages: ask each idle one.
    idle = [db.engine.connect() for _ in range(db.engine.pool.checkedin())]
    try:
        return [c.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar()
                for c in idle]
    finally:
        for connection in idle:
            connection.close()
