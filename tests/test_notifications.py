"""Notifications: a line in the app for everything, an email unless the person turned it off."""
import re

import pytest

from netapp.extensions import db
from netapp.models import Notification
from netapp.services import notifications


def _notify(user, kind="offer", text="You have a new mentee to consider.", link="/home"):
    note = notifications.notify(user, kind, text, link)
    db.session.commit()
    return note


def test_a_notification_shows_in_the_app_and_comes_by_email(client, auth, users, mailbox):
    member = users["member"]
    _notify(member)
    sent = mailbox.to(member.email)
    assert len(sent) == 1 and sent[0]["Subject"] == "You have a new mentee to consider."
    body = sent[0].get_payload(decode=True).decode()
    assert "http://localhost/home" in body and "/me/notifications/email" in body
    auth.as_role(users, "member")
    html = client.get("/me/notifications").get_data(as_text=True)
    assert "You have a new mentee to consider." in html and "New" in html


def test_turning_an_email_off_keeps_it_in_the_app(client, auth, users, mailbox):
    member = users["member"]
    auth.as_role(users, "member")
    page = client.get("/me/notifications/email").get_data(as_text=True)
    assert all(" checked" in box for box in re.findall(r"<input[^>]*checkbox[^>]*>", page))
    wanted = sorted(notifications.KIND_CODES - {"offer"})
    response = client.post("/me/notifications/email", data={"kinds": wanted})
    assert response.status_code == 302
    _notify(member, kind="offer")
    _notify(member, kind="message", text="Meg sent you a message.")
    assert [m["Subject"] for m in mailbox.to(member.email)] == ["Meg sent you a message."]
    page = client.get("/me/notifications/email").get_data(as_text=True)
    offer_box = re.search(r'<input[^>]*value="offer"[^>]*>', page).group(0)
    assert " checked" not in offer_box
    html = client.get("/me/notifications").get_data(as_text=True)
    assert "You have a new mentee to consider." in html and "Meg sent you a message." in html


def test_mark_all_read_clears_only_my_own(client, auth, users):
    _notify(users["member"])
    _notify(users["other_member"], text="For Otto only.")
    auth.as_role(users, "member")
    assert "For Otto only." not in client.get("/me/notifications").get_data(as_text=True)
    client.post("/me/notifications/read")
    assert notifications.unread_count(users["member"]) == 0
    assert notifications.unread_count(users["other_member"]) == 1


def test_an_unknown_kind_is_refused_and_a_closed_account_gets_no_email(users, mailbox):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notifications.notify(users["member"], "gossip", "x")
    closed = users["other_member"]
    closed.is_active_account = False
    _notify(closed)
    assert mailbox.to(closed.email) == []
    assert db.session.query(Notification).filter_by(user_id=closed.id).count() == 1


def test_the_empty_state_says_what_will_appear(client, auth, users):
    auth.as_role(users, "member")
    assert "Nothing yet" in client.get("/me/notifications").get_data(as_text=True)
