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
    page = client.get("/admin/audit?action=role").get_data(as_text=True)
    assert "role.granted" in page and "role.removed" in page and "Ada Admin" in page


def test_admin_role_cannot_be_granted_through_the_form(client, auth, users):
    auth.as_role(users, "admin")
    target = users["member"]
    response = client.post(f"/admin/users/{target.id}", data={"role": "admin", "action": "grant"})
    assert response.status_code == 400
    db.session.refresh(target)
    assert not target.has_role(Role.ADMIN)


def test_people_list_searches_filters_and_paginates(app, client, auth, users):
    for i in range(30):
        make_user(email=f"carer{i:02d}@example.org", name=f"Carer {i:02d}")
    auth.as_role(users, "admin")
    first = client.get("/admin/users?q=carer").get_data(as_text=True)
    assert "Page 1 of 2 (30 in all)" in first
    assert "Carer 00" in first and "Carer 29" not in first
    second = client.get("/admin/users?q=carer&page=2").get_data(as_text=True)
    assert "Carer 29" in second
    mentors = client.get("/admin/users?role=mentor").get_data(as_text=True)
    assert "Meg Mentor" in mentors and "Mina Member" not in mentors
    empty = client.get("/admin/users?q=zzzz").get_data(as_text=True)
    assert "No one matches that search" in empty


def test_unknown_user_is_404(client, auth, users):
    auth.as_role(users, "admin")
    assert client.get("/admin/users/999999").status_code == 404
