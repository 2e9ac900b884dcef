"""PostgreSQL: let each connection keep its prepared statements from one request to the next.

psycopg prepares a statement on the server once a connection has run it five times, so that
PostgreSQL plans it once rather than on every run (planning the join that loads a signed-in
person takes three times as long as running it). But psycopg forgets every prepared statement
whenever a transaction is rolled back, and every request that only reads ends that way:
Flask-SQLAlchemy closes the session after each request, which rolls back. So no statement was
ever prepared and every page planned every statement again.

Here a transaction that has only read ends with COMMIT instead. For a transaction that changed
nothing, COMMIT and ROLLBACK leave the database exactly the same, and both release its locks.
A transaction rolls back as before if it ran anything but a SELECT (INSERT, UPDATE, DELETE,
savepoints, DDL, ...) or if a statement in it failed. SQLite is left alone.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from netapp.extensions import db

# Kept in the pool's record of each connection, which lasts as long as the connection.
_WROTE = "netapp.wrote"


def init_app(app: Flask) -> None:
    """Install the read-only commit on the app's PostgreSQL engine (after ``db.init_app``)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        install(engine)


def install(engine: sa.Engine) -> None:
    """End read-only transactions on ``engine`` with COMMIT; anything else rolls back."""
    if getattr(engine.dialect, "_netapp_read_only_commit", False):
        return
    sa.event.listen(engine, "before_cursor_execute", _note_writes)
    rollback = engine.dialect.do_rollback
    commit = engine.dialect.do_commit

    def do_rollback(connection: Any) -> None:
        info, raw = _info(connection), getattr(connection, "dbapi_connection", None)
        if info is None or raw is None:
            rollback(connection)
            return
        wrote = info.pop(_WROTE, False)
        if not wrote and _only_read(raw):
            raw.commit()
        else:
            rollback(connection)

    def do_commit(connection: Any) -> None:
        info = _info(connection)
        if info is not None:
            info.pop(_WROTE, None)
        commit(connection)

    engine.dialect.do_rollback = do_rollback
    engine.dialect.do_commit = do_commit
    engine.dialect._netapp_read_only_commit = True


def _note_writes(conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[_WROTE] = True


def _info(connection: Any) -> dict | None:
    """The pool's lasting record for a pooled connection (None for a connection made apart)."""
    try:
        info = connection.info
    except NotImplementedError:  # the first connection, made while the engine starts
        return None
    return info if isinstance(info, dict) else None


def _only_read(raw: Any) -> bool:
    """True when ``raw`` (a psycopg connection) is inside a transaction that has not failed."""
    from psycopg.pq import TransactionStatus

    return raw.info.transaction_status == TransactionStatus.INTRANS
