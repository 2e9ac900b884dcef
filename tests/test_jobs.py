"""Background jobs: queued on huey, run by a real consumer or at once, progress and failure kept."""
from __future__ import annotations

import threading
import uuid

import pytest

from netapp.extensions import db
from netapp.models import Job, JobStatus
from netapp.services import jobs
from netapp.tasks import huey
from tests.queue_fixtures import consumer, fresh_job, queued_app, wait_for  # noqa: F401

# Kinds used only here; registered once at import, like real kinds.
GATE = threading.Event()
ATTEMPTS: dict[str, int] = {}


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
    key = job.params["key"]
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] == 1:
        raise jobs.JobError("The first try fails.")
    return "Worked the second time."


def test_immediate_mode_runs_a_job_to_done(app):
    assert huey.immediate
    job = jobs.start("test.count", {"to": 5}, None)
    row = fresh_job(job.id)
    assert row.status == JobStatus.DONE and row.progress == 100
    assert row.message == "Counted to 5." and row.error == ""
    assert row.started_at and row.finished_at


def test_a_refused_job_is_failed_with_the_reason_in_words(app):
    job = jobs.start("test.refuse", {}, None)
    row = fresh_job(job.id)
    assert row.status == JobStatus.FAILED
    assert row.error == "Nobody is waiting for a mentor in that region."
    assert row.progress == 30  # how far it got stays visible


def test_a_crash_says_something_went_wrong_and_keeps_the_traceback_in_the_log(app, caplog):
    job = jobs.start("test.crash", {}, None)
    row = fresh_job(job.id)
    assert row.status == JobStatus.FAILED
    assert "unexpected error" in row.error and f"job {job.id}" in row.error
    assert "secret internals" not in row.error and "Traceback" not in row.error
    assert "secret internals" in caplog.text and "Traceback" in caplog.text


def test_a_failed_job_can_run_again(app):
    job = jobs.start("test.flaky", {"key": uuid.uuid4().hex}, None)
    assert fresh_job(job.id).status == JobStatus.FAILED
    jobs.rerun(db.session.get(Job, job.id))
    row = fresh_job(job.id)
    assert row.status == JobStatus.DONE and row.error == ""
    assert row.message == "Worked the second time."


def test_a_running_job_cannot_be_restarted(app):
    job = Job(kind="test.count", status=JobStatus.RUNNING, params={})
    db.session.add(job)
    db.session.commit()
    with pytest.raises(jobs.JobError):
        jobs.rerun(job)
    jobs.run(job.id)  # a stray second delivery does nothing to a job already taken
    assert fresh_job(job.id).status == JobStatus.RUNNING


@pytest.mark.usefixtures("queued_app", "consumer")
def test_a_real_consumer_runs_the_job_and_progress_shows_while_it_runs():
    GATE.clear()
    try:
        job = jobs.start("test.count", {"to": 7, "wait": True}, None)
        halfway = wait_for(job.id, lambda r: r.progress == 50)
        assert halfway.status == JobStatus.RUNNING and halfway.message == "Halfway there."
    finally:
        GATE.set()
    done = wait_for(job.id, lambda r: r.status.is_finished)
    assert done.status == JobStatus.DONE and done.message == "Counted to 7."


@pytest.mark.usefixtures("queued_app", "consumer")
def test_a_real_consumer_records_a_failure():
    job = jobs.start("test.refuse", {}, None)
    failed = wait_for(job.id, lambda r: r.status.is_finished)
    assert failed.status == JobStatus.FAILED
    assert failed.error == "Nobody is waiting for a mentor in that region."
