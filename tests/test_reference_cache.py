"""The per-process copy of reference data: pages read it without SQL, and see changes at once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Dimension, LocalAuthority, Network, NetworkMembership, Region, Topic
from netapp.models.base import utcnow
from netapp.services import lqf, reference, session_keeper
from tests.profile_helpers import assess, council, give_profile, load_reference
from tests.waiting import until


def _statements(client, path: str) -> list[str]:
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def _member_with_an_assessment(users, auth):
    load_reference()
    member = users["member"]
    give_profile(member, "Leeds")
    assess(member)
    auth.login(member.email)
    return member


def test_a_warm_page_reads_no_framework_council_or_topic(client, auth, users):
    _member_with_an_assessment(users, auth)
    for path in ("/me", "/me/assessments"):
        client.get(path)  # the first request loads this process's copy
        read = " ".join(_statements(client, path))
        for table in ("framework_dimensions", "framework_elements", "local_authorities",
                      "regions", "FROM topics"):
            assert table not in read, (path, table)


def test_a_renamed_dimension_shows_on_the_next_page(client, auth, users):
    _member_with_an_assessment(users, auth)
    assert "Demonstrating personal qualities" in client.get("/me/assessments").get_data(True)
    dimension = db.session.scalars(sa.select(Dimension).where(Dimension.code == "PQ")).one()
    dimension.name = "Showing personal qualities"
    db.session.commit()
    page = client.get("/me/assessments").get_data(as_text=True)
    assert "Showing personal qualities" in page
    assert "Demonstrating personal qualities" not in page


def test_a_renamed_council_and_region_show_on_my_profile(client, auth, users):
    _member_with_an_assessment(users, auth)
    assert "Leeds, Yorkshire and the Humber" in client.get("/me").get_data(as_text=True)
    leeds = council("Leeds")
    leeds.name = "City of Leeds"
    db.session.get(Region, leeds.region_id).name = "Yorkshire"
    db.session.commit()
    assert "City of Leeds, Yorkshire" in client.get("/me").get_data(as_text=True)


def test_a_change_rolled_back_is_not_kept(app, users):
    load_reference()
    dimension = db.session.scalars(sa.select(Dimension).where(Dimension.code == "PQ")).one()
    dimension.name = "Never saved"
    db.session.flush()
    assert lqf.framework().dimensions[0].name == "Never saved"  # read inside the change
    db.session.rollback()
    assert lqf.framework().dimensions[0].name == "Demonstrating personal qualities"


def test_a_change_another_process_made_shows_within_the_time_limit(app, client, auth, users,
                                                                    monkeypatch):
    _member_with_an_assessment(users, auth)
    assert "Leeds, Yorkshire" in client.get("/me").get_data(as_text=True)
    # Plain SQL, as another process would write it: this process hears nothing of it.
    db.session.connection().execute(sa.update(LocalAuthority.__table__)
                       .where(LocalAuthority.__table__.c.name == "Leeds")
                       .values(name="Leeds City"))
    db.session.commit()
    now = reference.time.monotonic()
    monkeypatch.setattr(reference.time, "monotonic", lambda: now + reference.KEEP_FOR + 1)
    assert "Leeds City, Yorkshire" in client.get("/me").get_data(as_text=True)


def test_each_page_gets_its_own_copy_of_the_framework(app, users):
    load_reference()
    first = lqf.framework()
    db.session.remove()
    second = lqf.framework()
    assert second is not first and second in db.session
    assert [d.code for d in second.dimensions] == [d.code for d in first.dimensions]
    assert all(e in db.session for d in second.dimensions for e in d.elements)


def test_an_edit_not_yet_saved_is_read_back_and_kept(app, users):
    load_reference()
    lqf.framework()  # this process's copy exists before the edit
    dimension = db.session.scalars(sa.select(Dimension).where(Dimension.code == "PQ")).one()
    dimension.name = "Edited, not flushed"
    assert lqf.framework().dimensions[0].name == "Edited, not flushed"
    with db.session.no_autoflush:
        dimension.name = "Edited again"
        assert lqf.framework().dimensions[0].name == "Edited again"
    db.session.commit()
    db.session.remove()
    assert lqf.framework().dimensions[0].name == "Edited again"
    assert db.session.scalars(
        sa.select(Dimension.name).where(Dimension.code == "PQ")).one() == "Edited again"


def test_a_network_another_process_added_shows_without_waiting(app, client, auth, users,
                                                               monkeypatch):
    _member_with_an_assessment(users, auth)
    client.get("/home")
    # Another process adds a network and puts the member in it: this process hears nothing.
    connection = db.session.connection()
    network_id = connection.execute(sa.insert(Network.__table__).values(
        kind="national", code="nat-test", name="Newly added network", description="",
        created_at=utcnow())).inserted_primary_key[0]
    connection.execute(sa.insert(NetworkMembership.__table__).values(
        user_id=users["member"].id, network_id=network_id, joined_at=utcnow(), is_listed=True))
    db.session.commit()
    now = reference.time.monotonic()
    monkeypatch.setattr(reference.time, "monotonic", lambda: now + reference.RELOAD_AFTER + 1)
    assert "Newly added network" in client.get("/home").get_data(as_text=True)


def test_regions_come_from_the_process_copy_until_one_changes(app):
    load_reference()
    names = [r.name for r in reference.regions()]
    assert names == sorted(names) and "Yorkshire and the Humber" in names
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        reference.regions()
        assert not [s for s in seen if "regions" in s]  # the copy, no query
        db.session.add(Region(name="Zetland"))
        db.session.commit()
        assert reference.regions()[-1].name == "Zetland"  # a change shows at once
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)


# ---------------------------------------------------------------- other processes (PostgreSQL)
#
# On PostgreSQL a trigger names each changed reference table (NOTIFY netapp_reference) and every
# process hears it on the connection that listens for sign-in changes, so a change made
# anywhere shows on the next page instead of after KEEP_FOR.

HEARS_CHANGES = [pytest.mark.keep_sessions,  # the listening connection, as in production
                 pytest.mark.parametrize("backend", [pytest.param("postgres",
                                                                  marks=pytest.mark.postgres)])]


def _elsewhere(app, *statements) -> None:
    """Run ``statements`` and commit on an engine of its own: another process, or psql."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        engine.dispose()




@pytest.mark.usefixtures("app")
class TestHeardFromOtherProcesses:
    pytestmark = HEARS_CHANGES

    def test_a_council_renamed_elsewhere_shows_on_the_next_page(self, app, client, auth,
                                                                 users):
        _member_with_an_assessment(users, auth)
        assert "Leeds, Yorkshire" in client.get("/me").get_data(as_text=True)
        _elsewhere(app, sa.update(LocalAuthority.__table__)
                   .where(LocalAuthority.__table__.c.name == "Leeds").values(name="Leeds City"))
        # Well inside KEEP_FOR: only the notice can have emptied the copy.
        assert until(lambda: "Leeds City, Yorkshire" in client.get("/me").get_data(True))

    def test_a_topic_renamed_elsewhere_is_read_again_and_the_rest_are_kept(self, app, users):
        load_reference()
        topics = reference.topic_names()
        first_id, first_name = next(iter(topics.items()))
        reference.place(council("Leeds").id)  # another copy, which a topic never feeds
        places = reference._store()["places"]
        _elsewhere(app, sa.update(Topic.__table__).where(Topic.__table__.c.id == first_id)
                   .values(name="Renamed by hand"))
        assert until(lambda: reference.topic_names()[first_id] == "Renamed by hand")
        assert first_name != "Renamed by hand"
        assert reference._store()["places"] is places

    def test_a_copy_read_while_news_arrived_is_not_kept(self, app, users):
        load_reference()
        reference.clear()
        keeper = session_keeper.keeper(app)
        assert keeper.hear()  # listening before the read begins

        def read_then_hear_of_a_change(session):
            value = reference._topics(session)
            # The change commits after this read's statement: the copy already misses it.
            _elsewhere(app, sa.update(Topic.__table__).values(name=Topic.__table__.c.name + "!"))
            moves = keeper.reference_moves
            assert until(lambda: keeper.hear() and keeper.reference_moves > moves)
            return value

        stale = reference._cached("topics", read_then_hear_of_a_change)
        assert not any(t.name.endswith("!") for t in stale.values())
        assert "topics" not in reference._store()  # not kept: the next read loads again
        assert all(name.endswith("!") for name in reference.topic_names().values())
