"""The task queue: huey, its storage chosen by the app's ``HUEY_URL`` setting.

``HUEY_URL`` is ``sqlite:///path/huey.sqlite3`` (the default, a file under instance/),
``redis://host:6379/0`` in production (needs the ``redis`` package), or ``immediate`` (tests:
a task runs at once, in the process that queued it). The web app only queues; the consumer
(``python -m netapp.worker``) runs the tasks, each inside the app's context.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage


class FlaskHuey(Huey):
    """Huey whose storage comes from a Flask app's settings and whose tasks run in its context."""

    def __init__(self, name: str) -> None:
        # No results are kept: what a task did is in the database (the Job row), not in huey.
        super().__init__(name, results=False, storage_class=MemoryStorage)
        self.app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        url = app.config["HUEY_URL"]
        self.app = app
        app.extensions["huey"] = self
        if url == "immediate":
            self.storage_class, self.storage_kwargs = MemoryStorage, {}
        else:
            self.storage_class, self.storage_kwargs = storage_for(url)
        self._immediate = url == "immediate"
        if hasattr(self.storage, "close"):
            self.storage.close()
        self.storage = self.create_storage()


def storage_for(url: str) -> tuple[type, dict]:
    """The huey storage class and its arguments for a ``HUEY_URL``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them
        path = url[len("sqlite:///"):]
        if not path:
            raise ValueError("HUEY_URL needs a file name, e.g. sqlite:///instance/huey.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage, {"filename": path}
    if parts.scheme in ("redis", "rediss", "unix"):
        return RedisStorage, {"url": url}
    raise ValueError(f"HUEY_URL must be sqlite:///FILE, redis://HOST or immediate, not {url!r}")


huey = FlaskHuey("netapp")


@huey.task()
def run_job(job_id: int) -> None:
    """Run one Job row in the app's context (its outcome is recorded on the row)."""
    from netapp.services import jobs

    with huey.app.app_context():
        jobs.run(job_id)


@huey.task()
def email_notifications(note_ids: list[int], site: str) -> None:
    """Email notifications saved by a change that told many people at once."""
    from netapp.services import notifications

    # Links in the emails are built as if for a request to the site that made the change.
    with huey.app.test_request_context(base_url=site):
        notifications.email_saved(note_ids)


@huey.task()
def event_emails(event_id: int, user_ids: list[int], kind: str | None, subject: str,
                 method: str, site: str) -> None:
    """Email an event's change, cancellation or waitlist place, with its calendar file."""
    from netapp.services import events

    with huey.app.test_request_context(base_url=site):
        events.send_queued(event_id, user_ids, kind, subject, method)


@huey.periodic_task(crontab(minute="20", hour="*/6"))
def mentoring_reminders() -> None:
    """Nudges and check-in notices for mentoring pairs, four times a day (each is sent once)."""
    from netapp.services import mentorships

    with huey.app.app_context():
        mentorships.run_reminders()


@huey.periodic_task(crontab(minute="40", hour="7"))
def stale_offer_flags() -> None:
    """Tell coordinators each morning about offers no mentor has answered in time (once each)."""
    from netapp.services import mentoring

    with huey.app.app_context():
        mentoring.run_stale_offer_flags(huey.app.config["SITE_URL"])


@huey.periodic_task(crontab(minute="5"))
def event_reminders() -> None:
    """Each hour, remind people going to an event that starts within a day (once per event)."""
    from netapp.services import events
    from netapp.services.mentorships import site_url

    with huey.app.app_context():
        events.run_reminders(site_url())


@huey.periodic_task(crontab(day_of_week="1", hour="7", minute="15"))
def discussions_digest() -> None:
    """Monday mornings: each member's email of the week's discussions in their networks."""
    from netapp.services import discussions
    from netapp.services.mentorships import site_url

    with huey.app.app_context():
        site = site_url()
    # Links in the emails are built as if for a request to the site.
    with huey.app.test_request_context(base_url=site):
        discussions.send_weekly_digest()


@huey.periodic_task(crontab(minute="30", hour="2"))
def isolation_index() -> None:
    """Each night, everyone's isolation index from the day's networks, mentoring, sets, events
    and sign-ins (netapp/services/isolation.py)."""
    from netapp.services import isolation

    with huey.app.app_context():
        isolation.recompute()
