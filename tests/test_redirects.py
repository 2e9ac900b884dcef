"""Login's ``next`` only ever leads to a path on this site, read the way a browser reads it."""
from urllib.parse import urljoin, urlsplit

import pytest

from netapp.urls import safe_next_path
from tests.factories import DEFAULT_PASSWORD, make_user

# Known ways past naive checks. Browsers read "\" as "/", drop tabs and line breaks anywhere,
# and trim leading spaces and control characters, so each of these can mean another site.
BYPASSES = [
    "//evil.example/x",
    "/\\evil.example/x",
    "\\/evil.example/x",
    "\\\\evil.example/x",
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "/\r/evil.example/x",
    "\t//evil.example/x",
    " //evil.example/x",
    "\x00//evil.example/x",
    "\x1f/\\evil.example",
    "/%5Cevil.example/x",
    "/%5cevil.example/x",
    "/%2F/evil.example/x",
    "/%09/evil.example/x",
    "https://evil.example/x",
    "https:evil.example",
    "https:/evil.example",
    "HTTPS://evil.example",
    "//evil.example@localhost/x",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/\u3000/evil.example",
    "/\u202e/evil.example",
    "",
]
SAFE = ["/account/settings", "/me/start/about", "/members/3?tab=networks", "/home#top"]


def _browser_reads(location: str) -> tuple[str, str]:
    """(scheme, host) a browser at http://localhost/account/login would go to."""
    cleaned = location.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                             "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/account/login", cleaned))
    return target.scheme, target.hostname or ""


@pytest.mark.parametrize("target", BYPASSES, ids=repr)
def test_unsafe_next_is_refused(target):
    assert safe_next_path(target) is None


@pytest.mark.parametrize("target", SAFE)
def test_paths_on_this_site_are_kept(target):
    assert safe_next_path(target) == target


@pytest.mark.parametrize("target", BYPASSES, ids=repr)
def test_login_never_sends_the_browser_to_another_site(client, target):
    make_user(email="sam@example.org")
    response = client.post("/account/login", query_string={"next": target},
                           data={"email": "sam@example.org", "password": DEFAULT_PASSWORD})
    if "\x00" in target:
        assert response.status_code == 400  # a NUL anywhere in a link is refused outright
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    assert _browser_reads(location) == ("http", "localhost")
    assert location == "/home"


@pytest.mark.parametrize("target", SAFE)
def test_login_follows_next_on_this_site(client, target):
    make_user(email="sam@example.org")
    response = client.post("/account/login", query_string={"next": target},
                           data={"email": "sam@example.org", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == target


def test_the_browser_model_in_this_file_sees_the_bypass():
    """Control: the helper above really reads "/\\evil" as another site, so the test can fail."""
    assert _browser_reads("/\\evil.example/x") == ("http", "evil.example")
    assert _browser_reads("/\t/evil.example/x") == ("http", "evil.example")
