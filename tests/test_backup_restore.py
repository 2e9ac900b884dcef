"""Back up with scripts/backup.sh (pg_dump), restore into a new database with pg_restore, and the
site works there with every row."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db
from netapp.services.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.conftest import PG_URL, AuthActions, require

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.postgres


@pytest.fixture
def new_database():
    """Make brand-new PostgreSQL databases on the test server; all dropped afterwards."""
    require(bool(PG_URL), "TEST_DATABASE_URL is not set: run the suite with scripts/test.sh")
    server = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    made = []

    def make() -> str:
        name = f"backup_{uuid.uuid4().hex[:10]}"
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return PG_URL.rsplit("/", 1)[0] + f"/{name}"

    yield make
    with server.connect() as conn:
        for name in made:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def _app(url: str):
    return create_app(type("BackupConfig", (TestingConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "localhost"}))


def _row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                    for name in names}
    finally:
        engine.dispose()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_a_backup_restores_into_a_new_database_with_every_row_and_the_site_works(
        new_database, tmp_path):
    # A live site: migrated, with (small) demo data.
    source = new_database()
    live = _app(source)
    with live.app_context():
        upgrade()
        seeded = live.test_cli_runner().invoke(args=["seed-demo", "--members", "300"])
        assert seeded.exit_code == 0, seeded.output
        db.session.remove()
        db.engine.dispose()

    # The routine backup, as cron or a systemd timer runs it (the app's own URL is accepted).
    folder = tmp_path / "backups"
    done = subprocess.run(["bash", str(ROOT / "scripts" / "backup.sh"), str(folder)],
                          env={**os.environ, "DATABASE_URL": source, "KEEP": "2"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    dump = Path(done.stdout.strip())
    assert dump.parent == folder and dump.name.startswith("netapp-") and dump.suffix == ".dump"
    assert oct(dump.stat().st_mode & 0o777) == "0o600"  # the dump holds personal data
    assert not list(folder.glob("*.partial"))

    # Restore, as docs/deploy.md says, into a new empty database.
    target = new_database()
    restored = subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
         f"--dbname={_libpq(target)}", str(dump)],
        capture_output=True, text=True, timeout=300)
    assert restored.returncode == 0, restored.stderr

    before, after = _row_counts(source), _row_counts(target)
    assert after == before  # every table, every row (alembic_version included)
    assert before["users"] >= 300 and before["alembic_version"] == 1
    assert sum(before.values()) > 500

    # The site runs on the restored copy: migrations have nothing to do, the demo member logs in.
    app = _app(target)
    with app.app_context():
        upgrade()
        client = app.test_client()
        response = AuthActions(client).login(f"member@{DEMO_DOMAIN}", DEMO_PASSWORD)
        assert response.status_code == 302, response.get_data(as_text=True)
        home = client.get("/home")
        assert home.status_code == 200
        assert "Log out" in home.get_data(as_text=True)
        assert client.get("/healthz").get_json() == {"status": "ok"}
        db.session.remove()
        db.engine.dispose()


def test_old_backups_beyond_keep_are_removed(new_database, tmp_path):
    source = new_database()
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20250101T000000Z", "20250102T000000Z", "20250103T000000Z"):
        (folder / f"netapp-{stamp}.dump").write_bytes(b"old")
    done = subprocess.run(["bash", str(ROOT / "scripts" / "backup.sh"), str(folder)],
                          env={**os.environ, "DATABASE_URL": source, "KEEP": "2"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["netapp-20250103T000000Z.dump", Path(done.stdout.strip()).name]


def test_a_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    done = subprocess.run(["bash", str(ROOT / "scripts" / "backup.sh"), str(tmp_path)],
                          env={**os.environ, "DATABASE_URL": "sqlite:///instance/x.sqlite3"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "must be a PostgreSQL URL" in done.stderr
    assert not list(tmp_path.iterdir())
