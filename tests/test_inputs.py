"""What the app accepts: request size, no files, no hidden characters, real names, no caching."""
from __future__ import annotations

import io
import pathlib
import unicodedata

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Profile, User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.profile_helpers import about_form, council, load_reference
from tests.test_route_owners import URL_VALUES

NETAPP = pathlib.Path(__file__).resolve().parent.parent / "netapp"

SIGNUP = {"display_name": "Grace Okafor", "email": "grace@example.org",
          "password": "a long enough phrase", "confirm": "a long enough phrase"}


def _post_routes(app):
    """(endpoint, path) for every route that takes a POST, from the app's own URL map."""
    from flask import url_for

    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                values = {arg: URL_VALUES[arg] for arg in rule.arguments}
                yield rule.endpoint, url_for(rule.endpoint, **values)


def _text_field_names() -> set[str]:
    """Every text field name of every form class, with the prefixes the settings page uses."""
    from wtforms import StringField
    from wtforms.fields.core import UnboundField

    import netapp.admin.forms  # noqa: F401
    import netapp.auth.forms  # noqa: F401
    import netapp.members.forms  # noqa: F401
    from netapp.forms_common import Form

    names: set[str] = set()
    todo = [Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for name, value in vars(cls).items():
            if isinstance(value, UnboundField) and issubclass(value.field_class, StringField):
                names.add(name)
    return names | {f"pw-{n}" for n in names} | {f"em-{n}" for n in names}


# ---------------------------------------------------------------- size and files


@pytest.mark.parametrize("kind", ["multipart", "urlencoded"])
def test_a_20_mb_request_is_refused_with_413_and_the_friendly_page(client, kind):
    from urllib.parse import urlencode

    from werkzeug.test import encode_multipart

    fields = {"email": "x" * (20 * 1024 * 1024), "password": "x"}
    # Encoded here as bytes, so the test client keeps the body in memory, not a temporary file.
    if kind == "multipart":
        boundary, body = encode_multipart(fields)
        content_type = f"multipart/form-data; boundary={boundary}"
    else:
        body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
    response = client.post("/account/login", data=body, content_type=content_type)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "That was too much to send" in html and "<main" in html


def test_a_form_just_under_the_limit_is_read_normally(client):
    make_user(email="sam@example.org")
    padding = {f"padding{i}": "x" * (300 * 1024) for i in range(5)}  # 1.5 MB in all
    response = client.post("/account/login", data={"email": "sam@example.org",
                                                   "password": DEFAULT_PASSWORD, **padding})
    assert response.status_code == 302


@pytest.mark.parametrize("role", [None, "member", "admin"], ids=lambda r: r or "anonymous")
def test_a_file_in_any_text_field_of_any_form_gets_400_never_500(app, client, auth, users, role):
    auth.as_role(users, role)
    fields = sorted(_text_field_names())
    assert {"email", "display_name", "job_title", "note", "emails", "em-email"} <= set(fields)
    checked = []
    for endpoint, path in _post_routes(app):
        data = {name: (io.BytesIO(b"not text"), "note.txt") for name in fields}
        response = client.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code == 400, f"{role}: POST {path} gave {response.status_code}"
        assert "Something was wrong with that request" in response.get_data(as_text=True)
        checked.append(endpoint)
    assert len(checked) >= 30
    assert {"auth.login", "auth.signup", "auth.reset_request"} <= set(checked)


@pytest.mark.parametrize("path", ["/admin/users?q=%00", "/admin/users?q=a%00b&page=1",
                                  "/admin/audit?action=%00", "/account/verify/abc%00def",
                                  "/feedback/abc%00", "/account/email/confirm/%00"])
def test_a_nul_in_a_link_or_search_gets_400_not_a_database_error(client, auth, users, path):
    auth.as_role(users, "admin")
    assert client.get(path).status_code == 400


# ---------------------------------------------------------------- hidden characters


def test_every_form_is_built_on_the_shared_base():
    """A form made from FlaskForm directly would miss the plain-text check."""
    offenders = [str(p.relative_to(NETAPP)) for p in NETAPP.rglob("*.py")
                 if p.name != "forms_common.py" and "FlaskForm" in p.read_text()]
    assert offenders == []


HIDDEN = ["\x00", "\x07", "\x1b[31m", "\r\n", "\u2028", "\u202e", "\u2066", "\x7f", "\x85"]


@pytest.mark.parametrize("hidden", HIDDEN, ids=repr)
def test_login_with_hidden_characters_in_the_email_gets_a_form_error(client, hidden):
    make_user(email="sam@example.org")
    response = client.post("/account/login", data={"email": f"sam{hidden}@example.org",
                                                   "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "hidden control character" in response.get_data(as_text=True)


@pytest.mark.parametrize("hidden", HIDDEN, ids=repr)
def test_hidden_characters_in_a_profile_field_are_refused_and_never_saved(
        client, auth, users, hidden):
    load_reference()
    auth.login(users["member"].email)
    form = about_form(council().id, job_title=f"Registered{hidden}Manager")
    response = client.post("/me/start/about", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "hidden control character" in html
    assert 'value="Oak Lodge Care Home"' in html  # what was typed elsewhere stays
    # The wizard keeps the answers that passed (it saves as you go), never the refused one.
    profile = db.session.get(Profile, users["member"].id)
    assert profile.job_title is None and profile.onboarding_step is None
    assert profile.organisation.name == "Oak Lodge Care Home"


def test_several_lines_are_fine_where_the_field_takes_several_lines(client, auth, users):
    load_reference()
    auth.login(users["member"].email)
    response = client.post("/me/feedback", data={
        "emails": "ann@example.org\r\nbob@example.org\n\x00cat@example.org"})
    assert "hidden control character" in response.get_data(as_text=True)
    response = client.post("/me/feedback", data={
        "emails": "ann@example.org\r\nbob@example.org\r\n\tcat@example.org"})
    assert "hidden control character" not in response.get_data(as_text=True)


# ---------------------------------------------------------------- display names


@pytest.mark.parametrize(("typed", "stored"), [
    ("  Grace   Okafor  ", "Grace Okafor"),
    ("Zoe\u0301 Martin", "Zo\u00e9 Martin"),
    ("Grace\u00a0Okafor", "Grace Okafor"),
    ("Nasrin Moh\u200cammadi", "Nasrin Moh\u200cammadi"),  # a joiner is part of some spellings
])
def test_display_names_are_stored_in_one_spelling(client, typed, stored):
    client.post("/account/signup", data=SIGNUP | {"display_name": typed})
    user = db.session.execute(sa.select(User)).scalar_one()
    assert user.display_name == stored
    assert unicodedata.is_normalized("NFC", user.display_name)


@pytest.mark.parametrize("name", [
    "Grace\nOkafor", "Grace\r\nOkafor", "Grace\u2028Okafor", "\u202eGrace Okafor",
    "Grace \u2067Okafor\u2069", "Grace\u200bOkafor", "Grace\u00adOkafor", "Grace\x00",
], ids=repr)
def test_display_names_with_line_breaks_or_hidden_characters_are_refused(client, name):
    response = client.post("/account/signup", data=SIGNUP | {"display_name": name})
    assert response.status_code == 200
    assert "hidden" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


@pytest.mark.parametrize("name", [
    "Admin", "Alex Admin", "alex.admin", "AlexAdmin", "ADMINISTRATOR", "Cora (Coordinator)",
    "Site Moderator", "Adm1n Alex", "\u0410dmin Alex", "\uff21\uff44\uff4d\uff49\uff4e",
    "A d m i n", "Co-ordinator Sam",
], ids=repr)
def test_staff_titles_are_refused_as_names(client, name):
    response = client.post("/account/signup", data=SIGNUP | {"display_name": name})
    assert response.status_code == 200
    assert "Please use your own name" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


@pytest.mark.parametrize("name", ["Badminton Bob", "Adaeze Okonkwo", "Ada Minh", "Mo Derby"])
def test_ordinary_names_near_a_staff_title_are_fine(client, name):
    client.post("/account/signup", data=SIGNUP | {"display_name": name})
    assert db.session.execute(sa.select(User.display_name)).scalar_one() == name


def test_the_profile_form_applies_the_same_name_rules(client, auth, users):
    load_reference()
    auth.login(users["member"].email)
    refused = client.post("/me/start/about",
                          data=about_form(council().id, display_name="Mina\nAdmin"))
    assert "hidden" in refused.get_data(as_text=True)
    refused = client.post("/me/start/about",
                          data=about_form(council().id, display_name="Mina Admin"))
    assert "Please use your own name" in refused.get_data(as_text=True)
    client.post("/me/start/about", data=about_form(council().id, display_name=" Mina  Moss "))
    db.session.refresh(users["member"])
    assert users["member"].display_name == "Mina Moss"


# ---------------------------------------------------------------- caching


def _get_routes(app):
    from flask import url_for

    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint != "static":
                values = {arg: URL_VALUES[arg] for arg in rule.arguments}
                yield rule.endpoint, url_for(rule.endpoint, **values)


@pytest.mark.parametrize("role", [None, "member", "admin"], ids=lambda r: r or "anonymous")
def test_no_page_is_kept_in_a_cache(app, client, auth, users, role):
    load_reference()
    auth.as_role(users, role)
    for _endpoint, path in _get_routes(app):
        response = client.get(path)
        response.close()  # a streamed download holds its request open until it is closed
        assert response.headers.get("Cache-Control") == "no-store", f"{role}: GET {path}"


def test_the_data_download_is_not_kept_in_a_cache(client, auth, users):
    load_reference()
    auth.login(users["member"].email)
    response = client.post("/me/data/export")
    assert response.status_code == 200
    assert "attachment" in response.headers.get("Content-Disposition", "")
    assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_and_rater_links_are_not_kept_either(client, auth, users):
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"
    assert client.get("/feedback/not-a-real-token").headers["Cache-Control"] == "no-store"
    auth.login(users["member"].email)
    assert client.get("/feedback/not-a-real-token").headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/site.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


# ---------------------------------------------------------------- plain words


@pytest.mark.parametrize(("path", "changes"), [
    ("/me/edit", {"years_as_manager": "four"}),
    ("/me/edit", {"service_type": "castle"}),
    ("/me/edit", {"local_authority_id": "abc"}),
    ("/me/needs", {"areas": "abc"}),
    ("/me/needs", {"topics": "99999"}),
])
def test_wtforms_stock_messages_are_never_shown(client, auth, users, path, changes):
    load_reference()
    auth.login(users["member"].email)
    data = about_form(council("Leeds").id) | changes if path == "/me/edit" else changes
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for stock in ("Not a valid", "coerce", "not a valid choice", "This field is required"):
        assert stock not in html
    assert "error-message" in html


def test_every_stock_message_has_plain_words():
    from netapp.forms_common import PLAIN_WORDS, Form

    translations = Form.Meta().get_translations(None)
    for stock, plain in PLAIN_WORDS.items():
        assert translations.gettext(stock) == plain
        assert "valid" not in plain.lower() and "coerce" not in plain
    assert translations.ngettext("'%(value)s' is not a valid choice for this field.",
                                 "'%(value)s' are not valid choices for this field.", 2) == \
        "Choose from the options shown."


@pytest.mark.parametrize("prefix", ["", "close-"])
def test_csrf_input_is_the_same_html_as_wtforms_writes(app, prefix):
    """Forms write their CSRF token's hidden input directly (it is on every form a page shows);
    it must be exactly what WTForms' own widget writes, so every form still posts its token."""
    from markupsafe import Markup
    from wtforms.widgets import HiddenInput

    from netapp.forms_common import EmptyForm

    with app.test_request_context("/"):
        app.config["WTF_CSRF_ENABLED"] = True
        try:
            form = EmptyForm(prefix=prefix)
            token = form.csrf_token
            written = str(form.hidden_tag())
            assert written == str(token) == str(HiddenInput()(token))
            assert isinstance(form.hidden_tag(), Markup)
            assert f'name="{prefix}csrf_token"' in written and token.current_token in written
            # Extra attributes still go through WTForms.
            assert 'class="x"' in str(token(class_="x"))
        finally:
            app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("enabled", [True, False])
def test_token_input_is_what_an_empty_form_writes(app, enabled):
    """Pages shown with GET write a button-only form's token with ``token_input()`` instead of
    building an EmptyForm: it must be the same HTML, so the button's POST still carries the
    token its form checks (and nothing when CSRF is off, as in most tests)."""
    from flask import render_template_string

    from netapp.forms_common import EmptyForm, token_input

    with app.test_request_context("/"):
        app.config["WTF_CSRF_ENABLED"] = enabled
        try:
            written = str(EmptyForm().hidden_tag())
            assert str(token_input()) == written
            assert render_template_string("{{ token_input() }}") == written
            assert ('value="' in written) is enabled
        finally:
            app.config["WTF_CSRF_ENABLED"] = False


def test_a_get_with_a_file_or_too_big_a_body_is_refused_like_a_post(client, auth, users):
    """Every request's check skips the body's parsing when none is declared (most GETs): one
    that does carry a file, or more than the limit, is still refused before any view runs."""
    auth.as_role(users, "member")
    assert client.get("/networks/mine").status_code == 200
    response = client.get("/networks/mine", data={"q": (io.BytesIO(b"not text"), "note.txt")},
                          content_type="multipart/form-data")
    assert response.status_code == 400
    big = b"x" * (3 * 1024 * 1024)
    assert client.get("/networks/mine", data=big,
                      content_type="application/octet-stream").status_code == 413
    assert client.get("/networks/mine", data=b"plain", content_type="text/plain"
                      ).status_code == 200


BEYOND_ANY_ID = 99_999_999_999  # past 32 bits: no row has it, and PostgreSQL cannot compare it


@pytest.mark.parametrize("role", ["member", "admin"])
def test_a_guessed_id_beyond_any_id_in_any_address_is_a_404_not_a_database_error(
        app, client, auth, users, role):
    from werkzeug.routing import IntegerConverter

    auth.as_role(users, role)
    tried, failed = 0, {}
    for rule in app.url_map.iter_rules():
        numbers = {arg for arg, conv in rule._converters.items()
                   if isinstance(conv, IntegerConverter)}
        if "GET" not in rule.methods or not numbers:
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>" if arg in numbers else f"<{arg}>",
                                str(BEYOND_ANY_ID if arg in numbers else URL_VALUES.get(arg, "x")))
        tried += 1
        status = client.get(path).status_code
        if status != 404:
            failed[path] = status
    assert tried > 40 and failed == {}


@pytest.mark.parametrize("path", [
    "/admin/audit?page=", "/admin/audit?counts_page=", "/admin/users?page=",
    "/networks/members?name=a&page=", "/coordinator/members?page=",
])
@pytest.mark.parametrize("number", [BEYOND_ANY_ID, 2_147_483_647])
def test_a_page_number_past_any_list_shows_the_first_page(client, auth, users, path, number):
    auth.as_role(users, "admin")
    first = client.get(path + "1")
    response = client.get(path + str(number))
    assert response.status_code == first.status_code == 200
    assert response.get_data(as_text=True).count("<li") == first.get_data(as_text=True).count(
        "<li")
