"""Fixtures for tests that need a real task-queue consumer: import them into the test module."""
from __future__ import annotations

import signal
import time

import pytest
from sqlalchemy.orm import Session

from netapp.extensions import db
from netapp.models import Job
from netapp.tasks import huey
from tests.conftest import _make_app


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
    for sig, handler in saved.items():  # the consumer took them, as for a process of its own
        signal.signal(sig, handler)
    try:
        yield running
    finally:
        running.stop(graceful=True)


def fresh_job(job_id: int) -> Job:
    """The row as another connection sees it now."""
    with Session(db.engine, expire_on_commit=False) as session:
        return session.get(Job, job_id)


def wait_for(job_id: int, done, timeout: float = 60.0) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        row = fresh_job(job_id)
        if done(row):
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} is still {row.status.value}: {row.message}")
        time.sleep(0.05)
