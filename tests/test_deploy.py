"""Running the site in production: health check, request ids in JSON logs, settings, gunicorn."""
from __future__ import annotations

import json
import logging
import os
import runpy
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import gunicorn.config
import pytest

from config import ProductionConfig, TestingConfig
from netapp import create_app
from netapp import logging as request_logging
from netapp.extensions import db
from tests.conftest import _make_app, free_port

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k" * 48


@pytest.fixture
def json_logs():
    """JSON log lines on stdout for the test, taken away again after it."""
    yield
    request_logging.remove_json_handler()


@pytest.fixture
def make_app(smtp_sink):
    """Build apps as the test suite does; their database connections are closed afterwards."""
    made = []

    def make(backend: str = "sqlite", config: type | None = None, **settings):
        app = create_app(config) if config else _make_app(backend, smtp_sink[1], **settings)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# ---------------------------------------------------------------- /healthz


def test_healthz_is_ok_when_database_and_queue_answer(backend, make_app, tmp_path):
    app = make_app(backend, HUEY_URL=f"sqlite:///{tmp_path / 'huey.sqlite3'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_says_the_database_failed_when_it_cannot_be_reached(make_app, tmp_path):
    config = type("Broken", (TestingConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no-such-folder' / 'app.sqlite3'}",
        "HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}",
    })
    response = make_app(config=config).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "failed": ["database"]}


@pytest.mark.postgres
def test_healthz_says_the_database_failed_when_postgres_is_down(make_app, tmp_path):
    # Nothing listens on this port: the database URL is as broken as a stopped server.
    config = type("Broken", (TestingConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://app@127.0.0.1:{free_port()}/postgres",
        "HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}",
    })
    response = make_app(config=config).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "failed": ["database"]}


def test_healthz_says_the_queue_failed_when_redis_is_down(backend, make_app, caplog):
    app = make_app(backend, HUEY_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "failing", "failed": ["queue"]}
    # The reason is in the log for the operator, never in the public answer.
    assert "task queue cannot be reached" in caplog.text
    assert "Connection" in caplog.text and "127.0.0.1" not in response.get_data(as_text=True)


def test_healthz_is_public(client):
    assert client.get("/healthz").status_code == 200  # no login, no redirect


@pytest.mark.usefixtures("json_logs")
def test_healthz_answers_plain_http_in_production_where_pages_go_to_https(monkeypatch, tmp_path,
                                                                          make_app):
    # A monitor or the container's health check calls the app process directly, without TLS.
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    monkeypatch.setenv("HUEY_URL", f"sqlite:///{tmp_path / 'huey.sqlite3'}")
    client = make_app(config=ProductionConfig).test_client()
    assert client.get("/healthz").status_code == 200
    page = client.get("/")
    assert page.status_code == 302 and page.location.startswith("https://")  # pages: https


# ---------------------------------------------------------------- request ids and JSON logs


def test_a_request_id_is_made_and_sent_back(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxy_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.91"})
    assert response.headers["X-Request-ID"] == "edge-7f3a.91"


def test_a_request_id_that_could_forge_a_log_line_is_replaced(client):
    for sent in ['x", "level": "ERROR', "a" * 129, "<script>"]:
        made = client.get("/healthz", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
        assert made != sent and len(made) == 32 and made.isalnum()


@pytest.mark.usefixtures("json_logs")
def test_every_log_line_of_a_request_is_json_with_its_request_id(make_app, capsys):
    app = make_app("sqlite", LOG_FORMAT="json",
                    HUEY_URL=f"redis://127.0.0.1:{free_port()}/0")
    capsys.readouterr()
    response = app.test_client().get("/healthz", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 503
    lines = _json_lines(capsys.readouterr().out)
    # The failed check (with its traceback) and the request line, both under the request's id.
    failure = [line for line in lines if "task queue cannot be reached" in line["message"]]
    assert failure and failure[0]["level"] == "ERROR" and "Traceback" in failure[0]["traceback"]
    done = [line for line in lines if line["logger"] == "netapp.request"]
    assert done == [{**done[0], "method": "GET", "path": "/healthz", "status": 503}]
    assert {line["request_id"] for line in lines} == {"req-42"}
    assert all(line["time"].endswith("+00:00") for line in lines)


@pytest.mark.usefixtures("json_logs")
def test_log_lines_outside_a_request_have_no_request_id(make_app, capsys):
    make_app("sqlite", LOG_FORMAT="json")
    capsys.readouterr()
    logging.getLogger("netapp.jobs").warning("A job gave up.")
    [line] = _json_lines(capsys.readouterr().out)
    assert line["message"] == "A job gave up." and line["request_id"] is None


def test_development_logs_stay_plain_text(client, capsys):
    client.get("/healthz")
    assert not _json_lines(capsys.readouterr().out)


# ---------------------------------------------------------------- production settings


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:pw@db.internal:5432/netapp")
    monkeypatch.delenv("HUEY_URL", raising=False)
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    return monkeypatch


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_setting(production_env, missing):
    production_env.setenv(missing, "  ")
    with pytest.raises(RuntimeError, match=missing):
        ProductionConfig()


@pytest.mark.parametrize("secret", ["dev-only-not-secret", "short-secret"])
def test_production_refuses_a_weak_secret_key(production_env, secret):
    production_env.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be a long random value"):
        ProductionConfig()


def test_production_refuses_a_queue_that_runs_in_the_web_process(production_env):
    production_env.setenv("HUEY_URL", "immediate")
    with pytest.raises(RuntimeError, match="HUEY_URL"):
        ProductionConfig()


def test_production_reads_everything_from_the_environment(production_env):
    production_env.setenv("HUEY_URL", "redis://queue.internal:6379/0")
    production_env.setenv("RATELIMIT_STORAGE_URI", "redis://queue.internal:6379/1")
    config = ProductionConfig()
    assert config.SECRET_KEY == GOOD_SECRET
    # A host's plain postgresql:// URL is given the driver the app ships with.
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://app:pw@db.internal:5432/netapp"
    assert config.HUEY_URL == "redis://queue.internal:6379/0"
    assert config.RATELIMIT_STORAGE_URI == "redis://queue.internal:6379/1"
    assert config.LOG_FORMAT == "json"
    assert config.FORCE_HTTPS is True and config.SESSION_COOKIE_SECURE is True


@pytest.mark.usefixtures("json_logs")
def test_the_shared_rate_limit_store_is_used_for_login_limits(production_env, tmp_path, make_app):
    # Several app processes share one count of wrong passwords only through this store.
    production_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    production_env.setenv("HUEY_URL", f"sqlite:///{tmp_path / 'huey.sqlite3'}")
    production_env.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6390/1")
    app = make_app(config=ProductionConfig)
    storage = app.extensions["login_limits"].storage
    assert type(storage).__name__ == "RedisStorage"
    from netapp.extensions import limiter

    assert type(limiter.storage).__name__ == "RedisStorage"  # flask-limiter: the same store
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6390/1"


# ---------------------------------------------------------------- gunicorn


def _gunicorn_settings() -> dict:
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_binds_where_the_environment_says(monkeypatch):
    monkeypatch.setenv("BIND", "0.0.0.0:8123")
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "4")
    settings = _gunicorn_settings()
    assert settings["bind"] == "0.0.0.0:8123"
    assert settings["workers"] == 3
    assert settings["threads"] == 4 and settings["worker_class"] == "gthread"


def test_gunicorn_defaults_to_local_sync_workers(monkeypatch):
    for name in ("BIND", "WEB_WORKERS", "WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    settings = _gunicorn_settings()
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["worker_class"] == "sync" and settings["workers"] >= 3


def test_gunicorn_accepts_the_config_file(monkeypatch):
    monkeypatch.setenv("BIND", "127.0.0.1:8124")
    config = gunicorn.config.Config()
    for key, value in _gunicorn_settings().items():
        if key in config.settings:
            config.set(key, value)
    assert config.bind == ["127.0.0.1:8124"]
    assert config.accesslog is None and config.errorlog == "-"


def _production_env(tmp_path, **more) -> dict:
    env = {**os.environ, "SECRET_KEY": GOOD_SECRET,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
           "HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}", **more}
    env.pop("LOG_FORMAT", None)
    return env


def test_production_accepts_secrets_set_before_the_settings_are_imported(tmp_path):
    # As under systemd or docker: the environment is there before Python starts.
    script = "from config import ProductionConfig as P; c = P(); print(c.SECRET_KEY == %r)"
    done = subprocess.run([sys.executable, "-c", script % GOOD_SECRET], cwd=ROOT,
                          env=_production_env(tmp_path), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_gunicorn_serves_the_production_app_with_json_logs(tmp_path):
    port = free_port()
    out = (tmp_path / "out.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "netapp.wsgi:app"],
        cwd=ROOT, env=_production_env(tmp_path, BIND=f"127.0.0.1:{port}", WEB_WORKERS="1"),
        stdout=out, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "gunicorn stopped"
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                                 headers={"X-Request-ID": "probe-1"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    assert response.status == 200
                    assert response.headers["X-Request-ID"] == "probe-1"
                    assert json.load(response) == {"status": "ok"}
                break
            except OSError:  # not listening yet, or its process still starting
                assert time.monotonic() < deadline, "gunicorn never answered"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(30)
        out.close()
    lines = _json_lines((tmp_path / "out.log").read_text())
    assert {"path": "/healthz", "status": 200, "request_id": "probe-1"}.items() <= lines[-1].items()


def test_gunicorn_will_not_start_without_the_secret_key(tmp_path):
    env = _production_env(tmp_path, BIND=f"127.0.0.1:{free_port()}", WEB_WORKERS="1")
    del env["SECRET_KEY"]
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "netapp.wsgi:app"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Production needs these environment variables set: SECRET_KEY" in done.stderr


# ---------------------------------------------------------------- the files an operator copies

DEPLOY = ROOT / "deploy"
READERS = ("config.py", "deploy/gunicorn.conf.py", "scripts/backup.sh")


def _env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, read as systemd's EnvironmentFile= and docker's --env-file read them."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value
    return values


def _unit(name: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_settings_example_names_only_settings_something_reads():
    # A misspelt name in the example would be ignored without a word.
    code = "\n".join((ROOT / name).read_text() for name in READERS)
    unread = [key for key in _env_file(DEPLOY / "netapp.env.example")
              if f'"{key}"' not in code and f"${{{key}" not in code]
    assert unread == []


def test_the_settings_example_is_refused_until_its_secret_is_changed(monkeypatch):
    example = _env_file(DEPLOY / "netapp.env.example")
    assert set(ProductionConfig.REQUIRED) <= example.keys()
    # Quotes would be kept as part of the value by systemd and docker alike.
    assert not [key for key, value in example.items() if value[:1] in ("'", '"')]
    for key, value in example.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be a long random value"):
        ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    config = ProductionConfig()
    assert config.SQLALCHEMY_DATABASE_URI.startswith("postgresql+psycopg://netapp:")
    assert config.HUEY_URL.startswith("redis://") and config.RATELIMIT_STORAGE_URI.startswith("redis://")


@pytest.mark.parametrize("name", ["netapp-web.service", "netapp-worker.service",
                                  "netapp-backup.service"])
def test_each_unit_runs_files_the_repository_has_with_the_settings_file(name):
    unit = _unit(name)
    assert unit["User"] == ["netapp"] and unit["WorkingDirectory"] == ["/srv/netapp"]
    assert unit["EnvironmentFile"] == ["/etc/netapp/netapp.env"]
    (command,) = unit["ExecStart"]
    for word in command.split():
        if word.startswith("/srv/netapp/") and "/.venv/" not in word:
            assert (ROOT / word.removeprefix("/srv/netapp/")).is_file(), word
        elif word.endswith((".py", ".sh")):
            assert (ROOT / word).is_file(), word


def test_the_worker_unit_gives_arguments_the_worker_accepts():
    (command,) = _unit("netapp-worker.service")["ExecStart"]
    arguments = command.split("-m netapp.worker", 1)[1].split()
    done = subprocess.run([sys.executable, "-c",
                           "import sys; from netapp.worker import main; sys.argv[1:] = "
                           f"{arguments + ['--help']!r}; main()"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--workers" in done.stdout


def test_nginx_sends_requests_where_gunicorn_listens_and_suits_debian_12s_nginx(monkeypatch):
    monkeypatch.delenv("BIND", raising=False)
    conf = (DEPLOY / "nginx.conf").read_text()
    assert f"proxy_pass http://{_gunicorn_settings()['bind']};" in conf
    assert "proxy_set_header X-Request-ID $request_id;" in conf
    # `http2 on;` needs nginx 1.25.1; Debian 12 has 1.22, whose `nginx -t` refuses it.
    directives = [line.split("#")[0].strip() for line in conf.splitlines()]
    assert "http2 on;" not in directives and "listen 443 ssl http2;" in directives
    assert "alias /srv/netapp/static/;" in conf and (ROOT / "static").is_dir()


def test_the_docker_image_holds_every_part_the_app_reads():
    copied = {word.rstrip("/") for line in (ROOT / "Dockerfile").read_text().splitlines()
              if line.startswith("COPY ") for word in line.split()[1:-1]}
    # What pip installs (pyproject's packages), the settings module beside it, and what the app
    # reads from the folder it runs in.
    needed = {"pyproject.toml", "config.py", "netapp", "matching", "migrations", "templates",
              "static", "deploy", "scripts/backup.sh"}
    assert needed <= copied
