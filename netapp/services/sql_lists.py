"""SQL for a list read inside another statement: a correlated subquery's rows as one JSON list,
so a page reads a record and its short lists in one statement rather than one each.

PostgreSQL orders the list with ``json_agg(... ORDER BY ...)``; SQLite's
``json_group_array`` keeps the order of the ordered subquery it reads from, so the caller
always reads from a subquery ordered by the same keys.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class in_order(FunctionElement):
    """SQL: the values of ``value`` as a JSON list in the order of ``keys`` (an aggregate).
    NULL on PostgreSQL when there are none, ``[]`` on SQLite."""

    type = sa.JSON()
    name = "in_order"
    inherit_cache = True


@compiles(in_order)
def _json_group_array(element, compiler, **kw):
    value = element.clauses.clauses[0]
    return f"json_group_array({compiler.process(value, **kw)})"


@compiles(in_order, "postgresql")
def _json_agg(element, compiler, **kw):
    value, *keys = element.clauses.clauses
    order = ", ".join(compiler.process(key, **kw) for key in keys)
    return f"json_agg({compiler.process(value, **kw)} ORDER BY {order})"


class json_array(FunctionElement):
    """SQL: its arguments as one JSON array (a row of a list ``in_order`` builds)."""

    type = sa.JSON()
    name = "json_array"
    inherit_cache = True


@compiles(json_array)
def _json_array(element, compiler, **kw):
    return f"json_array({compiler.process(element.clauses, **kw)})"


@compiles(json_array, "postgresql")
def _json_build_array(element, compiler, **kw):
    return f"json_build_array({compiler.process(element.clauses, **kw)})"



class one_of(FunctionElement):
    """SQL: ``value`` is among the values of ``rows``, an uncorrelated one-column subquery
    (``select(...).scalar_subquery()``), read once per statement.

    On PostgreSQL ``value = ANY(ARRAY(rows))``: written as ``IN``, inside a correlated
    subquery, the planner joins ``rows`` again for every outer row, as it does the rest of the
    subquery (a directory card's "shares a network" test read every network for each card);
    the array is worked out once. Elsewhere ``value IN (rows)``.
    """

    type = sa.Boolean()
    name = "one_of"
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it stands (no "= 1" added on SQLite)


@compiles(one_of)
def _in_rows(element, compiler, **kw):
    value, rows = element.clauses.clauses
    return f"{compiler.process(value, **kw)} IN {compiler.process(rows, **kw)}"


@compiles(one_of, "postgresql")
def _any_of_array(element, compiler, **kw):
    value, rows = element.clauses.clauses
    return f"{compiler.process(value, **kw)} = ANY(ARRAY{compiler.process(rows, **kw)})"
