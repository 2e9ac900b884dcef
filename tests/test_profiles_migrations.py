"""Migrations 0002-0003 run up and down on SQLite and PostgreSQL, and match the models."""
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db
from tests.conftest import PG_URL, require


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    require(bool(PG_URL), "TEST_DATABASE_URL is not set: run the suite with scripts/test.sh")
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_upgrade_loads_the_framework_and_downgrade_removes_it(empty_database):
    config = type("MigrationConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database})
    app = create_app(config)
    with app.app_context():
        upgrade(revision="0001_initial")
        db.session.execute(sa.text(
            "INSERT INTO users (email, password_hash, display_name, is_active_account, created_at) "
            "VALUES ('a@example.org', 'x', 'A', true, CURRENT_TIMESTAMP)"))
        db.session.execute(sa.text("INSERT INTO profiles (user_id, meets_online, mentor_capacity, "
                                   "updated_at) VALUES (1, true, 0, CURRENT_TIMESTAMP)"))
        db.session.commit()
        upgrade()
        counts = {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                  for table in ("frameworks", "framework_dimensions", "framework_elements",
                                "framework_levels", "topics", "networks")}
        assert counts == {"frameworks": 1, "framework_dimensions": 7, "framework_elements": 28,
                          "framework_levels": 4, "topics": 13, "networks": 3}
        codes = db.session.scalars(sa.text("SELECT code FROM framework_elements ORDER BY id")).all()
        assert codes[:5] == ["PQ1", "PQ2", "PQ3", "PQ4", "WO1"] and codes[-1] == "DS4"
        # The existing profile row got the new columns' defaults.
        row = db.session.execute(sa.text(
            "SELECT mentor_note, visibility FROM profiles WHERE user_id = 1")).one()
        assert row[0] == "" and row[1] in ("{}", {})

        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"

        db.session.remove()
        downgrade(revision="0001_initial")
        tables = set(sa.inspect(db.engine).get_table_names())
        assert "frameworks" not in tables and "network_memberships" not in tables
        assert "mentor_note" not in {c["name"] for c in sa.inspect(db.engine).get_columns("profiles")}
        upgrade()  # and up again, cleanly
        db.session.remove()
        db.engine.dispose()
