"""Test fixtures: an app per test on SQLite and on PostgreSQL, an SMTP sink, and login helpers."""
from __future__ import annotations

import functools
import os
import re
import socket
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import jinja2
import jinja2.bccache
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from config import TestingConfig
from netapp import create_app
from netapp.extensions import db
from netapp.services import session_keeper

IN_CI = os.environ.get("CI", "").lower() == "true"


def _keep_url_builders() -> None:
    """Build each URL rule's two small functions once per process, not once per test's app.

    Werkzeug writes a function per rule (and a second for extra query values) as Python code
    and compiles it when the rule joins an app's URL map: about 50 ms of each test's app. The
    code depends only on what the key below holds; the function it makes reads the rule's
    converters through the rule it is bound to, so each app's rules still use their own.
    """
    from werkzeug.routing.rules import Rule

    build = getattr(Rule, "_compile_builder", None)
    if build is None:  # another Werkzeug: build as it does
        return
    built: dict[tuple, object] = {}

    def compile_builder(self, append_unknown: bool = True):
        key = (self.rule, self.subdomain, self.host, self.map.host_matching, self.merge_slashes,
               tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        function = built.get(key)
        if function is None:
            function = built[key] = build(self, append_unknown)
        return function

    Rule._compile_builder = compile_builder


_keep_url_builders()


class _TemplateCode(jinja2.BytecodeCache):
    """Each template's compiled code kept in memory for the whole process, so the app a test
    makes loads it instead of compiling the template again (Jinja checks the source is the
    same before using it)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _TemplateCode()


def _worker_database(url: str) -> str:
    """The PostgreSQL database for this test process.

    scripts/test.sh runs the suite in two processes (pytest-xdist). Each gets its own database
    on the throwaway server, made empty here, so one process's truncations never touch the
    other's rows. The environment is updated too, for tests that start subprocesses.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    name = f"test_{worker}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    worker_url = url.rsplit("/", 1)[0] + f"/{name}"
    os.environ["TEST_DATABASE_URL"] = worker_url
    return worker_url


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL", ""))


def require(condition: bool, reason: str) -> None:
    """Skip locally when a service is missing; under CI a missing service fails the run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run, not skip)")
    pytest.skip(reason)


# ---------------------------------------------------------------- the SMTP sink


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """Messages received by the local SMTP sink."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str) -> str:
        """The first http link in the newest message to ``address``."""
        sent = self.to(address)
        assert sent, f"no email was sent to {address}"
        body = sent[-1].get_payload(decode=True).decode()
        match = re.search(r"https?://\S+", body)
        assert match, f"no link in the email to {address}"
        return match.group(0)


@pytest.fixture(scope="session")
def smtp_sink():
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_sink) -> Mailbox:
    box, _ = smtp_sink
    box.clear()
    return box


# ---------------------------------------------------------------- databases


def empty_database() -> None:
    """Remove every row the test wrote (and on PostgreSQL start its ids again at 1)."""
    global _PG_EMPTY
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(_emptying(tuple(t.name for t in tables)))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        _PG_EMPTY = True


@functools.cache
def _emptying(names: tuple[str, ...]) -> sa.TextClause:
    """One PostgreSQL block that deletes every row of ``names`` and starts each sequence that
    gave out an id again at 1, as a new database would. Foreign keys are not checked while it
    runs (every row goes), nor do triggers fire. A few milliseconds, where a TRUNCATE of every
    table took about 40 (it makes their files anew)."""
    tables = ", ".join(f"'{name}'" for name in names)
    return sa.text(f"""DO $$
DECLARE name text;
BEGIN
    PERFORM set_config('session_replication_role', 'replica', true);
    FOREACH name IN ARRAY ARRAY[{tables}] LOOP
        EXECUTE 'DELETE FROM ' || quote_ident(name);
    END LOOP;
    FOR name IN SELECT sequencename FROM pg_sequences
                WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
        PERFORM setval(quote_ident(name), 1, false);
    END LOOP;
    PERFORM set_config('session_replication_role', 'origin', true);
END $$""")


_PG_SCHEMA_READY = False
# The schema in an in-memory SQLite database, made once per process (``_sqlite_schema``).
_SQLITE_TEMPLATE: sqlite3.Connection | None = None
# Whether this process's PostgreSQL database was emptied after the last app made on it (the
# fixtures empty it when a test ends): a new app then starts without emptying it again.
_PG_EMPTY = False


def _make_app(backend: str, smtp_port: int, **overrides):
    global _PG_SCHEMA_READY, _PG_EMPTY
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "SERVER_NAME": "localhost"}
    if backend == "postgres":
        require(bool(PG_URL), "TEST_DATABASE_URL is not set: run the suite with scripts/test.sh")
        settings["SQLALCHEMY_DATABASE_URI"] = PG_URL
    else:
        settings["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    settings.update(overrides)
    config = type("PerTestConfig", (TestingConfig,), settings)
    app = create_app(config)
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    with app.app_context():
        if backend == "postgres":
            if not _PG_SCHEMA_READY:
                db.drop_all()
                db.create_all()
                _PG_SCHEMA_READY = True
            elif not _PG_EMPTY:
                empty_database()
            _PG_EMPTY = False  # the test may now write to it
        elif settings["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
            _sqlite_schema()
        else:
            db.create_all()
    return app


def _sqlite_schema() -> None:
    """Give the app's in-memory SQLite database the schema: made by ``create_all`` for the
    first app in a process and kept, then copied into each later one with SQLite's backup (a
    millisecond, against about 40 ms for ``create_all``)."""
    global _SQLITE_TEMPLATE
    with db.engine.connect() as conn:
        database = conn.connection.driver_connection
        if _SQLITE_TEMPLATE is None:
            db.metadata.create_all(conn)
            conn.commit()
            template = sqlite3.connect(":memory:", check_same_thread=False)
            database.backup(template)
            _SQLITE_TEMPLATE = template
        else:
            _SQLITE_TEMPLATE.backup(database)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_database_url(backend, tmp_path):
    """A brand-new empty database: its own SQLite file, or its own PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    require(bool(PG_URL), "TEST_DATABASE_URL is not set: run the suite with scripts/test.sh")
    name = f"empty_{uuid.uuid4().hex[:10]}"
    server = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def app(request, backend, smtp_sink):
    _, port = smtp_sink
    # Marked ``keep_sessions``: live sessions kept per process as in production (PostgreSQL);
    # otherwise read on every request (TestingConfig), so statement counts match across
    # databases.
    keep = {"SIGNED_IN_KEEP_FOR": 60} if request.node.get_closest_marker("keep_sessions") else {}
    app = _make_app(backend, port, **keep)
    with app.app_context():
        yield app
        db.session.remove()
        if backend == "postgres":
            empty_database()
        session_keeper.stop(app)  # its listening connection
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def places(app):
    from tests.reference_rows import load_places

    load_places()


# ---------------------------------------------------------------- people


@pytest.fixture
def users(app):
    """One verified account per role, plus a second member."""
    from netapp.models import Role
    from tests.factories import make_user

    return {
        "member": make_user(email="member@example.org", name="Mina Member"),
        "other_member": make_user(email="other@example.org", name="Otto Other"),
        "mentor": make_user(email="mentor@example.org", name="Meg Mentor", roles=[Role.MENTOR]),
        "coordinator": make_user(email="coord@example.org", name="Cora Coordinator",
                                 roles=[Role.COORDINATOR]),
        "admin": make_user(email="admin@example.org", name="Ada Admin", roles=[Role.ADMIN]),
    }


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = "correct horse battery", remember: bool = False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post("/account/login", data=data)

    def logout(self):
        return self._client.post("/account/logout")

    def as_role(self, users: dict, role: str | None):
        """Log in as the fixture user for ``role`` (None stays anonymous)."""
        if role is not None:
            response = self.login(users[role].email)
            assert response.status_code == 302, "the test user could not log in"


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
