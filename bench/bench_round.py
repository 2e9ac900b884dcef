"""Benchmark a coordinator's matching round on the 25,000-member demo data, on PostgreSQL.

Usage: ``python bench/bench_round.py [--members 25000] [--seed 2026] [--database-url URL]
[--save-pool bench/out/pool.pickle]``, or ``python bench/bench_round.py --engine-only POOL
[--repeat 3] [--baseline COMMIT]`` to time the engine alone on a saved pool.
Without ``--database-url`` it starts a throwaway PostgreSQL on 127.0.0.1 the way scripts/test.sh
does (as the ``postgres`` user, in a temporary directory) and stops it at the end.

Measured in one run, on the same data:

* baselines: reading the pool through the bridge (``load_pool``), and the engine alone
  (``match_mentors`` on that pool, no database);
* time to preview: from "Run" (``start_run``: the Job row queued on huey's SQLite file) until a
  real huey consumer thread has read the pool, run the engine, saved every proposal and marked
  the job done;
* time to publish: ``publish`` (all offers and notifications in one transaction, the emails
  handed to the queue).

``--save-pool`` also writes the pool (mentees, mentors, declined and locked pairs, weights) to a
pickle once seeded, so ``--engine-only`` can time ``match_mentors`` on it again and again in one
process, without PostgreSQL, alternating with the engine of an earlier commit (``--baseline``,
loaded from git under another package name) on the same pool.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from config import TestingConfig  # noqa: E402

TARGET_PREVIEW, TARGET_PUBLISH = 30.0, 5.0


def _pg_bin() -> Path:
    for path in sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        if (path / "initdb").exists():
            return path
    raise SystemExit("PostgreSQL is not installed (Debian package: postgresql)")


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary directory on a free port, as scripts/test.sh starts."""

    def __enter__(self) -> str:
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="netapp-bench-pg."))
        shutil.chown(self.dir, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-A", "trust",
                          "-U", "app", "--no-sync")
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-l",
                          str(self.dir / "log"), "-w", "-o",
                          f"-p {port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")
        return f"postgresql+psycopg://app@127.0.0.1:{port}/postgres"

    def __exit__(self, *exc) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast",
                          "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def _as_postgres(*cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *cmd], check=True, stdout=subprocess.DEVNULL)


def timed(func, *args, **kwargs):
    t0 = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - t0, value


def bench(database_url: str, members: int, seed: int, workdir: Path,
          save_pool: str = "") -> dict:
    from matching import match_mentors
    from netapp import create_app
    from netapp.extensions import db
    from netapp.models import (
        Job,
        JobStatus,
        Mentorship,
        Notification,
        Profile,
        Role,
        User,
        UserRole,
    )
    from netapp.services import matching_bridge as bridge
    from netapp.services import mentoring_rounds as rounds
    from netapp.services.demo import seed_demo
    from netapp.tasks import huey

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost",
                "HUEY_URL": f"sqlite:///{workdir / 'huey.sqlite3'}", "MAIL_BACKEND": "console"}
    app = create_app(type("BenchConfig", (TestingConfig,), settings))
    with app.app_context():
        db.drop_all()
        db.create_all()
        seconds_seed, _ = timed(seed_demo, members=members, seed=seed)
        # Demo members don't ask for a mentor; a third of the non-mentors do here, as in
        # tests/test_mentoring_bridge.py.
        mentors = sa.select(UserRole.user_id).where(UserRole.role == Role.MENTOR)
        db.session.execute(sa.update(Profile).where(Profile.user_id.not_in(mentors),
                                                    Profile.user_id % 3 == 0)
                           .values(wants_mentor=True))
        db.session.commit()
        coordinator = db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.COORDINATOR)).first()

        load = os.getloadavg()[0]  # the machine may be shared: say how busy it was
        seconds_pool, pool = timed(bridge.load_pool, None)
        if save_pool:
            Path(save_pool).parent.mkdir(parents=True, exist_ok=True)
            with open(save_pool, "wb") as f:
                pickle.dump({"mentees": pool.mentees, "mentors": pool.mentors, "declined": [],
                             "locked": [], "weights": None, "members": members,
                             "seed": seed}, f)
        seconds_engine, result = timed(match_mentors, pool.mentees, pool.mentors)
        db.session.rollback()

        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        consumer = huey.create_consumer(workers=1, periodic=False, initial_delay=0.05,
                                        max_delay=0.1, check_worker_health=False)
        consumer.start()
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        try:
            rnd = rounds.create_round(coordinator, "Benchmark round", None)
            t0 = time.perf_counter()
            job = rounds.start_run(coordinator, rnd)
            seen = []
            while True:
                with sa.orm.Session(db.engine) as s:
                    row = s.get(Job, job.id)
                    status, progress, message = row.status, row.progress, row.message
                if not seen or seen[-1][1] != message:
                    seen.append((round(time.perf_counter() - t0, 2), message, progress))
                if status.is_finished:
                    break
                time.sleep(0.05)
            seconds_preview = time.perf_counter() - t0
        finally:
            # Stop before publishing: the emails it queues are not part of the measurement.
            consumer.stop(graceful=True)
        if status != JobStatus.DONE:
            raise SystemExit(f"the run failed: {row.error}")
        db.session.expire_all()
        stats = db.session.get(type(rnd), rnd.id).stats
        seconds_publish, offers = timed(rounds.publish, coordinator, rnd.id)
        seconds_again, again = timed(rounds.publish, coordinator, rnd.id)
        n_offers = db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship))
        n_notes = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
        queued_emails = huey.pending_count()
        db.session.remove()
        db.engine.dispose()
    return {
        "members": members, "seed": seed, "load_average_1min": round(load, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "mentees": len(pool.mentees), "mentors": len(pool.mentors),
        "left_out": len(pool.left_out), "matched": stats["matched"],
        "optimal": stats["optimal"], "engine_matched": len(result.pairs),
        "seconds_seed": round(seconds_seed, 2),
        "baseline_seconds_load_pool": round(seconds_pool, 2),
        "baseline_seconds_engine_alone": round(seconds_engine, 2),
        "seconds_to_preview": round(seconds_preview, 2),
        "seconds_to_publish": round(seconds_publish, 2),
        "seconds_second_publish": round(seconds_again, 3),
        "offers": offers, "offers_in_database": n_offers, "second_publish_offers": again,
        "notifications": n_notes, "emails_queued": queued_emails,
        "engine_alone_stats": {k: v for k, v in result.stats.items()
                               if k.startswith("seconds") or k in (
                                   "rounds", "eligible_pairs", "candidate_pairs")},
        "engine_seconds_in_the_run": stats.get("seconds_engine"),
        "progress_seen": seen,
    }


def baseline_engine(commit: str):
    """``match_mentors`` of the `matching` package at `commit`, imported as another package."""
    import importlib

    target = Path(tempfile.mkdtemp(prefix="netapp-bench-baseline."))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "matching"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    name = "matching_" + commit.replace("-", "_").replace(".", "_")
    (target / "matching").rename(target / name)  # the package uses relative imports only
    sys.path.insert(0, str(target))
    old = importlib.import_module(name)

    def convert(person, cls):  # the old package checks people against its own classes
        return cls(**{f.name: getattr(person, f.name) for f in dataclasses.fields(person)})

    def match_mentors(mentees, mentors, *, weights=None, **options):
        return old.match_mentors([convert(p, old.Mentee) for p in mentees],
                                 [convert(p, old.Mentor) for p in mentors],
                                 weights=None if weights is None else convert(weights, old.Weights),
                                 **options)

    return match_mentors


def engine_only(pool_path: str, repeat: int, baseline: str) -> dict:
    """Time ``match_mentors`` on a saved pool, alternating with a baseline commit's engine."""
    from matching import match_mentors

    with open(pool_path, "rb") as f:
        pool = pickle.load(f)
    engines = [("engine", match_mentors)]
    if baseline:
        engines.append((f"baseline {baseline}", baseline_engine(baseline)))
    runs = []
    for k in range(repeat):
        for name, engine in engines:
            load = os.getloadavg()[0]
            seconds, result = timed(engine, pool["mentees"], pool["mentors"],
                                    declined=pool["declined"], locked=pool["locked"],
                                    weights=pool["weights"])
            s = result.stats
            run = {"engine": name, "repeat": k, "seconds": round(seconds, 2),
                   "load_average_1min": round(load, 2), "status": result.status,
                   "matched": len(result.pairs), "total_score": result.total_score,
                   **{key: s[key] for key in ("rounds", "candidate_pairs", "eligible_pairs")},
                   **{key: round(v, 2) for key, v in s.items() if key.startswith("seconds")}}
            runs.append(run)
            print(json.dumps(run), flush=True)
    totals = {r["total_score"] for r in runs}
    if len(totals) != 1:
        raise SystemExit(f"the engines disagree on the total score: {sorted(totals)}")
    return {"pool": pool_path, "mentees": len(pool["mentees"]), "mentors": len(pool["mentors"]),
            "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="",
                        help="an empty PostgreSQL database to use (default: start a throwaway one)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "round.json"))
    parser.add_argument("--save-pool", default="",
                        help="also write the pool to this pickle (e.g. bench/out/pool.pickle)")
    parser.add_argument("--engine-only", default="", metavar="POOL",
                        help="only time the engine on a pool saved with --save-pool")
    parser.add_argument("--repeat", type=int, default=1, help="with --engine-only: runs each")
    parser.add_argument("--baseline", default="", metavar="COMMIT",
                        help="with --engine-only: also time this commit's engine, alternating")
    args = parser.parse_args()
    if args.engine_only:
        figures = engine_only(args.engine_only, args.repeat, args.baseline)
        out = Path(args.out).with_name("round_engine.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(figures, indent=2))
        return
    # A stop by signal still runs the clean-up below (the throwaway server is stopped).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    workdir = Path(tempfile.mkdtemp(prefix="netapp-bench-round."))
    try:
        if args.database_url:
            figures = bench(args.database_url, args.members, args.seed, workdir, args.save_pool)
        else:
            with ThrowawayPostgres() as url:
                figures = bench(url, args.members, args.seed, workdir, args.save_pool)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2))
    print(json.dumps({k: v for k, v in figures.items() if k != "progress_seen"}, indent=2,
                     default=str))
    for at, message, progress in figures["progress_seen"]:
        print(f"  {at:7.2f} s  {progress:3d}%  {message}")
    ok = (figures["seconds_to_preview"] < TARGET_PREVIEW
          and figures["seconds_to_publish"] < TARGET_PUBLISH)
    print(f"targets: preview < {TARGET_PREVIEW:.0f} s, publish < {TARGET_PUBLISH:.0f} s: "
          f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
