"""A member asks to join an action learning set from their home page, changes it, withdraws."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, MeetingMode, SetRequest
from netapp.services import matching_bridge as bridge
from tests.profile_helpers import load_reference
from tests.sets_people import asker


def test_a_member_asks_sees_changes_and_withdraws_their_request(app, client, auth, users):
    auth.as_role(users, "member")
    home = client.get("/home").get_data(as_text=True)
    assert "/sets/request" in home

    page = client.get("/sets/request").get_data(as_text=True)
    assert "Ask to join a set" in page and "How would you like to meet?" in page

    response = client.post("/sets/request", data={"mode": "in_person",
                                                  "note": "Not on Mondays, please."})
    assert response.status_code == 302
    row = db.session.get(SetRequest, users["member"].id)
    assert (row.mode, row.note) == (MeetingMode.IN_PERSON, "Not on Mondays, please.")
    page = client.get("/sets/request").get_data(as_text=True)
    assert "in person, near where you work" in page and "Not on Mondays, please." in page
    checked = re.search(r'<input[^>]*value="in_person"[^>]*>', page).group(0)
    assert "checked" in checked  # the form shows what they chose

    client.post("/sets/request", data={"mode": "online", "note": ""})
    db.session.expire_all()
    assert db.session.get(SetRequest, users["member"].id).mode == MeetingMode.ONLINE

    confirm = client.get("/sets/request/withdraw").get_data(as_text=True)
    assert "Withdraw your request to join a set?" in confirm
    assert db.session.get(SetRequest, users["member"].id) is not None  # nothing until confirmed
    assert client.post("/sets/request/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(SetRequest, users["member"].id) is None
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"set_request.made", "set_request.changed", "set_request.withdrawn"} <= actions


def test_a_bad_request_keeps_what_was_typed(app, client, auth, users):
    auth.as_role(users, "member")
    response = client.post("/sets/request", data={"mode": "sometimes", "note": "Keep me"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Keep me" in page
    assert db.session.get(SetRequest, users["member"].id) is None
    too_long = client.post("/sets/request", data={"mode": "online", "note": "x" * 501})
    assert "under 500 characters" in too_long.get_data(as_text=True)


def test_withdrawing_without_a_request_says_so(app, client, auth, users):
    auth.as_role(users, "member")
    response = client.get("/sets/request/withdraw", follow_redirects=True)
    assert "You haven't asked to join a set." in html.unescape(response.get_data(as_text=True))


def test_the_pool_uses_the_request_and_the_wizard_needs(app):
    load_reference()
    online = asker("Ona Online", mode="online", needs=("finance", "wellbeing"))
    in_person = asker("Ivy Inperson", mode="in_person")
    either = asker("Eli Either", mode="either")
    asker("Nat Notasked", mode="")
    pool = bridge.load_set_pool(None, only_asked=True)
    by_id = {bridge.user_id(m.id): m for m in pool.members}
    assert set(by_id) == {online.id, in_person.id, either.id}
    assert by_id[online.id].online and by_id[either.id].online
    assert not by_id[in_person.id].online
    assert by_id[online.id].needs == ("finance", "wellbeing")
    everyone = bridge.load_set_pool(None, only_asked=False)
    assert len(everyone.members) == 4


def test_the_pool_says_why_people_are_left_out(app):
    load_reference()
    ready = asker("Rae Ready")
    unconfirmed = asker("Una Unconfirmed")
    unconfirmed.email_verified_at = None
    db.session.commit()
    pool = bridge.load_set_pool(None, only_asked=True)
    assert [bridge.user_id(m.id) for m in pool.members] == [ready.id]
    assert pool.left_out == {unconfirmed.id: bridge.NOT_CONFIRMED}


def test_my_data_export_has_my_request_and_my_sets(app, client, auth, users):
    import io
    import json
    import zipfile

    from netapp.models import LearningSet, SetMembership, SetStatus

    auth.as_role(users, "member")
    client.post("/sets/request", data={"mode": "either", "note": "Mornings suit me"})
    row = LearningSet(name="Set 7", status=SetStatus.ACTIVE)
    draft = LearningSet(name="Draft set", status=SetStatus.DRAFT)
    db.session.add_all([row, draft])
    db.session.flush()
    db.session.add_all([SetMembership(set_id=row.id, user_id=users["member"].id),
                        SetMembership(set_id=draft.id, user_id=users["member"].id)])
    db.session.commit()
    archive = zipfile.ZipFile(io.BytesIO(client.post("/me/data/export").data))
    data = json.loads(archive.read("my-data.json"))["action_learning_sets"]
    assert data["request"]["mode"] == "either" and data["request"]["note"] == "Mornings suit me"
    assert [s["set"] for s in data["sets"]] == ["Set 7"]  # a draft set is not theirs yet
    assert "Set 7" in archive.read("action_learning_sets.csv").decode()


def test_set_members_read_the_same_by_list_or_in_full(app):
    load_reference()
    people = [asker("Sam A", mode="online"), asker("Sam B", mode="in_person"),
              asker("Sam C", mode="")]
    ids = [p.id for p in people[:2]]
    assert bridge.set_members(ids) == bridge.set_members(ids, read_all_above=0)
    assert set(bridge.set_members(ids, read_all_above=0)) == set(ids)
    assert not bridge.set_members(ids)[people[1].id].online  # their request: in person


def test_the_request_page_runs_the_same_statements_with_or_without_a_request_or_a_set(
        app, client, auth, users):
    from tests.sets_life import more_members, published_set
    from tests.statements import count_statements

    auth.as_role(users, "member")
    client.get("/sets/request")  # warm up
    counts = [count_statements(client, "/sets/request")]
    client.post("/sets/request", data={"mode": "online", "note": ""})
    counts.append(count_statements(client, "/sets/request"))
    published_set([users["member"], *more_members(6)], users["mentor"])
    page = client.get("/sets/request").get_data(as_text=True)
    assert "You're in <strong>Leeds set 1</strong>. It meets online." in page
    assert "<form" not in page.split("<main", 1)[1]  # no form to ask again
    counts.append(count_statements(client, "/sets/request"))
    assert counts == [counts[0]] * 3
