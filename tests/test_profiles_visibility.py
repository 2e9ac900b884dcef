"""Who sees what on a profile: every field for every kind of viewer, and affinity privacy."""
import pytest

from netapp.extensions import db
from netapp.services import profiles
from tests.profile_helpers import assess, give_profile, join, load_reference

# A value from each field as it appears on the page, so we can tell whether it is shown.
FIELD_MARKERS = {
    "job_title": "Head of Care Services",
    "organisation": "Otto Other House (care home)",
    "area": "Leeds, Yorkshire and the Humber",
    "level": "Operational leader",
    "years": "5 years",
    "online": "Meets online",
    "needs": "Would like help with",
    "offer": "Can mentor 2 people",
    "lqf": "radar-member-title",
}
AUDIENCES = list(profiles.AUDIENCES)
VIEWERS = ["member", "neighbour", "mentor", "coordinator", "admin"]


def _sees(viewer: str, audience: str, area: str) -> bool:
    """The rule under test, written out plainly.

    The neighbour shares only the local network, which counts as "my networks" only while
    the owner's council area is not hidden from fellow members (else the field would tell
    the neighbour which network they share, and so the council).
    """
    if audience == "everyone":
        return True
    if audience == "networks":
        if viewer == "neighbour":
            return area in ("everyone", "networks")
        return viewer in ("coordinator", "admin")
    if audience == "coordinators":
        return viewer in ("coordinator", "admin")
    return False  # only me


@pytest.fixture
def world(app, users):
    """other_member owns the profile, in Leeds.

    'neighbour' (the member) shares the Leeds network.
    """
    load_reference()
    owner = users["other_member"]
    give_profile(owner, "Leeds", capacity=2, offers=("finance",), needs=("leadership",),
                 job_title="Head of Care Services")
    assess(owner)
    give_profile(users["member"], "Leeds")
    for role in ("mentor", "coordinator", "admin"):
        give_profile(users[role], "Cornwall")
    return owner


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_field_for_each_viewer(client, auth, users, world, audience, viewer):
    if viewer == "member":
        give_profile(users["member"], "Cornwall")  # a member who shares no network with the owner
    auth.login(users["member" if viewer == "neighbour" else viewer].email)
    for field, marker in FIELD_MARKERS.items():
        only_this = {key: "me" for key in profiles.FIELD_KEYS} | {field: audience}
        profiles.set_visibility(world, only_this)
        html = client.get(f"/members/{world.id}").get_data(as_text=True)
        area = only_this["area"]
        assert "Otto Other" in html  # the name is always shown
        assert (marker in html) is _sees(viewer, audience, area), \
            f"{viewer} and {field}={audience}"
        # The local network names the council: shown only with the area, to its members too.
        area_seen = field == "area" and _sees(viewer, audience, area)
        assert ("Leeds Registered Managers network" in html) is area_seen
        for other, other_marker in FIELD_MARKERS.items():
            if other != field:
                assert other_marker not in html, f"{other} is 'only me' but {viewer} saw it"


def test_owner_sees_everything_on_their_own_profile(client, auth, world):
    profiles.set_visibility(world, {key: "me" for key in profiles.FIELD_KEYS})
    auth.login(world.email)
    html = client.get("/me").get_data(as_text=True)
    for field, marker in FIELD_MARKERS.items():
        if field != "lqf":
            assert marker in html, field
    assert "radar-me-title" in html


def test_privacy_page_saves_choices_and_checks_them(client, auth, world):
    auth.login(world.email)
    html = client.get("/me/privacy").get_data(as_text=True)
    assert html.count("<fieldset") == len(profiles.FIELDS)
    data = {key: "networks" for key in profiles.FIELD_KEYS}
    assert client.post("/me/privacy", data=data).status_code == 302
    assert set(profiles.visibility_of(world.profile).values()) == {"networks"}
    response = client.post("/me/privacy", data=data | {"level": "the world"})
    assert response.status_code == 400
    assert profiles.visibility_of(world.profile)["level"] == "networks"


def test_unknown_or_closed_profile_is_not_found(client, auth, users, world):
    auth.login(users["member"].email)
    assert client.get("/members/99999").status_code == 404
    world.is_active_account = False
    from netapp.extensions import db
    db.session.commit()
    assert client.get(f"/members/{world.id}").status_code == 404


# ------------------------------------------------------------------ affinity networks


@pytest.mark.parametrize("viewer", ["member", "mentor", "coordinator", "admin"])
def test_affinity_membership_never_shown_outside_the_network(client, auth, users, world, viewer):
    join(world, "bame")
    profiles.set_visibility(world, {key: "everyone" for key in profiles.FIELD_KEYS})
    auth.login(users[viewer].email)
    html = client.get(f"/members/{world.id}").get_data(as_text=True)
    assert "minority ethnic" not in html
    assert "Leeds Registered Managers network" in html or viewer != "member"
    from netapp.services import networks
    bame = networks.by_code("bame")
    assert client.get(f"/networks/{bame.id}").status_code == 404
    # Nor does the audit log name the network.
    import sqlalchemy as sa

    from netapp.extensions import db
    from netapp.models import AuditEntry
    details = db.session.scalars(sa.select(AuditEntry.detail)).all()
    assert all("bame" not in str(d) for d in details)
    if viewer == "admin":
        assert "bame" not in client.get("/admin/audit").get_data(as_text=True).lower()


def test_affinity_membership_shown_inside_the_network_once_listed(client, auth, users, world):
    from netapp.services import networks

    join(world, "bame")
    join(users["mentor"], "bame")
    auth.login(users["mentor"].email)
    bame_page = f"/networks/{networks.by_code('bame').id}"
    html = client.get(f"/members/{world.id}").get_data(as_text=True)
    assert "Black, Asian and minority ethnic managers network" not in html
    assert "Otto Other" not in client.get(bame_page).get_data(as_text=True)
    networks.set_listed(world, networks.by_code("bame"), True)
    html = client.get(f"/members/{world.id}").get_data(as_text=True)
    assert "Black, Asian and minority ethnic managers network" in html
    page = client.get(bame_page).get_data(as_text=True)
    assert "Otto Other" in page and "Meg Mentor (you)" in page


# A local network's page is open to every signed-in member (networks connect councils too);
# each person on it shows only as their council-area choice allows (test_council_visibility).
@pytest.mark.parametrize(("viewer", "status"), [("member", 200), ("mentor", 200),
                                                 ("coordinator", 200), ("admin", 200)])
def test_local_network_page(client, auth, users, world, viewer, status):
    from netapp.services import networks
    from tests.profile_helpers import council

    leeds = networks.by_code(networks.local_network_code(council("Leeds").id))
    auth.login(users[viewer].email)
    assert client.get(f"/networks/{leeds.id}").status_code == status


def test_matching_rows_give_everything_in_bulk(app, users, world):
    join(world, "women")
    rows = {r["user_id"]: r for r in profiles.matching_rows()}
    row = rows[world.id]
    assert row["region"] == "Yorkshire and the Humber"
    assert row["service_type"] == "care_home" and row["level"] == 3 and row["online"] is True
    assert row["capacity"] == 2 and row["offers"] == ["finance"] and row["needs"] == ["leadership"]
    assert row["affinity"] == ["women"]
    assert len(row["lqf"]) == 28 and row["lqf"]["PQ1"] == 1 and row["lqf"]["PQ4"] == 4
    assert rows[users["member"].id]["lqf"] == {}
    assert [r["user_id"] for r in profiles.matching_rows([world.id])] == [world.id]


@pytest.mark.parametrize("audience", ["everyone", "networks", "coordinators"])
def test_preview_shows_my_profile_as_each_audience_sees_it(client, auth, world, audience):
    join(world, "bame")
    profiles.set_visibility(world, {"job_title": "everyone", "level": "networks",
                                    "years": "coordinators", "needs": "me"})
    auth.login(world.email)
    html = client.get(f"/me/preview?as={audience}").get_data(as_text=True)
    assert "Head of Care Services" in html
    assert ("Operational leader" in html) is (audience in ("networks", "coordinators"))
    assert ("5 years" in html) is (audience == "coordinators")
    assert "Would like help with" not in html
    assert "minority ethnic" not in html
    assert client.get("/me/preview?as=me").status_code == 404


def test_network_page_is_paged(client, auth, app, users, world):
    from netapp.services import networks
    from tests.factories import make_user
    from tests.profile_helpers import council

    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        give_profile(make_user(name=f"Zed {n}"), "Leeds")
    auth.login(users["member"].email)
    leeds = networks.by_code(networks.local_network_code(council("Leeds").id))
    first = client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    assert "Members (5)" in first and "Page 1 of 3" in first and "Mina Member" in first
    last = client.get(f"/networks/{leeds.id}?page=3").get_data(as_text=True)
    # The member list is the page's last section ("New this month" names people too).
    last = last.split('id="members-title"')[1]
    assert "Zed 2" in last and "Mina Member" not in last


def test_preview_shows_the_chart_the_audience_sees(client, auth, world):
    profiles.set_visibility(world, {"lqf": "networks"})
    auth.login(world.email)
    html = client.get("/me/preview?as=networks").get_data(as_text=True)
    assert 'id="radar-preview-title"' in html and "<table>" in html
    html = client.get("/me/preview?as=everyone").get_data(as_text=True)
    assert "<svg" not in html


def test_my_own_profile_does_not_talk_about_me_as_them(client, auth, world):
    world.profile.mentor_note = "Ask me about CQC visits."
    db.session.commit()
    auth.login(world.email)
    html = client.get("/me").get_data(as_text=True)
    assert "Ask me about CQC visits." in html and "their mentoring" not in html
