"""A task-queue worker killed in the middle of a matching run or set formation.

A real worker process (the huey consumer, as ``python -m netapp.worker`` runs it) takes the job
and does its work up to the moment it would commit everything it wrote; there it is killed with
SIGKILL. Nothing it wrote may be left; once the stale timeout passes the run shows as failed, and
running it again (in a fresh worker) works.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    FormationStatus,
    FormationUnplaced,
    Job,
    JobStatus,
    LearningSet,
    MentoringRound,
    Role,
    RoundProposal,
    RoundStatus,
    SetFormation,
    SetMembership,
)
from netapp.services import jobs, sets_formation
from netapp.services import mentoring_rounds as rounds
from tests import queue_fixtures
from tests.conftest import AuthActions
from tests.factories import make_user
from tests.mentoring_people import mentee, mentor
from tests.profile_helpers import load_reference
from tests.queue_fixtures import fresh_job, wait_for
from tests.sets_people import leeds_and_camden

ROOT = Path(__file__).resolve().parent.parent
queued_app = queue_fixtures.queued_app  # an app on a database and queue a worker process shares

# The worker: the app's settings from the environment, and (when FAULT_TABLE names a table) a
# pause at the first commit once rows were written to that table (before any of them is committed).
WORKER = r"""
import os, sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from config import TestingConfig
from netapp import create_app
from netapp.tasks import huey

app = create_app(type("WorkerConfig", (TestingConfig,), {
    "SQLALCHEMY_DATABASE_URI": os.environ["FAULT_DB_URL"], "HUEY_URL": os.environ["FAULT_HUEY_URL"],
    "MAIL_BACKEND": "console"}))
table = os.environ.get("FAULT_TABLE")
written = []
if table:
    @event.listens_for(Engine, "before_cursor_execute")
    def _wrote(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            written.append(statement)

    @event.listens_for(Session, "before_commit")
    def _pause(session):
        if written:
            session.flush()  # everything the runner means to commit is now written, uncommitted
            Path(os.environ["FAULT_SIGNAL"]).write_text("written")
            time.sleep(600)

huey.create_consumer(workers=1, periodic=False, initial_delay=0.05, max_delay=0.2,
                     check_worker_health=False).run()
"""


def _worker(app, tmp_path, table: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "FAULT_DB_URL": str(db.engine.url.render_as_string(hide_password=False)),
           "FAULT_HUEY_URL": app.config["HUEY_URL"], "FAULT_SIGNAL": str(tmp_path / "signal"),
           "FAULT_TABLE": table or ""}
    return subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_file(path: Path, worker: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert worker.poll() is None, "the worker stopped before it wrote anything"
        assert time.monotonic() < deadline, "the worker never reached the commit"
        time.sleep(0.05)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _kill_mid_run(app, tmp_path, table: str) -> None:
    """Let a worker run the queued job up to its commit, then SIGKILL it."""
    worker = _worker(app, tmp_path, table)
    try:
        _wait_for_file(tmp_path / "signal", worker)
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(15) == -signal.SIGKILL
    finally:
        _stop(worker)


def _rerun_in_a_fresh_worker(app, tmp_path, job_id: int) -> Job:
    worker = _worker(app, tmp_path)
    try:
        return wait_for(job_id, lambda r: r.status.is_finished, timeout=120)
    finally:
        _stop(worker)


def _gives_up_only_after_the_stale_timeout(app, client, page: str, job_id: int) -> None:
    app.config["JOB_STALE_MINUTES"] = 10
    assert client.get(page).status_code == 200
    assert fresh_job(job_id).status == JobStatus.RUNNING  # lost, but not yet given up on
    app.config["JOB_STALE_MINUTES"] = 0.001  # well past it now
    body = client.get(page).get_data(as_text=True)
    lost = fresh_job(job_id)
    assert lost.status == JobStatus.FAILED and lost.finished_at
    assert lost.error == jobs.STALE.format(minutes="0.001")
    assert "the worker that runs it" in body and "run it again" in body


@pytest.fixture
def coordinator_client(queued_app):
    client = queued_app.test_client()
    user = make_user(email="cora@example.org", name="Cora Coordinator",
                     roles=[Role.COORDINATOR])
    assert AuthActions(client).login(user.email).status_code == 302
    return client, user


def test_a_set_formation_killed_mid_run_saves_nothing_and_runs_again(
        queued_app, coordinator_client, tmp_path):
    client, coordinator = coordinator_client
    leeds_and_camden()
    formation = sets_formation.create_formation(
        coordinator, "Spring sets", None, True, 5, 8, sets_formation.default_weights())
    job = sets_formation.start_run(coordinator, formation)

    _kill_mid_run(queued_app, tmp_path, "learning_sets")

    db.session.expire_all()
    assert _count(LearningSet, LearningSet.formation_id == formation.id) == 0
    assert _count(SetMembership) == 0
    assert _count(FormationUnplaced, FormationUnplaced.formation_id == formation.id) == 0
    row = db.session.get(SetFormation, formation.id)
    assert row.status == FormationStatus.RUNNING and not row.stats  # the preview was not kept

    page = f"/sets/formations/{formation.id}"
    _gives_up_only_after_the_stale_timeout(queued_app, client, page, job.id)
    db.session.expire_all()
    assert db.session.get(SetFormation, formation.id).status == FormationStatus.FAILED

    assert client.post(f"{page}/run").status_code == 302
    done = _rerun_in_a_fresh_worker(queued_app, tmp_path, job.id)
    assert done.status == JobStatus.DONE, done.error
    db.session.expire_all()
    row = db.session.get(SetFormation, formation.id)
    assert row.status == FormationStatus.PREVIEW
    assert row.stats["sets"] >= 2
    assert _count(LearningSet, LearningSet.formation_id == row.id) == row.stats["sets"]
    assert _count(SetMembership) == row.stats["placed"] > 0


def test_a_matching_run_killed_mid_run_saves_nothing_and_runs_again(
        queued_app, coordinator_client, tmp_path):
    client, coordinator = coordinator_client
    load_reference()
    for name in ("Ann Mentee", "Bob Mentee", "Cat Mentee"):
        mentee(name)
    mentor("Meg Mentor", capacity=3)
    rnd = rounds.create_round(coordinator, "Spring round", None)
    job = rounds.start_run(coordinator, rnd)

    _kill_mid_run(queued_app, tmp_path, "round_proposals")

    db.session.expire_all()
    assert _count(RoundProposal) == 0
    assert db.session.get(MentoringRound, rnd.id).status == RoundStatus.RUNNING

    page = f"/mentoring/rounds/{rnd.id}"
    _gives_up_only_after_the_stale_timeout(queued_app, client, page, job.id)
    db.session.expire_all()
    assert db.session.get(MentoringRound, rnd.id).status == RoundStatus.FAILED

    assert client.post(f"{page}/run").status_code == 302
    done = _rerun_in_a_fresh_worker(queued_app, tmp_path, job.id)
    assert done.status == JobStatus.DONE, done.error
    db.session.expire_all()
    assert db.session.get(MentoringRound, rnd.id).status == RoundStatus.PREVIEW
    assert _count(RoundProposal) == 3
