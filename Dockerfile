# The site's image: gunicorn serving netapp.wsgi:app as a non-root user (docs/deploy.md).
#
#   docker build -t netapp .
#   docker run --rm --env-file netapp.env netapp flask --app netapp.wsgi db upgrade   # each release
#   docker run -d --env-file netapp.env -p 127.0.0.1:8000:8000 netapp                 # the site
#   docker run -d --env-file netapp.env netapp python -m netapp.worker --config production
#
# Settings come only from the environment (SECRET_KEY, DATABASE_URL, HUEY_URL, ...): nothing
# secret is baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BIND=0.0.0.0:8000 \
    FLASK_APP=netapp.wsgi

# pg_dump and pg_restore, for scripts/backup.sh run from this image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/netapp --uid 10001 netapp
WORKDIR /app

COPY pyproject.toml README.md config.py ./
COPY netapp ./netapp
COPY matching ./matching
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY deploy ./deploy
COPY scripts/backup.sh ./scripts/backup.sh
# The app finds its templates, static files and migrations beside the code, so it is installed
# in place; the instance folder (the task queue's SQLite file when HUEY_URL is not Redis) is
# the only place it writes.
RUN pip install -e ".[prod]" \
    && mkdir -p /app/instance \
    && chown netapp:netapp /app/instance

USER netapp
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "netapp.wsgi:app"]
