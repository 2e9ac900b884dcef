"""How each request's transaction ends (netapp/database.py).

A request that only read ends with COMMIT on PostgreSQL, so the connection keeps the statements
psycopg prepared and PostgreSQL does not plan them again on the next page; anything that wrote,
or failed, is rolled back exactly as before, on both databases.
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
