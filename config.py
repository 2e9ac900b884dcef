"""Settings for each environment, read from the process environment with safe defaults."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'netapp.sqlite3'}"
    )
    # No ping on every checkout: on PostgreSQL the pool checks a connection that lay idle
    # (netapp/database.py); a SQLite file does not go away.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 4

    # Session cookies: HttpOnly and SameSite always; Secure wherever HTTPS is served.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)

    # How passwords are hashed: Werkzeug's scrypt (2^15 rounds, about 0.1 s a sign-in on purpose).
    PASSWORD_HASH_METHOD = "scrypt"

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Failed logins from one address (a shared office counts as one): only failures count.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Failed logins for one email address, from anywhere.
    LOGIN_ACCOUNT_LIMIT = os.environ.get("LOGIN_ACCOUNT_LIMIT", "10 per hour")
    # Wrong current passwords typed by a signed-in person (change password or email, close, erase).
    PASSWORD_CHECK_LIMIT = os.environ.get("PASSWORD_CHECK_LIMIT", "5 per 15 minutes")
    # Sign-ups that sent an email: per client address (a training room on one network can all
    # join together), and per typed email address (nobody's inbox is flooded).
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "30 per hour")
    SIGNUP_EMAIL_RATE_LIMIT = os.environ.get("SIGNUP_EMAIL_RATE_LIMIT", "3 per hour")

    # Mail: "smtp" sends through MAIL_SERVER, "console" writes the message to the log.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get(
        "MAIL_SENDER", "Registered Managers network <hello@rm-network.example>"
    )

    # How many proxies in front of the app set X-Forwarded-For/-Proto
    # (0: none, e.g. in development).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # No page takes files: forms are text only, so 2 MB is far beyond any real form and a bigger
    # request gets a 413 before its body is read.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # The one exception: the coordinators' CSV import of members (netapp/request_hooks.py
    # lets its upload through up to this size). 50 MB holds far more than 25,000 rows.
    MAX_IMPORT_BYTES = int(os.environ.get("MAX_IMPORT_BYTES", str(50 * 1024 * 1024)))
    MAX_IMPORT_ROWS = int(os.environ.get("MAX_IMPORT_ROWS", "25000"))

    # The task queue (netapp/tasks.py): a SQLite file by default, a Redis URL in production.
    HUEY_URL = os.environ.get("HUEY_URL", f"sqlite:///{BASE_DIR / 'instance' / 'huey.sqlite3'}")
    # A job still waiting or running after this long is taken as lost (its worker stopped).
    # Minutes, fractions allowed.
    JOB_STALE_MINUTES = float(os.environ.get("JOB_STALE_MINUTES", "30"))

    # PostgreSQL: how long (seconds) each process may keep a signed-in browser's session
    # without reading it again; every change reaches every process at once anyway
    # (netapp/services/session_keeper.py). 0 reads the session on every page.
    SIGNED_IN_KEEP_FOR = float(os.environ.get("SIGNED_IN_KEEP_FOR", "60"))

    # Logs: "json" writes one JSON object per line to stdout, each with the request id
    # (netapp/logging.py); "text" leaves Flask's plain lines (development).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")

    EMAIL_TOKEN_MAX_AGE = 60 * 60 * 24 * 3
    RESET_TOKEN_MAX_AGE = 60 * 60
    INVITE_TOKEN_MAX_AGE = 14 * 24 * 60 * 60  # an imported member's first-password link
    PAGE_SIZE = 25
    # An offer or request a mentor hasn't answered in this many days is listed for coordinators.
    MENTORING_OFFER_DAYS = int(os.environ.get("MENTORING_OFFER_DAYS", "14"))
    # The site's address, for links in emails sent outside a request (the mentoring reminders).
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")


class DevelopmentConfig(Config):
    """Local development: SQLite, mail to the console, plain HTTP on 127.0.0.1."""

    DEBUG = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    FORCE_HTTPS = _bool("FORCE_HTTPS", False)


class TestingConfig(Config):
    """Tests: SQLite in memory unless the test command gives a PostgreSQL URL."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    FORCE_HTTPS = False
    RATELIMIT_ENABLED = False
    # Every request reads its session, so counts of statements per page are the same on both
    # databases; tests marked ``keep_sessions`` keep them as production does.
    SIGNED_IN_KEEP_FOR = 0
    MAIL_BACKEND = "smtp"
    HUEY_URL = "immediate"  # tasks run at once; tests that need a real consumer set a file
    # Tests sign in thousands of times: a hash made cheap on purpose, through the same code.
    # tests/test_security.py checks that everywhere else passwords are hashed with scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    """Production: refuses to start without a real secret key and database.

    Every setting is read when the app is built (not when this module is imported), so the
    process's environment at start-up is what counts. See docs/deploy.md.
    """

    REQUIRED = ("SECRET_KEY", "DATABASE_URL")

    def __init__(self) -> None:
        missing = [name for name in self.REQUIRED if not os.environ.get(name, "").strip()]
        if missing:
            raise RuntimeError(
                "Production needs these environment variables set: " + ", ".join(missing)
            )
        secret = os.environ["SECRET_KEY"]
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            raise RuntimeError("SECRET_KEY must be a long random value (32 characters or more), "
                               "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        database = os.environ["DATABASE_URL"]
        if database.startswith("postgres://"):  # the old spelling some hosts still give
            database = "postgresql://" + database[len("postgres://"):]
        if database.startswith("postgresql://"):
            database = "postgresql+psycopg://" + database[len("postgresql://"):]
        # The queue: a SQLite file (one machine only) unless HUEY_URL names Redis.
        queue = os.environ.get("HUEY_URL", "").strip() or Config.HUEY_URL  # (the SQLite file)
        if queue == "immediate":
            raise RuntimeError("HUEY_URL must name the task queue's store (redis://...), "
                               "not 'immediate'")
        self.SECRET_KEY = secret
        self.SQLALCHEMY_DATABASE_URI = database
        self.HUEY_URL = queue
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
