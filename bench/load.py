"""Load test: the main pages at national scale under gunicorn, against a hello-world route.

Usage: ``python bench/load.py [--members 25000] [--seed 2026] [--duration 10] [--threads 2]
[--connections 16] [--workers 2] [--database-url URL] [--docs]``.

In one run:

1. starts a throwaway PostgreSQL on 127.0.0.1 (as bench/bench_round.py does) and seeds the demo
   data (``seed_demo``, 25,000 members by default); ``--database-url`` names a database that
   already holds it instead (nothing is seeded or dropped there);
2. counts the SQL statements of one request to each page, through the test client on the same
   database (a SQLAlchemy event; the count is taken on the second request, once the process has
   warmed up, as a served page would be), and times five more requests one after another
   (a page's cost with nothing queued before it);
3. serves the site with gunicorn (``--workers`` sync workers, 127.0.0.1 only, ProductionConfig,
   as behind a TLS proxy: ``PROXY_COUNT=1`` and ``X-Forwarded-Proto: https``), and
   bench/hello_app.py the same way on another port;
4. signs in over HTTP as the demo member and the demo coordinator (real session cookies) and
   runs wrk (Debian package ``wrk``) on each page for ``--duration`` seconds, after one
   unmeasured second of the same requests (every worker has then served the page, as on a
   site that has been up a while), with the hello-world route measured first and last the same
   way as the baseline;
5. prints a Markdown table (req/s, ratio to hello-world, p50/p99, errors, statements) and writes
   it with every figure to ``bench/out/load.json`` and ``bench/out/load.md``; ``--docs`` also puts
   the table into docs/benchmarks.md, section "Load test: pages at national scale".

Any answer that is not 2xx counts as an error (wrk alone would count only 4xx and 5xx). Every
step is bounded in time: wrk runs for ``--duration`` seconds, servers must answer within a minute
and are stopped at the end (also on Ctrl+C or SIGTERM).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.bench_round import ThrowawayPostgres  # noqa: E402
from config import TestingConfig  # noqa: E402

# Issue 15, item 1: what each page must reach in the same run.
TARGET_RATIO, TARGET_P99_MS, TARGET_STATEMENTS = 0.10, 25.0, 8
VISITOR = "anyone"  # a page opened by someone not signed in
USER_AGENT = "netapp-load-test/1.0"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Load test: pages at national scale"
TABLE_START, TABLE_END = "<!-- load-table:start -->", "<!-- load-table:end -->"
SERVER_START_S = 60

# Seconds of unmeasured requests before each measurement.
WARM_UP_S = 1
# wrk counts only 4xx and 5xx as errors: a redirect (to the login page, say) must count too.
WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not_2xx") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "not_2xx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class Page:
    """A page measured: what it is, its path, and who opens it ("member", "coordinator",
    "admin", or ``VISITOR``: anyone, not signed in)."""

    name: str
    path: str
    who: str = "member"


def main_pages() -> list[Page]:
    """The main pages, as the demo member and the demo coordinator open them in the demo data.

    Needs an app context on a database seeded by ``seed_demo``. tests/test_statements_per_page.py
    uses the same list, so the load test and the statement counts measure the same pages.
    """
    from netapp.extensions import db
    from netapp.models import (
        DiscussionThread,
        Event,
        LearningSet,
        MentoringRound,
        Network,
        NetworkKind,
        NetworkMembership,
        Profile,
        RoundStatus,
        SetMembership,
        User,
    )
    from netapp.services.demo import DEMO_DOMAIN

    def user_id(local: str) -> int:
        return db.session.scalars(
            sa.select(User.id).where(User.email == f"{local}@{DEMO_DOMAIN}")).one()

    member, mentor = user_id("member"), user_id("mentor")
    home = db.session.scalars(
        sa.select(Network.id).join(Profile, Profile.local_authority_id
                                   == Network.local_authority_id)
        .where(Profile.user_id == member, Network.kind == NetworkKind.LOCAL)).one()
    # The largest affinity network the demo member belongs to: its page lists thousands.
    affinity = db.session.scalars(
        sa.select(Network.id).join(NetworkMembership)
        .where(NetworkMembership.user_id == member, Network.kind == NetworkKind.AFFINITY)
        .order_by(sa.select(sa.func.count()).where(NetworkMembership.network_id == Network.id)
                  .correlate(Network).scalar_subquery().desc(), Network.id)).first()
    event = db.session.scalars(
        sa.select(Event.id).where(Event.network_id == home, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at.desc(), Event.id)).first()
    thread = db.session.scalars(
        sa.select(DiscussionThread.id).where(DiscussionThread.network_id == home)
        .order_by(DiscussionThread.post_count.desc(), DiscussionThread.id)).first()
    learning_set = db.session.scalars(
        sa.select(SetMembership.set_id).join(LearningSet)
        .where(SetMembership.user_id == member, SetMembership.left_at.is_(None))).first()
    preview = db.session.scalars(
        sa.select(MentoringRound.id).where(MentoringRound.status == RoundStatus.PREVIEW)
        .order_by(MentoringRound.id)).first()
    return [
        Page("front page", "/", VISITOR),
        Page("home", "/home"),
        Page("my profile", "/me"),
        Page("my networks", "/networks/mine"),
        Page("local network", f"/networks/{home}"),
        Page("affinity network", f"/networks/{affinity}"),
        Page("another member's profile", f"/members/{mentor}"),
        Page("my assessments", "/me/assessments"),
        Page("member directory search", "/networks/members?" + urlencode({"name": "an"})),
        Page("event", f"/networks/events/{event}"),
        Page("discussion thread", f"/networks/discussions/{thread}"),
        Page("mentoring suggestions", "/mentoring/suggestions"),
        Page("my set", f"/sets/{learning_set}"),
        Page("round preview", f"/mentoring/rounds/{preview}/preview", "coordinator"),
        Page("console members list", "/coordinator/members", "coordinator"),
        Page("coordinator dashboard", "/coordinator/dashboard", "coordinator"),
        Page("programme report", "/coordinator/report", "coordinator"),
        Page("member imports", "/coordinator/imports", "coordinator"),
        Page("audit log", "/admin/audit", "admin"),
    ]


# ------------------------------------------------------------------ data and statement counts


def seed(database_url: str, members: int, seed_value: int) -> float:
    """Seed the demo data into an emptied database; return the seconds it took."""
    from netapp import create_app
    from netapp.extensions import db
    from netapp.services.demo import seed_demo

    app = create_app(_test_config(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        t0 = time.perf_counter()
        seed_demo(members=members, seed=seed_value)
        db.session.commit()
        # As autovacuum leaves the tables of a site that has been up a while (statistics, and
        # pages marked all-visible for index-only scans); and no vacuum of the new rows starts
        # in the middle of the measurements.
        pooled = db.engine.raw_connection()  # the driver's own: VACUUM runs outside a BEGIN
        try:
            pooled.driver_connection.autocommit = True
            pooled.driver_connection.execute("VACUUM (ANALYZE)")
        finally:
            pooled.close()
        seconds = time.perf_counter() - t0
        db.session.remove()
        db.engine.dispose()
    return seconds


def _test_config(database_url: str) -> type:
    # Live sessions kept as the served site keeps them, so the count is of the page's own
    # statements once the process has seen the browser.
    return type("LoadConfig", (TestingConfig,), {
        "SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": None,
        "MAIL_BACKEND": "console", "HUEY_URL": "immediate", "SIGNED_IN_KEEP_FOR": 60})


def pages_and_statements(database_url: str, only: list[str] | None = None
                         ) -> tuple[list[Page], dict[str, int], dict[str, float]]:
    """The pages, the SQL statements of one warm request to each, and the median milliseconds
    of five more requests one after another (test client, same data, no other requests)."""
    from netapp import create_app
    from netapp.extensions import db
    from netapp.services import session_keeper
    from netapp.services.demo import DEMO_DOMAIN, DEMO_PASSWORD

    app = create_app(_test_config(database_url))
    counts: dict[str, int] = {}
    alone: dict[str, float] = {}
    with app.app_context():
        pages = [page for page in main_pages()
                 if not only or any(name in page.name for name in only)]
        clients = {}
        clients[VISITOR] = app.test_client()
        for who in {page.who for page in pages} - {VISITOR}:
            clients[who] = app.test_client()
            answer = clients[who].post("/account/login", data={
                "email": f"{who}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD})
            if answer.status_code != 302:
                raise SystemExit(f"the demo {who} could not sign in ({answer.status_code})")
        current = [""]

        def count(*_args, **_kwargs):
            counts[current[0]] += 1

        for page in pages:
            client = clients[page.who]
            if client.get(page.path).status_code != 200:  # warm-up
                raise SystemExit(f"{page.path} did not answer 200 for the demo {page.who}")
            current[0] = page.path
            counts[page.path] = 0
            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                status = client.get(page.path).status_code
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)
            if status != 200:
                raise SystemExit(f"{page.path} answered {status} the second time")
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                client.get(page.path)
                times.append((time.perf_counter() - t0) * 1000)
            alone[page.path] = round(statistics.median(times), 1)
        db.session.remove()
        session_keeper.stop(app)
        db.engine.dispose()
    return pages, counts, alone


# ------------------------------------------------------------------ servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """A gunicorn master serving ``app`` on 127.0.0.1, stopped (by its own pid) on exit."""

    def __init__(self, app: str, workers: int, env: dict[str, str], log: Path) -> None:
        self.app, self.workers, self.env, self.log = app, workers, env, log
        self.port = _free_port()

    def __enter__(self) -> Gunicorn:
        self._log = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(self.workers),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--timeout", "60",
             "--log-level", "warning", "--chdir", str(ROOT), self.app],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn ({self.app}) stopped at start:\n{self.tail()}")
            try:
                status, _, _ = request(self.port, "GET", "/", {})
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn ({self.app}) did not answer within {SERVER_START_S} s:\n"
                         f"{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def request(port: int, method: str, path: str, headers: dict[str, str],
            body: str | None = None) -> tuple[int, dict[str, list[str]], str]:
    """One HTTP request as behind the TLS proxy; returns status, headers (lists), text."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={
            "X-Forwarded-Proto": "https", "User-Agent": USER_AGENT, **headers})
        answer = conn.getresponse()
        found: dict[str, list[str]] = {}
        for name, value in answer.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return answer.status, found, answer.read().decode("utf-8", "replace")
    finally:
        conn.close()


def sign_in(port: int, email: str, password: str) -> str:
    """Log in through the real form; return the ``Cookie`` header of the signed-in session."""
    jar: dict[str, str] = {}

    def keep(headers):
        for line in headers.get("set-cookie", []):
            for name, morsel in SimpleCookie(line).items():
                jar[name] = morsel.value

    def cookie() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}

    status, headers, text = request(port, "GET", "/account/login", {})
    keep(headers)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text) or re.search(
        r'name="csrf_token" value="([^"]+)"', text)
    if status != 200 or token is None:
        raise SystemExit(f"the login page answered {status} without a form token")
    form = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    # Over HTTPS, the form's CSRF check also wants a Referer from the site itself.
    status, headers, _ = request(port, "POST", "/account/login", {
        **cookie(), "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"https://127.0.0.1:{port}/account/login"}, form)
    keep(headers)
    if status != 302:
        raise SystemExit(f"signing in as {email} answered {status}, not a redirect")
    status, _, _ = request(port, "GET", "/home", cookie())
    if status != 200:
        raise SystemExit(f"/home answered {status} to {email}'s new session")
    return cookie()["Cookie"]


# ------------------------------------------------------------------ measuring


def wrk(port: int, path: str, cookie: str, args, script: Path, seconds: int = 0) -> dict:
    """Run wrk on one path (for ``--duration`` seconds unless ``seconds`` is given); return
    requests/s, p50/p99 in ms, errors and the load average."""
    load = os.getloadavg()[0]
    seconds = seconds or args.duration
    headers = ["-H", "X-Forwarded-Proto: https", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections),
               "-d", f"{seconds}s", "--timeout", "10s", "-s", str(script), *headers,
               f"http://127.0.0.1:{port}{path}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((row for row in done.stdout.splitlines() if row.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed on {path}: {done.stderr or done.stdout}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    errors = raw["not_2xx"] + sum(raw[k] for k in ("connect", "read", "write", "timeout"))
    return {"requests": raw["requests"],
            "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "p50_ms": round(raw["p50_us"] / 1000, 2), "p99_ms": round(raw["p99_us"] / 1000, 2),
            "max_ms": round(raw["max_us"] / 1000, 1), "errors": errors, "raw": raw,
            "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}


def run(database_url: str, args, workdir: Path) -> dict:
    from netapp.services.demo import DEMO_DOMAIN, DEMO_PASSWORD

    figures: dict = {"started": datetime.now().strftime("%Y-%m-%d %H:%M"),
                     "members": args.members, "seed": args.seed, "duration_s": args.duration,
                     "threads": args.threads, "connections": args.connections,
                     "workers": args.workers, "load_at_start": round(os.getloadavg()[0], 2)}
    if not args.database_url:
        print(f"seeding {args.members} demo members ...", flush=True)
        figures["seed_s"] = round(seed(database_url, args.members, args.seed), 1)
    pages, statements, alone = pages_and_statements(database_url, args.only)
    if not pages:
        raise SystemExit(f"no page's name holds {' or '.join(map(repr, args.only))}")
    script = workdir / "count.lua"
    script.write_text(WRK_SCRIPT)
    env = {**os.environ, "LOAD_TEST_SECRET_KEY": secrets.token_urlsafe(48),
           "DATABASE_URL": database_url,
           "HUEY_URL": f"sqlite:///{workdir / 'huey.sqlite3'}", "PROXY_COUNT": "1",
           "MAIL_BACKEND": "console", "PYTHONPATH": str(ROOT)}
    env.pop("SECRET_KEY", None)  # set by site_app(), see there
    with Gunicorn("bench.hello_app:app", args.workers, env, workdir / "hello.log") as hello, \
            Gunicorn("bench.load:site_app()", args.workers, env, workdir / "site.log") as site:
        cookies = {who: sign_in(site.port, f"{who}@{DEMO_DOMAIN}", DEMO_PASSWORD)
                   for who in sorted({page.who for page in pages} - {VISITOR})}
        cookies[VISITOR] = ""
        rows = []
        print("measuring hello-world ...", flush=True)
        # Each measurement follows a second of the same requests, unmeasured, so that every
        # worker has served the page before (as a site that has been up a while has): what a
        # process keeps, it has then worked out.
        wrk(hello.port, "/", "", args, script, seconds=WARM_UP_S)
        hello_first = wrk(hello.port, "/", "", args, script)
        for page in pages:
            print(f"measuring {page.path} ...", flush=True)
            wrk(site.port, page.path, cookies[page.who], args, script, seconds=WARM_UP_S)
            rows.append({**asdict(page), "statements": statements[page.path],
                         "alone_ms": alone[page.path],
                         **wrk(site.port, page.path, cookies[page.who], args, script)})
        wrk(hello.port, "/", "", args, script, seconds=WARM_UP_S)
        hello_last = wrk(hello.port, "/", "", args, script)
    baseline = (hello_first["rps"] + hello_last["rps"]) / 2
    for row in rows:
        row["ratio"] = round(row["rps"] / baseline, 3)
        row["meets"] = (row["ratio"] >= TARGET_RATIO and row["p99_ms"] <= TARGET_P99_MS
                        and row["errors"] == 0
                        and (row["who"] != "member" or row["statements"] <= TARGET_STATEMENTS))
    figures.update(hello_first=hello_first, hello_last=hello_last, hello_rps=round(baseline, 1),
                   pages=rows, finished=datetime.now().strftime("%H:%M"),
                   load_at_end=round(os.getloadavg()[0], 2))
    return figures


def site_app():
    """The site as deployed (ProductionConfig, settings from the environment), for gunicorn."""
    from config import ProductionConfig
    from netapp import create_app

    # config.Config reads SECRET_KEY when first imported, and ProductionConfig refuses a key equal
    # to Config's: so the key goes into the environment only after that import (bench.load's own).
    os.environ.setdefault("SECRET_KEY", os.environ["LOAD_TEST_SECRET_KEY"])
    return create_app(ProductionConfig)


# ------------------------------------------------------------------ the table


def table(figures: dict) -> str:
    loads = [figures["load_at_start"], figures["load_at_end"]]
    for row in [figures["hello_first"], figures["hello_last"], *figures["pages"]]:
        loads += [row["load_before"], row["load_after"]]
    lines = [
        f"Run {figures['started']}-{figures['finished']}: {figures['members']:,} demo members, "
        f"gunicorn {figures['workers']} sync workers, wrk {figures['threads']} threads, "
        f"{figures['connections']} connections, {figures['duration_s']} s per page; "
        f"**load average (1 min) {min(loads):.1f} to {max(loads):.1f}**. Hello-world: "
        f"{figures['hello_first']['rps']:,.0f} req/s before the pages and "
        f"{figures['hello_last']['rps']:,.0f} after (mean {figures['hello_rps']:,.0f}).",
        "",
        "| page | path | who | req/s | ratio to hello-world | p50 ms | p99 ms | errors "
        "| SQL statements | one request alone, ms | meets item 1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in figures["pages"]:
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['who']} | {row['rps']:,.0f} "
            f"| {row['ratio']:.3f}x | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['errors']} | {row['statements']} | {row['alone_ms']:.0f} "
            f"| {'yes' if row['meets'] else 'no'} |")
    for key in ("hello_first", "hello_last"):
        row = figures[key]
        lines.append(f"| hello-world ({'first' if key == 'hello_first' else 'last'}) "
                     f"| `/` | anyone | {row['rps']:,.0f} | 1x | {row['p50_ms']:.1f} "
                     f"| {row['p99_ms']:.1f} | {row['errors']} | 0 | | |")
    return "\n".join(lines) + "\n"


def write_docs(text: str, command: str) -> None:
    """Put the table between the markers of the section, adding the section if it is missing."""
    docs = DOCS.read_text()
    block = f"{TABLE_START}\nReproduce: `{command}`\n\n{text}{TABLE_END}"
    if TABLE_START in docs and TABLE_END in docs:
        head, rest = docs.split(TABLE_START, 1)
        docs = head + block + rest.split(TABLE_END, 1)[1]
    else:
        docs = docs.rstrip("\n") + f"\n\n{SECTION}\n\n{block}\n"
    DOCS.write_text(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--database-url", default="",
                        help="a database already holding the demo data (not seeded again)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="measure only the pages whose name holds NAME (repeatable; a "
                             "quick check, not for --docs)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "load.json"))
    parser.add_argument("--docs", action="store_true",
                        help="also write the table into docs/benchmarks.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package: wrk)")
    if args.only and args.docs:
        raise SystemExit("--docs writes the whole table: leave out --only")
    if args.duration < 1:
        raise SystemExit(f"--duration must be at least 1 second, got {args.duration}")
    # A stop by signal still runs the clean-up below (servers stopped, throwaway data removed).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    workdir = Path(tempfile.mkdtemp(prefix="netapp-load."))
    try:
        if args.database_url:
            figures = run(args.database_url, args, workdir)
        else:
            with ThrowawayPostgres() as url:
                figures = run(url, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    text = table(figures)
    out.with_suffix(".md").write_text(text)
    print(text)
    if args.docs:
        flags = [a for a in sys.argv[1:] if a != "--docs"]
        write_docs(text, " ".join([".venv/bin/python bench/load.py", *flags]))
    errors = sum(row["errors"] for row in figures["pages"])
    print(f"errors: {errors}; pages meeting item 1: "
          f"{sum(row['meets'] for row in figures['pages'])} of {len(figures['pages'])}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
