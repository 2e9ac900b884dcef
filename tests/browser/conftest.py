"""Browser fixtures: the app behind a real HTTP server, with CSRF on, and the system Chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from netapp.extensions import db
from tests.browser.live import LiveServer, chromium_available, launch_chromium
from tests.conftest import IN_CI, PG_URL, _make_app, empty_database, require

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def live_app(smtp_sink, tmp_path):
    """A fresh app and empty database per test: PostgreSQL when the test command gives one.

    SQLite falls back to a file, not memory, because the server answers from other threads.
    """
    _, smtp_port = smtp_sink
    overrides = {
        "WTF_CSRF_ENABLED": True,  # the browser submits the real forms, tokens and all
        "SERVER_NAME": None,  # links in emails must point at the live server's own address
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
    }
    backend = "postgres" if (PG_URL or IN_CI) else "sqlite"
    if backend == "sqlite":
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = _make_app(backend, smtp_port, **overrides)
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgres":
            empty_database()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app, mailbox):
    """The live app served on 127.0.0.1; call it with a path to get a full URL."""
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    if not chromium_available():
        require(False, "Chromium is not installed at CHROMIUM_PATH (Debian package: chromium)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, live_server, request):
    """A fresh browser context (no cookies) per test, at desktop size unless a test resizes it."""
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """Every console error and uncaught page error seen during the test, in order."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.append(f"uncaught: {exc}"))
    return seen
