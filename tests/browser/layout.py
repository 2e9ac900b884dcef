"""One check that a page fits the screen, shared by every browser test that makes it.

A page's width is measured only once the page has finished loading: a form sent with
mistakes comes back before its stylesheets are applied, and measuring then would catch
a moment no reader sees (and fail on a slow machine)."""
from __future__ import annotations


def assert_fits(page, what: str = "the page") -> None:
    """Nothing on the page scrolls sideways at the browser's current width."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.evaluate("window.innerWidth")
    assert width <= screen, f"{what} is {width}px wide on a {screen}px screen"
