"""Admins merge copies of one organisation: everyone moves, after a confirmation, audited."""
import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from netapp.extensions import db
from netapp.models import AuditEntry, Organisation, Profile, ServiceType
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, load_reference
from tests.statements import statements_per_page


def _org(name, council_name="Leeds", service_type=ServiceType.CARE_HOME) -> Organisation:
    org = Organisation(name=name, service_type=service_type,
                       local_authority_id=council(council_name).id)
    db.session.add(org)
    db.session.flush()
    return org


def _staff_at(org: Organisation, *names: str) -> list:
    people = []
    for name in names:
        user = make_user(email=f"{name.lower().replace(' ', '.')}@example.org", name=name)
        give_profile(user, "Leeds")
        db.session.get(Profile, user.id).organisation_id = org.id
        people.append(user)
    db.session.commit()
    return people


@pytest.fixture
def copies(app, users):
    load_reference()
    oak = _org("Oak Lodge")
    oak2 = _org("oak lodge")  # names are kept with single spaces (profiles.py)
    oak3 = _org("OAK LODGE", service_type=ServiceType.HOME_CARE)
    elsewhere = _org("Oak Lodge", "Bradford")
    birch = _org("Birch House")
    db.session.commit()
    # give_profile makes each person's own "<name> House": those go when they move to Oak.
    _staff_at(oak, "Ann One", "Bob Two")
    _staff_at(oak2, "Cat Three")
    _staff_at(oak3, "Dan Four", "Eve Five", "Fay Six")
    return {"oak": oak, "oak2": oak2, "oak3": oak3, "elsewhere": elsewhere, "birch": birch}


def _count(org_id) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Profile)
                             .where(Profile.organisation_id == org_id))


def test_the_list_searches_shows_member_counts_and_marks_copies(client, auth, users, copies):
    auth.login(users["admin"].email)
    html = client.get("/admin/organisations?q=oak").get_data(as_text=True)
    assert "Birch House" not in html
    assert html.count("3 with this name here") == 3  # Bradford's Oak Lodge is another home
    assert 'data-label="Members">3<' in html and 'data-label="Members">2<' in html
    only = client.get("/admin/organisations?copies=1").get_data(as_text=True)
    assert "Birch House" not in only and only.count('name="ids"') == 3


def test_the_confirmation_says_what_will_happen_and_changes_nothing(client, auth, users,
                                                                   copies):
    auth.login(users["admin"].email)
    ids = [copies[k].id for k in ("oak", "oak2", "oak3")]
    response = client.get("/admin/organisations/merge?" + "&".join(f"ids={i}" for i in ids))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The one with most members is kept unless the admin chooses another.
    assert f'id="keep-{copies["oak3"].id}" name="keep" value="{copies["oak3"].id}" checked' \
        in html
    assert "3 profiles move" in html and "This can't be undone" in html
    assert all(_count(copies[k].id) for k in ("oak", "oak2", "oak3"))
    # Posting without ticking the box changes nothing either.
    refused = client.post("/admin/organisations/merge", data={"ids": ids,
                                                              "keep": copies["oak"].id})
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)
                             .where(Organisation.id.in_(ids))) == 3


def test_merging_moves_everyone_deletes_the_others_and_is_audited(client, auth, users, copies):
    auth.login(users["admin"].email)
    ids = [copies[k].id for k in ("oak", "oak2", "oak3")]
    keep = copies["oak"].id
    response = client.post("/admin/organisations/merge",
                           data={"ids": ids, "keep": keep, "confirm": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert _count(keep) == 6
    assert db.session.get(Organisation, copies["oak2"].id) is None
    assert db.session.get(Organisation, copies["oak3"].id) is None
    assert db.session.get(Organisation, copies["elsewhere"].id) is not None
    entry = db.session.scalars(sa.select(AuditEntry)
                               .where(AuditEntry.action == "organisation.merged")).one()
    assert entry.actor_id == users["admin"].id and entry.target_id == str(keep)
    assert entry.detail["moved"] == 4 and entry.detail["merged"] == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 profiles moved" in page
    log = client.get("/admin/audit?what=admin").get_data(as_text=True)
    assert f"merged 2 more copies of “Oak Lodge” into organisation {keep} (4 profiles moved)" \
        in log


@pytest.mark.parametrize(("which", "message"), [
    (("oak", "birch"), "same name"),
    (("oak", "elsewhere"), "same council"),
    (("oak",), "at least two"),
])
def test_different_services_are_never_merged(client, auth, users, copies, which, message):
    auth.login(users["admin"].email)
    data = {"ids": [copies[k].id for k in which], "confirm": "yes"}
    for response in (client.get("/admin/organisations/merge", query_string=data),
                     client.post("/admin/organisations/merge", data=data)):
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(db.session.get(Organisation, copies[k].id) for k in which)


def test_a_guessed_or_foreign_keep_is_refused(client, auth, users, copies):
    auth.login(users["admin"].email)
    ids = [copies["oak"].id, copies["oak2"].id]
    for keep in (copies["birch"].id, 999999):
        response = client.post("/admin/organisations/merge",
                               data={"ids": ids, "keep": keep, "confirm": "yes"})
        assert response.status_code == 400
    gone = client.post("/admin/organisations/merge",
                       data={"ids": ids + [999999], "confirm": "yes"})
    assert gone.status_code == 400 and "no longer exists" in gone.get_data(as_text=True)
    assert _count(copies["oak2"].id) == 1


@pytest.mark.parametrize("role", [None, "member", "mentor", "coordinator"])
def test_only_admins_list_or_merge(client, auth, users, copies, role):
    auth.as_role(users, role)
    ids = [copies["oak"].id, copies["oak2"].id]
    for response in (client.get("/admin/organisations"),
                     client.get("/admin/organisations/merge", query_string={"ids": ids}),
                     client.post("/admin/organisations/merge",
                                 data={"ids": ids, "confirm": "yes"})):
        assert response.status_code == (302 if role is None else 403)
    assert _count(copies["oak2"].id) == 1


def test_the_pages_run_the_same_statements_whatever_the_number_of_organisations(
        client, auth, users, copies):
    auth.login(users["admin"].email)
    ids = f"ids={copies['oak'].id}&ids={copies['oak2'].id}&ids={copies['oak3'].id}"
    paths = ["/admin/organisations", "/admin/organisations?q=oak&copies=1",
             f"/admin/organisations/merge?{ids}"]
    db.session.expire_all()
    before = statements_per_page(client, paths)
    for i in range(40):
        _org(f"Home {i}")
        _org("Oak Lodge")
    db.session.commit()
    db.session.expire_all()
    assert statements_per_page(client, paths) == before


def test_every_page_lists_in_name_order_with_the_copies_of_each_name_in_its_council(
        client, auth, users):
    # Copies match ignoring case and spaces around the name; those with no council count
    # together; a page past the last shows the last.
    load_reference()
    names = [("Oak Lodge", "Leeds"), (" oak lodge ", "Leeds"), ("OAK LODGE", "Leeds"),
             ("Oak Lodge", "Bradford"), ("Elm Court", None), ("elm court ", None),
             ("Elm Court", "Leeds"), ("Ash Rise", None)]
    names += [(f"Home {i:02d}", ("Leeds", "Bradford", None)[i % 3]) for i in range(60)]
    for name, council_name in names:
        db.session.add(Organisation(name=name, service_type=ServiceType.CARE_HOME,
                                    local_authority_id=council(council_name).id
                                    if council_name else None))
    db.session.commit()
    everyone = db.session.scalars(sa.select(Organisation)).all()
    key = {o.id: (o.name.strip().lower(), o.local_authority_id) for o in everyone}
    # Among names alike, one with no council comes last on PostgreSQL, first on SQLite.
    no_council = "\uffff" if db.engine.dialect.name == "postgresql" else ""
    councils = {o.id: o.local_authority.name if o.local_authority else no_council
                for o in everyone}
    expected = [(o.name, sum(k == key[o.id] for k in key.values()))
                for o in sorted(everyone, key=lambda o: (o.name.lower(), councils[o.id], o.id))]
    auth.login(users["admin"].email)
    shown = []
    for page in (1, 2, 3):
        html = client.get(f"/admin/organisations?page={page}").get_data(as_text=True)
        assert f"Page {page} of 3 ({len(expected)} in all)" in html
        shown += [(name, int(copies or 1)) for name, copies in re.findall(
            r'data-label="Name">(.*?)(?: <span class="tag">(\d+) with this name here</span>)?'
            r'</td>', html)]
    assert shown == [(escape(name), copies) for name, copies in expected]
    last = client.get("/admin/organisations?page=9").get_data(as_text=True)
    assert "Page 3 of 3" in last and last.count('name="ids"') == len(expected) - 50
    only = client.get("/admin/organisations?copies=1&q=oak").get_data(as_text=True)
    assert only.count('name="ids"') == 3 and "Page" not in only
