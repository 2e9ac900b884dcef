"""The load test's main pages run as many SQL statements on 960 demo members as on 240."""
from __future__ import annotations

from bench.load import main_pages
from netapp.extensions import db
from netapp.services.demo import DEMO_DOMAIN, DEMO_PASSWORD, seed_demo
from tests.statements import statements_per_page

SIZES = (240, 960)
# Left out until fixed (docs/benchmarks.md, "Load test: pages at national scale"): their counts
# change with the data today. Another member's profile runs one more statement when that person
# lists needs; the directory search two fewer when no card on the page shows strengths; the
# round preview nine more once it has proposals (10 on an empty one).
CHANGES_WITH_DATA = {"another member's profile", "member directory search", "round preview"}


def _counts(app, members: int) -> dict[str, int]:
    """{page name: statements} on a database holding only ``members`` demo members."""
    db.session.remove()
    db.drop_all()
    db.create_all()
    seed_demo(members=members, seed=2026)
    clients = {}
    for who in ("member", "coordinator"):
        clients[who] = app.test_client()
        answer = clients[who].post("/account/login", data={
            "email": f"{who}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD})
        assert answer.status_code == 302, who
    counts = {}
    for page in main_pages():
        if page.name in CHANGES_WITH_DATA:
            continue
        client = clients[page.who]
        statements_per_page(client, [page.path])  # warm-up: what a serving process has cached
        counts[page.name] = statements_per_page(client, [page.path])[page.path]
    return counts


def test_main_pages_run_a_fixed_number_of_statements_whatever_the_members(app):
    small, large = (_counts(app, members) for members in SIZES)
    assert set(small) == set(large) == {page.name for page in main_pages()} - CHANGES_WITH_DATA
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert grown == {}, f"statements at {SIZES[0]} and {SIZES[1]} members: {grown}"
