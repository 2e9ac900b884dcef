"""Emailed links work once and only the newest; sign-up and change of email never say who has an
account; staff roles need a confirmed address. All through real requests and the SMTP sink."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Role, User
from tests.factories import DEFAULT_PASSWORD, make_user

SIGNUP = {"display_name": "Grace Okafor", "email": "grace@example.org",
          "password": "a long enough phrase", "confirm": "a long enough phrase"}


def _path(link: str) -> str:
    return link.split("localhost", 1)[1]


def _body(message) -> str:
    return message.get_payload(decode=True).decode()


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", _body(message))


def _ask_to_change(client, new_email: str):
    return client.post("/account/email", data={"em-email": new_email,
                                               "em-password": DEFAULT_PASSWORD})


@pytest.fixture
def sam(client, auth):
    user = make_user(email="sam@example.org", name="Sam Smith")
    auth.login("sam@example.org")
    return user


# ---------------------------------------------------------------- email-change links


def test_the_link_changes_the_address_once_and_tells_the_old_address(client, sam, mailbox):
    _ask_to_change(client, "sam.new@example.org")
    link = _path(mailbox.last_link("sam.new@example.org"))
    first = client.get(link, follow_redirects=True)
    assert "Your email address is now sam.new@example.org" in first.get_data(as_text=True)
    db.session.refresh(sam)
    assert sam.email == "sam.new@example.org" and sam.email_change_nonce is None

    notice = mailbox.to("sam@example.org")[-1]
    assert notice["Subject"] == "Your email address has been changed"
    text = _body(notice)
    assert "Hello Sam Smith" in text and "If you didn't, please reply to this email" in text
    assert "sam.new@example.org" not in text  # the old mailbox is not told where it went

    # The same link a second time (say, after the address was changed back) does nothing.
    _ask_to_change(client, "sam@example.org")
    client.get(_path(mailbox.last_link("sam@example.org")))
    db.session.refresh(sam)
    assert sam.email == "sam@example.org"
    again = client.get(link, follow_redirects=True)
    assert "has been used already" in again.get_data(as_text=True)
    db.session.refresh(sam)
    assert sam.email == "sam@example.org"


def test_an_older_link_stops_working_once_a_newer_one_is_sent(client, sam, mailbox):
    _ask_to_change(client, "first@example.org")
    older = _path(mailbox.last_link("first@example.org"))
    _ask_to_change(client, "second@example.org")
    newer = _path(mailbox.last_link("second@example.org"))
    response = client.get(older, follow_redirects=True)
    assert "a newer one was sent since" in response.get_data(as_text=True)
    db.session.refresh(sam)
    assert sam.email == "sam@example.org"
    client.get(newer)
    db.session.refresh(sam)
    assert sam.email == "second@example.org"


@pytest.mark.parametrize("how", ["change", "reset"])
def test_a_link_stops_working_after_the_password_changes(client, auth, sam, mailbox, how):
    _ask_to_change(client, "sam.new@example.org")
    link = _path(mailbox.last_link("sam.new@example.org"))
    if how == "change":
        client.post("/account/password", data={"pw-current": DEFAULT_PASSWORD,
                                               "pw-password": "a brand new password",
                                               "pw-confirm": "a brand new password"})
    else:
        auth.logout()
        client.post("/account/reset", data={"email": "sam@example.org"})
        client.post(_path(mailbox.last_link("sam@example.org")),
                    data={"password": "a brand new password",
                          "confirm": "a brand new password"})
    db.session.refresh(sam)
    assert sam.check_password("a brand new password")
    response = client.get(link, follow_redirects=True)
    assert "has been used already" in response.get_data(as_text=True)
    db.session.refresh(sam)
    assert sam.email == "sam@example.org"


def test_a_link_without_the_current_nonce_is_refused(app, client, sam, mailbox):
    """A link signed with the app's key but made before nonces (or with a guessed one) fails."""
    from itsdangerous import URLSafeTimedSerializer

    _ask_to_change(client, "sam.new@example.org")
    forged = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="change-email").dumps(
        {"id": sam.id, "email": "evil@example.org"})
    client.get(f"/account/email/confirm/{forged}")
    db.session.refresh(sam)
    assert sam.email == "sam@example.org"


def test_asking_for_an_address_in_use_looks_the_same_as_a_free_one(client, sam, mailbox):
    make_user(email="taken@example.org", name="Tara Taken")
    client.get("/account/settings")  # shows the login's welcome, so both pages below match
    free = _ask_to_change(client, "free@example.org")
    free_page = client.get(free.headers["Location"]).get_data(as_text=True)
    taken = _ask_to_change(client, "taken@example.org")
    taken_page = client.get(taken.headers["Location"]).get_data(as_text=True)
    assert (free.status_code, free.headers["Location"]) == (taken.status_code,
                                                            taken.headers["Location"])
    assert taken_page.replace("taken@", "free@") == free_page
    told = mailbox.to("taken@example.org")[-1]
    assert "Hello Tara Taken" in _body(told) and _links(told) == []
    # Asking about the taken address replaced the free address's link too: newest wins.
    client.get(_path(mailbox.last_link("free@example.org")))
    db.session.refresh(sam)
    assert sam.email == "sam@example.org"


# ---------------------------------------------------------------- sign-up


def _signup(client, **changes):
    return client.post("/account/signup", data=SIGNUP | changes)


def test_signup_answers_the_same_whether_or_not_the_address_has_an_account(app, mailbox):
    make_user(email="known@example.org", name="Kim Known")
    answers = []
    for email in ("new@example.org", "known@example.org"):
        client = app.test_client()
        response = _signup(client, email=email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"],
                        sorted(c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie")),
                        page.replace(email, "EMAIL"),
                        client.get("/home").status_code))
    assert answers[0] == answers[1]
    assert answers[0][1] == "/account/signup/sent" and answers[0][4] == 302
    assert "Check your email" in answers[0][3]


def test_the_holder_of_a_known_address_is_told_with_a_reset_link_that_works(client, mailbox):
    holder = make_user(email="known@example.org", name="Kim Known")
    _signup(client, email="Known@Example.org")
    message = mailbox.to("known@example.org")[-1]
    assert message["Subject"] == "Someone tried to join with your email address"
    assert "Hello Kim Known" in _body(message) and "already have an account" in _body(message)
    reset, login = _links(message)
    assert "/account/reset/" in reset and login.endswith("/account/login")
    client.post(_path(reset), data={"password": "my new long password",
                                    "confirm": "my new long password"})
    db.session.refresh(holder)
    assert holder.check_password("my new long password")
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_a_closed_account_is_told_how_to_come_back_not_given_a_reset_link(client, mailbox):
    make_user(email="gone@example.org", active=False)
    _signup(client, email="gone@example.org")
    message = mailbox.to("gone@example.org")[-1]
    assert "closed" in _body(message) and "/account/reset/" not in _body(message)


def test_a_new_person_goes_from_the_confirmation_link_to_log_in_then_the_wizard(client, mailbox):
    _signup(client)
    link = _path(mailbox.last_link("grace@example.org"))
    confirmed = client.get(link)
    assert confirmed.headers["Location"] == "/account/login?next=/me/start"
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "grace@example.org is confirmed. Log in to carry on" in page
    logged_in = client.post(confirmed.headers["Location"],
                            data={"email": "grace@example.org", "password": SIGNUP["password"]})
    assert logged_in.headers["Location"] == "/me/start"
    assert client.get("/me/start").headers["Location"].endswith("/me/start/about")
    assert db.session.execute(sa.select(User)).scalar_one().is_verified


@pytest.mark.parametrize("asked, lands", [
    ("/members/feedback/give/abc", "/members/feedback/give/abc"),
    ("/\\evil.example/x", "/me/start"),
])
def test_a_sign_up_from_an_invitation_leads_back_to_it_after_confirming(client, mailbox,
                                                                         asked, lands):
    # A colleague invited to give 360 feedback creates an account from the form's sign-in page;
    # once confirmed and logged in they are back at the form, never at another site.
    client.post("/account/signup?" + urlencode({"next": asked}), data=SIGNUP)
    confirmed = client.get(_path(mailbox.last_link("grace@example.org")))
    where = urlsplit(confirmed.headers["Location"])
    assert (where.path, parse_qs(where.query)) == ("/account/login", {"next": [lands]})
    logged_in = client.post(confirmed.headers["Location"],
                            data={"email": "grace@example.org", "password": SIGNUP["password"]})
    assert logged_in.headers["Location"] == lands


def test_opening_the_confirmation_link_does_not_sign_anyone_in(app, mailbox):
    """Whoever signed up knows the password; the mailbox owner must not land in that account."""
    app.test_client().post("/account/signup", data=SIGNUP)
    owner = app.test_client()
    owner.get(_path(mailbox.last_link("grace@example.org")))
    assert owner.get("/home").status_code == 302


@pytest.fixture
def limits(app):
    from netapp.extensions import limiter

    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    limiter.reset()
    try:
        yield
    finally:
        limiter.reset()
        limiter.enabled = False


def test_signup_is_limited_per_typed_address_and_says_when_to_try_again(client, mailbox, limits):
    statuses = [_signup(client, email="target@example.org").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    # One confirmation, then two notes to the holder; the refused fourth sent nothing.
    assert len(mailbox.to("target@example.org")) == 3
    refused = _signup(client, email="target@example.org").get_data(as_text=True)
    assert "try again in an hour" in refused
    # Another address from the same place still works, and typos never count.
    for _ in range(5):
        assert _signup(client, email="other@example.org", confirm="typo!").status_code == 200
    assert _signup(client, email="other@example.org").status_code == 302


def test_signup_is_limited_per_client_address(app, client, limits):
    app.config["SIGNUP_RATE_LIMIT"] = "5 per hour"
    statuses = [_signup(client, email=f"person{i}@example.org").status_code for i in range(6)]
    assert statuses == [302] * 5 + [429]


# ---------------------------------------------------------------- staff roles


def test_an_admin_cannot_make_an_unconfirmed_account_a_coordinator(client, auth, users):
    target = make_user(email="new@example.org", name="Nia New", verified=False)
    auth.as_role(users, "admin")
    response = client.post(f"/admin/users/{target.id}",
                           data={"role": "coordinator", "action": "grant"}, follow_redirects=True)
    assert "They need to confirm their email address first" in response.get_data(as_text=True)
    db.session.refresh(target)
    assert not target.has_role(Role.COORDINATOR)
    # Mentoring needs no staff powers, and once confirmed the coordinator role can be given.
    client.post(f"/admin/users/{target.id}", data={"role": "mentor", "action": "grant"})
    target.email_verified_at = users["admin"].email_verified_at
    db.session.commit()
    client.post(f"/admin/users/{target.id}", data={"role": "coordinator", "action": "grant"})
    db.session.refresh(target)
    assert target.has_role(Role.MENTOR) and target.has_role(Role.COORDINATOR)
