"""A page's rows read straight through the driver (netapp/reads.py).

``reads.rows`` must give exactly what executing the statement through SQLAlchemy gives (the same
values of the same types, under the same names), see what the request has written, leave no
transaction open when there is none, be counted as a statement, and fail as SQLAlchemy fails.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netapp import reads
from netapp.extensions import db
from netapp.models import Role, User, UserRole
from netapp.services import sql_lists
from tests.factories import make_user

POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)])

# Built once, as a page's statement is: an enum read back as its member, a time, a number, a
# JSON list, the code's own list of values spread into an IN, and the caller's values (one a
# true-or-false that its type converts on the way in).
_ROLES = (
    sa.select(User.id, User.display_name.label("name"), UserRole.role, UserRole.granted_at,
              User.is_active_account,
              sql_lists.json_array(User.id, User.display_name).label("pair"),
              (User.id * 2).label("doubled"))
    .join(UserRole, UserRole.user_id == User.id)
    .where(UserRole.role.in_((Role.COORDINATOR, Role.ADMIN)),
           User.is_active_account == sa.bindparam("active", type_=sa.Boolean()),
           User.id >= sa.bindparam("from_id"))
    .order_by(User.id, UserRole.role)
)
_BY_IDS = sa.select(User.email).where(User.id.in_(sa.bindparam("ids", expanding=True))
                                      ).order_by(User.email)
_EMAIL = sa.select(User.email).where(User.id == sa.bindparam("id"))


def _people():
    first = make_user(email="ann@example.org", name="Ann", roles=[Role.COORDINATOR])
    make_user(email="bob@example.org", name="Bob", roles=[Role.ADMIN, Role.COORDINATOR])
    make_user(email="cat@example.org", name="Cat")
    make_user(email="dan@example.org", name="Dan", roles=[Role.ADMIN], active=False)
    return first.id


def test_rows_are_what_sqlalchemy_gives(app):
    with app.app_context():
        first = _people()
        params = {"active": True, "from_id": first}
        expected = db.session.connection().execute(_ROLES, params).all()
        db.session.remove()
        for _ in range(3):  # the first run learns the columns; later runs use what it learned
            got = reads.rows(_ROLES, params)
            assert [tuple(row) for row in got] == [tuple(row) for row in expected]
            assert [[type(value) for value in row] for row in got] == [
                [type(value) for value in row] for row in expected]
            assert got[0]._fields == expected[0]._fields
            assert got[0].role is Role.COORDINATOR and got[0].name == "Ann"
            db.session.remove()
        assert [row.name for row in reads.rows(_ROLES, {"active": False, "from_id": first})] \
            == ["Dan"]


def test_raw_rows_give_the_drivers_values_under_the_same_names(app, backend):
    with app.app_context():
        first = _people()
        params = {"active": True, "from_id": first}
        typed = reads.rows(_ROLES, params)
        raw = reads.raw_rows(_ROLES, params)
        assert [row._fields for row in raw] == [row._fields for row in typed]
        assert [row.name for row in raw] == ["Ann", "Bob", "Bob"]
        if backend == "postgres":  # as psycopg gives them: an enum as its text
            assert [row.role for row in raw] == [row.role.value for row in typed]
            assert all(isinstance(row.role, str) for row in raw)
            assert [row.pair for row in raw] == [[row.id, row.name] for row in typed]
        else:  # executed by SQLAlchemy, so read through the types
            assert [tuple(row) for row in raw] == [tuple(row) for row in typed]


def test_a_list_the_caller_gives_is_spread_each_time(app):
    with app.app_context():
        ann = make_user(email="ann@example.org")
        bob = make_user(email="bob@example.org")
        both = reads.rows(_BY_IDS, {"ids": [ann.id, bob.id]})
        one = reads.rows(_BY_IDS, {"ids": [bob.id]})
        assert [row.email for row in both] == ["ann@example.org", "bob@example.org"]
        assert [row.email for row in one] == ["bob@example.org"]


def test_each_read_is_counted_as_a_statement(app):
    with app.app_context():
        user_id = make_user(email="ann@example.org").id
        db.session.remove()
        seen, timed = [], []

        def count(_conn, _cursor, statement, _params, context, _many):
            seen.append(statement)
            context.started = 1.0  # a listener's own note, as a timer keeps its start

        def time_it(_conn, _cursor, statement, _params, context, _many):
            timed.append((context.statement == statement, context.started))

        sa.event.listen(db.engine, "before_cursor_execute", count)
        sa.event.listen(db.engine, "after_cursor_execute", time_it)
        try:
            assert reads.rows(_EMAIL, {"id": user_id})[0].email == "ann@example.org"
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
            sa.event.remove(db.engine, "after_cursor_execute", time_it)
        assert len(seen) == 1 and "users" in seen[0]
        assert timed == [(True, 1.0)]


@POSTGRES_ONLY
def test_a_read_sees_what_the_request_has_written_and_not_yet_committed(app):
    with app.app_context():
        user_id = make_user(email="ann@example.org").id
        db.session.remove()
        db.session.get(User, user_id).email = "ann.new@example.org"
        db.session.flush()  # written inside the request's transaction, not committed
        assert reads.rows(_EMAIL, {"id": user_id})[0].email == "ann.new@example.org"
        db.session.remove()  # rolled back
        assert reads.rows(_EMAIL, {"id": user_id})[0].email == "ann@example.org"


@POSTGRES_ONLY
def test_a_read_on_its_own_leaves_no_transaction_and_no_connection_out(app):
    with app.app_context():
        user_id = make_user(email="ann@example.org").id
        db.session.remove()
        assert reads.rows(_EMAIL, {"id": user_id})[0].email == "ann@example.org"
        assert not db.session.registry.has()  # no session was needed
        assert db.engine.pool.checkedout() == 0
        with db.engine.connect() as connection:  # the pooled connection it used
            raw = connection.connection.driver_connection
            assert raw.info.transaction_status.name == "IDLE"


@POSTGRES_ONLY
def test_a_failed_read_fails_as_sqlalchemy_fails_and_the_next_one_works(app):
    with app.app_context():
        user_id = make_user(email="ann@example.org").id
        db.session.remove()
        broken = sa.select((User.id / sa.bindparam("zero", type_=sa.Integer())).label("x"))
        with pytest.raises(sa.exc.DataError):
            reads.rows(broken, {"zero": 0})
        assert db.engine.pool.checkedout() == 0
        assert reads.rows(_EMAIL, {"id": user_id})[0].email == "ann@example.org"


@POSTGRES_ONLY
def test_driver_rows_are_the_values_the_driver_gives(app):
    with app.app_context():
        found = reads.driver_rows("SELECT %(n)s::INTEGER + 1 AS n, 'coordinator' AS role",
                                  {"n": 41})
        assert [tuple(row) for row in found] == [(42, "coordinator")]
        assert found[0].role == "coordinator"


def test_plans_start_again_rather_than_grow_without_end(app, monkeypatch):
    monkeypatch.setattr(reads, "MOST_PLANS", 2)
    monkeypatch.setattr(reads, "_PLANS", {})
    with app.app_context():
        user_id = make_user(email="ann@example.org").id
        for _ in range(5):  # a statement built on every call, as one should not be
            statement = sa.select(User.email).where(User.id == sa.bindparam("id"))
            assert reads.rows(statement, {"id": user_id})[0].email == "ann@example.org"
        assert len(reads._PLANS) <= 2


@POSTGRES_ONLY
def test_an_old_plan_is_never_used_for_a_new_statement_at_the_same_address(app, monkeypatch):
    monkeypatch.setattr(reads, "_PLANS", {})
    with app.app_context():
        user_id = make_user(email="ann@example.org", name="Ann").id
        first = sa.select(User.email).where(User.id == sa.bindparam("id"))
        reads.rows(first, {"id": user_id})
        other = sa.select(User.display_name).where(User.id == sa.bindparam("id"))
        reads._PLANS[id(other)] = reads._PLANS[id(first)]  # as if ``other`` took its address
        assert reads.rows(other, {"id": user_id})[0].display_name == "Ann"


@POSTGRES_ONLY
def test_a_statement_of_whole_objects_is_refused(app):
    with app.app_context():
        user_id = make_user(email="ann@example.org").id
        with pytest.raises(ValueError, match="plain columns"):
            reads.rows(sa.select(User).where(User.id == sa.bindparam("id")), {"id": user_id})
