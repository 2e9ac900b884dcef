"""The task queue's consumer: ``python -m netapp.worker [--config production] [--workers N]``.

Runs the queued jobs (matching runs and the like) outside the web server. Started by
scripts/serve.sh beside the web server; in production run one (or more) beside the app with the
same settings (``DATABASE_URL``, ``HUEY_URL``, ``SECRET_KEY``).
"""
from __future__ import annotations

import argparse
import logging

from config import CONFIGS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m netapp.worker", description=__doc__)
    parser.add_argument("--config", choices=sorted(CONFIGS), default="development",
                        help="which settings to use (default: development)")
    parser.add_argument("--workers", type=int, default=1,
                        help="how many jobs may run at once (default: 1)")
    args = parser.parse_args(argv)

    from netapp import create_app
    from netapp.tasks import huey

    app = create_app(CONFIGS[args.config])  # configures huey (and JSON logs) from the settings
    if app.config.get("LOG_FORMAT") != "json":
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if huey.immediate:
        parser.error("HUEY_URL is 'immediate': there is no queue to consume")
    # Periodic tasks (the mentoring reminders) run from the consumer; they are safe to run
    # from several consumers at once.
    huey.create_consumer(workers=max(1, args.workers), periodic=True,
                         check_worker_health=True).run()


if __name__ == "__main__":
    main()
