"""Server-side sessions: every login is a revocable row, cookies open only their own row."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Role, User, UserSession
from netapp.models.base import utcnow
from netapp.services.sessions import REMEMBER_COOKIE
from tests.factories import DEFAULT_PASSWORD, hashed_password, make_user

# Live sessions kept per process, as in production: these flows must work with them.
pytestmark = pytest.mark.keep_sessions

SESSION_COOKIE = "session"
CHROME_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                     "(KHTML, like Gecko) Chrome/120.0 Safari/537.36")
FIREFOX_ON_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0"


def _signup(client, name: str, email: str) -> None:
    """Sign up through the real form (which may or may not sign the person in)."""
    response = client.post("/account/signup", data={
        "display_name": name, "email": email,
        "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD})
    assert response.status_code == 302, "sign-up failed"
    client.post("/account/logout")


def _login(client, email: str, remember: bool = False, **kwargs):
    data = {"email": email, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/account/login", data=data, **kwargs)


def _cookie(client, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _browser_with(app, **cookies: str):
    """A new test client holding only the given cookies, as another browser would."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain="localhost")
    return browser


def _is_signed_in(client) -> bool:
    response = client.get("/home")
    if response.status_code == 302:
        assert "/account/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def _session_rows(user: User) -> list[UserSession]:
    db.session.expire_all()
    return db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()


# ---------------------------------------------------------------- the attack in issue 8


def test_an_erased_accounts_cookies_never_open_the_next_new_account(app):
    z_browser = app.test_client()
    _signup(z_browser, "Zed Zero", "zed@example.org")
    assert _login(z_browser, "zed@example.org", remember=True).status_code == 302
    z_session, z_remember = _cookie(z_browser, SESSION_COOKIE), _cookie(z_browser, REMEMBER_COOKIE)
    assert z_session and z_remember
    z_id = db.session.scalar(sa.select(User.id).where(User.email == "zed@example.org"))

    erased = z_browser.post("/me/data/erase",
                            data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    assert erased.status_code == 302
    assert db.session.get(User, z_id) is None

    y_browser = app.test_client()
    _signup(y_browser, "Yara Young", "yara@example.org")
    assert _login(y_browser, "yara@example.org").status_code == 302
    y = db.session.scalars(sa.select(User).where(User.email == "yara@example.org")).one()

    # Z's old session cookie, and Z's remember cookie alone from another browser.
    for attacker in (_browser_with(app, **{SESSION_COOKIE: z_session}),
                     _browser_with(app, **{REMEMBER_COOKIE: z_remember}),
                     _browser_with(app, **{SESSION_COOKIE: z_session,
                                           REMEMBER_COOKIE: z_remember})):
        assert not _is_signed_in(attacker)
        for path in ("/account/settings", "/me/data", "/me/privacy"):
            response = attacker.get(path)
            assert response.status_code == 302, path
            assert "/account/login" in response.headers["Location"]
        export = attacker.post("/me/data/export")
        assert export.status_code == 302 and "/account/login" in export.headers["Location"]
        assert "yara@example.org" not in attacker.get("/").get_data(as_text=True)
    # Y's own browser is untouched.
    assert _is_signed_in(y_browser)
    assert y.email == "yara@example.org"


def test_cookies_open_nothing_even_if_an_erased_accounts_id_came_back(app):
    """Ids are never reused (AUTOINCREMENT), but cookies must not depend on that."""
    z_browser = app.test_client()
    _signup(z_browser, "Zed Zero", "zed@example.org")
    _login(z_browser, "zed@example.org", remember=True)
    copied = {SESSION_COOKIE: _cookie(z_browser, SESSION_COOKIE),
              REMEMBER_COOKIE: _cookie(z_browser, REMEMBER_COOKIE)}
    z_id = db.session.scalar(sa.select(User.id).where(User.email == "zed@example.org"))
    z_browser.post("/me/data/erase", data={"password": DEFAULT_PASSWORD, "confirm": "y"})

    y = User(id=z_id, email="yara@example.org", display_name="Yara Young",
             password_hash=hashed_password(DEFAULT_PASSWORD))
    y.grant(Role.MEMBER)
    db.session.add(y)
    db.session.commit()
    assert db.session.get(User, z_id).email == "yara@example.org"
    for cookies in ({SESSION_COOKIE: copied[SESSION_COOKIE]},
                    {REMEMBER_COOKIE: copied[REMEMBER_COOKIE]}, copied):
        assert not _is_signed_in(_browser_with(app, **cookies))


# ---------------------------------------------------------------- keep me logged in


def test_keep_me_logged_in_survives_closing_the_browser_for_request_after_request(client):
    make_user(email="sam@example.org")
    _login(client, "sam@example.org", remember=True)
    client.delete_cookie(SESSION_COOKIE, domain="localhost")  # the browser was closed
    assert [_is_signed_in(client) for _ in range(4)] == [True] * 4


def test_the_remember_cookie_is_random_per_login_and_never_holds_the_user_id(app, client):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org", remember=True)
    first = _cookie(client, REMEMBER_COOKIE)
    client.post("/account/logout")
    _login(client, "sam@example.org", remember=True)
    second = _cookie(client, REMEMBER_COOKIE)
    assert first != second
    assert len(second) >= 43 and str(user.id) != second
    stored = [row.remember_hash for row in _session_rows(user)]
    assert second not in stored  # only a hash is stored


def test_the_remember_cookie_is_replaced_on_use_and_the_old_one_stops_working(app, client):
    make_user(email="sam@example.org")
    _login(client, "sam@example.org", remember=True)
    old = _cookie(client, REMEMBER_COOKIE)

    first_use = _browser_with(app, **{REMEMBER_COOKIE: old})
    assert _is_signed_in(first_use)
    new = _cookie(first_use, REMEMBER_COOKIE)
    assert new and new != old
    assert _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: new}))
    assert not _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: old}))


def test_the_remember_cookie_expires_thirty_days_after_login(app, client):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org", remember=True)
    row = _session_rows(user)[0]
    assert row.remember_expires_at - utcnow() > timedelta(days=29)
    row.remember_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.delete_cookie(SESSION_COOKIE, domain="localhost")
    assert not _is_signed_in(client)
    assert _session_rows(user) == []


def test_remember_cookie_keeps_its_flags_and_is_secure_in_production_settings(app, client):
    app.config["REMEMBER_COOKIE_SECURE"] = True
    make_user(email="sam@example.org")
    response = _login(client, "sam@example.org", remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith(f"{REMEMBER_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_an_old_style_remember_cookie_opens_nothing_and_is_removed(app):
    user = make_user(email="sam@example.org")
    # Flask-Login's own cookie was "<user id>|<digest>"; even a well-formed one is ignored.
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        legacy = encode_cookie(str(user.id))
    browser = _browser_with(app, remember_token=legacy)
    assert not _is_signed_in(browser)
    assert browser.get_cookie("remember_token") is None


# ---------------------------------------------------------------- ending sessions


def test_logout_ends_the_session_and_its_remember_cookie_on_the_server(app, client):
    make_user(email="sam@example.org")
    _login(client, "sam@example.org", remember=True)
    copied = {SESSION_COOKIE: _cookie(client, SESSION_COOKIE),
              REMEMBER_COOKIE: _cookie(client, REMEMBER_COOKIE)}
    client.post("/account/logout")
    assert client.get_cookie(REMEMBER_COOKIE) is None
    assert not _is_signed_in(_browser_with(app, **copied))
    assert not _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: copied[REMEMBER_COOKIE]}))


def test_changing_the_password_signs_out_other_browsers_and_renews_this_one(app, client):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org", remember=True)
    before = {SESSION_COOKIE: _cookie(client, SESSION_COOKIE),
              REMEMBER_COOKIE: _cookie(client, REMEMBER_COOKIE)}
    laptop = app.test_client()
    _login(laptop, "sam@example.org", remember=True)
    laptop_remember = _cookie(laptop, REMEMBER_COOKIE)

    response = client.post("/account/password", data={
        "pw-current": DEFAULT_PASSWORD, "pw-password": "a brand new password",
        "pw-confirm": "a brand new password"})
    assert response.status_code == 302
    assert _is_signed_in(client)  # this browser carries on
    assert not _is_signed_in(laptop)
    assert not _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: laptop_remember}))
    # This browser's tokens were replaced too: copies taken before the change are dead.
    assert not _is_signed_in(_browser_with(app, **{SESSION_COOKIE: before[SESSION_COOKIE]}))
    assert not _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: before[REMEMBER_COOKIE]}))
    assert len(_session_rows(user)) == 1


def test_a_password_reset_signs_out_every_browser(app, client, mailbox):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org", remember=True)
    remember = _cookie(client, REMEMBER_COOKIE)
    stranger = app.test_client()
    stranger.post("/account/reset", data={"email": "sam@example.org"})
    link = mailbox.last_link("sam@example.org").split("localhost", 1)[1]
    stranger.post(link, data={"password": "a brand new password",
                              "confirm": "a brand new password"})
    assert not _is_signed_in(client)
    assert not _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: remember}))
    assert _session_rows(user) == []


def test_closing_my_account_signs_out_every_browser(app, client):
    user = make_user(email="sam@example.org")
    other = app.test_client()
    _login(other, "sam@example.org", remember=True)
    _login(client, "sam@example.org")
    response = client.post("/account/deactivate", data={"password": DEFAULT_PASSWORD,
                                                        "confirm": "y"})
    assert response.status_code == 302
    assert not _is_signed_in(client) and not _is_signed_in(other)
    assert _session_rows(user) == []


def test_reopening_an_account_does_not_bring_back_its_old_sessions(app, client, users):
    member = users["member"]
    phone = app.test_client()
    _login(phone, member.email, remember=True)
    copied = {SESSION_COOKIE: _cookie(phone, SESSION_COOKIE),
              REMEMBER_COOKIE: _cookie(phone, REMEMBER_COOKIE)}
    _login(client, users["admin"].email)
    client.post(f"/admin/users/{member.id}/close")
    assert not _is_signed_in(phone)
    client.post(f"/admin/users/{member.id}/reopen")
    db.session.refresh(member)
    assert member.is_active_account
    assert not _is_signed_in(phone)
    assert not _is_signed_in(_browser_with(app, **copied))
    assert not _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: copied[REMEMBER_COOKIE]}))
    assert _session_rows(member) == []
    assert _login(phone, member.email).status_code == 302  # a new login works


def test_a_closed_accounts_session_is_refused_even_if_its_row_survived(app, client):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org")
    # Closed behind the service's back (say, by hand in the database): the row alone is no key.
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(is_active_account=False))
    db.session.commit()
    assert not _is_signed_in(client)


def test_last_seen_is_written_at_most_once_every_few_minutes(client):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org")
    row = _session_rows(user)[0]
    first = row.last_seen_at
    for _ in range(3):
        client.get("/home")
    assert _session_rows(user)[0].last_seen_at == first
    row = _session_rows(user)[0]
    row.last_seen_at = first - timedelta(minutes=10)
    db.session.commit()
    client.get("/home")
    assert _session_rows(user)[0].last_seen_at > first - timedelta(minutes=1)


def test_a_session_without_keep_me_logged_in_ends_after_half_a_day_unused(client):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org")
    row = _session_rows(user)[0]
    row.last_seen_at = utcnow() - timedelta(hours=13)
    db.session.commit()
    assert not _is_signed_in(client)


# ---------------------------------------------------------------- the account page


def test_the_account_page_lists_my_browsers_and_marks_this_one(app):
    make_user(email="sam@example.org")
    phone = app.test_client()
    _login(phone, "sam@example.org", remember=True,
           headers={"User-Agent": FIREFOX_ON_ANDROID})
    desktop = app.test_client()
    _login(desktop, "sam@example.org", headers={"User-Agent": CHROME_ON_WINDOWS})
    html = desktop.get("/account/settings",
                       headers={"User-Agent": CHROME_ON_WINDOWS}).get_data(as_text=True)
    assert "Where you're signed in" in html
    this = html.index("Chrome on Windows")
    assert "this browser" in html[this:this + 200]
    other = html.index("Firefox on Android")
    assert "kept logged in" in html[other:other + 300]
    assert "this browser" not in html[other:other + 300]
    assert html.count("Sign out<span") == 1  # only the other browser can be signed out here


def test_i_can_sign_out_one_other_browser(app, client):
    user = make_user(email="sam@example.org")
    phone = app.test_client()
    _login(phone, "sam@example.org", remember=True)
    phone_remember = _cookie(phone, REMEMBER_COOKIE)
    _login(client, "sam@example.org")
    phone_row = next(r for r in _session_rows(user) if r.remember_hash is not None)
    response = client.post(f"/account/sessions/{phone_row.id}/end", follow_redirects=True)
    assert "That browser is signed out." in response.get_data(as_text=True)
    assert not _is_signed_in(phone)
    assert not _is_signed_in(_browser_with(app, **{REMEMBER_COOKIE: phone_remember}))
    assert _is_signed_in(client)


def test_sign_out_everywhere_ends_every_session_and_says_so(app, client):
    user = make_user(email="sam@example.org")
    phone = app.test_client()
    _login(phone, "sam@example.org", remember=True)
    _login(client, "sam@example.org", remember=True)
    response = client.post("/account/sessions/end-all", follow_redirects=True)
    assert "You&#39;re signed out everywhere" in response.get_data(as_text=True)
    assert not _is_signed_in(client) and not _is_signed_in(phone)
    assert client.get_cookie(REMEMBER_COOKIE) is None
    assert _session_rows(user) == []


@pytest.mark.parametrize("role", ["other_member", "mentor", "coordinator", "admin"])
def test_nobody_else_can_end_my_sessions_even_guessing_ids(app, client, users, role):
    member = users["member"]
    mine = app.test_client()
    _login(mine, member.email)
    my_row = _session_rows(member)[0]
    _login(client, users[role].email)
    theirs = max(r.id for r in _session_rows(users[role]))
    for guess in (my_row.id, my_row.id + 1000, 0):
        if guess == theirs:
            continue
        assert client.post(f"/account/sessions/{guess}/end").status_code == 404
    assert _is_signed_in(mine)
    # Signing out everywhere only ever touches the signed-in person's own sessions.
    client.post("/account/sessions/end-all")
    assert _is_signed_in(mine)


def test_this_browsers_own_row_is_not_ended_through_the_one_browser_button(client):
    user = make_user(email="sam@example.org")
    _login(client, "sam@example.org")
    row = _session_rows(user)[0]
    assert client.post(f"/account/sessions/{row.id}/end").status_code == 404
    assert _is_signed_in(client)


@pytest.mark.parametrize("path", ["/account/sessions/1/end", "/account/sessions/end-all"])
def test_session_buttons_need_a_post_with_a_csrf_token(app, client, path):
    make_user(email="sam@example.org")
    _login(client, "sam@example.org")
    assert client.get(path).status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(path).status_code == 400
    assert _is_signed_in(client)
