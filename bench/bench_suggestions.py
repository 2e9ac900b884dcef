"""Benchmark a member's "Find a mentor" page on the 25,000-member demo data, on PostgreSQL.

Usage: ``python bench/bench_suggestions.py [--members 25000] [--seed 2026] [--visits 20]``.
It starts a throwaway PostgreSQL the way bench/bench_round.py does, seeds the demo data,
and times ``mentoring.member_page`` (everything the page reads and asks the engine) for
members who want a mentor: the first visit in the process, then repeated visits by different
members, with the SQL statements each visit runs. Figures go to bench/out/suggestions.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.bench_round import ThrowawayPostgres  # noqa: E402
from config import TestingConfig  # noqa: E402


def bench(database_url: str, members: int, seed: int, visits: int, workdir: Path) -> dict:
    from netapp import create_app
    from netapp.extensions import db
    from netapp.models import Profile, Role, SelfAssessment, User, UserRole
    from netapp.services import mentoring
    from netapp.services.demo import seed_demo

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost",
                "HUEY_URL": f"sqlite:///{workdir / 'huey.sqlite3'}", "MAIL_BACKEND": "console"}
    app = create_app(type("BenchConfig", (TestingConfig,), settings))
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        t0 = time.perf_counter()
        seed_demo(members=members, seed=seed)
        seconds_seed = time.perf_counter() - t0
        mentor_ids = sa.select(UserRole.user_id).where(UserRole.role == Role.MENTOR)
        # As in bench/bench_round.py: a third of the non-mentors want a mentor.
        db.session.execute(sa.update(Profile).where(Profile.user_id.not_in(mentor_ids),
                                                    Profile.user_id % 3 == 0)
                           .values(wants_mentor=True))
        db.session.commit()
        # Fresh planner statistics, as autovacuum would gather soon after a bulk load.
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
        n_mentors = db.session.scalar(sa.select(sa.func.count()).select_from(
            mentor_ids.subquery()))
        assessed = sa.select(SelfAssessment.user_id).where(
            SelfAssessment.completed_at.is_not(None))
        visitors = list(db.session.scalars(
            sa.select(User).join(Profile, Profile.user_id == User.id)
            .where(Profile.wants_mentor.is_(True), User.id.in_(assessed))
            .order_by(User.id).limit(visits + 1)))
        db.session.commit()

        counted = [0]

        def count(*_args, **_kwargs):
            counted[0] += 1

        sa.event.listen(db.engine, "before_cursor_execute", count)
        load = os.getloadavg()[0]
        timings, statements, shown = [], [], []
        for member in visitors:
            counted[0] = 0
            t0 = time.perf_counter()
            page = mentoring.member_page(member)
            timings.append(time.perf_counter() - t0)
            statements.append(counted[0])
            shown.append(len(page.suggestions))
            db.session.rollback()
        sa.event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
        db.engine.dispose()
    warm = timings[1:]
    return {
        "members": members, "seed": seed, "mentors": n_mentors,
        "load_average_1min": round(load, 2), "load_average_after": round(os.getloadavg()[0], 2),
        "seconds_seed": round(seconds_seed, 1),
        "first_visit_seconds": round(timings[0], 3),
        "later_visits": len(warm),
        "later_visit_seconds_median": round(statistics.median(warm), 3),
        "later_visit_seconds_max": round(max(warm), 3),
        "statements_per_visit": sorted(set(statements)),
        "suggestions_shown": sorted(set(shown)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "suggestions.json"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    workdir = Path(tempfile.mkdtemp(prefix="netapp-bench-suggestions."))
    try:
        with ThrowawayPostgres() as url:
            figures = bench(url, args.members, args.seed, args.visits, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
