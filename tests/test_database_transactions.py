"""How each request's transaction ends (netapp/database.py).

A request that only read ends with COMMIT on PostgreSQL, so the connection keeps the statements
psycopg prepared and PostgreSQL does not plan them again on the next page; anything that wrote,
or failed, is rolled back exactly as before, on both databases. On PostgreSQL a request that
only reads runs without a transaction at all; a change, a lock, a server-side cursor or a COPY
begins one; and a connection that died while idle in the pool is replaced without an error.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Topic, User
from tests.factories import make_user
from tests.statements import prepared_after_pages


def _prepared() -> int:
    return db.session.scalar(sa.text(
        "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM users%'"))


def _read_a_user(user_id: int) -> None:
    db.session.execute(sa.select(User.email).where(User.id == user_id)).all()


POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)])  # its prepared statements


@POSTGRES_ONLY
def test_a_connection_keeps_its_prepared_statements_between_requests(app):
    with app.app_context():
        user = make_user(email="pat@example.org")
        # One thread, one request after another: the pool hands back the same connection.
        for _ in range(7):
            _read_a_user(user.id)
            db.session.remove()  # as at the end of each request
        assert _prepared() == 1, "the read was planned afresh on every request"


@POSTGRES_ONLY
def test_pages_that_only_read_keep_them_too(app, client, auth, users):
    auth.login("member@example.org")
    prepared = prepared_after_pages(client, "/me")
    assert prepared and max(prepared) > 0, "the page's statements were planned afresh each time"


def test_a_change_that_was_not_committed_is_still_rolled_back(app):
    with app.app_context():
        db.session.add(Topic(code="left-behind", name="Left behind"))
        db.session.flush()  # written to the database inside the transaction, never committed
        db.session.remove()
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(Topic).where(Topic.code == "left-behind")) == 0


def test_a_statement_that_changes_rows_without_the_orm_is_rolled_back(app):
    with app.app_context():
        user_id = make_user(email="pat@example.org", name="Pat Lee").id
        db.session.remove()
        # A read first, then a change: the change decides how the transaction ends.
        _read_a_user(user_id)
        db.session.execute(sa.update(User).where(User.id == user_id)
                           .values(display_name="Someone Else"))
        db.session.remove()
        assert db.session.get(User, user_id).display_name == "Pat Lee"


def test_a_failed_statement_leaves_the_connection_usable(app):
    with app.app_context():
        user_id = make_user(email="pat@example.org").id
        db.session.remove()
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text("SELECT no_such_column FROM users"))
        db.session.remove()
        assert db.session.get(User, user_id).email == "pat@example.org"


# ---------------------------------------------------------------- a transaction only when needed


def _raw():
    """The psycopg connection under the session's current transaction."""
    return db.session.connection().connection.dbapi_connection


def _status():
    from psycopg.pq import TransactionStatus

    return TransactionStatus(_raw().info.transaction_status).name


@pytest.fixture
def other_connection(app):
    """A second connection of its own, as another request in another process would have."""
    import psycopg

    with app.app_context():
        args, kwargs = db.engine.dialect.create_connect_args(db.engine.url)
    with psycopg.connect(*args, **kwargs, autocommit=True) as connection:
        yield connection


@POSTGRES_ONLY
def test_a_page_that_only_reads_runs_no_transaction(app):
    with app.app_context():
        user_id = make_user(email="pat@example.org").id
        db.session.remove()
        _read_a_user(user_id)
        # No BEGIN was sent: the connection sits idle, not inside a transaction.
        assert _status() == "IDLE"
        db.session.execute(sa.update(User).where(User.id == user_id).values(display_name="Pat"))
        assert _status() == "INTRANS"
        _read_a_user(user_id)
        assert _status() == "INTRANS", "a read after a change left its transaction"
        db.session.remove()


@POSTGRES_ONLY
def test_rows_locked_by_a_select_stay_locked_until_the_end(app, other_connection):
    import psycopg

    with app.app_context():
        user_id = make_user(email="pat@example.org").id
        db.session.remove()
        db.session.execute(sa.select(User.id).where(User.id == user_id).with_for_update()).all()
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other_connection.execute(
                "SELECT id FROM users WHERE id = %s FOR UPDATE NOWAIT", (user_id,))
        db.session.commit()
        assert other_connection.execute(
            "SELECT id FROM users WHERE id = %s FOR UPDATE NOWAIT", (user_id,)).fetchone()


@POSTGRES_ONLY
def test_an_advisory_lock_is_held_until_the_end(app, other_connection):
    with app.app_context():
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(4242)"))
        taken = other_connection.execute("SELECT pg_try_advisory_xact_lock(4242)").fetchone()
        assert taken == (False,), "the lock ended with its statement"
        db.session.remove()
        assert other_connection.execute(
            "SELECT pg_try_advisory_xact_lock(4242)").fetchone() == (True,)


@POSTGRES_ONLY
def test_a_read_in_chunks_gets_every_row(app):
    with app.app_context():
        ids = {make_user(email=f"pat{n}@example.org").id for n in range(5)}
        db.session.remove()
        # yield_per reads through a server-side cursor, which lives only inside a transaction.
        rows = db.session.execute(sa.select(User.id).execution_options(yield_per=2))
        assert {row.id for row in rows} >= ids
        db.session.remove()


@POSTGRES_ONLY
def test_a_connection_that_died_while_idle_is_replaced_unseen(app, other_connection,
                                                           monkeypatch):
    from netapp import database

    with app.app_context():
        user_id = make_user(email="pat@example.org").id
        db.session.remove()
        pid = db.session.scalar(sa.select(sa.func.pg_backend_pid()))
        db.session.remove()  # back in the pool
        other_connection.execute("SELECT pg_terminate_backend(%s)", (pid,))
        monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)  # it has lain idle long enough
        assert db.session.get(User, user_id).email == "pat@example.org"
        assert db.session.scalar(sa.select(sa.func.pg_backend_pid())) != pid
        db.session.remove()


@POSTGRES_ONLY
def test_a_long_statement_is_converted_once(app):
    # psycopg turns a statement's placeholders into $1, $2, ... and keeps the result only for
    # short statements unless told otherwise: a page's long statement paid ~0.15 ms each run.
    from psycopg import _queries

    with app.app_context():
        user_id = make_user(email="pat@example.org").id
        db.session.remove()
        padding = " ".join(f"'{n:04}' AS c{n}," for n in range(600))  # over 4,096 bytes
        statement = sa.text(f"SELECT {padding} email FROM users WHERE id = :id")
        db.session.execute(statement, {"id": user_id}).one()
        before = _queries._query2pg.cache_info().hits
        assert db.session.execute(statement, {"id": user_id}).one().email == "pat@example.org"
        assert _queries._query2pg.cache_info().hits == before + 1
        db.session.remove()
