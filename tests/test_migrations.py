"""Migrations build the same schema as the models, upgrade from empty and downgrade, on both databases."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db
from tests.conftest import PG_URL, require


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path):
    """A brand-new empty database URL (its own SQLite file, or its own PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    require(bool(PG_URL), "TEST_DATABASE_URL is not set: run the suite with scripts/test.sh")
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _app(url):
    return create_app(type("MigrateConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


def test_upgrade_matches_models_then_downgrade_empties(empty_database):
    app = _app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"the models and migrations differ: {diff}"
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()  # and up again, cleanly
        assert "users" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
