"""Every page the demo people can reach, timed in-process on the 25,000-member demo data.

Usage: ``python bench/sweep.py [--members 25000] [--seed 2026] [--requests 20] [--samples 3]
[--warm-up 10] [--database-url URL] [--over-ms 2.5]`` (a URL of a database already holding the
demo data skips seeding; otherwise a throwaway PostgreSQL on 127.0.0.1 is started and seeded,
as bench/bench_floor.py does).

bench/load.py measures the main pages under gunicorn; this sweep looks for the pages it leaves
out. As the demo member, mentor, coordinator and admin in turn, signed in through the login
form, it follows every link from their usual starting pages (GET only, no downloads), takes up
to ``--samples`` addresses of each view, and times each address: the median of ``--requests``
requests one after another through the test client, as wall time and CPU time, with the SQL
statements each request runs. ``--warm-up`` requests go first: PostgreSQL plans a statement
afresh on its first few runs on a connection before it keeps one plan, and the load test's
warm-up sees it through those too. The site is built with ``ProductionConfig`` as the load test
serves it.

It prints one line per view (its slowest address), slowest first, marks each view whose time or
statements are over the bar, and writes everything to ``bench/out/sweep.json``. A page over
``--over-ms`` alone on a quiet machine is not going to reach 0.10x of hello-world under load
(docs/benchmarks.md, "Load test: pages at national scale"); member pages may run at most 8
statements (issue 15).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.bench_floor import _signed_in_client, _site  # noqa: E402
from bench.bench_round import ThrowawayPostgres  # noqa: E402
from bench.load import seed  # noqa: E402

PEOPLE = ("member", "mentor", "coordinator", "admin")
STARTS = ("/home", "/me", "/me/assessments", "/me/resources", "/networks/", "/networks/mine",
          "/networks/events", "/networks/stories", "/mentoring/suggestions", "/mentoring/mentees",
          "/coordinator/", "/mentoring/rounds", "/sets/formations", "/admin/users", "/admin/audit")
# Downloads and addresses that act (signing out) are not pages to time.
LEFT_OUT = ("/account/logout", "/static/", ".csv", ".ics", "/export", "/progress")
MEMBER_STATEMENTS = 8
_LINK = re.compile(r'href="(/[^"#]*)"')


def sweep(database_url: str, requests: int, samples: int, warm_up: int,
          workdir: Path) -> list[dict]:
    from netapp.extensions import db

    app = _site(database_url, workdir)
    with app.app_context():
        engine = db.engine
    counted = {"statements": 0, "sql_s": 0.0}

    def before(_conn, _cursor, _statement, _params, context, _many):
        context._sweep_started = time.perf_counter()

    def after(_conn, _cursor, _statement, _params, context, _many):
        counted["statements"] += 1
        counted["sql_s"] += time.perf_counter() - context._sweep_started

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    adapter = app.url_map.bind("localhost", url_scheme="https")
    rows = []
    for who in PEOPLE:
        client = _signed_in_client(app, who)
        seen: set[str] = set()
        taken: dict[str, int] = {}
        queue = deque(STARTS)
        while queue:
            path = queue.popleft()
            if path in seen or any(part in path for part in LEFT_OUT):
                continue
            seen.add(path)
            try:
                endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
            except Exception:  # another site's address, or one that only takes POST
                continue
            if taken.get(endpoint, 0) >= samples:
                continue
            answer = client.get(path, base_url="https://localhost")  # the warm-up
            if answer.status_code != 200 or answer.mimetype != "text/html":
                continue
            for _ in range(warm_up - 1):
                client.get(path, base_url="https://localhost")
            taken[endpoint] = taken.get(endpoint, 0) + 1
            walls, cpus = [], []
            counted.update(statements=0, sql_s=0.0)
            for _ in range(requests):
                wall, cpu = time.perf_counter(), time.process_time()
                client.get(path, base_url="https://localhost")
                cpus.append((time.process_time() - cpu) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
            rows.append({"who": who, "endpoint": endpoint, "path": path,
                         "ms": round(statistics.median(walls), 2),
                         "cpu_ms": round(statistics.median(cpus), 2),
                         "sql_ms": round(counted["sql_s"] * 1000 / requests, 2),
                         "statements": round(counted["statements"] / requests, 1)})
            for link in _LINK.findall(answer.get_data(as_text=True)):
                link = link.replace("&amp;", "&")
                if link not in seen:
                    queue.append(link)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--samples", type=int, default=3, help="addresses timed per view")
    parser.add_argument("--warm-up", type=int, default=10, help="requests before timing")
    parser.add_argument("--over-ms", type=float, default=2.5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "sweep.json"))
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M")
    with tempfile.TemporaryDirectory(prefix="netapp-sweep.") as tmp:
        if args.database_url:
            rows = sweep(args.database_url, args.requests, args.samples, args.warm_up, Path(tmp))
        else:
            with ThrowawayPostgres() as url:
                print(f"seeding {args.members} demo members ...", flush=True)
                seed(url, args.members, args.seed)
                rows = sweep(url, args.requests, args.samples, args.warm_up, Path(tmp))
    worst: dict[str, dict] = {}
    for row in rows:
        key = row["endpoint"]
        if key not in worst or row["ms"] > worst[key]["ms"]:
            worst[key] = row
        if row["who"] in ("member", "mentor"):
            worst[key]["member_statements"] = max(worst[key].get("member_statements", 0),
                                                  row["statements"])
    views = sorted(worst.values(), key=lambda row: -row["ms"])
    for row in views:
        row["over"] = (row["ms"] > args.over_ms
                       or row.get("member_statements", 0) > MEMBER_STATEMENTS)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"started": started, "load_average": os.getloadavg()[0],
                               "requests": args.requests, "warm_up": args.warm_up,
                               "over_ms": args.over_ms,
                               "views": views, "addresses": rows}, indent=1))
    over = [row for row in views if row["over"]]
    print(f"\n{len(rows)} addresses of {len(views)} views timed; load average (1 min) at the "
          f"end {os.getloadavg()[0]:.2f}; {len(over)} views over {args.over_ms} ms or "
          f"{MEMBER_STATEMENTS} statements on a member's page\n")
    print("| view | as | address | ms | CPU ms | SQL ms | statements | over |")
    print("|---|---|---|---|---|---|---|---|")
    for row in views:
        print(f"| {row['endpoint']} | {row['who']} | `{row['path']}` | {row['ms']:.2f} | "
              f"{row['cpu_ms']:.2f} | {row['sql_ms']:.2f} | {row['statements']:g} | "
              f"{'over' if row['over'] else ''} |")


if __name__ == "__main__":
    main()
