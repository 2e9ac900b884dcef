"""Background jobs: a Job row, queued on huey, whose progress and outcome live in the database.

A kind of job is a function registered with ``@runner("kind")``; it receives the Job and a
``report(progress, message)`` callable. Progress is written in its own short transaction, so the
page polling it sees it at once whatever the runner holds open. A runner raises ``JobError``
with words for the person who started it; any other exception is logged with its traceback and
the job says only that something unexpected went wrong.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from netapp.extensions import db
from netapp.models import Job, JobStatus, User
from netapp.models.base import utcnow

Report = Callable[[int, str], None]
Runner = Callable[[Job, Report], str]
OnFailure = Callable[[Job], None]

# kind -> (the work, what to tidy up after a failure); filled by @runner at import time
_RUNNERS: dict[str, tuple[Runner, OnFailure | None]] = {}

STALE = ("The run was still not finished after {minutes} minutes, so the worker that runs it "
         "has probably stopped. Please run it again; if this keeps happening, ask an "
         "administrator to check that the task queue's worker is running.")
UNEXPECTED = ("The run stopped because of an unexpected error (job {id}). Please try again; "
              "if it happens again, tell an administrator.")


class JobError(Exception):
    """A failure the person who started the job can understand; the message is shown to them."""


def runner(kind: str, on_failure: OnFailure | None = None) -> Callable[[Runner], Runner]:
    """Register the function that does the work of jobs of ``kind``.

    It returns the message to show when done, and may raise JobError. ``on_failure(job)``, if
    given, runs after a failure in a fresh transaction (e.g. to mark what the job was for) and
    commits its own changes.
    """

    def register(func: Runner) -> Runner:
        _RUNNERS[kind] = (func, on_failure)
        return func

    return register


def new(kind: str, params: dict[str, Any], user: User | None) -> Job:
    """A Job row for the caller to commit with its own change, then ``queue``."""
    if kind not in _RUNNERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, status=JobStatus.QUEUED, progress=0, message="Waiting to start.",
              error="", params=params, created_by_id=getattr(user, "id", None))
    db.session.add(job)
    return job


def queue(job: Job) -> None:
    """Hand a committed, queued Job to the task queue."""
    _enqueue(job.id)


def start(kind: str, params: dict[str, Any], user: User | None) -> Job:
    """Create a queued Job, commit it, and hand it to the task queue."""
    job = new(kind, params, user)
    db.session.commit()
    _enqueue(job.id)
    return job


def rerun(job: Job) -> Job:
    """Queue a finished job again from the start (its last outcome is cleared)."""
    # One conditional update, so two clicks never queue it twice.
    changed = db.session.execute(
        sa.update(Job).where(Job.id == job.id, Job.status.in_([JobStatus.DONE, JobStatus.FAILED]))
        .values(status=JobStatus.QUEUED, progress=0, message="Waiting to start.", error="",
                started_at=None, finished_at=None)
    ).rowcount
    db.session.commit()
    if not changed:
        raise JobError("This is still waiting or running; wait for it to finish first.")
    _enqueue(job.id)
    return job


def _enqueue(job_id: int) -> None:
    from netapp.tasks import run_job

    run_job(job_id)
    # In immediate mode the job has already run, in a session of its own: read it afresh.
    db.session.expire_all()


def _set(job_id: int, *conditions: Any, **values: Any) -> int:
    """Write to the Job row in a transaction of its own, apart from the runner's session.

    Returns how many rows changed (0 when ``conditions`` did not hold).
    """
    with Session(db.engine) as session:
        changed = session.execute(
            sa.update(Job).where(Job.id == job_id, *conditions).values(**values)
        ).rowcount
        session.commit()
    return changed


def run(job_id: int) -> None:
    """Do the work of one job (called by the task queue, inside the app's context)."""
    # Taking the job is one conditional update, so two workers never both run it.
    if not _set(job_id, Job.status == JobStatus.QUEUED, status=JobStatus.RUNNING,
                started_at=utcnow(), progress=0, message="Starting."):
        return  # deleted, already taken, or finished
    job = db.session.get(Job, job_id)
    work, on_failure = _RUNNERS.get(job.kind, (None, None))

    def report(progress: int, message: str) -> None:
        _set(job_id, progress=max(0, min(100, int(progress))), message=message[:200])

    try:
        if work is None:
            raise JobError(f"This kind of job ({job.kind}) is not known here any more.")
        done_message = work(job, report)
    except JobError as exc:
        db.session.rollback()
        current_app.logger.warning("Job %s (%s) failed: %s", job_id, job.kind, exc)
        _fail(job, str(exc), on_failure)
        return
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Job %s (%s) failed unexpectedly", job_id, job.kind)
        _fail(job, UNEXPECTED.format(id=job_id), on_failure)
        return
    _finish(job_id, JobStatus.DONE, message=done_message or "Done.")


def _fail(job: Job, reason: str, on_failure: OnFailure | None) -> None:
    _finish(job.id, JobStatus.FAILED, error=reason)
    if on_failure is not None:
        try:
            on_failure(job)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Tidying up after job %s failed did not work", job.id)


def _finish(job_id: int, status: JobStatus, message: str = "", error: str = "") -> None:
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "error": error}
    if status == JobStatus.DONE:
        values.update(progress=100, message=message[:200])
    else:
        values.update(message="Stopped.")
    _set(job_id, **values)
    db.session.expire_all()


def give_up_if_stale(job: Job) -> bool:
    """Mark a job failed if it has waited or run longer than ``JOB_STALE_MINUTES`` (a number of
    minutes, fractions allowed: tests use a fraction of a second).

    A worker that dies mid-job (a restart, a crash) leaves its job "running" for ever; this
    lets the page say so and the job run again. Returns True when it gave up on the job.
    """
    minutes = current_app.config["JOB_STALE_MINUTES"]
    since = job.started_at or job.created_at
    if job.status.is_finished or since is None or utcnow() - since < timedelta(minutes=minutes):
        return False
    if not _set(job.id, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
                status=JobStatus.FAILED, finished_at=utcnow(), message="Stopped.",
                error=STALE.format(minutes=f"{minutes:g}")):
        return False
    current_app.logger.warning("Job %s (%s) gave up after %s minutes", job.id, job.kind, minutes)
    _, on_failure = _RUNNERS.get(job.kind, (None, None))
    if on_failure is not None:
        on_failure(job)
    db.session.expire_all()
    return True
