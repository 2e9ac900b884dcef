"""The account page: its list of signed-in browsers comes a page at a time, and the page runs
the same statements however many browsers a person has signed in on."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from flask import g

from netapp.extensions import db
from netapp.models import Role, UserSession
from netapp.models.base import utcnow
from netapp.services.browsers import PER_PAGE
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.statements import statements_per_page

pytestmark = pytest.mark.keep_sessions

EDGE = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Safari/537.36 Edg/120.0")


def _other_browsers(user, count: int, **columns) -> list[UserSession]:
    """``count`` sessions on other browsers, used one minute apart (the first most recently)."""
    now = utcnow()
    rows = [UserSession(**{"user_id": user.id, "token_hash": secrets.token_hex(32),
                           "user_agent": f"Firefox/{100 + n}.0 (Android)", "created_at": now,
                           "last_seen_at": now - timedelta(minutes=10 + n), **columns})
            for n in range(count)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _log_in(client, email: str) -> None:
    answer = client.post("/account/login", data={"email": email, "password": DEFAULT_PASSWORD},
                         headers={"User-Agent": EDGE})
    assert answer.status_code == 302


def _browsers(html: str) -> list[str]:
    """The signed-in browsers listed, as "name, when" (this browser marked)."""
    listed = html.split('<ul class="browser-list">')[1].split("</ul>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item.split("</p>")[0])).strip()
            for item in listed.split("<li>")[1:]]


def test_a_person_with_many_browsers_sees_them_a_page_at_a_time(client):
    sam = make_user(email="sam@example.org")
    others = _other_browsers(sam, PER_PAGE + 4)
    _other_browsers(sam, 3, last_seen_at=utcnow() - timedelta(hours=13))  # ended: idle
    for _ in range(2):  # ended: "keep me logged in" ran out, though used a minute ago
        _other_browsers(sam, 1, remember_hash=secrets.token_hex(32),
                        remember_expires_at=utcnow() - timedelta(days=1))
    _log_in(client, "sam@example.org")

    first = client.get("/account/settings").get_data(as_text=True)
    listed = _browsers(first)
    assert len(listed) == PER_PAGE
    assert listed[0] == "Edge on Windows this browser Last used in the last few minutes"
    assert listed[1] == "Firefox on Android Last used 10 minutes ago"  # the most recent next
    assert f"Page 1 of 2 ({PER_PAGE + 5} in all)" in first
    assert 'href="/account/settings?page=2#sessions-title" rel="next">Next</a>' in first
    assert first.count("Sign out<span") == PER_PAGE - 1

    second = client.get("/account/settings?page=2").get_data(as_text=True)
    assert _browsers(second) == [f"Firefox on Android Last used {10 + n} minutes ago"
                                 for n in range(PER_PAGE - 1, PER_PAGE + 4)]
    assert f"Page 2 of 2 ({PER_PAGE + 5} in all)" in second
    assert 'href="/account/settings?page=1#sessions-title" rel="prev">Previous</a>' in second
    assert "this browser" not in second
    # Each listed browser's button ends that one (ended ones were never listed).
    for row in others[PER_PAGE - 1:]:
        assert f'action="/account/sessions/{row.id}/end"' in second
    # The rest of the page is there on every page of browsers.
    assert "Change your password" in second and "Sign out everywhere" in second


def test_a_page_past_the_end_shows_the_last_page(client):
    sam = make_user(email="sam@example.org")
    _other_browsers(sam, PER_PAGE + 1)
    _log_in(client, "sam@example.org")
    html = client.get("/account/settings?page=7").get_data(as_text=True)
    assert _browsers(html) == [f"Firefox on Android Last used {10 + n} minutes ago"
                               for n in (PER_PAGE - 1, PER_PAGE)]
    assert f"Page 2 of 2 ({PER_PAGE + 2} in all)" in html


def test_a_person_with_a_few_browsers_gets_no_page_links(client):
    sam = make_user(email="sam@example.org", roles=[Role.MENTOR, Role.COORDINATOR])
    _other_browsers(sam, 2)
    _log_in(client, "sam@example.org")
    html = client.get("/account/settings").get_data(as_text=True)
    assert len(_browsers(html)) == 3
    assert 'class="pagination"' not in html
    # Roles by name, as the page has always listed them.
    assert "<dt>Roles</dt><dd>Coordinator, Member, Mentor</dd>" in html


def test_forms_sent_back_keep_what_was_typed_beside_the_list(client):
    make_user(email="sam@example.org")
    _log_in(client, "sam@example.org")
    client.get("/account/settings")  # the blank forms are kept from here on
    answer = client.post("/account/email", data={"em-email": "not-an-address",
                                                 "em-password": DEFAULT_PASSWORD})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'value="not-an-address"' in html
    assert "Enter an email address like name@example.org." in html
    assert len(_browsers(html)) == 1
    # The next plain visit shows the blank form again, not what was typed.
    assert "not-an-address" not in client.get("/account/settings").get_data(as_text=True)


def _page(browser, path: str) -> str:
    """``path`` read as a request of its own: the tests' shared app context forgets the token
    Flask-WTF keeps for one request, as a served request's own context would."""
    g.pop("csrf_token", None)
    return browser.get(path).get_data(as_text=True)


def test_the_kept_forms_carry_each_browsers_own_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="sam@example.org")
    browsers = []
    for _ in range(2):
        browser = app.test_client()
        login = _page(browser, "/account/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        answer = browser.post("/account/login", data={
            "email": "sam@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token})
        assert answer.status_code == 302
        html = _page(browser, "/account/settings")
        pw = re.search(r'name="pw-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        em = re.search(r'name="em-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        assert pw == em
        browsers.append((browser, pw))
    (first, first_token), (second, second_token) = browsers
    assert first_token != second_token
    # Each browser's token works for its own form, and the other browser's does not.
    g.pop("csrf_token", None)
    wrong = second.post("/account/email", data={"em-csrf_token": first_token,
                                                "em-email": "sam@example.org",
                                                "em-password": DEFAULT_PASSWORD})
    assert "already your email address" not in wrong.get_data(as_text=True)
    assert wrong.status_code == 400
    g.pop("csrf_token", None)
    right = first.post("/account/email", data={"em-csrf_token": first_token,
                                               "em-email": "sam@example.org",
                                               "em-password": DEFAULT_PASSWORD})
    assert "already your email address" in right.get_data(as_text=True)


def test_the_account_page_runs_a_fixed_number_of_statements(client):
    sam = make_user(email="sam@example.org")
    _log_in(client, "sam@example.org")
    counts = []
    for more in (PER_PAGE + 2, 3 * PER_PAGE):
        _other_browsers(sam, more)
        paths = ["/account/settings", "/account/settings?page=2"]
        statements_per_page(client, paths)  # warm-up: what a serving process has cached
        counts.append(statements_per_page(client, paths))
    assert counts[0] == counts[1]
    person = 0 if db.engine.dialect.name == "postgresql" else 1  # kept per process there
    assert counts[1]["/account/settings"] == person + 1
