"""The directory lists only accounts with a profile, and reads that from each account's
``profile_exists``, which the database keeps (migration 0017) however a profile is written or
removed: the ORM, a bulk insert or delete, or an account erased with its profile."""
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Profile, User
from netapp.services import directory
from tests.factories import make_user
from tests.profile_helpers import give_profile, load_reference


def _kept_right() -> bool:
    """Every account's ``profile_exists`` says whether it has a profile row."""
    rows = db.session.execute(sa.select(
        User.id, User.profile_exists,
        sa.exists().where(Profile.user_id == User.id).label("has"))).all()
    return bool(rows) and all(bool(kept) == bool(has) for _, kept, has in rows)


def _names(viewer, **search) -> list[str]:
    found = directory.find(viewer, directory.Search(**search), 1, 25)
    return [row.display_name for row in found.items]


def test_the_database_keeps_whether_each_account_has_a_profile(app, users):
    load_reference()
    viewer = users["other_member"]
    give_profile(viewer)
    paul = make_user(name="Paul Profiled")
    nora = make_user(name="Nora Noprofile")
    assert _kept_right()
    assert "Nora Noprofile" not in _names(viewer) and "Paul Profiled" not in _names(viewer)

    give_profile(paul)  # through the ORM
    assert _kept_right()
    assert "Paul Profiled" in _names(viewer) and "Paul Profiled" in _names(viewer, name="paul")
    assert _names(viewer, name="nora") == []

    # A bulk insert of rows (as imports write profiles) and a bulk delete.
    db.session.execute(sa.insert(Profile), [{"user_id": nora.id, "meets_online": True,
                                             "mentor_capacity": 0, "visibility": {}}])
    db.session.commit()
    assert _kept_right()
    assert _names(viewer, name="nora") == ["Nora Noprofile"]
    db.session.execute(sa.delete(Profile).where(Profile.user_id == nora.id))
    db.session.commit()
    assert _kept_right()
    assert _names(viewer, name="nora") == []
    assert "Nora Noprofile" not in _names(viewer)

    # An account deleted with its profile (cascade) leaves the others as they were.
    db.session.execute(sa.delete(User).where(User.id == paul.id))
    db.session.commit()
    assert _kept_right()
    assert _names(viewer, name="paul") == []


def test_a_closed_account_with_a_profile_is_not_listed(app, users):
    load_reference()
    viewer = users["other_member"]
    give_profile(viewer)
    cleo = make_user(name="Cleo Closed")
    give_profile(cleo)
    assert _names(viewer, name="cleo") == ["Cleo Closed"]
    cleo.is_active_account = False
    db.session.commit()
    assert _names(viewer, name="cleo") == [] and "Cleo Closed" not in _names(viewer)
