"""The page to decline an offer reads it in one statement: the mentee's name and the reason as
the mentor may read it, with the same parts left out as the mentee's card leaves out
(``profiles.profile_cards``), whoever the mentee shares a network with and whatever they
show."""
from __future__ import annotations

import pytest

from netapp.extensions import db
from netapp.models import NetworkMembership, Role
from netapp.services import mentoring, networks, profiles
from tests.factories import make_user
from tests.mentoring_people import load_reference, mentee, mentor, offer
from tests.statements import count_statements

REASON = ("Offers help with both of your needs. A more senior leader than you; works in the "
          "same type of service; in your local authority; strong in Planning, which your "
          "self-assessment rates low.")
AUDIENCES = ("me", "networks", "everyone", "coordinators")


def _login(client, user):
    client.post("/account/logout")
    assert client.post("/account/login", data={"email": user.email,
                                                "password": "correct horse battery"}
                       ).status_code == 302


@pytest.mark.parametrize("staff", [False, True])
def test_the_reason_leaves_out_what_the_mentees_card_leaves_out(app, staff):
    load_reference()
    meg = mentor("Meg Mentor", "Leeds", capacity=3)
    if staff:
        meg.grant(Role.COORDINATOR)
        db.session.commit()
    bame = networks.by_code("bame")
    networks.join_affinity(meg, bame)
    checked = set()
    for n in range(16):
        who = mentee(f"Mee {n}", ("Leeds", "York")[n % 2])
        profiles.set_visibility(who, {f.key: AUDIENCES[(n + k) % 4]
                                      for k, f in enumerate(profiles.FIELDS)})
        if n % 4 == 3:  # shares the affinity network, listed or not
            networks.join_affinity(who, bame)
            db.session.get(NetworkMembership, (who.id, bame.id)).is_listed = n % 8 == 3
            db.session.commit()
        row = offer(who, meg, reason=REASON)
        card = profiles.profile_cards(meg, [who.id], leave_out=frozenset({"offer"}))[who.id]
        item = mentoring.open_item(meg, row.id)
        assert item.mentee_name == f"Mee {n}"
        assert item.reason == mentoring.reason_for_mentor(REASON, card.shown)
        checked.add(item.reason)
    bare = make_user(name="No Profile")
    row = offer(bare, meg, reason=REASON)
    assert mentoring.open_item(meg, row.id).reason == mentoring.PRIVATE_REASON
    assert len(checked) > 3  # the visibility choices made different reasons


def test_the_decline_page_runs_one_statement_and_only_for_its_mentor(app, client):
    load_reference()
    meg, max_ = mentor("Meg Mentor"), mentor("Max Mentor")
    row = offer(mentee("Mina Mentee"), meg)
    _login(client, meg)
    path = f"/mentoring/mentees/{row.id}/decline"
    client.get(path)  # warm-up: the signed-in person
    # Its own statement and, in tests, the signed-in person's.
    assert count_statements(client, path) == 2
    for n in range(5):
        offer(mentee(f"Other {n}"), meg)
    assert count_statements(client, path) == 2
    _login(client, max_)
    assert client.get(path).status_code == 404
