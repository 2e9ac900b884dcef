"""Telling every process that reference data changed (PostgreSQL only).

Each app process keeps a copy of the framework, topics, networks, councils and regions
(netapp/services/reference.py). A statement that changes one of their tables, from any process,
psql or a migration, sends ``NOTIFY netapp_reference, '<table>'`` when it commits; each process
hears it on the connection it already listens on for sign-in changes
(netapp/services/session_keeper.py) and empties the copies that table feeds before its next
read. One notice per table and transaction: PostgreSQL folds identical notices together.
"""
from __future__ import annotations

import sqlalchemy as sa

from netapp.extensions import db

REFERENCE_CHANNEL = "netapp_reference"
REFERENCE_TABLES = ("frameworks", "framework_dimensions", "framework_elements",
                    "framework_levels", "topics", "networks", "local_authorities", "regions")
REFERENCE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION netapp_reference_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{REFERENCE_CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$
"""


def reference_trigger(table: str) -> str:
    """The ``CREATE TRIGGER`` statement for ``table``: once per statement, whatever it did."""
    return (f"CREATE TRIGGER {table}_reference_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION netapp_reference_changed()")


sa.event.listen(db.metadata, "after_create",
                sa.DDL(REFERENCE_FUNCTION).execute_if(dialect="postgresql"))
for _table in REFERENCE_TABLES:
    sa.event.listen(db.metadata, "after_create",
                    sa.DDL(reference_trigger(_table)).execute_if(dialect="postgresql"))
