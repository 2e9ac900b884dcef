"""Run axe-core in the page and fail with a readable list of WCAG A/AA violations."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

# Our CSP allows only 'self' scripts, yet no bypass_csp is needed: Playwright's evaluate runs axe
# through the DevTools protocol, which CSP does not govern. The journey test proves it: axe runs
# on every page there and the console shows no CSP report.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE = Axe()


def assert_accessible(page, where: str = "") -> None:
    """Assert axe finds no WCAG 2.0/2.1/2.2 A or AA violations on the page as it is now."""
    # A click that opens a page returns once its DOM is there, which can be before its
    # stylesheets apply; checked unstyled, links are too small to tap. Wait for the page to load.
    page.wait_for_load_state("load")
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                      "resultTypes": ["violations"]})
    response = results.response
    # Guard against a silent non-run: axe must have checked something on this page.
    assert response["testEngine"]["name"] == "axe-core"
    assert response["passes"], f"axe checked nothing on {page.url}"
    lines = []
    for violation in response["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
                     f"    on: {targets}\n    see: {violation['helpUrl']}")
    assert not lines, (f"axe found {len(lines)} WCAG A/AA problem(s) on {where or page.url}:\n"
                       + "\n".join(lines))
