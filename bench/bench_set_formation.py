"""Benchmark forming action learning sets for 20,000 members who asked, on PostgreSQL, and the
live rule check when a coordinator moves a member on that national preview.

Usage: ``python bench/bench_set_formation.py [--members 25000] [--asked 20000] [--seed 2026]
[--checks 200] [--database-url URL]``. Without ``--database-url`` it starts a throwaway
PostgreSQL on 127.0.0.1 (as bench/bench_round.py does) and stops it at the end.

Measured in one run, on the same data:

* baselines: reading the pool through the bridge (``load_set_pool``), and the engine alone
  (``form_groups`` on that pool with the formation's sizes and weights, no database);
* time to preview: from "Form the sets" (``start_run``: the Job queued on huey's SQLite file)
  until a real huey consumer thread has read the pool, run the engine, saved every draft set,
  membership and unplaced reason, and marked the job done (target under 60 s);
* the move check: ``check_move`` (the member's two sets read, every rule of both checked by the
  engine's ``set_violations``) for ``--checks`` random (member, other set) pairs on the
  national preview: median, 95th percentile and slowest (target under 200 ms each), and a few
  saved moves (``move_member``, which also asks the engine about both sets again);
* publishing the national formation (and a second publish, which does nothing), then the
  engine's proposals for one late joiner (``propose_sets`` over every active set).
"""
from __future__ import annotations

import argparse
import json
import os
import random
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

from bench.bench_round import ThrowawayPostgres, timed  # noqa: E402
from config import TestingConfig  # noqa: E402

TARGET_PREVIEW, TARGET_CHECK = 60.0, 0.200


def _ask(members_asking: int, seed: int) -> int:
    """Requests to join for ``members_asking`` members with complete profiles (a fifth in
    person, two fifths online, the rest either)."""
    from netapp.extensions import db
    from netapp.models import MeetingMode, SetRequest
    from netapp.services import matching_bridge as bridge

    ready = [bridge.user_id(m.id) for m in bridge.load_set_pool(None, only_asked=False).members]
    asked = set(db.session.scalars(sa.select(SetRequest.user_id)))
    rng = random.Random(seed)
    chosen = rng.sample([u for u in ready if u not in asked],
                        min(members_asking - len(asked), len(ready) - len(asked)))
    modes = [MeetingMode.IN_PERSON] + [MeetingMode.ONLINE] * 2 + [MeetingMode.EITHER] * 2
    db.session.execute(sa.insert(SetRequest), [
        {"user_id": uid, "mode": rng.choice(modes), "note": ""} for uid in chosen])
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count()).select_from(SetRequest))


def bench(database_url: str, members: int, asking: int, seed: int, checks: int,
          workdir: Path) -> dict:
    from netapp import create_app
    from netapp.extensions import db
    from netapp.models import (
        Job,
        JobStatus,
        LearningSet,
        MeetingMode,
        Role,
        SetMembership,
        SetRequest,
        User,
        UserRole,
    )
    from netapp.services import matching_bridge as bridge
    from netapp.services import sets_formation as service
    from netapp.services.demo import seed_demo
    from netapp.tasks import huey

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost",
                "HUEY_URL": f"sqlite:///{workdir / 'huey.sqlite3'}", "MAIL_BACKEND": "console"}
    app = create_app(type("BenchConfig", (TestingConfig,), settings))
    with app.app_context():
        db.drop_all()
        db.create_all()
        seconds_seed, _ = timed(seed_demo, members=members, seed=seed)
        asked = _ask(asking, seed)
        coordinator = db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.COORDINATOR)).first()
        formation = service.create_formation(coordinator, "Benchmark sets", None, True, 5, 8,
                                             service.default_weights())

        load = os.getloadavg()[0]  # the machine may be shared: say how busy it was
        seconds_pool, pool = timed(bridge.load_set_pool, None, True)
        seconds_engine, result = timed(bridge.form_sets, pool.members, 5, 8,
                                       service.weights_of(formation))
        db.session.rollback()

        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        consumer = huey.create_consumer(workers=1, periodic=False, initial_delay=0.05,
                                        max_delay=0.1, check_worker_health=False)
        consumer.start()
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        try:
            t0 = time.perf_counter()
            job = service.start_run(coordinator, formation)
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
            consumer.stop(graceful=True)
        if status != JobStatus.DONE:
            raise SystemExit(f"the run failed: {row.error}")
        db.session.expire_all()
        formation = db.session.get(type(formation), formation.id)
        stats = formation.stats

        pairs = db.session.execute(
            sa.select(SetMembership.user_id, SetMembership.set_id)
            .join(LearningSet, LearningSet.id == SetMembership.set_id)
            .where(LearningSet.formation_id == formation.id)).all()
        set_ids = sorted({s for _, s in pairs})
        rng = random.Random(seed)
        timings, warned = [], 0
        for user_id, set_id in rng.sample(pairs, min(checks, len(pairs))):
            target = rng.choice([s for s in rng.sample(set_ids, 3) if s != set_id])
            db.session.expire_all()  # each check reads afresh, as a new request does
            seconds, check = timed(service.check_move, formation, user_id, target)
            timings.append(seconds)
            warned += bool(check.warnings)
            db.session.rollback()
        moves = []
        for user_id, set_id in rng.sample(pairs, 5):
            target = next(s for s in set_ids if s != set_id)
            seconds, _ = timed(service.move_member, coordinator, formation, user_id, target)
            moves.append(seconds)
        timings.sort()

        # Publish the national formation, then one late joiner: a member with a complete
        # profile who had not asked asks now, and the engine proposes sets for them.
        seconds_publish, published = timed(service.publish, coordinator, formation.id)
        seconds_again, again = timed(service.publish, coordinator, formation.id)
        late = next((bridge.user_id(m.id) for m in
                     bridge.load_set_pool(None, only_asked=False).members), None)
        seconds_late, proposals = None, []
        if late is not None:
            db.session.add(SetRequest(user_id=late, mode=MeetingMode.EITHER, note=""))
            db.session.commit()
            formation = db.session.get(type(formation), formation.id)
            seconds_late, (proposals, _) = timed(service.propose_sets, formation, late)
        db.session.remove()
        db.engine.dispose()
    return {
        "members": members, "asked": asked, "seed": seed,
        "load_average_1min": round(load, 2), "load_average_after": round(os.getloadavg()[0], 2),
        "pool": len(pool.members), "left_out": len(pool.left_out),
        "sets": stats["sets"], "placed": stats["placed"], "unplaced": stats["unplaced"],
        "sets_needing_a_look": stats["needs_look"], "worst_quality": stats["worst_quality"],
        "mean_quality": round(stats["mean_quality"], 2),
        "engine_alone_sets": len(result.sets), "engine_alone_unplaced": len(result.unplaced),
        "seconds_seed": round(seconds_seed, 2),
        "baseline_seconds_load_pool": round(seconds_pool, 2),
        "baseline_seconds_engine_alone": round(seconds_engine, 2),
        "seconds_to_preview": round(seconds_preview, 2),
        "ratio_preview_to_engine_alone": round(seconds_preview / seconds_engine, 2),
        "engine_seconds_in_the_run": stats.get("seconds_engine"),
        "move_checks": len(timings), "move_checks_with_a_warning": warned,
        "ms_move_check_median": round(1000 * statistics.median(timings), 1),
        "ms_move_check_p95": round(1000 * timings[int(0.95 * (len(timings) - 1))], 1),
        "ms_move_check_max": round(1000 * timings[-1], 1),
        "ms_move_saved": [round(1000 * s, 1) for s in moves],
        "seconds_publish": round(seconds_publish, 2), "sets_published": published,
        "seconds_second_publish": round(seconds_again, 3), "second_publish_sets": again,
        "seconds_late_joiner_proposals": None if seconds_late is None else round(seconds_late, 2),
        "late_joiner_sets_proposed": len(proposals),
        "progress_seen": seen,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25000)
    parser.add_argument("--asked", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--database-url", default="",
                        help="an empty PostgreSQL database to use (default: start a throwaway one)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "set_formation.json"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    workdir = Path(tempfile.mkdtemp(prefix="netapp-bench-sets."))
    try:
        if args.database_url:
            figures = bench(args.database_url, args.members, args.asked, args.seed,
                            args.checks, workdir)
        else:
            with ThrowawayPostgres() as url:
                figures = bench(url, args.members, args.asked, args.seed, args.checks, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2))
    print(json.dumps({k: v for k, v in figures.items() if k != "progress_seen"}, indent=2,
                     default=str))
    for at, message, progress in figures["progress_seen"]:
        print(f"  {at:7.2f} s  {progress:3d}%  {message}")
    ok = (figures["seconds_to_preview"] < TARGET_PREVIEW
          and figures["ms_move_check_max"] < 1000 * TARGET_CHECK)
    print(f"targets: preview < {TARGET_PREVIEW:.0f} s, every move check < "
          f"{1000 * TARGET_CHECK:.0f} ms: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
