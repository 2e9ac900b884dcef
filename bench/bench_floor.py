"""What every signed-in page pays before its own work: the floor under bench/load.py's pages.

Usage: ``python bench/bench_floor.py [--members 2000] [--requests 1000] [--database-url URL]``.

Starts a throwaway PostgreSQL on 127.0.0.1 and seeds the demo data (``--database-url`` names a
database that already holds it instead), builds the site with ``ProductionConfig`` as
bench/load.py serves it, signs in as the demo member through the real login form (test client),
and times one request after another, the median of ``--requests`` each, against the baseline
of the same app's cheapest route:

- a probe route that reads nothing (the baseline: Flask, CSRF, security headers, the rate
  limiter's check, the request id and its log line);
- the same behind ``login_required`` (knowing the signed-in person: kept by the process after
  the first request, netapp/services/session_keeper.py);
- the same rendering ``base.html`` (the header every page has);
- the member's "my networks" page, one of the cheapest real pages;
- the probe and the page again with the person read from the database on every request, as
  on a process's first sight of a browser.

It also times, outside any request, the one statement that loads the signed-in person and a
``SELECT 1`` through the same engine (each with the pool's checkout, pre-ping and end of
transaction). Prints a Markdown table with each figure as a ratio to the baseline.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.bench_round import ThrowawayPostgres  # noqa: E402
from bench.load import seed  # noqa: E402

PROBES = {"plain": "/__floor/plain", "signed in": "/__floor/signed-in",
          "signed in, base.html": "/__floor/base"}


def _site(database_url: str, workdir: Path):
    """The site as bench/load.py serves it, with three probe routes added."""
    from flask import render_template
    from flask_login import login_required

    os.environ.update(DATABASE_URL=database_url, HUEY_URL=f"sqlite:///{workdir / 'huey.db'}",
                      PROXY_COUNT="1", MAIL_BACKEND="console", LOG_FORMAT="json")
    from config import ProductionConfig  # reads the environment when the app is built

    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    from netapp import create_app

    app = create_app(ProductionConfig)
    app.add_url_rule(PROBES["plain"], "floor_plain", lambda: "ok")
    app.add_url_rule(PROBES["signed in"], "floor_signed_in", login_required(lambda: "ok"))
    app.add_url_rule(PROBES["signed in, base.html"], "floor_base",
                     login_required(lambda: render_template("base.html")))
    logging.getLogger().handlers.clear()  # the JSON request log would flood the terminal
    return app


def _signed_in_client(app, who: str = "member"):
    """A test client signed in as the demo ``who`` through the login form, as behind the TLS
    proxy."""
    from netapp.services.demo import DEMO_DOMAIN, DEMO_PASSWORD

    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"  # as behind the TLS proxy
    page = client.get("/account/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    answer = client.post("/account/login", base_url="https://localhost", data={
        "email": f"{who}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD,
        "csrf_token": token.group(1)}, headers={"Referer": "https://localhost/account/login"})
    if answer.status_code != 302:
        raise SystemExit(f"the demo {who} could not sign in ({answer.status_code})")
    return client


def _median_ms(call, requests: int) -> float:
    for _ in range(50):  # warm-up: prepared statements, reference data, templates
        call()
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(database_url: str, requests: int, workdir: Path) -> dict[str, float]:
    from netapp.extensions import db
    from netapp.models import UserSession
    from netapp.services import session_keeper, signed_in

    app = _site(database_url, workdir)
    client = _signed_in_client(app)

    def get(path: str):
        def call():
            if client.get(path, base_url="https://localhost").status_code != 200:
                raise SystemExit(f"{path} did not answer 200")
        return call

    figures = {name: _median_ms(get(path), requests) for name, path in PROBES.items()}
    figures["my networks page"] = _median_ms(get("/networks/mine"), requests)
    # The same two with the person read from the database on every request, as on a process's
    # first sight of a browser (or when it cannot listen for changes).
    keeper = app.extensions[session_keeper._KEY]
    kept_for, keeper._keep_for = keeper._keep_for, 0
    figures["signed in, person read each time"] = _median_ms(get(PROBES["signed in"]), requests)
    figures["my networks page, person read each time"] = _median_ms(get("/networks/mine"),
                                                                   requests)
    keeper._keep_for = kept_for
    with app.app_context():
        digest = db.session.scalars(sa.select(UserSession.token_hash)).first()
        db.session.remove()

    def person():
        with app.app_context():
            signed_in.read(digest)

    def select_one():
        with app.app_context():
            db.session.execute(sa.text("SELECT 1")).all()

    figures["the person's statement alone"] = _median_ms(person, requests)
    figures["SELECT 1 alone"] = _median_ms(select_one, requests)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netapp-floor.") as tmp:
        if args.database_url:
            figures = measure(args.database_url, args.requests, Path(tmp))
        else:
            with ThrowawayPostgres() as url:
                print(f"seeding {args.members} demo members ...", flush=True)
                seed(url, args.members, args.seed)
                figures = measure(url, args.requests, Path(tmp))
    base = figures["plain"]
    print(f"\nload average (1 min) at the end: {os.getloadavg()[0]:.2f}; "
          f"median of {args.requests} each\n")
    print("| what | ms | ratio to the plain route |\n|---|---|---|")
    for name, ms in figures.items():
        print(f"| {name} | {ms:.2f} | {ms / base:.1f}x |")


if __name__ == "__main__":
    main()
