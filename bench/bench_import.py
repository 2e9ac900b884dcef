"""Benchmark the coordinators' CSV import of 25,000 members on PostgreSQL.

Usage: ``python bench/bench_import.py [--rows 25000] [--database-url URL]``. Without
``--database-url`` it starts a throwaway PostgreSQL on 127.0.0.1 (bench/bench_round.py's
``ThrowawayPostgres``) and stops it at the end.

Measured in one run, on the same file (every row with a council, an organisation, a level and
all 28 self-assessment scores, so every table the import writes is written):

* reading: decoding and parsing the upload (``imports.upload``);
* the dry run (``imports.dry_run``): every row checked, existing accounts looked up;
* the import (the "import" job, run in this process as huey's immediate mode does): its one
  transaction, then the invitations, rendered and handed to the console mail backend (no SMTP
  server: the time to send over a real one is not measured here);
* the same file imported again (nothing to change);
* the baseline: a plain executemany INSERT of the same 25,000 users alone (no profiles, no
  organisations, networks or scores), rolled back.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import random
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.bench_round import ThrowawayPostgres  # noqa: E402
from config import TestingConfig  # noqa: E402

TARGET_IMPORT = 60.0


def make_file(rows: int, seed: int) -> bytes:
    """A CSV of ``rows`` made-up members spread over every council and service type."""
    from matching.lqf import ELEMENT_CODES
    from netapp.data.places import REGIONS
    from netapp.models import ServiceType

    rng = random.Random(seed)
    councils = [c for names in REGIONS.values() for c in names]
    services = [t.value for t in ServiceType]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "email", "job_title", "organisation", "service_type", "council",
                     "level", "online", *ELEMENT_CODES])
    for k in range(rows):
        council = rng.choice(councils)
        writer.writerow([f"Member {k}", f"member{k}@bench.example.org", "Registered Manager",
                         f"Provider {k % 3000}", rng.choice(services), council,
                         rng.randint(1, 4), rng.choice(["yes", "no"]),
                         *(rng.randint(1, 4) for _ in ELEMENT_CODES)])
    return out.getvalue().encode()


def timed(func, *args, **kwargs):
    t0 = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - t0, value


def bench(database_url: str, rows: int, seed: int) -> dict:
    from netapp import create_app
    from netapp.extensions import db
    from netapp.models import Role, User
    from netapp.services import imports
    from netapp.services.places import ensure_places
    from netapp.services.reference import ensure_reference_data

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost",
                "HUEY_URL": "immediate", "MAIL_BACKEND": "console",
                "MAX_IMPORT_ROWS": max(rows, 25000)}
    app = create_app(type("BenchConfig", (TestingConfig,), settings))
    app.logger.setLevel(logging.ERROR)  # 25,000 console "emails" are not printed
    data = make_file(rows, seed)
    figures: dict = {"rows": rows, "file_mb": round(len(data) / 1e6, 1)}
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_places()
        ensure_reference_data()
        coordinator = User(email="cora@bench.example.org", display_name="Cora",
                           password_hash="!")
        coordinator.grant(Role.COORDINATOR)
        db.session.add(coordinator)
        db.session.commit()

        # the baseline: the same users, inserted plainly and rolled back
        plain = [{"email": f"member{k}@bench.example.org", "display_name": f"Member {k}",
                  "password_hash": "!", "is_active_account": True} for k in range(rows)]
        figures["seconds_baseline_insert"], _ = timed(
            lambda: db.session.execute(sa.insert(User), plain))
        db.session.rollback()

        def one_import(label: str) -> None:
            invited_at: list[float] = []
            real_send = imports.send_invitations

            def send(user_ids, report):
                invited_at.append(time.perf_counter())
                return real_send(user_ids, report)

            imports.send_invitations = send
            try:
                seconds, imp = timed(imports.upload, coordinator, "bench.csv", data)
                figures[f"{label}_seconds_read"] = seconds
                seconds, checked = timed(imports.dry_run, coordinator, imp, imp.mapping)
                assert checked.problem_count == 0, checked.problems[:3]
                figures[f"{label}_seconds_dry_run"] = seconds
                t0 = time.perf_counter()
                imports.start_import(coordinator, imp)
                t1 = time.perf_counter()
            finally:
                imports.send_invitations = real_send
            db.session.refresh(imp)
            assert imp.status.value == "done", imp.job.error
            figures[f"{label}_seconds_import_transaction"] = invited_at[0] - t0
            figures[f"{label}_seconds_invitations"] = t1 - invited_at[0]
            figures[f"{label}_report"] = {k: imp.report.get(k) for k in (
                "created", "updated", "unchanged", "invited")}

        one_import("first")
        one_import("again")
    figures["ratio_import_to_baseline"] = round(
        figures["first_seconds_import_transaction"] / figures["seconds_baseline_insert"], 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="",
                        help="an empty PostgreSQL database to use (default: start a throwaway one)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "import.json"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the server is still stopped
    if args.database_url:
        figures = bench(args.database_url, args.rows, args.seed)
    else:
        with ThrowawayPostgres() as url:
            figures = bench(url, args.rows, args.seed)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    whole = figures["first_seconds_dry_run"] + figures["first_seconds_import_transaction"]
    print(f"target: dry run and import of {args.rows:,} rows under {TARGET_IMPORT:.0f} s: "
          f"{'met' if whole < TARGET_IMPORT else 'NOT met'} ({whole:.1f} s)")


if __name__ == "__main__":
    main()
