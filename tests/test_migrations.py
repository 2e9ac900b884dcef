"""Migrations build the same schema as the models, upgrade from empty and downgrade.

Checked on both databases.
"""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db


def _app(url):
    return create_app(type("MigrateConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


# SQLite's reflection skips an index on an expression (organisations by name, 0018), so on
# SQLite those are not compared; PostgreSQL compares them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
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


def test_ids_are_never_reused_after_a_delete(empty_database_url):
    # An erased account's id handed to the next sign-up would let its old cookies and links
    # point at a stranger, so the migrated schema must never give a deleted id out again.
    app = _app(empty_database_url)
    with app.app_context():
        upgrade()
        users = sa.table("users", sa.column("id"), sa.column("email"), sa.column("password_hash"),
                         sa.column("display_name"), sa.column("is_active_account"),
                         sa.column("created_at"))
        row = {"password_hash": "x", "display_name": "Z", "is_active_account": True,
               "created_at": sa.func.current_timestamp()}
        with db.engine.begin() as conn:
            first = conn.execute(users.insert().values(email="z@example.org", **row)
                                 .returning(users.c.id)).scalar_one()
            conn.execute(users.delete().where(users.c.id == first))
            second = conn.execute(users.insert().values(email="y@example.org", **row)
                                  .returning(users.c.id)).scalar_one()
        assert second > first
        db.engine.dispose()
