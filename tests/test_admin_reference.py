"""Admins keep reference data: learning resources (now under /admin), topics and networks."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Element, Resource
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
