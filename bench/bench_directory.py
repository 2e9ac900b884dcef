"""Benchmark the member directory's searches on the 25,000-member demo data, on PostgreSQL.

Usage: ``python bench/bench_directory.py [--members 25000] [--seed 2026] [--repeat 15]
[--database-url URL]`` (a URL of a database already holding the demo data skips seeding).
Starts a throwaway PostgreSQL on 127.0.0.1 (as bench/bench_round.py does), seeds the demo data,
then, as the demo member (a plain member, so every visibility rule is worked out in SQL), times
in the same run:

* the baselines: a plain ``ILIKE`` on users' names (one page and its count, no visibility rules
  and no profile), and the directory page with no filter;
* each search through ``directory.search_page`` (the page of results, its count, and what the
  viewer may see of each card), and the whole page through the test client.

Medians and the slowest run of ``--repeat`` (after one warm-up) are printed and written to
``bench/out/directory.json``; the target is under 100 ms for a search.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.bench_round import ThrowawayPostgres  # noqa: E402
from config import TestingConfig  # noqa: E402

TARGET_MS = 100.0


def _times(func, repeat: int) -> dict:
    func()  # warm-up
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        runs.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": round(statistics.median(runs), 1), "max_ms": round(max(runs), 1)}


def bench(database_url: str, members: int, seed: int, repeat: int, seeded: bool = False) -> dict:
    from netapp import create_app
    from netapp.extensions import db
    from netapp.models import LocalAuthority, ServiceType, User
    from netapp.services import directory, lqf
    from netapp.services.demo import seed_demo

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost",
                "MAIL_BACKEND": "console", "WTF_CSRF_ENABLED": False}
    app = create_app(type("BenchConfig", (TestingConfig,), settings))
    figures: dict = {"members": members, "repeat": repeat, "target_ms": TARGET_MS,
                     "load_average": os.getloadavg()[0]}
    with app.app_context():
        if seeded:
            from netapp.services.demo import DEMO_DOMAIN, DEMO_PASSWORD, DemoLogin

            logins = [DemoLogin("member", f"member@{DEMO_DOMAIN}", DEMO_PASSWORD)]
            figures["members"] = db.session.scalar(sa.select(sa.func.count(User.id)))
        else:
            db.drop_all()
            db.create_all()
            t0 = time.perf_counter()
            logins = seed_demo(members=members, seed=seed)
            figures["seed_s"] = round(time.perf_counter() - t0, 1)
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        member_email = next(login.email for login in logins if login.role == "member")
        viewer = db.session.scalars(sa.select(User).where(User.email == member_email)).one()
        leeds = db.session.scalars(sa.select(LocalAuthority.id)
                                   .where(LocalAuthority.name == "Leeds")).one()
        element = lqf.framework().dimensions[2].elements[1]
        per_page = app.config["PAGE_SIZE"]

        def plain_ilike():
            like = sa.select(User.id, User.display_name).where(User.display_name.ilike("%an%"))
            db.session.execute(like.order_by(User.display_name, User.id).limit(per_page)).all()
            db.session.scalar(sa.select(sa.func.count()).select_from(like.subquery()))
            db.session.rollback()

        def search(**fields):
            def run():
                directory.search_page(viewer, directory.Search(**fields), 1, per_page)
                db.session.rollback()  # a fresh session each time, as in a request
            return run

        searches = {
            "baseline: plain ILIKE on names (no rules, no cards)": plain_ilike,
            "baseline: directory, no filter": search(),
            "name contains 'an'": search(name="an"),
            "council (Leeds)": search(council_id=leeds),
            "service type (home care)": search(service_type=ServiceType.HOME_CARE),
            f"strong in {element.code}": search(strength_id=element.id),
            "can mentor": search(can_mentor=True),
            "all filters together": search(name="a", council_id=leeds,
                                           service_type=ServiceType.CARE_HOME,
                                           strength_id=element.id, can_mentor=True),
            # The last page offered: past MOST_COUNTED matches the page offers the first ones.
            "last page of everyone": lambda: (directory.search_page(
                viewer, directory.Search(), directory.MOST_COUNTED // per_page, per_page),
                db.session.rollback()),
        }
        figures["service"] = {name: _times(func, repeat) for name, func in searches.items()}
        figures["found"] = {
            name: directory.search_page(viewer, directory.Search(**fields), 1, per_page)[0].total
            for name, fields in (("council (Leeds)", {"council_id": leeds}),
                                 ("can mentor", {"can_mentor": True}),
                                 (f"strong in {element.code}", {"strength_id": element.id}))
        }
    client = app.test_client()
    client.post("/account/login", data={"email": member_email,
                                        "password": logins[0].password})
    pages = {
        "page: no filter": "/networks/members",
        "page: council and can mentor": f"/networks/members?council={leeds}&can_mentor=y",
        "page: strength and service type":
            f"/networks/members?strength={element.id}&service_type=care_home",
    }

    def get(path):
        def run():
            assert client.get(path).status_code == 200
        return run

    figures["pages"] = {name: _times(get(path), repeat) for name, path in pages.items()}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="",
                        help="a database already holding the demo data (not seeded again)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "directory.json"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.database_url:
        figures = bench(args.database_url, args.members, args.seed, args.repeat, seeded=True)
    else:
        with ThrowawayPostgres() as url:
            figures = bench(url, args.members, args.seed, args.repeat)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    slowest = max(f["median_ms"] for name, f in figures["service"].items()
                  if not name.startswith("baseline"))
    print(f"slowest search median: {slowest} ms (target {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
