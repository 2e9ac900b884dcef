"""Steps the browser tests share: logging in and out through the real forms, and screenshots."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


def log_in(page, server, email: str) -> None:
    page.goto(server("/account/login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()


def screenshot_saver(folder: Path) -> Callable[..., None]:
    """A function saving full-page screenshots in ``folder`` to look at (not under CI)."""
    def shot(page, name: str, viewport: dict) -> None:
        if os.environ.get("CI"):
            return
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{viewport['width']}.png"), full_page=True)
    return shot
