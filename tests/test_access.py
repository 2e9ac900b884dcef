"""Every route has an owner: each is tried as anonymous, member, mentor, coordinator and admin."""
import pytest

ROLES = [None, "member", "mentor", "coordinator", "admin"]

# (method, path, who may use it). "anyone" pages are public; "signed_in" needs any account.
ROUTES = [
    ("GET", "/", "anonymous_only"),  # signed-in people go straight to their home page
    ("GET", "/healthz", "anyone"),
    ("GET", "/account/signup", "anonymous_only"),
    ("GET", "/account/login", "anonymous_only"),
    ("GET", "/account/reset", "anyone"),
    ("GET", "/account/signup/sent", "anyone"),
    ("GET", "/home", "signed_in"),
    ("GET", "/account/settings", "signed_in"),
    ("GET", "/account/deactivate", "signed_in"),
    ("GET", "/admin/users", "admin"),
    ("GET", "/admin/users/{member_id}", "admin"),
    ("GET", "/admin/users/{member_id}/close", "admin"),
    ("GET", "/admin/audit", "admin"),
]


def _expected(owner: str, role: str | None) -> int:
    if owner == "anyone":
        return 200
    if owner == "anonymous_only":
        return 200 if role is None else 302  # signed-in people are sent home
    if role is None:
        return 302  # to the login page
    if owner == "signed_in":
        return 200
    return 200 if role == owner else 403


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("method", "path", "owner"), ROUTES, ids=lambda v: str(v))
def test_route_owner(client, auth, users, role, method, path, owner):
    auth.as_role(users, role)
    response = client.open(path.format(member_id=users["member"].id), method=method)
    assert response.status_code == _expected(owner, role)
    if response.status_code == 302 and role is None and owner not in ("anyone", "anonymous_only"):
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_only_admins_change_roles(client, auth, users, role):
    from netapp.extensions import db
    from netapp.models import Role

    auth.as_role(users, role)
    target = users["other_member"]
    response = client.post(f"/admin/users/{target.id}",
                           data={"role": "coordinator", "action": "grant"})
    db.session.refresh(target)
    if role == "admin":
        assert response.status_code == 302
        assert target.has_role(Role.COORDINATOR)
    else:
        assert response.status_code in (302, 403)
        assert not target.has_role(Role.COORDINATOR)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("action", ["close", "reopen"])
def test_only_admins_close_or_reopen_accounts(client, auth, users, role, action):
    from netapp.extensions import db

    target = users["other_member"]
    if action == "reopen":
        target.is_active_account = False
        db.session.commit()
    auth.as_role(users, role)
    response = client.post(f"/admin/users/{target.id}/{action}")
    db.session.refresh(target)
    changed = target.is_active_account == (action == "reopen")
    assert changed == (role == "admin")
    assert response.status_code == (302 if role in (None, "admin") else 403)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We can&#39;t find that page" in html and 'id="main"' in html


def test_forbidden_page_is_friendly(client, auth, users):
    auth.as_role(users, "member")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "You don&#39;t have access to this page" in response.get_data(as_text=True)
