"""Sign-up, verification, login, logout, reset, change of password and email, deactivation."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, Role, User
from tests.factories import DEFAULT_PASSWORD, make_user

# Live sessions kept per process, as in production: these flows must work with them.
pytestmark = pytest.mark.keep_sessions

GOOD_SIGNUP = {
    "display_name": "Grace Okafor",
    "email": "Grace.Okafor@Example.org",
    "password": "a long enough phrase",
    "confirm": "a long enough phrase",
}


def _path(link: str) -> str:
    return link.split("localhost", 1)[1]


def test_signup_creates_member_and_sends_verification(client, mailbox):
    response = client.post("/account/signup", data=GOOD_SIGNUP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/signup/sent"
    assert client.get("/home").status_code == 302  # nobody is signed in by sign-up itself
    user = db.session.execute(sa.select(User)).scalar_one()
    assert user.email == "grace.okafor@example.org"
    assert user.role_set == {Role.MEMBER}
    assert user.password_hash != GOOD_SIGNUP["password"]
    assert user.check_password(GOOD_SIGNUP["password"])
    assert not user.is_verified
    assert "verify" in mailbox.last_link("grace.okafor@example.org")


def test_verification_link_from_the_real_email_confirms_the_address(client, mailbox):
    client.post("/account/signup", data=GOOD_SIGNUP)
    link = mailbox.last_link("grace.okafor@example.org")
    response = client.get(_path(link))
    assert response.status_code == 302
    user = db.session.execute(sa.select(User)).scalar_one()
    db.session.refresh(user)
    assert user.is_verified


def test_tampered_verification_link_is_refused(client, mailbox):
    client.post("/account/signup", data=GOOD_SIGNUP)
    link = mailbox.last_link("grace.okafor@example.org")
    client.get(_path(link)[:-3] + "abc", follow_redirects=False)
    assert not db.session.execute(sa.select(User)).scalar_one().is_verified


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"display_name": ""}, "Tell us your name."),
        ({"email": "not-an-email"}, "Enter an email address like name@example.org."),
        ({"email": ""}, "Enter your email address."),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters"),
        ({"confirm": "something else entirely"}, "The two passwords don&#39;t match."),
    ],
)
def test_signup_bad_input_shows_message_and_keeps_what_was_typed(client, change, message):
    data = GOOD_SIGNUP | change
    response = client.post("/account/signup", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    if data["display_name"]:
        assert f'value="{data["display_name"]}"' in html
    assert GOOD_SIGNUP["password"] not in html  # passwords are never echoed back
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_signup_with_existing_email_in_other_case_makes_no_second_account(client, mailbox):
    holder = make_user(email="grace.okafor@example.org")
    response = client.post("/account/signup", data=GOOD_SIGNUP, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "already" not in html  # the page never says the address has an account
    assert "Check your email" in html
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    db.session.refresh(holder)
    assert not holder.check_password(GOOD_SIGNUP["password"])  # nothing about it changed
    assert "already have an account" in mailbox.to("grace.okafor@example.org")[-1].get_payload(
        decode=True).decode()


def test_login_and_logout(client, auth):
    user = make_user(email="sam@example.org")
    response = auth.login("SAM@example.org")
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None
    auth.logout()
    assert client.get("/home").status_code == 302


def test_login_with_wrong_password_keeps_email_and_says_so(client, auth):
    make_user(email="sam@example.org")
    response = auth.login("sam@example.org", "wrong password!")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "don&#39;t match an account" in html
    assert 'value="sam@example.org"' in html


def test_deactivated_account_cannot_log_in(client, auth):
    make_user(email="gone@example.org", active=False)
    response = auth.login("gone@example.org")
    assert response.status_code == 200
    assert client.get("/home").status_code == 302


def test_remember_me_sets_a_long_lived_httponly_cookie_only_when_asked(client, auth):
    from netapp.services.sessions import REMEMBER_COOKIE

    make_user(email="sam@example.org")
    auth.login("sam@example.org")
    assert client.get_cookie(REMEMBER_COOKIE) is None
    auth.logout()
    response = auth.login("sam@example.org", remember=True)
    cookie = [c for c in response.headers.getlist("Set-Cookie")
              if c.startswith(f"{REMEMBER_COOKIE}=")]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
    assert "Expires=" in cookie[0]


def test_login_redirects_only_to_local_next(client):
    make_user(email="sam@example.org")
    response = client.post("/account/login?next=https://evil.example/x",
                           data={"email": "sam@example.org", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/home"
    client.post("/account/logout")
    response = client.post("/account/login?next=/account/settings",
                           data={"email": "sam@example.org", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/account/settings"


def test_password_reset_by_emailed_link(client, mailbox, auth):
    user = make_user(email="sam@example.org")
    client.post("/account/reset", data={"email": "sam@example.org"})
    link = _path(mailbox.last_link("sam@example.org"))
    response = client.post(link, data={"password": "my new long password",
                                       "confirm": "my new long password"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("my new long password")
    # The link works once only.
    again = client.post(link, data={"password": "another new password",
                                    "confirm": "another new password"})
    assert again.status_code == 302
    db.session.refresh(user)
    assert user.check_password("my new long password")
    assert auth.login("sam@example.org", "my new long password").status_code == 302


def test_reset_for_unknown_email_sends_nothing_and_says_the_same(client, mailbox):
    response = client.post("/account/reset", data={"email": "nobody@example.org"},
                           follow_redirects=True)
    assert "If that address has an account" in response.get_data(as_text=True)
    assert mailbox.to("nobody@example.org") == []


def test_reset_link_expires(app, client, mailbox):
    make_user(email="sam@example.org")
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    client.post("/account/reset", data={"email": "sam@example.org"})
    link = _path(mailbox.last_link("sam@example.org"))
    response = client.get(link, follow_redirects=True)
    assert "That link has expired" in response.get_data(as_text=True)


def test_change_password_needs_current_password(client, auth):
    user = make_user(email="sam@example.org")
    auth.login("sam@example.org")
    bad = client.post("/account/password", data={"pw-current": "wrong one here",
                                                 "pw-password": "brand new password",
                                                 "pw-confirm": "brand new password"})
    assert bad.status_code == 400
    assert "That isn&#39;t your current password." in bad.get_data(as_text=True)
    good = client.post("/account/password", data={"pw-current": DEFAULT_PASSWORD,
                                                  "pw-password": "brand new password",
                                                  "pw-confirm": "brand new password"})
    assert good.status_code == 302
    db.session.refresh(user)
    assert user.check_password("brand new password")


def test_change_email_takes_effect_when_new_address_confirms(client, auth, mailbox):
    user = make_user(email="sam@example.org")
    auth.login("sam@example.org")
    response = client.post("/account/email", data={"em-email": "Sam.New@example.org",
                                                   "em-password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "sam@example.org"
    client.get(_path(mailbox.last_link("sam.new@example.org")))
    db.session.refresh(user)
    assert user.email == "sam.new@example.org"


def test_change_email_to_one_in_use_changes_nothing_and_says_the_same(client, auth, mailbox):
    user = make_user(email="sam@example.org")
    make_user(email="taken@example.org")
    auth.login("sam@example.org")
    response = client.post("/account/email", data={"em-email": "taken@example.org",
                                                   "em-password": DEFAULT_PASSWORD},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "already in use" not in html
    assert "We&#39;ve sent an email to taken@example.org" in html
    sent = mailbox.to("taken@example.org")[-1].get_payload(decode=True).decode()
    assert "http" not in sent  # the holder is told, and given no link that could move it
    db.session.refresh(user)
    assert user.email == "sam@example.org"


def test_change_email_to_your_own_address_says_so_and_keeps_input(client, auth):
    make_user(email="sam@example.org")
    auth.login("sam@example.org")
    response = client.post("/account/email", data={"em-email": "Sam@example.org",
                                                   "em-password": DEFAULT_PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already your email address" in html and 'value="Sam@example.org"' in html


def test_deactivate_requires_confirmation_then_logs_out(client, auth):
    user = make_user(email="sam@example.org")
    auth.login("sam@example.org")
    response = client.post("/account/deactivate", data={"password": DEFAULT_PASSWORD})
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.is_active_account
    response = client.post("/account/deactivate", data={"password": DEFAULT_PASSWORD,
                                                        "confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.is_active_account
    assert client.get("/home").status_code == 302
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "account.deactivated" in actions


def test_change_password_names_every_problem_at_once(client, auth):
    user = make_user(email="sam@example.org")
    auth.login("sam@example.org")
    response = client.post("/account/password", data={"pw-current": "wrong one here",
                                                      "pw-password": "short",
                                                      "pw-confirm": "different"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That isn&#39;t your current password." in html
    assert "Use at least 10 characters" in html
    assert "The two passwords don&#39;t match." in html
    # The right current password with a bad new one changes nothing and says only what's wrong.
    response = client.post("/account/password", data={"pw-current": DEFAULT_PASSWORD,
                                                      "pw-password": "short",
                                                      "pw-confirm": "short"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Use at least 10 characters" in html
    assert "your current password." not in html
    db.session.refresh(user)
    assert user.check_password(DEFAULT_PASSWORD)


def test_closing_and_deleting_are_explained_side_by_side(client, auth):
    make_user(email="sam@example.org")
    auth.login("sam@example.org")
    html = client.get("/account/settings").get_data(as_text=True)
    section = html[html.index('id="leaving"'):]
    assert section.index("Close my account") < section.index("Delete my account")
    assert "An admin can reopen your account" in section and "can't be undone" in section
    closing = client.get("/account/deactivate").get_data(as_text=True)
    # Mentoring and action learning sets exist now: the page says what really happens to them.
    assert "groups will see" not in closing
    assert "Mentoring and action learning sets you're already in are not ended" in closing
    assert "Compare closing and deleting" in client.get("/me/data").get_data(as_text=True)


def test_development_mail_prints_clickable_links(app, client, caplog):
    """The console backend prints decoded text, not quoted-printable with "=" line breaks."""
    import logging
    import re

    make_user(email="sam.with.a.rather.long.address@example.org")
    app.config["MAIL_BACKEND"] = "console"
    with caplog.at_level(logging.WARNING):
        client.post("/account/reset",
                    data={"email": "sam.with.a.rather.long.address@example.org"})
    (printed,) = [r.getMessage() for r in caplog.records if "console backend" in r.getMessage()]
    link = re.search(r"(https?://\S+/reset/\S+)", printed).group(1)
    assert len(link) > 76  # long enough that quoted-printable would have broken it
    assert "=\n" not in printed and "=3D" not in printed
    assert "Subject: " in printed and "To: sam.with.a.rather.long.address@example.org" in printed
    assert client.get(link.split("localhost", 1)[1]).status_code == 200
