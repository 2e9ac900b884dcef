"""The load test (bench/load.py, issue 15 item 2) runs end to end from the test command: a small
demo seed on its own throwaway PostgreSQL, the site and hello-world under gunicorn, wrk on every
main page, the table written. How fast the pages are is measured by the load test itself
(docs/benchmarks.md), never here: this checks that it runs, measures every page with every
answer a 2xx, and leaves docs/benchmarks.md alone unless asked."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bench.load import TARGET_STATEMENTS
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"


def test_the_load_test_measures_every_main_page_with_no_error(tmp_path):
    require(shutil.which("wrk") is not None, "wrk is not installed (Debian package: wrk)")
    require(shutil.which("initdb") is not None or any(Path("/usr/lib/postgresql").glob(
        "*/bin/initdb")), "PostgreSQL is not installed")
    docs_before = DOCS.read_text()
    out = tmp_path / "load.json"
    # Two connections, not sixteen: the other test process shares the machine.
    done = subprocess.Popen(
        [sys.executable, "bench/load.py", "--members", "300", "--duration", "1",
         "--threads", "1", "--connections", "2", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    try:
        stdout, stderr = done.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        # Stopped as Ctrl+C would: the load test stops its servers and removes its data.
        os.killpg(done.pid, signal.SIGTERM)
        stdout, stderr = done.communicate(timeout=60)
        raise AssertionError(f"the load test ran over 10 minutes:\n{stdout[-3000:]}") from None
    assert done.returncode == 0, stdout[-3000:] + stderr[-3000:]
    figures = json.loads(out.read_text())
    pages = figures["pages"]
    assert {page["who"] for page in pages} == {"anyone", "member", "coordinator", "admin"}
    assert len({page["path"] for page in pages}) == len(pages) >= 19
    for page in [figures["hello_first"], figures["hello_last"], *pages]:
        assert page["requests"] > 0 and page["errors"] == 0, page
        assert page["raw"]["not_2xx"] == 0, page
    for page in pages:
        assert page["ratio"] == round(page["rps"] / figures["hello_rps"], 3), page
        if page["who"] == "member":
            assert page["statements"] <= TARGET_STATEMENTS, page
    table = out.with_suffix(".md").read_text()
    for page in pages:
        assert f"`{page['path']}`" in table
    assert "hello-world (first)" in table and "hello-world (last)" in table
    assert DOCS.read_text() == docs_before  # only --docs writes there
