"""What the tables the database keeps itself (the mentoring pool, members' strengths) share.

Each is a table of rows worked out from others, kept right by triggers: on PostgreSQL a trigger
per statement passes the people its statement changed (read from its transition tables, so a
large import runs it once) to one function that works out their rows again; on SQLite a
trigger per row does the same for that row's people.
"""
from __future__ import annotations

import sqlalchemy as sa

from netapp.extensions import db

# The transition tables each kind of PostgreSQL statement trigger reads.
REFERENCING = {"INSERT": "NEW TABLE AS netapp_new", "DELETE": "OLD TABLE AS netapp_old",
               "UPDATE": "OLD TABLE AS netapp_old NEW TABLE AS netapp_new"}


def refresh_function(name: str, table: str, lock_key: int, rows_sql: str) -> str:
    """PostgreSQL: function ``name(ids)`` that replaces ``table``'s rows of the people ``ids``
    with those ``rows_sql`` (an INSERT ... SELECT over ``ids``) writes.

    A big change locks the whole table for writing. A small one takes one advisory lock
    (under ``lock_key``) for each of 256 groups of people, not one a person: a transaction
    that changes thousands of people one statement at a time (an import) holds at most 256 of
    PostgreSQL's shared lock slots.
    """
    return f"""
CREATE OR REPLACE FUNCTION {name}(ids integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    IF cardinality(ids) > 64 THEN
        LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        LOCK TABLE {table} IN ROW EXCLUSIVE MODE;
        PERFORM pg_advisory_xact_lock({lock_key}, part)
        FROM (SELECT DISTINCT mod(unnest(ids), 256) AS part ORDER BY 1) AS people;
    END IF;
    DELETE FROM {table} WHERE user_id = ANY(ids);
    {rows_sql};
END
$$
"""


def trigger_function(name: str, refresh: str, ids: str) -> str:
    """PostgreSQL: trigger function ``name`` that passes the people ``ids`` (a SELECT of
    their ids) to the function ``refresh``."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {refresh}(ARRAY({ids}));
    RETURN NULL;
END
$$
"""


def changed_rows(key: str, columns: str, out: str) -> str:
    """The ``out`` of rows an UPDATE statement changed in ``columns`` (or whose ``key``
    changed): both their old and new values."""
    cols = ", ".join(f"{{t}}.{c}" for c in columns.split(", "))
    return (f"SELECT {out.format(t='n')} FROM netapp_new n LEFT JOIN netapp_old o "
            f"ON o.{key} = n.{key} WHERE o.{key} IS NULL OR ({cols.format(t='n')}) "
            f"IS DISTINCT FROM ({cols.format(t='o')}) "
            f"UNION SELECT {out.format(t='o')} FROM netapp_old o LEFT JOIN netapp_new n "
            f"ON n.{key} = o.{key} WHERE n.{key} IS NULL OR ({cols.format(t='n')}) "
            f"IS DISTINCT FROM ({cols.format(t='o')})")


_SCORES_USERS = ("SELECT a.user_id FROM {rows} s JOIN self_assessments a "
                 "ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL")

# PostgreSQL: (table, name, event, the people it changed) for a self-assessment or its scores,
# the people as a SELECT of ids over the transition tables ``netapp_new`` and ``netapp_old``.
ASSESSMENT_TRIGGERS = [
    ("self_assessments", "added", "INSERT",
     "SELECT user_id FROM netapp_new WHERE user_id IS NOT NULL"),
    ("self_assessments", "changed", "UPDATE",
     "SELECT user_id FROM (" + changed_rows("id", "user_id, framework_id, completed_at",
                                            "{t}.user_id")
     + ") AS changed WHERE user_id IS NOT NULL"),
    ("self_assessments", "removed", "DELETE",
     "SELECT user_id FROM netapp_old WHERE user_id IS NOT NULL"),
    ("assessment_scores", "added", "INSERT", _SCORES_USERS.format(rows="netapp_new")),
    ("assessment_scores", "changed", "UPDATE",
     _SCORES_USERS.format(rows="netapp_new") + " UNION "
     + _SCORES_USERS.format(rows="netapp_old")),
    ("assessment_scores", "removed", "DELETE", _SCORES_USERS.format(rows="netapp_old")),
]


def users_removed_trigger(name: str, table: str) -> str:
    """SQLite: trigger ``name`` that deletes an erased account's rows from ``table`` (foreign
    keys may be off on SQLite)."""
    return (f"CREATE TRIGGER {name} AFTER DELETE ON users FOR EACH ROW BEGIN "
            f"DELETE FROM {table} WHERE user_id = OLD.id; END")


def create_with_tables(functions: list[str], triggers: dict[str, list[str]]) -> None:
    """Have ``create_all`` make the PostgreSQL ``functions`` and each dialect's ``triggers``
    once every table is made (the triggers sit on several tables)."""
    for sql in functions:
        sa.event.listen(db.metadata, "after_create", sa.DDL(sql).execute_if(dialect="postgresql"))
    for dialect, statements in triggers.items():
        for sql in statements:
            sa.event.listen(db.metadata, "after_create", sa.DDL(sql).execute_if(dialect=dialect))
