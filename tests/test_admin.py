"""Admins manage accounts and roles; every change lands in the audit log."""
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, Role
from tests.factories import make_user


def test_grant_and_remove_roles_are_audited(client, auth, users):
    auth.as_role(users, "admin")
    target = users["member"]
    client.post(f"/admin/users/{target.id}", data={"role": "mentor", "action": "grant"})
    db.session.refresh(target)
    assert target.has_role(Role.MENTOR)
    client.post(f"/admin/users/{target.id}", data={"role": "mentor", "action": "remove"})
    db.session.refresh(target)
    assert not target.has_role(Role.MENTOR)
    entries = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.target_id, AuditEntry.detail)
        .where(AuditEntry.action.like("role.%")).order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor_id, e.target_id, e.detail["role"]) for e in entries] == [
        ("role.granted", users["admin"].id, str(target.id), "mentor"),
        ("role.removed", users["admin"].id, str(target.id), "mentor"),
    ]
    page = client.get("/admin/audit?what=roles").get_data(as_text=True)
    admin_link = f'<a href="/admin/users/{users["admin"].id}">Ada Admin</a>'
    member_link = f'<a href="/admin/users/{target.id}">Mina Member</a>'
    assert f"{admin_link} gave {member_link} the mentor role" in page
    assert f"{admin_link} took the mentor role away from {member_link}" in page


def test_admin_role_cannot_be_granted_through_the_form(client, auth, users):
    auth.as_role(users, "admin")
    target = users["member"]
    response = client.post(f"/admin/users/{target.id}", data={"role": "admin", "action": "grant"})
    assert response.status_code == 400
    db.session.refresh(target)
    assert not target.has_role(Role.ADMIN)


def _first_page_of_carers(client, auth, users, count: int) -> str:
    """``count`` accounts named "Carer 00" on, then the first page of admin's search for them."""
    for i in range(count):
        make_user(email=f"carer{i:02d}@example.org", name=f"Carer {i:02d}")
    auth.as_role(users, "admin")
    return client.get("/admin/users?q=carer").get_data(as_text=True)


def test_people_list_searches_filters_and_paginates(app, client, auth, users):
    first = _first_page_of_carers(client, auth, users, 30)
    assert "Page 1 of 2 (30 in all)" in first
    assert "Carer 00" in first and "Carer 29" not in first
    second = client.get("/admin/users?q=carer&page=2").get_data(as_text=True)
    assert "Carer 29" in second
    mentors = client.get("/admin/users?role=mentor").get_data(as_text=True)
    assert "Meg Mentor" in mentors and "Mina Member" not in mentors
    empty = client.get("/admin/users?q=zzzz").get_data(as_text=True)
    assert "No one matches that search" in empty


def test_people_list_counts_only_eight_pages_ahead_and_says_more_than(app, client, auth,
                                                                      users):
    app.config["PAGE_SIZE"] = 2  # eight pages are 16 accounts
    first = _first_page_of_carers(client, auth, users, 39)
    assert "Page 1 of more than 8 (more than 16 in all)" in first
    assert "page=2&amp;q=carer" in first and 'rel="prev"' not in first
    # Further on, it counts further: always eight pages from the one shown.
    third = client.get("/admin/users?q=carer&page=3").get_data(as_text=True)
    assert "Page 3 of more than 10 (more than 20 in all)" in third
    assert "Carer 04" in third and "page=4&amp;q=carer" in third
    # Within eight pages of the end the count is exact again, and the last page has no Next.
    near = client.get("/admin/users?q=carer&page=13").get_data(as_text=True)
    assert "Page 13 of 20 (39 in all)" in near
    last = client.get("/admin/users?q=carer&page=20").get_data(as_text=True)
    assert "Page 20 of 20 (39 in all)" in last and "Carer 38" in last
    assert 'rel="next"' not in last
    # Exactly as many as eight pages hold: no "more than".
    app.config["PAGE_SIZE"] = 5
    exact = client.get("/admin/users?q=carer0").get_data(as_text=True)
    assert "Page 1 of 2 (10 in all)" in exact and "more than" not in exact
    whole = client.get("/admin/users?q=carer").get_data(as_text=True)
    assert "Page 1 of 8 (39 in all)" in whole and "more than" not in whole


def test_unknown_user_is_404(client, auth, users):
    auth.as_role(users, "admin")
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_closes_and_reopens_an_account_after_confirming(client, auth, users):
    auth.as_role(users, "admin")
    target = users["member"]
    page = client.get(f"/admin/users/{target.id}/close").get_data(as_text=True)
    assert "Close Mina Member's account?" in page
    db.session.refresh(target)
    assert target.is_active_account  # looking at the question changes nothing
    client.post(f"/admin/users/{target.id}/close")
    db.session.refresh(target)
    assert not target.is_active_account
    auth.logout()
    refused = auth.login(target.email)
    assert refused.status_code == 200
    assert "Your account is closed" in refused.get_data(as_text=True)
    auth.as_role(users, "admin")
    client.post(f"/admin/users/{target.id}/reopen")
    db.session.refresh(target)
    assert target.is_active_account
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.target_id == str(target.id))).all()
    assert "account.closed_by_admin" in actions and "account.reopened" in actions


def test_admin_cannot_close_own_account_from_admin_pages(client, auth, users):
    auth.as_role(users, "admin")
    client.post(f"/admin/users/{users['admin'].id}/close")
    db.session.refresh(users["admin"])
    assert users["admin"].is_active_account


def test_audit_log_names_the_person_a_change_was_about(client, auth, users):
    auth.as_role(users, "admin")
    target = users["member"]
    client.post(f"/admin/users/{target.id}", data={"role": "mentor", "action": "grant"})
    page = client.get("/admin/audit?what=roles").get_data(as_text=True)
    assert f'<a href="/admin/users/{target.id}">Mina Member</a>' in page
