"""Security headers, cookies, CSRF and rate limiting."""
import re
import time

import pytest

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from netapp import create_app
from tests.factories import make_user


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_flags_in_production(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["DEBUG"] is False


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_settings(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app(ProductionConfig)


def _app_with(backend_url: str, **settings):
    config = type("Cfg", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": backend_url, **settings})
    return create_app(config)


def test_forms_without_csrf_token_are_refused(app):
    from netapp.extensions import db

    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="sam@example.org")
    client = app.test_client()
    response = client.post("/account/login",
                           data={"email": "sam@example.org", "password": "correct horse battery"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    # With the token from the page, the same login works.
    page = client.get("/account/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    ok = client.post("/account/login", data={"email": "sam@example.org",
                                             "password": "correct horse battery",
                                             "csrf_token": token})
    assert ok.status_code == 302
    db.session.remove()


def test_login_is_rate_limited(app):
    from netapp.extensions import limiter

    app.config["RATELIMIT_ENABLED"] = True
    limiter.enabled = True
    limiter.reset()
    try:
        client = app.test_client()
        statuses = [client.post("/account/login",
                                data={"email": "x@example.org", "password": "wrong"}).status_code
                    for _ in range(12)]
        assert statuses[:10] == [200] * 10
        assert statuses[10:] == [429, 429]
        page = client.post("/account/login", data={"email": "x@example.org", "password": "w"})
        assert "Too many wrong passwords" in page.get_data(as_text=True)
        # Reading the page is never limited: only attempts are.
        assert client.get("/account/login").status_code == 200
    finally:
        limiter.reset()
        limiter.enabled = False


def test_passwords_are_hashed_with_full_cost_scrypt_outside_the_tests(app):
    """Only the tests' config hashes cheaply; the site and the demo use scrypt at 2^15."""
    assert ProductionConfig.PASSWORD_HASH_METHOD == DevelopmentConfig.PASSWORD_HASH_METHOD
    user = make_user(email="sam@example.org")
    app.config["PASSWORD_HASH_METHOD"] = ProductionConfig.PASSWORD_HASH_METHOD
    user.set_password("another fine password")
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert "another fine password" not in user.password_hash
    assert user.check_password("another fine password")
    assert not user.check_password("another fine passwore")


def test_rate_limit_counts_the_client_behind_a_trusted_proxy(app):
    from netapp import create_app as build

    config = type("Proxied", (TestingConfig,), {"PROXY_COUNT": 1})
    proxied = build(config)
    seen = {}

    @proxied.route("/_whoami")
    def whoami():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    proxied.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["addr"] == "203.0.113.9"


def test_email_is_stored_lower_case_whatever_the_caller_does(app):
    user = make_user(email="MiXeD@Example.ORG")
    assert user.email == "mixed@example.org"


def test_kept_security_headers_are_what_talisman_writes(monkeypatch):
    # netapp/extensions.py keeps each view's headers per process: they must be the ones Talisman
    # itself writes for that request, over HTTPS and plain HTTP alike, whatever came first.
    import flask_talisman
    from werkzeug.datastructures import Headers

    from netapp.extensions import talisman

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(ProductionConfig)
    client = app.test_client()
    for path in ["/", "/healthz", "/account/login", "/", "/healthz"]:
        for proto in ["https", "http", "https"]:
            headers = {"X-Forwarded-Proto": proto, "X-Forwarded-For": "203.0.113.9"}
            sent = client.get(path, headers=headers, base_url="http://localhost").headers
            with app.test_request_context(path, headers=headers, base_url="http://localhost"):
                probe = type("Probe", (), {"headers": Headers()})()
                flask_talisman.Talisman._set_response_headers(talisman, probe)
            assert list(probe.headers.items()), "Talisman wrote nothing to compare with"
            for name, value in probe.headers.items():
                assert sent.get(name) == value, (path, proto, name)
            assert ("Strict-Transport-Security" in sent) == (proto == "https"), (path, proto)


def _token_on(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]


def _get(client, path: str) -> str:
    """The page at ``path``, read as a request of its own: the tests' app context (shared by
    their requests) forgets the token Flask-WTF keeps for one request, as a served request's
    own context would."""
    from flask import g

    g.pop("csrf_token", None)
    return client.get(path).get_data(as_text=True)


def test_a_kept_csrf_token_serves_only_its_own_session(app):
    """Signed tokens are kept a few seconds per session (forms_common.signed_token): each
    browser still gets its own, and one browser's token is refused from another."""
    from netapp.extensions import db

    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="sam@example.org")
    make_user(email="kim@example.org")
    sam, kim = app.test_client(), app.test_client()
    sams = [_token_on(_get(sam, "/account/login"))]
    time.sleep(1.1)  # a token signed now would carry a later time
    sams.append(_token_on(_get(sam, "/account/login")))
    kims = _token_on(_get(kim, "/account/login"))
    assert sams[0] == sams[1]  # kept: the same signed token again
    assert kims != sams[0]
    refused = kim.post("/account/login", data={"email": "kim@example.org",
                                               "password": "correct horse battery",
                                               "csrf_token": sams[0]})
    assert refused.status_code == 400
    ok = sam.post("/account/login", data={"email": "sam@example.org",
                                          "password": "correct horse battery",
                                          "csrf_token": sams[0]})
    assert ok.status_code == 302
    db.session.remove()


def test_the_header_log_out_button_and_the_page_forms_share_one_token(app, users):
    from netapp.extensions import db

    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = _get(client, "/account/login")
    client.post("/account/login", data={"email": users["member"].email,
                                        "password": "correct horse battery",
                                        "csrf_token": _token_on(page)})
    settings = _get(client, "/account/settings")
    tokens = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', settings)
                 + re.findall(r'value="([^"]+)"[^>]*name="csrf_token"', settings))
    assert len(tokens) == 1
    # The header's log-out form (base.html's csrf_token()) works with it.
    assert client.post("/account/logout", data={"csrf_token": tokens.pop()}).status_code == 302
    assert client.get("/home").status_code == 302  # signed out
    db.session.remove()


def _route_limited_app(**limits):
    from flask import Blueprint, Flask

    from netapp.extensions import RouteLimiter

    site = Flask(__name__)
    limiter = RouteLimiter(key_func=lambda: "one client", app=site, storage_uri="memory://",
                           **limits)
    pages = Blueprint("pages", __name__)

    @pages.route("/free")
    def free():
        return "free"

    @pages.route("/limited")
    @limiter.limit("2 per minute")
    def limited():
        return "limited"

    return site, limiter, pages


def test_a_route_limit_holds_without_the_check_before_views():
    site, _, pages = _route_limited_app()
    site.register_blueprint(pages)
    client = site.test_client()
    assert [client.get("/limited").status_code for _ in range(3)] == [200, 200, 429]
    assert {client.get("/free").status_code for _ in range(5)} == {200}


@pytest.mark.parametrize("where", ["default", "blueprint"])
def test_limits_outside_views_are_still_checked_before_them(where):
    site, limiter, pages = _route_limited_app(
        **({"default_limits": ["3 per minute"]} if where == "default" else {}))
    if where == "blueprint":
        limiter.limit("3 per minute")(pages)
    site.register_blueprint(pages)
    client = site.test_client()
    assert [client.get("/free").status_code for _ in range(4)] == [200, 200, 200, 429]
