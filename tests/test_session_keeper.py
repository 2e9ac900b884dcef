"""Live sessions kept per process (netapp/services/session_keeper.py).

On PostgreSQL each process keeps the sessions it has read, so a browser seen recently costs no
statement to know who it is. These tests check that nothing kept outlives a change: in the
process that made it at once, in every other process as soon as the database tells it, and
that a process that cannot hear the database reads every session instead.
"""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Role, User, UserSession
from netapp.services import session_keeper
from netapp.services.session_keeper import Keeper
from tests.conftest import AuthActions
from tests.statements import statements_per_page
from tests.waiting import until

# Live sessions kept per process, as in production: these flows must work with them.
pytestmark = pytest.mark.keep_sessions

POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)])  # NOTIFY and triggers


def _keeper(app) -> Keeper:
    return app.extensions[session_keeper._KEY]


def _signed_in_page(client) -> int:
    return client.get("/networks/mine").status_code




@pytest.fixture
def other(app, smtp_sink):
    """A second process on the same database (its own engine, pool and kept sessions).

    Built without emptying the database: the first app's rows are what it must see."""
    from config import TestingConfig
    from netapp import create_app

    _, port = smtp_sink
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "SERVER_NAME": "localhost",
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": app.config["SECRET_KEY"], "SIGNED_IN_KEEP_FOR": 60}
    second = create_app(type("SecondProcess", (TestingConfig,), settings))
    yield second
    session_keeper.stop(second)
    with second.app_context():
        db.engine.dispose()


def _copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


@POSTGRES_ONLY
def test_a_browser_seen_recently_costs_no_statement_to_know_who_it_is(app, client, auth,
                                                                     users):
    auth.login("coord@example.org")
    # The console's menu reads nothing but the person: once, then never while kept.
    assert statements_per_page(client, ["/coordinator/"]) == {"/coordinator/": 1}
    assert statements_per_page(client, ["/coordinator/"]) == {"/coordinator/": 0}


@POSTGRES_ONLY
def test_signing_out_everywhere_ends_a_kept_session_in_this_process_at_once(app, client,
                                                                          auth, users):
    auth.login("member@example.org")
    assert _signed_in_page(client) == 200
    second_browser = app.test_client()
    AuthActions(second_browser).login("member@example.org")
    assert _signed_in_page(second_browser) == 200
    assert len(_keeper(app)) == 2
    answer = second_browser.post("/account/sessions/end-all")
    assert answer.status_code == 302
    # No waiting: the process that made the change forgot the sessions as it committed.
    assert _signed_in_page(client) == 302
    assert _signed_in_page(second_browser) == 302


@POSTGRES_ONLY
def test_a_change_in_another_process_reaches_this_one(app, client, auth, users, other):
    auth.login("member@example.org")
    elsewhere = other.test_client()
    _copy_cookies(client, elsewhere)
    # The other process reads the session once, then keeps it.
    assert _signed_in_page(elsewhere) == 200
    with other.app_context():
        assert len(_keeper(other)) == 1
    # This process ends the session...
    assert client.post("/account/logout").status_code == 302
    # ...and the other one stops letting the old cookie in as soon as the database tells it.
    assert until(lambda: _signed_in_page(elsewhere) == 302)


@POSTGRES_ONLY
def test_a_new_role_given_in_another_process_shows_at_once_there(app, client, auth, users,
                                                                 other):
    auth.login("member@example.org")
    elsewhere = other.test_client()
    _copy_cookies(client, elsewhere)
    assert "My mentees" not in elsewhere.get("/home").get_data(as_text=True)
    member = db.session.get(User, users["member"].id)
    member.grant(Role.MENTOR)
    db.session.commit()
    assert until(lambda: "My mentees" in elsewhere.get("/home").get_data(as_text=True))


@POSTGRES_ONLY
def test_a_session_changed_by_hand_in_the_database_is_not_used_from_memory(app, client, auth,
                                                                           users):
    auth.login("member@example.org")
    assert _signed_in_page(client) == 200
    # Someone deletes every session with SQL, on a connection of their own.
    with db.engine.connect() as conn:
        conn.execute(sa.delete(UserSession))
        conn.commit()
    assert until(lambda: _signed_in_page(client) == 302)


@POSTGRES_ONLY
def test_when_it_cannot_listen_it_reads_every_session(app, client, auth, users):
    auth.login("member@example.org")
    assert _signed_in_page(client) == 200
    keeper = _keeper(app)
    listener_pid = keeper._listener.info.backend_pid
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": listener_pid})
        conn.commit()
    time.sleep(0.2)
    # The lost connection is noticed, everything kept is forgotten, and the page still knows
    # who the member is.
    assert _signed_in_page(client) == 200
    assert len(keeper) == 0 or keeper._listener is not None
    with db.engine.connect() as conn:
        conn.execute(sa.delete(UserSession))
        conn.commit()
    assert until(lambda: _signed_in_page(client) == 302)


# ------------------------------------------------------------------ the keeper alone


class _Found:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id


class _ListeningKeeper(Keeper):
    """A keeper that believes it listens, with nothing to hear: the rules of keeping alone."""

    def _listening(self) -> bool:
        return True

    def _take_notifications(self) -> None:
        pass


def test_a_session_read_while_a_change_was_on_its_way_is_not_kept():
    keeper = _ListeningKeeper(engine=None, keep_for=60)
    reads = []

    def read_while_someone_changes_it(digest):
        reads.append(digest)
        keeper.forget([7])  # the change's news arrives while the read is under way
        return _Found(7)

    keeper.find("abc", read_while_someone_changes_it)
    keeper.find("abc", read_while_someone_changes_it)
    assert reads == ["abc", "abc"]
    assert len(keeper) == 0


def test_news_of_someone_else_during_a_read_does_not_stop_it_being_kept():
    keeper = _ListeningKeeper(engine=None, keep_for=60)

    def read_while_another_person_changes(digest):
        keeper.forget([8])
        return _Found(7)

    keeper.find("abc", read_while_another_person_changes)
    assert len(keeper) == 1
    # After news of very many people at once, nothing read during it is kept.
    many = range(100, 100 + 4 * session_keeper.MOST + 1)

    def read_during_an_import(digest):
        keeper.forget(many)
        return _Found(9)

    keeper.find("def", read_during_an_import)
    assert "def" not in keeper._entries


def test_kept_sessions_are_forgotten_by_person_and_after_their_time(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(session_keeper.time, "monotonic", lambda: now[0])
    keeper = _ListeningKeeper(engine=None, keep_for=60)
    reads = []

    def read(digest):
        reads.append(digest)
        return _Found(int(digest[0]))

    for digest in ("1a", "1b", "2a"):
        keeper.find(digest, read)
    keeper.find("1a", read)
    assert reads == ["1a", "1b", "2a"]
    keeper.forget([1])
    keeper.find("1a", read)
    keeper.find("2a", read)
    assert reads == ["1a", "1b", "2a", "1a"]
    now[0] += 61
    keeper.find("2a", read)
    assert reads[-1] == "2a" and len(reads) == 5


def test_it_keeps_at_most_its_limit(monkeypatch):
    monkeypatch.setattr(session_keeper, "MOST", 3)
    keeper = _ListeningKeeper(engine=None, keep_for=60)
    for n in range(5):
        keeper.find(f"{n}", lambda digest: _Found(int(digest)))
    assert len(keeper) == 3
    assert list(keeper._entries) == ["2", "3", "4"]
    assert set(keeper._by_person) == {2, 3, 4}


@pytest.mark.parametrize("backend", ["sqlite"])  # it cannot tell other processes
def test_nobody_is_kept_on_sqlite(app, client, auth, users):
    assert _keeper(app) is None
    auth.login("coord@example.org")
    for _ in range(2):
        assert statements_per_page(client, ["/coordinator/"]) == {"/coordinator/": 1}
