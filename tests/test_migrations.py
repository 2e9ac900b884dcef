"""Migrations build the same schema as the models, upgrade from empty and downgrade.

Checked on both databases.
"""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db


def _app(url):
    return create_app(type("MigrateConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


def test_upgrade_matches_models_then_downgrade_empties(empty_database_url):
    app = _app(empty_database_url)
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
