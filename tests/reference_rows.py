"""Reference data for a test: the places, and the framework with its topics and networks.

``ensure_places`` and ``ensure_reference_data`` add about 400 rows through the ORM, some 45 ms
of a PostgreSQL test and 25 ms of a SQLite one, and most tests need them. The first time a
process loads a set into a database that has none of its rows yet, it runs the services and
keeps the rows they wrote. Later, a database in the same state gets those same rows (the same
ids, ``created_at`` set to now) with one INSERT a table, and its cached copies are emptied as
the services' own writes would empty them. A database in any other state gets the services,
as before. Tests of the services themselves call them directly.
"""
from __future__ import annotations

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models.base import utcnow
from netapp.services import reference
from netapp.services.places import ensure_places
from netapp.services.reference import ensure_reference_data

# Each set's tables, parents first, and the services that fill them from nothing.
PLACES = ("regions", "local_authorities")
FRAMEWORK = ("frameworks", "framework_levels", "framework_dimensions", "framework_elements",
             "topics", "networks", "recruitment_questions")
_FILLED_BY = {PLACES: (ensure_places,), FRAMEWORK: (ensure_reference_data,)}

# The rows the services wrote, kept per set of tables (the same on either database).
_KEPT: dict[tuple[str, ...], dict[str, list[dict]]] = {}


def load_places() -> None:
    _load(PLACES)


def load_reference() -> None:
    """The places, then the framework, topics and affinity networks (with the kit's questions)."""
    _load(PLACES)
    _load(FRAMEWORK)


def _load(names: tuple[str, ...]) -> None:
    tables = [db.metadata.tables[name] for name in names]
    fresh = _untouched(tables)
    kept = _KEPT.get(names)
    if fresh and kept is not None:
        _copy(tables, kept)
        return
    for fill in _FILLED_BY[names]:
        fill()
    if fresh:
        _KEPT[names] = {table.name: [dict(row) for row in db.session.execute(
            table.select().order_by(*table.primary_key.columns)).mappings()]
            for table in tables}


def _untouched(tables: list[sa.Table]) -> bool:
    """Whether ``tables`` have no rows and (on PostgreSQL) have never handed out an id, so the
    services would write the very rows they wrote before."""
    if db.session.scalar(sa.select(sa.or_(*(sa.exists().select_from(table)
                                             for table in tables)))):
        return False
    if db.engine.dialect.name != "postgresql":
        return True  # SQLite numbers an empty table's rows from 1 again
    used = db.session.scalar(sa.text(
        "SELECT count(*) FROM pg_sequences "
        "WHERE sequencename = ANY(:names) AND last_value IS NOT NULL"
    ), {"names": [f"{table.name}_id_seq" for table in tables]})
    return used == 0


def _copy(tables: list[sa.Table], kept: dict[str, list[dict]]) -> None:
    now = utcnow()
    for table in tables:
        found = kept[table.name]
        if not found:
            continue
        if "created_at" in table.c:
            found = [{**row, "created_at": now} for row in found]
        db.session.execute(table.insert(), found)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT max(id) FROM {table.name}))"))
    db.session.commit()
    reference.clear()
