"""Migrations 0002-0003 run up and down on SQLite and PostgreSQL, and match the models."""
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db


# SQLite's reflection skips an index on an expression (organisations by name, 0018), so on
# SQLite those are not compared (as in test_migrations.py); PostgreSQL compares them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_upgrade_loads_the_framework_and_downgrade_removes_it(empty_database_url):
    config = type("MigrationConfig", (TestingConfig,),
                  {"SQLALCHEMY_DATABASE_URI": empty_database_url})
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
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("profiles")}
        assert "mentor_note" not in columns
        upgrade()  # and up again, cleanly
        db.session.remove()
        db.engine.dispose()
