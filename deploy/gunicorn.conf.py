"""Gunicorn settings for the site, read from the environment (docs/deploy.md).

    gunicorn -c deploy/gunicorn.conf.py netapp.wsgi:app

BIND           where to listen (default 127.0.0.1:8000; in a container 0.0.0.0:8000)
WEB_WORKERS    how many app processes (default: 2 per CPU core, plus 1)
WEB_THREADS    threads per process (default 1: plain sync workers)
WEB_TIMEOUT    seconds before a stuck request's process is restarted (default 30)
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A process is replaced after this many requests (with jitter, so not all at once): any slow leak
# stays small.
max_requests = 2000
max_requests_jitter = 200
# The app writes one JSON line per request with its request id (netapp/logging.py), so gunicorn's
# own access log would only repeat it. Gunicorn's errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy on the same machine or network: the app trusts X-Forwarded-* only as far as
# PROXY_COUNT says (config.py); gunicorn itself trusts them from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each process builds the app itself (no preload): no database or queue connection is ever
# shared across a fork. A broken setting stops the start: gunicorn exits when a process can't boot.
preload_app = False
