"""Background jobs: queued on huey, run by a real consumer or at once, progress and failure kept."""
from __future__ import annotations

import signal
import threading
import time

import pytest
from sqlalchemy.orm import Session

from netapp.extensions import db
from netapp.models import Job, JobStatus
from netapp.services import jobs
from netapp.tasks import huey
from tests.conftest import _make_app

# Kinds used only here; registered once at import, like real kinds.
GATE = threading.Event()
ATTEMPTS: dict[int, int] = {}


@jobs.runner("test.count")
def _count(job: Job, report) -> str:
    report(10, "Counting the pool.")
    if job.params.get("wait"):
        report(50, "Halfway there.")
        assert GATE.wait(20), "the test never opened the gate"
    return f"Counted to {job.params.get('to', 3)}."


@jobs.runner("test.refuse")
def _refuse(job: Job, report) -> str:
    report(30, "Looking.")
    raise jobs.JobError("Nobody is waiting for a mentor in that region.")


@jobs.runner("test.crash")
def _crash(job: Job, report) -> str:
    raise RuntimeError("secret internals: /srv/app/thing.py line 12")


@jobs.runner("test.flaky")
def _flaky(job: Job, report) -> str:
    ATTEMPTS[job.id] = ATTEMPTS.get(job.id, 0) + 1
    if ATTEMPTS[job.id] == 1:
        raise jobs.JobError("The first try fails.")
    return "Worked the second time."


def _fresh(job_id: int) -> Job:
    """The row as another connection sees it now."""
    with Session(db.engine, expire_on_commit=False) as session:
        return session.get(Job, job_id)


def test_immediate_mode_runs_a_job_to_done(app):
    assert huey.immediate
    job = jobs.start("test.count", {"to": 5}, None)
    row = _fresh(job.id)
    assert row.status == JobStatus.DONE and row.progress == 100
    assert row.message == "Counted to 5." and row.error == ""
    assert row.started_at and row.finished_at


def test_a_refused_job_is_failed_with_the_reason_in_words(app):
    job = jobs.start("test.refuse", {}, None)
    row = _fresh(job.id)
    assert row.status == JobStatus.FAILED
    assert row.error == "Nobody is waiting for a mentor in that region."
    assert row.progress == 30  # how far it got stays visible


def test_a_crash_says_something_went_wrong_and_keeps_the_traceback_in_the_log(app, caplog):
    job = jobs.start("test.crash", {}, None)
    row = _fresh(job.id)
    assert row.status == JobStatus.FAILED
    assert "unexpected error" in row.error and f"job {job.id}" in row.error
    assert "secret internals" not in row.error and "Traceback" not in row.error
    assert "secret internals" in caplog.text and "Traceback" in caplog.text


def test_a_failed_job_can_run_again(app):
    job = jobs.start("test.flaky", {}, None)
    assert _fresh(job.id).status == JobStatus.FAILED
    jobs.rerun(db.session.get(Job, job.id))
    row = _fresh(job.id)
    assert row.status == JobStatus.DONE and row.error == ""
    assert row.message == "Worked the second time."


def test_a_running_job_cannot_be_restarted(app):
    job = Job(kind="test.count", status=JobStatus.RUNNING, params={})
    db.session.add(job)
    db.session.commit()
    with pytest.raises(jobs.JobError):
        jobs.rerun(job)
    jobs.run(job.id)  # a stray second delivery does nothing to a job already taken
    assert _fresh(job.id).status == JobStatus.RUNNING


@pytest.fixture
def queued_app(backend, smtp_sink, tmp_path):
    """An app whose tasks go into a huey SQLite file, on a database another thread can share."""
    _, port = smtp_sink
    settings = {"HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}"}
    if backend == "sqlite":
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    app = _make_app(backend, port, **settings)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def consumer(queued_app):
    """A real huey consumer with one worker thread, as `python -m netapp.worker` runs it."""
    assert not huey.immediate
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    running = huey.create_consumer(workers=1, periodic=False, initial_delay=0.05,
                                   max_delay=0.2, check_worker_health=False)
    running.start()
    for sig, handler in saved.items():  # the consumer took them for a process of its own
        signal.signal(sig, handler)
    try:
        yield running
    finally:
        GATE.set()
        running.stop(graceful=True)


def _wait_for(job_id: int, done, timeout: float = 20.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _fresh(job_id)
        if done(row):
            return row
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} is still {row.status.value}: {row.message}")


def test_a_real_consumer_runs_the_job_and_progress_shows_while_it_runs(queued_app, consumer):
    GATE.clear()
    job = jobs.start("test.count", {"to": 7, "wait": True}, None)
    assert huey.pending_count() in (0, 1)
    halfway = _wait_for(job.id, lambda r: r.progress == 50)
    assert halfway.status == JobStatus.RUNNING and halfway.message == "Halfway there."
    GATE.set()
    done = _wait_for(job.id, lambda r: r.status.is_finished)
    assert done.status == JobStatus.DONE and done.message == "Counted to 7."


def test_a_real_consumer_records_a_failure(queued_app, consumer):
    job = jobs.start("test.refuse", {}, None)
    failed = _wait_for(job.id, lambda r: r.status.is_finished)
    assert failed.status == JobStatus.FAILED
    assert failed.error == "Nobody is waiting for a mentor in that region."
