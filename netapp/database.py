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

A page that only reads has no transaction at all. Each pooled connection is handed out in
autocommit mode, and the transaction begins (psycopg sends BEGIN) just before the first
statement that needs one: anything but a plain SELECT, a SELECT that locks rows (FOR UPDATE, FOR
SHARE) or takes an advisory lock, and a server-side cursor (``yield_per``). Code that sends work
straight to psycopg (COPY) takes its connection through ``driver_connection_in_transaction``.
Under READ COMMITTED, PostgreSQL's default and ours, every statement in a transaction sees the
data committed when that statement starts, exactly as a statement on its own does, so the
SELECTs before the first change see what they would have seen inside it; from that first change
on, everything is one transaction as before. A read-only page so saves the BEGIN and COMMIT
round trips, two of a one-statement page's four.

The pool checks a connection before handing it out only when it has lain idle for
``PING_AFTER_IDLE_S`` (SQLAlchemy's pessimistic check, from its checkout event): a connection
in constant use saves that round trip too. A database restarted under load costs each process
at most one failed request, after which SQLAlchemy replaces every connection of its pool.
"""
from __future__ import annotations

import re
import time
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import Flask

from netapp.extensions import db

# Kept in the pool's record of each connection, which lasts as long as the connection.
_WROTE = "netapp.wrote"
_IDLE_SINCE = "netapp.idle_since"

# A connection idle this long is checked with a round trip before it is handed out.
PING_AFTER_IDLE_S = 2.0

# A SELECT that locks must run inside the transaction that holds the lock.
_LOCKS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|pg_advisory",
                    re.IGNORECASE)


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
    sa.event.listen(engine, "checkout", _hand_out)
    sa.event.listen(engine, "checkin", _take_back)
    _keep_long_statements_converted()
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
    # Many rows given to one INSERT (``session.execute(insert(X), rows)``) go as a few
    # INSERT ... VALUES of up to a thousand rows each, as SQLAlchemy sends them with RETURNING,
    # rather than one statement a row. Besides saving the round trips, the kept mentoring
    # pool's triggers (models/mentoring_pool.py) then work out the people of a thousand rows at
    # once: one statement a row made seeding 25,000 profiles refresh the pool 25,000 times.
    engine.dialect.use_insertmanyvalues_wo_returning = True


# psycopg keeps its conversion of a statement (placeholders to $1, $2, ...) only for statements up
# to 4,096 bytes, and converts a longer one afresh on every run: about 0.15 ms for a 7 KB statement
# such as home's or a network page's. Its limit guards against ORMs' multi-row INSERTs, each one
# new; those carry more than 50 parameters, which psycopg still never keeps. The site's long
# statements are built once per process, the same text every time.
KEEP_CONVERTED_UP_TO = 32_768


def _keep_long_statements_converted() -> None:
    from psycopg import _queries

    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", 0) < KEEP_CONVERTED_UP_TO:
        _queries.MAX_CACHED_STATEMENT_LENGTH = KEEP_CONVERTED_UP_TO


def _note_writes(conn, cursor, statement: str, _parameters, _context, _executemany) -> None:
    wrote = statement.lstrip()[:6].upper() != "SELECT"
    if wrote:
        conn.info[_WROTE] = True
    raw = conn.connection.dbapi_connection
    if raw.autocommit and (wrote or _locks(statement) or _server_side(cursor)):
        raw.autocommit = False  # psycopg begins the transaction with this statement


@lru_cache(maxsize=1024)
def _locks(statement: str) -> bool:
    """Whether the statement takes a row lock or an advisory lock. Kept per statement: a
    page's statements come from SQLAlchemy's cache, the same each time, and searching a long
    one cost a page up to 0.4 ms."""
    return _LOCKS.search(statement) is not None


def driver_connection_in_transaction(session: Any) -> Any:
    """The psycopg connection under ``session``, inside the session's transaction.

    Work sent straight to psycopg (COPY) passes by SQLAlchemy's events, so it cannot begin the
    transaction itself: without this it would be committed the moment it ran, whatever
    happened to the rest of the transaction after it. Take the connection through here.
    """
    connection = session.connection()
    raw = connection.connection.driver_connection
    if raw.autocommit:  # PostgreSQL; a SQLite connection has no such switch here
        raw.autocommit = False
    connection.info[_WROTE] = True
    return raw


def _server_side(cursor: Any) -> bool:
    import psycopg

    return isinstance(cursor, psycopg.ServerCursor)  # a cursor lives only in a transaction


def _hand_out(raw: Any, record: Any, _proxy: Any) -> None:
    """Pool checkout: autocommit until a statement needs a transaction; ping if it lay idle."""
    idle_since = record.info.pop(_IDLE_SINCE, None)
    try:
        raw.autocommit = True
        if idle_since is None or time.monotonic() - idle_since >= PING_AFTER_IDLE_S:
            with raw.cursor() as cursor:
                cursor.execute(";")
    except Exception as error:  # noqa: BLE001 - a dead connection: the pool makes a new one
        raise sa.exc.DisconnectionError(str(error)) from error


def _take_back(_raw: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


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
