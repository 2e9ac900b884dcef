"""Learning resources: admins keep the list; members get suggestions from their weakest elements."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, Element, Resource
from tests.profile_helpers import assess, load_reference

ROLES = [None, "member", "mentor", "coordinator", "admin"]


@pytest.fixture
def elements(app, users):
    load_reference()
    return {e.code: e for e in db.session.scalars(sa.select(Element))}


def _add(elements, code, title):
    resource = Resource(element_id=elements[code].id, title=title,
                        url="https://example.org/" + code, summary="")
    db.session.add(resource)
    db.session.commit()
    return resource


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_only_admins_manage_resources(client, auth, users, elements, role):
    resource = _add(elements, "MS1", "Planning basics")
    auth.as_role(users, role)
    for method, path in (("GET", "/members/resources"),
                         ("GET", f"/members/resources/{resource.id}"),
                         ("POST", f"/members/resources/{resource.id}/delete")):
        response = client.open(path, method=method)
        if role is None:
            assert response.status_code == 302 and "/account/login" in response.headers["Location"]
        elif role == "admin":
            assert response.status_code in (200, 302)
        else:
            assert response.status_code == 403
    assert db.session.get(Resource, resource.id) is not None  # no confirmation, no delete


def test_admin_adds_edits_and_deletes_with_confirmation(client, auth, users, elements):
    auth.login(users["admin"].email)
    bad = client.post("/members/resources", data={"element_id": elements["PQ1"].id,
                                                  "title": "Know yourself", "url": "example.org"})
    assert bad.status_code == 400 and "starting https://" in bad.get_data(as_text=True)
    assert 'value="Know yourself"' in bad.get_data(as_text=True)
    client.post("/members/resources", data={"element_id": elements["PQ1"].id,
                                            "title": "Know yourself", "url": "https://example.org/a"})
    resource = db.session.execute(sa.select(Resource)).scalar_one()
    client.post(f"/members/resources/{resource.id}", data={
        "element_id": elements["PQ2"].id, "title": "Manage yourself", "url": "https://example.org/b"})
    db.session.refresh(resource)
    assert resource.title == "Manage yourself" and resource.element_id == elements["PQ2"].id
    client.post(f"/members/resources/{resource.id}/delete")
    assert db.session.get(Resource, resource.id) is not None
    client.post(f"/members/resources/{resource.id}/delete", data={"confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Resource, resource.id) is None
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["resource.added", "resource.changed", "resource.deleted"]


def test_suggestions_come_from_the_weakest_elements(client, auth, users, elements):
    _add(elements, "SD3", "Making good decisions")
    _add(elements, "PQ1", "Self awareness")
    weakest = {"SD3", "IS2", "CV1"}
    codes = [e.code for e in sorted(elements.values(), key=lambda e: e.id)]
    assess(users["member"], lambda i: 1 if codes[i] in weakest else 4)
    auth.login(users["member"].email)
    html = client.get("/me/resources").get_data(as_text=True)
    suggested = html[html.index("Suggested for you"):html.index("Everything, by area")]
    assert "Making good decisions" in suggested and "Self awareness" not in suggested
    assert "Critically evaluating" in suggested and "We don&#39;t have resources" in suggested or \
        "We don't have resources" in suggested
    assert "Self awareness" in html  # still listed under its element


def test_without_an_assessment_members_are_invited_to_take_one(client, auth, users, elements):
    auth.login(users["member"].email)
    html = client.get("/me/resources").get_data(as_text=True)
    assert "Suggested for you" not in html and "self-assessment" in html
