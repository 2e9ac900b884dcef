"""Special-category events in the audit log cannot be tied to a person by time, order or id.

Joining or leaving an affinity network, and choosing to be listed in one, say something about
a person's ethnicity, sex or work. The log keeps that they happened, on which day, and nothing
that points at anyone; the admin page shows them only as counts per day.
"""
import re
from datetime import time

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry
from netapp.services import audit, networks
from netapp.services.audit_words import SPECIAL_PHRASES
from tests.profile_helpers import give_profile, load_reference

SPECIAL = ("consent.given", "consent.withdrawn", "listing.turned_on", "listing.turned_off")


@pytest.fixture
def member(app, users, client, auth):
    load_reference()
    give_profile(users["member"], "Leeds")
    auth.login(users["member"].email)
    return users["member"]


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def _timed_table(html: str) -> str:
    match = re.search(r'<ol id="audit-entries".*?</ol>', html, re.S)
    return match.group(0) if match else ""


def _counts_table(html: str) -> str:
    match = re.search(r'<table id="special-counts".*?</table>', html, re.S)
    return match.group(0) if match else ""


def test_every_special_event_has_no_person_and_the_day_only(client, member):
    client.post("/networks/bame/join", data={"consent": "y"})
    client.post("/networks/bame/listing", data={"listed": "y"})
    client.post("/networks/bame/listing", data={})
    client.post("/networks/bame/leave")
    for action in SPECIAL:
        (entry,) = _entries(action)
        assert entry.actor_id is None and entry.target_type is None and entry.target_id is None
        assert entry.created_at.time() == time(0, 0), f"{action} keeps a time of day"
        assert "bame" not in str(entry.detail).lower()
        assert str(member.id) not in [str(v) for v in entry.detail.values()]


def test_special_events_cannot_be_recorded_with_a_person(app, users):
    with pytest.raises(ValueError, match="consent.given"):
        audit.record(users["member"], "consent.given", users["member"])
    with pytest.raises(ValueError, match="unknown"):
        audit.record_special("unknown.event")


def test_the_admin_page_cannot_place_a_consent_between_two_timed_events(client, auth, users,
                                                                        member):
    """The attack: log in as A, join, then B logs in; the admin reads the log in order."""
    client.post("/networks/bame/join", data={"consent": "y"})
    auth.logout()
    auth.login(users["other_member"].email)
    auth.logout()
    auth.login(users["admin"].email)
    html = client.get("/admin/audit").get_data(as_text=True)
    timed = _timed_table(html)
    assert "Otto Other</a> logged in" in timed
    for words in SPECIAL_PHRASES.values():
        assert words not in timed
    assert "affinity" not in timed
    counts = _counts_table(html)
    assert "joined an affinity network" in counts
    # A day and a count, no time, no person, no id.
    assert not re.search(r"\d{2}:\d{2}", counts)
    assert "Mina Member" not in counts and "Otto Other" not in counts
    entry_id = _entries("consent.given")[0].id
    assert f">{entry_id}<" not in counts and f"={entry_id}" not in counts
    # Filtering on networks, or on the old action prefix, does not bring individual rows back.
    for query in ("what=networks", "action=consent"):
        filtered = client.get(f"/admin/audit?{query}").get_data(as_text=True)
        assert "affinity" not in _timed_table(filtered)
        assert "joined an affinity network" in _counts_table(filtered)
    # Filtering on a person shows none of the counts: they belong to no one.
    mine = client.get(f"/admin/audit?user={member.id}").get_data(as_text=True)
    assert "logged in" in _timed_table(mine) and _counts_table(mine) == ""


def test_the_audit_page_says_what_it_hides_and_why(client, auth, users, app):
    auth.login(users["admin"].email)
    html = client.get("/admin/audit").get_data(as_text=True).replace("&#39;", "'")
    assert "What this log doesn't show" in html
    assert "counted per day" in html
    assert "affinity network" in html


def test_a_persons_history_has_no_special_events(client, auth, users, member):
    client.post("/networks/women/join", data={"consent": "y"})
    client.post("/networks/women/listing", data={"listed": "y"})
    auth.logout()
    auth.login(users["admin"].email)
    html = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert "consent" not in html and "listing" not in html and "women" not in html.lower()


def test_joining_through_the_wizard_is_recorded_the_same_way(client, member):
    client.post("/me/start/networks", data={"join_entrepreneurs": "y"})
    assert networks.is_member(member.id, networks.by_code("entrepreneurs").id)
    (entry,) = _entries("consent.given")
    assert entry.actor_id is None and entry.created_at.time() == time(0, 0)


def test_entries_written_before_the_change_lose_their_time_and_person(empty_database_url):
    from datetime import datetime

    from flask_migrate import upgrade

    from config import TestingConfig
    from netapp import create_app

    app = create_app(type("MigrateConfig", (TestingConfig,),
                          {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        upgrade(revision="0004_sessions")
        audit_log = sa.table("audit_log", sa.column("id"), sa.column("created_at"),
                             sa.column("action"), sa.column("actor_id"),
                             sa.column("target_type"), sa.column("target_id"),
                             sa.column("detail", sa.JSON))
        at = datetime(2026, 11, 3, 14, 7, 31)
        with db.engine.begin() as conn:
            conn.execute(audit_log.insert(), [
                {"created_at": at, "action": "consent.given", "actor_id": None,
                 "target_type": "User", "target_id": "7", "detail": {"kind": "affinity"}},
                {"created_at": at, "action": "account.logged_in", "actor_id": None,
                 "target_type": "User", "target_id": "7", "detail": {}},
            ])
        upgrade()
        with db.engine.connect() as conn:
            rows = {r.action: r for r in conn.execute(sa.select(
                AuditEntry.action, AuditEntry.created_at, AuditEntry.target_id))}
        assert rows["consent.given"].created_at == datetime(2026, 11, 3)
        assert rows["consent.given"].target_id is None
        assert rows["account.logged_in"].created_at == at  # ordinary entries keep their time
        db.engine.dispose()
