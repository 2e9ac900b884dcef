"""Network pages, the directory of networks, leads and follows.

The rules, written out from the issue: a local network's page is open to every signed-in
member (each person on it shows only as their council-area choice allows); an affinity
network's page only to its confirmed members (404 for everyone else, staff included); counts
under 5 are never shown; only local networks that are not your own can be followed; leads of a
local network are appointed and removed by coordinators and admins, leads of an affinity
network only by its leads or the operator's command line, and the audit log never names who
leads an affinity network.
"""
import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, NetworkFollow, NetworkLead, NetworkMembership, User
from netapp.services import audit, networks, profiles
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, join, load_reference
from tests.statements import prepared_after_pages, statements_per_page


def _lead(user, network) -> None:
    db.session.add(NetworkLead(network_id=network.id, user_id=user.id))
    db.session.commit()


def _local(name: str = "Leeds"):
    return networks.by_code(networks.local_network_code(council(name).id))


def _bame():
    return networks.by_code("bame")


def _listed(user, code: str = "bame") -> None:
    db.session.get(NetworkMembership, (user.id, networks.by_code(code).id)).is_listed = True
    db.session.commit()


@pytest.fixture
def world(app, users):
    """Mina and Otto in Leeds, the coordinator and admin in Leeds too, the mentor in York."""
    load_reference()
    for role in ("member", "other_member", "coordinator", "admin"):
        give_profile(users[role], "Leeds")
    give_profile(users["mentor"], "York")
    return users


def test_is_lead_is_true_only_for_the_network_they_lead(world):
    leeds, bame = _local(), _bame()
    assert not networks.is_lead(world["member"].id, leeds.id)
    _lead(world["member"], leeds)
    assert networks.is_lead(world["member"].id, leeds.id)
    assert not networks.is_lead(world["other_member"].id, leeds.id)
    assert not networks.is_lead(world["member"].id, bame.id)


def test_a_lead_who_leaves_an_affinity_network_no_longer_leads_it(world):
    bame = _bame()
    join(world["member"], "bame")
    _lead(world["member"], bame)
    assert networks.is_lead(world["member"].id, bame.id)
    networks.withdraw(world["member"], bame)
    assert not networks.is_lead(world["member"].id, bame.id)
    assert db.session.get(NetworkLead, (bame.id, world["member"].id)) is None


# ------------------------------------------------------------------ the directory


def test_directory_lists_regions_councils_and_counts_from_five(client, auth, world):
    for n in range(2):
        give_profile(make_user(name=f"York Person {n}"), "York")
    auth.login(world["member"].email)
    html = client.get("/networks/").get_data(as_text=True)
    assert "Yorkshire and the Humber" in html and "Cornwall" in html
    # Leeds has 4 people (Mina, Otto, the coordinator and the admin), York 3; then a fifth.
    give_profile(make_user(name="Leeds Fifth"), "Leeds")
    html = client.get("/networks/").get_data(as_text=True)
    leeds_row, york_row = (
        re.search(rf'href="/networks/{_local(name).id}">{name}</a>\s*<span class="count">'
                  r"([^<]*)<", html) for name in ("Leeds", "York"))
    assert leeds_row.group(1) == "5 members"
    assert york_row.group(1) == "fewer than 5 members"
    assert re.search(r"Cornwall\s*<span class=\"count\">no members yet", html)


def test_directory_shows_affinity_networks_without_any_count(client, auth, world):
    for n in range(6):
        person = make_user(name=f"Bame Person {n}")
        join(person, "bame")
    auth.login(world["coordinator"].email)
    html = client.get("/networks/").get_data(as_text=True)
    section = html.split("Affinity networks")[1].split("Local networks by region")[0]
    section = re.sub(r"<[^>]+>", " ", section)
    assert "Black, Asian and minority ethnic managers network" in section
    assert not re.search(r"\d", section), "no count of affinity members, at any size"
    assert f'href="/networks/{_bame().id}"' not in html
    # A member of it finds a link to its page, and nobody else does.
    join(world["member"], "bame")
    auth.logout()
    auth.login(world["member"].email)
    assert f'href="/networks/{_bame().id}"' in client.get("/networks/").get_data(as_text=True)


# The loop templates/networks/directory.html had before its list was written in Python.
_DIRECTORY_LOOP = """{% for region in regions %}
<details class="region"{% if region.id == my_region_id %} open{% endif %}>
  <summary>{{ region.name }}</summary>
  <ul class="council-list">
    {% for name, network_id, count in region.councils %}
    <li>
      {% if network_id %}<a href="{{ url_for('networks.network', network_id=network_id) }}">\
{{ name }}</a>{% else %}{{ name }}{% endif %}
      <span class="count">{% if count %}{{ "{:,}".format(count) }} members\
{% elif network_id %}fewer than 5 members{% else %}no members yet{% endif %}</span>
    </li>
    {% endfor %}
  </ul>
</details>
{% endfor %}"""


def test_directory_list_is_written_as_the_template_loop_wrote_it(app):
    from flask import render_template_string, url_for
    from markupsafe import escape

    from netapp.networks.directory_items import regions_html
    from netapp.services.network_directory import Council, RegionCouncils

    regions = [
        RegionCouncils(3, "North & <East>", [Council("Bath 'n' \"Wells\"", 12, 1234567),
                                             Council("Derby", 4, None),
                                             Council("Nowhere", None, None)]),
        RegionCouncils(9, "South West", [Council("Cornwall", 7, 5)]),
        RegionCouncils(10, "Empty", [])]
    with app.test_request_context("/networks/"):
        for mine in (None, 3, 9):
            written = regions_html(regions, mine,
                                   escape(url_for("networks.network", network_id=0)[:-1]))
            assert written == render_template_string(_DIRECTORY_LOOP, regions=regions,
                                                     my_region_id=mine)
    assert "North &amp; &lt;East&gt;" in written and "1,234,567 members" in written


def test_directory_counts_open_accounts_and_opens_the_readers_region(client, auth, world):
    for n in range(5):
        give_profile(make_user(name=f"York Person {n}"), "York")
    closed = make_user(name="York Closed", active=False)
    give_profile(closed, "York")
    auth.login(world["mentor"].email)  # in York, with the 5 above: 6 open accounts
    html = client.get("/networks/").get_data(as_text=True)
    york = re.search(rf'href="/networks/{_local("York").id}">York</a>\s*<span class="count">'
                     r"([^<]*)<", html)
    assert york.group(1) == "6 members"
    opened = re.findall(r'<details class="region" open>\s*<summary>([^<]*)<', html)
    assert opened == ["Yorkshire and the Humber"]


def test_directory_counts_follow_each_move_closure_and_reopening(client, auth, world):
    """The counts come from the tallies the database keeps: someone moving council, an account
    closed or opened again shows on the next load."""
    people = [make_user(name=f"York Mover {n}") for n in range(5)]
    for person in people:
        give_profile(person, "York")
    auth.login(world["member"].email)

    def count(name: str) -> str:
        html = client.get("/networks/").get_data(as_text=True)
        return re.search(rf'href="/networks/{_local(name).id}">{name}</a>\s*'
                         r'<span class="count">([^<]*)<', html).group(1)

    assert count("York") == "6 members"  # the five and the mentor
    assert count("Leeds") == "fewer than 5 members"
    give_profile(people[0], "Leeds")
    assert count("York") == "5 members" and count("Leeds") == "5 members"
    people[1].is_active_account = False
    db.session.commit()
    assert count("York") == "fewer than 5 members"
    people[1].is_active_account = True
    db.session.commit()
    assert count("York") == "5 members"


def test_directory_reads_one_statement_whatever_the_data(client, auth, world):
    auth.login(world["member"].email)
    statements_per_page(client, ["/networks/"])  # warm-up: the process's reference copies
    small = statements_per_page(client, ["/networks/"])["/networks/"]
    _grow(12)
    statements_per_page(client, ["/networks/"])
    assert statements_per_page(client, ["/networks/"])["/networks/"] == small
    # The page's own statement, and the signed-in person (tests keep no sessions).
    assert small == 2


# ------------------------------------------------------------------ a local network's page


def test_a_member_of_another_council_sees_a_local_network_as_each_allows(client, auth, world):
    profiles.set_visibility(world["other_member"], {"area": profiles.NETWORKS})
    auth.login(world["mentor"].email)  # in York
    html = client.get(f"/networks/{_local().id}").get_data(as_text=True)
    assert "Mina Member" in html
    assert "Otto Other" not in html, "Otto shows his council only to his networks"
    assert "Follow this network" in html


def test_new_members_this_month_count_from_five_and_listed_names(client, auth, world):
    auth.login(world["member"].email)
    html = client.get(f"/networks/{_local().id}").get_data(as_text=True)
    new = html.split('id="new-title"')[1].split("</section>")[0]
    assert "joined this month" not in new  # 4 people: no count
    assert "Otto Other" in new and "Mina Member (you)" in new
    hidden = make_user(name="Hidden Newcomer")
    give_profile(hidden, "Leeds")
    profiles.set_visibility(hidden, {"area": profiles.ONLY_ME})
    html = client.get(f"/networks/{_local().id}").get_data(as_text=True)
    new = html.split('id="new-title"')[1].split("</section>")[0]
    assert "5 people joined this month" in new
    assert "Hidden Newcomer" not in html
    # Someone who joined last month is not new.
    db.session.execute(sa.update(NetworkMembership)
                       .where(NetworkMembership.user_id == world["other_member"].id)
                       .values(joined_at=networks._month_start().replace(year=2020)))
    db.session.commit()
    new = client.get(f"/networks/{_local().id}").get_data(as_text=True) \
        .split('id="new-title"')[1].split("</section>")[0]
    assert "Otto Other" not in new and "joined this month" not in new


def test_leads_are_shown_as_each_allows(client, auth, world):
    leeds = _local()
    _lead(world["other_member"], leeds)
    auth.login(world["mentor"].email)
    leads = client.get(f"/networks/{leeds.id}").get_data(as_text=True) \
        .split('id="leads-title"')[1].split("</section>")[0]
    assert "Otto Other" in leads
    profiles.set_visibility(world["other_member"], {"area": profiles.ONLY_ME})
    leads = client.get(f"/networks/{leeds.id}").get_data(as_text=True) \
        .split('id="leads-title"')[1].split("</section>")[0]
    assert "Otto Other" not in leads


# ------------------------------------------------------------------ follows


def test_a_member_follows_and_unfollows_a_neighbouring_network(client, auth, world):
    leeds = _local()
    mentor = world["mentor"]
    auth.login(mentor.email)
    assert client.post(f"/networks/{leeds.id}/follow").status_code == 302
    assert networks.is_following(mentor.id, leeds.id)
    mine = client.get("/networks/mine").get_data(as_text=True)
    assert "Networks you follow" in mine and leeds.name in mine
    assert "Stop following" in client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    actions = db.session.scalars(sa.select(AuditEntry.action)
                                 .where(AuditEntry.actor_id == mentor.id)).all()
    assert "network.followed" in actions
    response = client.post(f"/networks/{leeds.id}/unfollow", data={"back": "mine"})
    assert response.headers["Location"].endswith("/networks/mine")
    assert not networks.is_following(mentor.id, leeds.id)


def test_nobody_follows_their_own_network_or_an_affinity_one(client, auth, world):
    leeds, bame = _local(), _bame()
    auth.login(world["member"].email)
    html = client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    assert "Follow this network" not in html
    client.post(f"/networks/{leeds.id}/follow")
    assert not networks.is_following(world["member"].id, leeds.id)
    assert client.post(f"/networks/{bame.id}/follow").status_code == 404
    join(world["member"], "bame")
    client.post(f"/networks/{bame.id}/follow")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkFollow)) == 0
    with pytest.raises(ValueError):
        networks.follow(world["member"], bame)


# ------------------------------------------------------------------ leads of a local network


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_staff_appoint_and_remove_a_local_lead_and_it_is_audited(client, auth, world, role):
    leeds, otto = _local(), world["other_member"]
    auth.login(world[role].email)
    html = client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    assert "Appoint as a lead" in html
    assert client.post(f"/networks/{leeds.id}/leads",
                       data={"user_id": otto.id}).status_code == 302
    assert networks.is_lead(otto.id, leeds.id)
    entry = db.session.scalars(sa.select(AuditEntry)
                               .where(AuditEntry.action == "network.lead_appointed")).one()
    assert entry.actor_id == world[role].id and entry.target_id == str(otto.id)
    assert client.post(f"/networks/{leeds.id}/leads/{otto.id}/remove").status_code == 302
    assert not networks.is_lead(otto.id, leeds.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "network.lead_removed")) == 1


def test_a_local_lead_must_be_a_member_of_that_network(client, auth, world):
    leeds = _local()
    auth.login(world["coordinator"].email)
    response = client.post(f"/networks/{leeds.id}/leads", data={"user_id": world["mentor"].id})
    assert response.status_code == 400
    assert "Choose a member of this network from the list." in response.get_data(as_text=True)
    response = client.post(f"/networks/{leeds.id}/leads", data={"user_id": ""})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkLead)) == 0


@pytest.mark.parametrize("role", ["member", "mentor"])
def test_members_cannot_change_local_leads(client, auth, world, role):
    leeds = _local()
    _lead(world["member"], leeds)  # even a lead does not appoint local leads
    auth.login(world[role].email)
    assert "Appoint as a lead" not in client.get(f"/networks/{leeds.id}").get_data(as_text=True)
    assert client.post(f"/networks/{leeds.id}/leads",
                       data={"user_id": world["other_member"].id}).status_code == 403
    assert client.post(f"/networks/{leeds.id}/leads/{world['member'].id}/remove") \
        .status_code == 403
    assert networks.is_lead(world["member"].id, leeds.id)
    assert not networks.is_lead(world["other_member"].id, leeds.id)


# ------------------------------------------------------------------ leads of an affinity network


@pytest.fixture
def bame_lead(world):
    """Mina leads the BAME network; Otto is a listed member, Hana an unlisted one."""
    join(world["member"], "bame")
    _listed(world["member"])
    _lead(world["member"], _bame())
    join(world["other_member"], "bame")
    _listed(world["other_member"])
    hana = make_user(name="Hana Hidden")
    join(hana, "bame")
    return hana


def test_an_affinity_lead_appoints_a_listed_member_without_naming_anyone_in_the_log(
        client, auth, world, bame_lead):
    bame, otto = _bame(), world["other_member"]
    auth.login(world["member"].email)
    html = client.get(f"/networks/{bame.id}").get_data(as_text=True)
    assert "Appoint as a lead" in html and "Hana Hidden" not in html
    assert client.post(f"/networks/{bame.id}/leads", data={"user_id": otto.id}).status_code == 302
    assert networks.is_lead(otto.id, bame.id)
    # An unlisted member is not offered, and cannot be sent either.
    response = client.post(f"/networks/{bame.id}/leads", data={"user_id": bame_lead.id})
    assert response.status_code == 400
    assert not networks.is_lead(bame_lead.id, bame.id)
    entries = db.session.scalars(sa.select(AuditEntry)
                                 .where(AuditEntry.action.like("%lead%"))).all()
    assert [e.action for e in entries] == ["affinity_lead.appointed"]
    assert entries[0].actor_id is None and entries[0].target_id is None
    assert "bame" not in str(entries[0].detail)
    assert "affinity_lead.appointed" in audit.SPECIAL_CATEGORY


@pytest.mark.parametrize("role", ["other_member", "coordinator", "admin", "mentor"])
def test_only_its_leads_change_an_affinity_networks_leads(client, auth, world, bame_lead, role):
    """Other members of it, and staff outside it, get a 404 as for a network they cannot see."""
    bame = _bame()
    auth.login(world[role].email)
    assert client.post(f"/networks/{bame.id}/leads",
                       data={"user_id": world["other_member"].id}).status_code == 404
    assert client.post(f"/networks/{bame.id}/leads/{world['member'].id}/remove") \
        .status_code == 404
    assert networks.is_lead(world["member"].id, bame.id)
    assert not networks.is_lead(world["other_member"].id, bame.id)


def test_staff_who_join_an_affinity_network_get_no_lead_controls(client, auth, world, bame_lead):
    join(world["coordinator"], "bame")
    auth.login(world["coordinator"].email)
    html = client.get(f"/networks/{_bame().id}").get_data(as_text=True)
    assert "Appoint as a lead" not in html and "Remove" not in html


def test_affinity_network_page_is_for_its_members_only(client, auth, world, bame_lead):
    bame = _bame()
    for role in ("mentor", "coordinator", "admin"):
        auth.login(world[role].email)
        assert client.get(f"/networks/{bame.id}").status_code == 404
        auth.logout()
    auth.login(world["other_member"].email)
    html = client.get(f"/networks/{bame.id}").get_data(as_text=True)
    assert "Mina Member" in html and "Hana Hidden" not in html


# ------------------------------------------------------------------ the command line


def test_operator_adds_an_affinity_lead_from_the_command_line(runner, world):
    join(world["member"], "bame")
    result = runner.invoke(args=["networks", "add-lead", world["member"].email, "bame"])
    assert result.exit_code == 0, result.output
    assert "now leads bame" in result.output
    assert networks.is_lead(world["member"].id, _bame().id)
    again = runner.invoke(args=["networks", "add-lead", world["member"].email, "bame"])
    assert "already leads" in again.output


@pytest.mark.parametrize(("email", "code", "message"), [
    ("other@example.org", "bame", "must be a confirmed, active member"),
    ("nobody@example.org", "bame", "no account"),
    ("member@example.org", "nonsense", "no network"),
])
def test_the_command_refuses_non_members_and_unknowns(runner, world, email, code, message):
    result = runner.invoke(args=["networks", "add-lead", email, code])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkLead)) == 0


# ------------------------------------------------------------------ old addresses, export


def test_old_addresses_lead_to_the_new_pages(client, auth, world):
    auth.login(world["member"].email)
    assert client.get("/me/networks").headers["Location"].endswith("/networks/mine")
    leeds = _local()
    assert client.get(f"/members/networks/{leeds.id}").headers["Location"] \
        .endswith(f"/networks/{leeds.id}")


def test_my_data_export_has_networks_i_lead_and_follow(app, world):
    from netapp.services import privacy

    _lead(world["member"], _local())
    networks.follow(world["member"], _local("York"))
    data = privacy.collect(db.session.get(User, world["member"].id))
    assert [n["network"] for n in data["networks_led"]] == [_local().name]
    assert data["networks_followed"] == [_local("York").name]


# ------------------------------------------------------------------ fixed statements


def _grow(extra: int) -> None:
    for n in range(extra):
        person = make_user(name=f"Grown {n}")
        give_profile(person, "Leeds" if n % 2 else "York")
        if n % 3 == 0:
            join(person, "bame")
            _listed(person)


def test_a_networks_members_come_a_page_at_a_time_by_name_with_the_count(client, auth,
                                                                          world, app):
    app.config["PAGE_SIZE"] = 3
    path = f"/networks/{_local().id}"
    auth.login(world["member"].email)

    def names(page: int) -> tuple[str, list[str]]:
        text = client.get(f"{path}?page={page}").text
        listed = re.search(r'<ul class="member-list">(.*?)</ul>', text, re.S)
        return text, re.findall(r">([^<>]+?)(?: \(you\))?</(?:a|li)>", listed.group(1)) \
            if listed else []

    leeds = sorted(u.display_name for u in (world["member"], world["other_member"],
                                             world["coordinator"], world["admin"]))
    first, on_first = names(1)
    second, on_second = names(2)
    past, on_past = names(5)
    assert on_first == leeds[:3] and on_second == leeds[3:]
    assert all("Members (4)" in text for text in (first, second, past))
    assert on_past == [] and "Nobody to show yet." in past


def test_pages_run_a_fixed_number_of_statements(client, auth, world):
    join(world["member"], "bame")
    _listed(world["member"])
    _lead(world["member"], _bame())
    _lead(world["other_member"], _local())
    networks.follow(world["member"], _local("York"))
    paths = ["/networks/", "/networks/mine", f"/networks/{_local().id}",
             f"/networks/{_bame().id}", f"/networks/{_local('York').id}"]
    auth.login(world["member"].email)
    statements_per_page(client, paths)  # warm-up: what a serving process has cached
    small = statements_per_page(client, paths)
    _grow(12)
    statements_per_page(client, paths)  # adding people may refresh the cached reference data
    large = statements_per_page(client, paths)
    assert small == large
    auth.logout()
    auth.login(world["coordinator"].email)
    staff = [f"/networks/{_local().id}"]
    statements_per_page(client, staff)
    small = statements_per_page(client, staff)
    _grow(6)
    statements_per_page(client, staff)
    assert statements_per_page(client, staff) == small


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_network_page_leaves_the_connection_its_prepared_statements(client, auth, world,
                                                                      backend):
    # The page only reads, so its transaction must end with COMMIT (netapp/database.py): a
    # statement the database took for a change (one beginning with WITH, say) made it roll
    # back, and the connection forgot every statement it had prepared.
    auth.login(world["member"].email)
    prepared = prepared_after_pages(client, f"/networks/{_local().id}")
    assert prepared and max(prepared) > 0, "the page's statements were planned afresh each time"


# ------------------------------------------------------------------ demo data


def test_demo_member_leads_their_network_and_sees_it_alive(client, app):
    from netapp.services.demo import seed_demo

    logins = {login.role: login for login in seed_demo(members=300, seed=4)}
    member = db.session.scalars(sa.select(User).where(User.email == logins["member"].email)).one()
    home = networks.by_code(networks.local_network_code(member.profile.local_authority_id))
    assert networks.is_lead(member.id, home.id)
    assert len(networks.followed(member.id)) == 2
    leads_elsewhere = db.session.scalar(sa.select(sa.func.count(sa.distinct(
        NetworkLead.network_id))))
    assert leads_elsewhere > 10
    client.post("/account/login", data={"email": member.email,
                                        "password": logins["member"].password})
    html = client.get(f"/networks/{home.id}").get_data(as_text=True)
    new = html.split('id="new-title"')[1].split("</section>")[0]
    assert "Nobody new" not in new and "/members/" in new
    assert "Appoint as a lead" not in html  # a local lead does not appoint other leads


def test_the_demo_member_is_in_an_affinity_network_with_its_event_and_discussions(client, app):
    # Whether the demo member joined one was left to chance, so the first command's demo often
    # had no affinity network for them to see; with these seeds it had none.
    from netapp.models import DiscussionThread, Event, Network, NetworkKind
    from netapp.models.base import utcnow
    from netapp.services.demo import seed_demo

    logins = {login.role: login for login in seed_demo(members=200, seed=3)}
    member = db.session.scalars(sa.select(User).where(User.email == logins["member"].email)).one()
    mine = db.session.execute(
        sa.select(Network, NetworkMembership).join(NetworkMembership)
        .where(NetworkMembership.user_id == member.id, Network.kind == NetworkKind.AFFINITY)
    ).all()
    assert len(mine) == 1
    network, membership = mine[0]
    assert membership.consent_given_at is not None and membership.consent_text_version
    assert membership.is_listed
    client.post("/account/login", data={"email": member.email,
                                        "password": logins["member"].password})
    response = client.get(f"/networks/{network.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{network.name}</h1>" in html
    online = db.session.scalars(sa.select(Event).where(Event.network_id == network.id)).one()
    assert online.is_online and online.link and online.title in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionThread)
                             .where(DiscussionThread.network_id == network.id)) > 0
    # Its members joined over the past year, a few this month, each giving consent as they did.
    joined = db.session.execute(sa.select(NetworkMembership.joined_at,
                                          NetworkMembership.consent_given_at)
                                .where(NetworkMembership.network_id == network.id)).all()
    month_start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    this_month = [at for at, _ in joined if at >= month_start]
    assert len(joined) > 20 and len(this_month) < len(joined) / 5
    assert all(at == consent for at, consent in joined)
    assert all(at <= utcnow() for at, _ in joined)


def test_a_network_pages_panels_show_what_each_panel_reads_on_its_own(client, app):
    # The page reads its events, discussions and featured story with its people, in one
    # statement; each panel's own reading (used before, and still by other pages) says what
    # they must be, on every network the demo member may open.
    from netapp.models import Event, Network, Story
    from netapp.models.base import utcnow
    from netapp.services import discussions, events, network_panels, stories
    from netapp.services.demo import seed_demo

    logins = {login.role: login for login in seed_demo(members=300, seed=4)}
    member = db.session.scalars(sa.select(User).where(User.email == logins["member"].email)).one()
    seen = [n for n in db.session.scalars(sa.select(Network).order_by(Network.id))
            if networks.can_see_network(member, n)]
    assert any(n.is_affinity for n in seen)
    shown = {"events": 0, "threads": 0, "story": 0}
    with app.test_request_context():
        for network in seen:
            if network.is_affinity:
                people = networks.people_panels(network, member, 1, 25, with_panels=True)
            else:
                people = networks.standing_and_people(network, member, 1, 25,
                                                      with_panels=True)[1]
            panels = network_panels.from_rows(people.panel_rows, network.name)
            assert [(e.id, e.title, e.starts_at, e.is_online) for e in panels.events] == [
                (e.id, e.title, e.starts_at, e.is_online)
                for e in events.upcoming_for_network(network.id, member)]
            assert [(t.id, t.title, t.post_count, t.last_post_at, t.is_hidden)
                    for t in panels.threads] == [
                (r.thread.id, r.thread.title, r.thread.post_count, r.thread.last_post_at,
                 r.is_hidden) for r in discussions.recent_threads(network.id, member)]
            card = stories.featured_for_network(network.id, member)
            if card is None:
                assert panels.story is None
            else:
                assert (panels.story.story.id, panels.story.story.title,
                        panels.story.story.created_at, panels.story.author,
                        panels.story.network, panels.story.dimensions, panels.story.thanks,
                        panels.story.thanked_by_me) == (
                    card.story.id, card.story.title, card.story.created_at, card.author,
                    card.network, card.dimensions, card.thanks, card.thanked_by_me)
            shown["events"] += len(panels.events)
            shown["threads"] += len(panels.threads)
            shown["story"] += panels.story is not None
    assert all(shown.values()), shown
    # A change shows on the next page: the next event cancelled, the featured story hidden.
    client.post("/account/login", data={"email": member.email,
                                        "password": logins["member"].password})
    home = member.profile.local_authority_id
    home = networks.by_code(networks.local_network_code(home))
    html = client.get(f"/networks/{home.id}").get_data(as_text=True)
    featured = db.session.scalars(sa.select(Story).where(
        Story.network_id == home.id, Story.featured_at.is_not(None))).one()
    soonest = db.session.scalars(sa.select(Event).where(
        Event.network_id == home.id, Event.ends_at > utcnow(), Event.cancelled_at.is_(None))
        .order_by(Event.starts_at, Event.id)).first()
    assert f"/networks/stories/{featured.id}\"" in html
    assert f"/networks/events/{soonest.id}\"" in html
    featured.hidden_at = soonest.cancelled_at = utcnow()
    db.session.commit()
    html = client.get(f"/networks/{home.id}").get_data(as_text=True)
    assert f"/networks/stories/{featured.id}\"" not in html
    assert f"/networks/events/{soonest.id}\"" not in html
    assert "No story is featured here yet." in html


def test_a_networks_lists_escape_names_and_link_everyone_but_the_reader(client, auth, world):
    # The lists of members and of this month's new members are written out in Python: a name
    # is text, never markup, and the reader is named without a link to themselves.
    other = world["other_member"]
    other.display_name = 'Otto <b>"&</b>'
    db.session.commit()
    auth.login(world["member"].email)
    html = client.get(f"/networks/{_local().id}").text
    members = re.search(r'<ul class="member-list">(.*?)</ul>', html, re.S).group(1)
    new = html.split('id="new-title"')[1].split("</section>")[0]
    for listed in (members, new):
        assert (f'<li><a href="/members/{other.id}">Otto &lt;b&gt;&#34;&amp;&lt;/b&gt;</a></li>'
                in listed)
        assert f"<li>{world['member'].display_name} (you)</li>" in listed
        assert "<b>" not in listed and f'href="/members/{world["member"].id}"' not in listed
