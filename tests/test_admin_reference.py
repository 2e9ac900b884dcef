"""Admins keep reference data: learning resources (now under /admin), topics and networks."""
import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Element, Resource, Topic
from netapp.services import networks, reference
from tests.profile_helpers import load_reference


@pytest.fixture
def elements(app, users):
    load_reference()
    return {e.code: e for e in db.session.scalars(sa.select(Element))}


def _resource(elements, **changes) -> dict:
    return {"element_id": elements["PQ1"].id, "title": "Skills for Care: Know yourself",
            "url": "https://www.skillsforcare.org.uk/know-yourself", "summary": "",
            "level_from": "1", "level_to": "4"} | changes


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "Give the resource a title."),
    ({"title": "     "}, "cannot be only spaces"),
    ({"title": "x" * 201}, "Keep the title under 200 characters."),
    ({"url": ""}, "Enter the web address, starting https://"),
    ({"url": "http://www.skillsforcare.org.uk/a"}, "not http://"),
    ({"url": "www.skillsforcare.org.uk/a"}, "starting https://"),
    ({"url": "ftp://example.org/a"}, "starting https://"),
    ({"url": "https://"}, "with the site&#39;s name"),
    ({"url": "https:///just-a-path"}, "with the site&#39;s name"),
    ({"url": "https://" + "a" * 490 + ".org"}, "That web address is too long."),
    ({"level_from": "3", "level_to": "2"}, "the same as or above the first one"),
])
def test_a_resource_with_a_bad_title_address_or_levels_is_refused_and_kept(
        client, auth, users, elements, changes, message):
    auth.login(users["admin"].email)
    response = client.post("/admin/resources", data=_resource(elements, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    typed = changes.get("url", "https://www.skillsforcare.org.uk/know-yourself")
    if typed and len(typed) < 100:
        assert f'value="{typed}"' in html  # what was typed stays in the form
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Resource)) == 0


def test_a_good_resource_is_saved_and_edited_under_admin(client, auth, users, elements):
    auth.login(users["admin"].email)
    response = client.post("/admin/resources", data=_resource(elements))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/resources"
    resource = db.session.execute(sa.select(Resource)).scalar_one()
    edit = client.post(f"/admin/resources/{resource.id}",
                       data=_resource(elements, url="http://example.org/x"))
    assert edit.status_code == 400 and "not http://" in edit.get_data(as_text=True)
    db.session.refresh(resource)
    assert resource.url == "https://www.skillsforcare.org.uk/know-yourself"


def test_the_old_addresses_redirect_permanently_to_admin(client, auth, users, elements):
    resource = Resource(element_id=elements["PQ1"].id, title="Know yourself",
                        url="https://example.org/a", summary="")
    db.session.add(resource)
    db.session.commit()
    for method, old, new in (
            ("GET", "/members/resources", "/admin/resources"),
            ("POST", "/members/resources", "/admin/resources"),
            ("GET", f"/members/resources/{resource.id}", f"/admin/resources/{resource.id}"),
            ("POST", f"/members/resources/{resource.id}/delete",
             f"/admin/resources/{resource.id}/delete")):
        response = client.open(old, method=method)
        assert response.status_code == 308, f"{method} {old}"
        assert response.headers["Location"] == new
    # The redirect checks nothing itself: the new address still refuses a member.
    auth.login(users["member"].email)
    followed = client.get("/members/resources", follow_redirects=True)
    assert followed.status_code == 403
    auth.logout()
    auth.login(users["admin"].email)
    page = client.get("/members/resources", follow_redirects=True).get_data(as_text=True)
    assert "Know yourself" in page and f'href="/admin/resources/{resource.id}"' in page


# ---------------------------------------------------------------- topics


def _topic(**changes) -> dict:
    return {"name": "Staff wellbeing", "position": "50"} | changes


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Give the topic a name."),
    ({"name": "    "}, "cannot be only spaces"),
    ({"name": "x" * 121}, "Keep the name under 120 characters."),
    ({"name": "LEADING  a team"}, "There is already a topic with that name"),
    ({"position": ""}, "Enter a number, for example 10."),
    ({"position": "0"}, "Enter a number from 1 to 999."),
    ({"position": "ten"}, "Enter a whole number"),
])
def test_a_bad_topic_is_refused_with_what_to_fix(client, auth, users, elements, changes,
                                                 message):
    auth.login(users["admin"].email)
    db.session.add(Topic(code="leading_a_team", name="Leading a team", position=5))
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Topic))
    response = client.post("/admin/topics", data=_topic(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    if changes.get("name", "").strip() and len(changes.get("name", "")) < 100:
        assert f'value="{changes["name"]}"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Topic)) == before


def test_a_topic_added_or_renamed_shows_to_members_at_once_and_is_audited(client, auth, users,
                                                                          elements):
    auth.login(users["member"].email)
    assert "Staff wellbeing" not in client.get("/me/needs").get_data(as_text=True)
    auth.logout()
    auth.login(users["admin"].email)
    response = client.post("/admin/topics",
                           data=_topic(name="  Staff   wellbeing ", is_support_area="y"))
    assert response.status_code == 302
    topic = db.session.scalars(sa.select(Topic).where(Topic.name == "Staff wellbeing")).one()
    assert topic.code == "staff_wellbeing" and topic.is_support_area and topic.position == 50
    # This process's copy of the topics was emptied by the change: the next page has it.
    assert "Staff wellbeing" in [t.name for t in reference.topics()]
    auth.logout()
    auth.login(users["member"].email)
    assert "Staff wellbeing" in client.get("/me/needs").get_data(as_text=True)
    auth.logout()
    auth.login(users["admin"].email)
    same = client.post(f"/admin/topics/{topic.id}", data=_topic(name="Staff wellbeing"))
    assert same.status_code == 302  # its own name is not "taken"
    client.post(f"/admin/topics/{topic.id}", data=_topic(name="Looking after staff"))
    db.session.refresh(topic)
    assert topic.name == "Looking after staff" and topic.code == "staff_wellbeing"
    assert reference.topic_names()[topic.id] == "Looking after staff"
    log = client.get("/admin/audit?what=admin").get_data(as_text=True)
    assert "Ada Admin</a> added the topic “Staff wellbeing”" in log
    assert "Ada Admin</a> changed the topic “Looking after staff”" in log


# ---------------------------------------------------------------- network descriptions


def test_a_network_description_is_validated_shown_at_once_and_audited(client, auth, users,
                                                                      elements):
    network = networks.by_code("women")
    auth.login(users["member"].email)
    client.get("/networks/")  # this process now keeps a copy of the networks
    auth.logout()
    auth.login(users["admin"].email)
    for text, message in (("", "Say in a sentence or two"), ("   ", "cannot be only spaces"),
                          ("x" * 1001, "under 1,000 characters")):
        bad = client.post(f"/admin/networks/{network.id}", data={"description": text})
        assert bad.status_code == 400 and message in bad.get_data(as_text=True)
    kept = client.post(f"/admin/networks/{network.id}", data={"description": "y" * 1001})
    assert "y" * 1001 + "</textarea>" in kept.get_data(as_text=True)  # what was typed stays
    ok = client.post(f"/admin/networks/{network.id}",
                     data={"description": " For women who manage care services. "})
    assert ok.status_code == 302
    assert reference.network(network.id).description == "For women who manage care services."
    auth.logout()
    auth.login(users["member"].email)
    assert "For women who manage care services." in \
        client.get("/networks/").get_data(as_text=True)
    auth.logout()
    auth.login(users["admin"].email)
    log = client.get("/admin/audit?what=admin").get_data(as_text=True)
    assert f"Ada Admin</a> changed the description of the {network.name} network" in log


def test_the_networks_page_shows_descriptions_and_nobody_in_them(client, auth, users, elements):
    from tests.profile_helpers import give_profile

    give_profile(users["member"], "Leeds")
    auth.login(users["member"].email)
    client.post("/networks/women/join", data={"consent": "y"})
    auth.logout()
    auth.login(users["admin"].email)
    for path in ("/admin/networks", f"/admin/networks/{networks.by_code('women').id}"):
        html = client.get(path).get_data(as_text=True)
        assert "Mina Member" not in html and f"/admin/users/{users['member'].id}" not in html
        assert not re.search(r"\b1 member", html)


@pytest.mark.parametrize("role", [None, "member", "mentor", "coordinator"])
def test_only_admins_edit_topics_and_networks(client, auth, users, elements, role):
    auth.as_role(users, role)
    topic = db.session.scalars(sa.select(Topic)).first()
    network = networks.by_code("women")
    for method, path in (("GET", "/admin/topics"), ("POST", "/admin/topics"),
                         ("POST", f"/admin/topics/{topic.id}"), ("GET", "/admin/networks"),
                         ("POST", f"/admin/networks/{network.id}")):
        response = client.open(path, method=method, data={"name": "X", "description": "X"})
        assert response.status_code == (302 if role is None else 403), (method, path)


def test_the_reference_pages_run_fixed_statements(client, auth, users, elements):
    from tests.statements import statements_per_page

    auth.login(users["admin"].email)
    paths = ["/admin/topics", "/admin/networks"]
    before = statements_per_page(client, paths)
    for i in range(20):
        db.session.add(Topic(code=f"extra_{i}", name=f"Extra {i}", position=200 + i))
    db.session.commit()
    assert statements_per_page(client, paths) == before


def test_the_resource_pages_run_fixed_statements(client, auth, users, elements):
    from tests.statements import statements_per_page

    first = Resource(element_id=elements["PQ1"].id, title="First", url="https://example.org/1",
                     summary="")
    db.session.add(first)
    db.session.commit()
    auth.login(users["admin"].email)
    paths = ["/admin/resources", f"/admin/resources/{first.id}"]
    statements_per_page(client, paths)  # this process's copy of the framework is loaded
    before = statements_per_page(client, paths)
    codes = list(elements)
    for i in range(30):
        db.session.add(Resource(element_id=elements[codes[i % len(codes)]].id, title=f"R {i}",
                                url=f"https://example.org/r{i}", summary=""))
    db.session.commit()
    statements_per_page(client, paths)
    assert statements_per_page(client, paths) == before
