"""Page addresses built once per process (netapp/app_class.py) are the ones Flask builds."""
from __future__ import annotations

import pytest
from flask import Flask, url_for

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # no database involved


@pytest.mark.parametrize("endpoint, values", [
    ("main.dashboard", {}),
    ("networks.network", {"network_id": 7}),
    ("networks.directory", {"name": "Ann Lee", "page": 2}),  # unknown keys: a query string
    ("members.assess", {"code": "PQ"}),
    ("networks.directory", {"council": [3, 4]}),  # a list: built every time
])
def test_a_kept_address_is_the_address_flask_builds(app, endpoint, values):
    with app.test_request_context("/home"):
        first = url_for(endpoint, **values)
        again = url_for(endpoint, **values)
        assert first == again == Flask.url_for(app, endpoint, **values)


def test_addresses_differ_by_their_values_and_where_the_site_is_mounted(app):
    with app.test_request_context("/home"):
        five, six = (url_for("networks.network", network_id=n) for n in (5, 6))
    with app.test_request_context("/home", base_url="http://localhost/network"):
        mounted = url_for("networks.network", network_id=5)
    assert five.endswith("/5") and six.endswith("/6")
    assert mounted == "/network" + five


def test_external_and_anchored_addresses_are_built_each_time(app):
    with app.test_request_context("/home"):
        plain = url_for("main.dashboard")
        assert url_for("main.dashboard", _anchor="events") == plain + "#events"
        assert url_for("main.dashboard", _external=True) == "http://localhost" + plain


def test_an_endpoint_relative_to_the_blueprint_is_kept_per_blueprint(app):
    with app.test_request_context("/networks/mine"):
        from flask import request

        request.url_rule = app.url_map.bind("localhost").match("/networks/mine",
                                                               return_rule=True)[0]
        assert url_for(".mine") == url_for("networks.mine")


def test_a_new_secret_key_signs_sessions_anew_and_fallbacks_still_read_old_ones(app, users):
    """The session cookie's serializer is kept per set of keys (KeptSerializerSessions): a
    rotated SECRET_KEY takes effect at once, and SECRET_KEY_FALLBACKS keep people signed in."""
    client = app.test_client()
    assert client.post("/account/login", data={"email": users["member"].email,
                                               "password": "correct horse battery"}
                       ).status_code == 302
    assert client.get("/home").status_code == 200
    old = app.secret_key
    app.secret_key = "a brand new key, long enough for the tests of rotation"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert client.get("/home").status_code == 200  # the old cookie, read with the fallback
    app.config["SECRET_KEY_FALLBACKS"] = None
    assert client.get("/home").status_code == 302  # now refused: signed out


def test_each_request_hook_is_made_synchronous_once(app):
    calls = []

    def hook():
        calls.append(1)

    first, again = app.ensure_sync(hook), app.ensure_sync(hook)
    assert first is again is hook  # a plain function, kept as it is
    first()
    assert calls == [1]


def test_a_session_cookie_read_before_still_grows_too_old(app, users):
    """A cookie whose signature was checked once is kept, but its age is checked every time."""
    import time
    from datetime import timedelta

    client = app.test_client()
    client.post("/account/login", data={"email": users["member"].email,
                                        "password": "correct horse battery"})
    assert client.get("/home").status_code == 200
    assert client.get("/home").status_code == 200  # read from the kept cookie
    app.permanent_session_lifetime = timedelta(seconds=1)
    time.sleep(2.1)
    assert client.get("/home").status_code == 302  # too old: signed out
