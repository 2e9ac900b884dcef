"""Screenshot every page at phone and desktop width into .screenshots/, from demo data.

Run with the project's virtualenv: .venv/bin/python scripts/screenshots.py
It serves the app on 127.0.0.1 against a throwaway SQLite file and drives the system Chromium.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from config import TestingConfig  # noqa: E402
from netapp import create_app  # noqa: E402
from netapp.extensions import db  # noqa: E402
from netapp.models import Role, User, UserRole  # noqa: E402
from netapp.services.demo import seed_demo  # noqa: E402
from tests.browser.live import LiveServer, chromium_available, launch_chromium  # noqa: E402

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def build_app(database: Path, members: int):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": None,
        "MAIL_BACKEND": "console",
    }
    app = create_app(type("ScreenshotConfig", (TestingConfig,), settings))
    with app.app_context():
        db.create_all()
        logins = seed_demo(members=members)
        # A member who is not yet a coordinator, so the person page shows both kinds of button.
        person_id = db.session.scalar(
            sa.select(User.id)
            .where(~User.roles.any(UserRole.role.in_([Role.COORDINATOR, Role.ADMIN])))
            .order_by(User.id).limit(1)
        )
        db.session.remove()
    admin = next(login for login in logins if login.role == "admin")
    return app, admin, person_id


def shoot(page, out: Path, name: str, width_name: str) -> None:
    path = out / f"{width_name}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    note = f"  (wider than the screen by {overflow}px)" if overflow > 0 else ""
    print(f"  {path.relative_to(ROOT)}{note}")


def run(server: LiveServer, admin, person_id: int, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for width_name, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport, locale="en-GB")
                page = context.new_page()
                for name, path in (("home", "/"), ("join", "/account/signup"),
                                   ("login", "/account/login"), ("reset", "/account/reset")):
                    page.goto(server(path))
                    shoot(page, out, name, width_name)
                page.goto(server("/account/signup"))
                page.get_by_label("Your name").fill("Grace Okafor")
                with page.expect_navigation():
                    page.get_by_role("button", name="Create my account").click()
                shoot(page, out, "join-errors", width_name)

                page.goto(server("/account/login"))
                page.get_by_label("Email address").fill(admin.email)
                page.get_by_label("Password").fill(admin.password)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url(server("/home"))
                shoot(page, out, "dashboard", width_name)
                for name, path in (("settings", "/account/settings"),
                                   ("deactivate", "/account/deactivate"),
                                   ("people", "/admin/users")):
                    page.goto(server(path))
                    shoot(page, out, name, width_name)
                page.goto(server(f"/admin/users/{person_id}"))
                # Change a role both ways so the person page and the audit log have history.
                coordinator = page.locator("form", has=page.locator("input[value=coordinator]"))
                for _ in range(2):
                    with page.expect_navigation():
                        coordinator.get_by_role("button").click()
                shoot(page, out, "person", width_name)
                page.goto(server("/admin/audit"))
                shoot(page, out, "audit", width_name)
                page.goto(server("/no-such-page"))
                shoot(page, out, "404", width_name)
                context.close()
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".screenshots")
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    if not chromium_available():
        print("Chromium is missing: install Debian's chromium package.", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="netapp-shots-") as tmp:
        app, admin, person_id = build_app(Path(tmp) / "demo.sqlite3", args.members)
        with LiveServer(app) as server:
            print(f"Serving demo data on {server.url}; writing screenshots:")
            run(server, admin, person_id, args.out)
        with app.app_context():
            db.engine.dispose()
    print(f"Done in {time.perf_counter() - started:.1f}s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
