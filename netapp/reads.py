"""A page's rows: one statement built once per process, sent to PostgreSQL as its SQL text.

Executing a statement through SQLAlchemy works out its parameters and its result's shape again
on every run, and a session checks out and returns a connection around it: about 0.2 ms of
Python a page, more than the most pages spend in the database. ``rows`` does that work once
per statement (the statements handed to it are built once per process and kept) and sends the
text straight to psycopg, then reads each column through its SQLAlchemy type as an execution
would, so the rows hold the same values (an enum member, a number, a time).

What stays as before:

- **The transaction.** Inside a session that has begun (it has read or written earlier in the
  request), the statement runs on the session's connection and so sees what the request has
  written. Otherwise a page that only reads has no transaction (``netapp.database``), and the
  statement runs on a pooled connection taken for it alone and handed back at once.
- **The engine's events.** The text goes through ``before_cursor_execute`` and
  ``after_cursor_execute`` as any statement, so it is counted (tests/statements.py) and seen by
  ``netapp.database`` like any other. Their ``context`` is a ``Sent``: the connection, cursor,
  statement and parameters, with room for a listener's own notes (a timer's start), in place
  of SQLAlchemy's execution context, whose making is the work skipped here.
- **Errors.** A driver error comes back as SQLAlchemy's (``sa.exc.DBAPIError`` and its kinds),
  and a connection that has gone is dropped from the pool, as SQLAlchemy does.
- **SQLite** (and any other driver) executes the statement on the session's connection as before.

A statement whose text changes with the caller's values (a list of theirs spread into it on
each run) is executed by SQLAlchemy as it stands. Hand ``rows`` only statements built once per
process: a plan is found again by the statement itself, not by what it says.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from netapp.extensions import db

__all__ = ["Sent", "driver_rows", "raw_rows", "rows", "scalar"]


@dataclass(slots=True)
class _Plan:
    """How one statement is sent and read back on one dialect, worked out once."""

    statement: Any  # kept so that its id is not reused while the plan lives
    text: str | None  # None: executed by SQLAlchemy as it stands
    constants: dict = field(default_factory=dict)  # the code's own values in the statement
    row: Any = None  # the namedtuple type of its rows
    types: tuple = ()  # each result column's SQLAlchemy type
    converts: tuple = ()  # (name, converter) of the caller's values a type converts
    readers: tuple | None = None  # (place, converter) of the columns a type converts


class Sent:
    """The ``context`` the engine's events get for a statement sent by ``rows`` or
    ``driver_rows``. A listener may set attributes of its own on it."""

    def __init__(self, connection: Any, cursor: Any, statement: str, parameters: dict) -> None:
        self.connection, self.cursor = connection, cursor
        self.statement, self.parameters = statement, parameters


# Plans kept at most. The statements handed to ``rows`` are built once per process (a page's
# statement, or one of a few of its shapes), so this is never reached in use; should a
# statement be built on every request, its plans start again rather than grow without end.
MOST_PLANS = 1024
_PLANS: dict[int, _Plan] = {}


def rows(statement: sa.Select | sa.CompoundSelect, params: dict) -> list:
    """The rows of ``statement`` run with ``params``, as named tuples (read by place and by
    name, as SQLAlchemy's rows are), each value read through its column's type."""
    return _rows(statement, params, typed=True)


def raw_rows(statement: sa.Select | sa.CompoundSelect, params: dict) -> list:
    """``rows``, but on PostgreSQL with each value as psycopg gives it (an enum as its text, a
    JSON value parsed), saving the types' work: for callers that read either. Elsewhere, and
    for a statement SQLAlchemy must execute, the values are read through their types."""
    return _rows(statement, params, typed=False)


def _rows(statement: sa.Select | sa.CompoundSelect, params: dict, typed: bool) -> list:
    engine = db.engine
    dialect = engine.dialect
    if dialect.driver == "psycopg":
        plan = _plan(statement, dialect, params)
        if plan.text is not None:
            sent = {**plan.constants, **params} if plan.constants else params
            if plan.converts:
                sent = dict(sent) if sent is params else sent
                for name, convert in plan.converts:
                    if name in sent:
                        sent[name] = convert(sent[name])
            found, description = _send(engine, plan.text, sent, tuple)
            if not typed:
                return [plan.row._make(row) for row in found]
            if plan.readers is None:
                _learn_columns(plan, description, dialect)
            return _typed(plan, found)
    return db.session.connection().execute(statement, params).all()


def scalar(statement: sa.Select | sa.CompoundSelect, params: dict) -> Any:
    """The first column of the first row of ``rows(statement, params)``, or None if none."""
    found = rows(statement, params)
    return found[0][0] if found else None


def driver_rows(text: str, params: dict) -> list:
    """The rows of SQL ``text`` (in psycopg's ``%(name)s`` style) run with ``params`` on
    PostgreSQL, as named tuples of the values psycopg gives (no SQLAlchemy type reads them)."""
    from psycopg.rows import namedtuple_row

    return _send(db.engine, text, params, namedtuple_row)[0]


def _send(engine: sa.Engine, text: str, sent: dict, row_factory: Any) -> tuple[list, Any]:
    """(rows, cursor description) of ``text``: on the session's connection if its transaction
    has begun, otherwise on a pooled connection taken for this statement alone."""
    import psycopg

    session = db.session
    in_session = session.registry.has() and session.registry().in_transaction()
    connection = session.connection() if in_session else engine.connect()
    try:
        raw = connection.connection.driver_connection
        cursor = raw.cursor(row_factory=row_factory) if row_factory is not tuple else raw.cursor()
        try:
            context = Sent(connection, cursor, text, sent)
            connection.dispatch.before_cursor_execute(connection, cursor, text, sent, context,
                                                      False)
            cursor.execute(text, sent)
            found = cursor.fetchall()
            connection.dispatch.after_cursor_execute(connection, cursor, text, sent, context,
                                                     False)
            return found, cursor.description
        except psycopg.Error as error:
            gone = connection.dialect.is_disconnect(error, raw, cursor)
            if gone:
                connection.invalidate(error)
            raise sa.exc.DBAPIError.instance(text, sent, error, psycopg.Error,
                                             connection_invalidated=gone,
                                             dialect=connection.dialect) from error
        finally:
            cursor.close()
    finally:
        if not in_session:
            connection.close()


def _typed(plan: _Plan, found: list) -> list:
    make, readers = plan.row._make, plan.readers
    if not readers:
        return [make(row) for row in found]
    out = []
    for row in found:
        values = list(row)
        for place, read in readers:
            values[place] = read(values[place])
        out.append(make(values))
    return out


def _plan(statement: Any, dialect: Any, params: dict) -> _Plan:
    key = id(statement)
    plan = _PLANS.get(key)
    if plan is not None and plan.statement is statement:
        return plan
    if len(_PLANS) >= MOST_PLANS:
        _PLANS.clear()
    plan = _PLANS[key] = _make_plan(statement, dialect, params)
    return plan


def _make_plan(statement: Any, dialect: Any, params: dict) -> _Plan:
    if not isinstance(statement, sa.Select | sa.CompoundSelect):
        return _Plan(statement, None)
    if isinstance(statement, sa.Select) and any(
            described.get("entity") is not None and described.get("expr") is described["entity"]
            for described in statement.column_descriptions):
        raise ValueError("reads.rows reads plain columns: a statement of whole ORM objects "
                         "belongs to the session")
    compiled = statement.compile(dialect=dialect)
    if compiled.positional:
        return _Plan(statement, None)
    # Values written into the text on each run (a list spread out, a literal) stay the same
    # only if they are the code's own, not the caller's.
    late = {compiled.bind_names[bind]
            for bind in (*compiled.literal_execute_params, *compiled.post_compile_params)}
    if late & params.keys():
        return _Plan(statement, None)
    state = compiled.construct_expanded_state(params)
    converters = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                  for name, bind in compiled.binds.items()}
    converters.update(state.processors)
    converts = tuple((name, converters[name]) for name in params if converters.get(name))
    # Each of the code's own values as its type sends it (a JSON key as the key), once.
    constants = {name: converters[name](value) if converters.get(name) else value
                 for name, value in state.parameters.items() if name not in params}
    columns = compiled._result_columns  # (key, name, objects, type) of each, in order
    row = namedtuple("Row", [column[0] for column in columns], rename=True)  # noqa: PYI024
    return _Plan(statement, state.statement, constants, row,
                 tuple(column[3] for column in columns), converts)


def _learn_columns(plan: _Plan, description: Any, dialect: Any) -> None:
    """The columns' converters (``result_processor``), once the first run has said what
    each column's database type is."""
    readers = []
    description = description or ()
    for place, (kind, column) in enumerate(zip(plan.types, description, strict=False)):
        read = kind.dialect_impl(dialect).result_processor(dialect, column.type_code)
        if read is not None:
            readers.append((place, read))
    plan.readers = tuple(readers)
