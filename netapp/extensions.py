"""Flask extensions, created unbound and initialised in create_app."""
import flask
import flask_talisman
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


class RouteLimiter(Limiter):
    """Flask-Limiter, checking a request before its view only when some limit lives there.

    The site's limits sit on the routes that need them (decorators, which check them when the
    view runs). Limiter's check before every view looks for limits outside views - the app's,
    defaults, a blueprint's, meta limits - and with none configured it finds nothing: about
    0.025 ms a page. So it runs only when one of those exists.
    """

    def _limits_before_views(self) -> bool:
        manager = self.limit_manager
        return bool(manager.application_limits or manager.default_limits
                    or manager._blueprint_limits or self._meta_limits)

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware and not self._limits_before_views():
            return None
        return super()._check_request_limit(callable_name=callable_name,
                                            in_middleware=in_middleware)


limiter = RouteLimiter(key_func=get_remote_address)
class Talisman(flask_talisman.Talisman):
    """Flask-Talisman with each view's options and headers worked out once per process.

    Talisman works out a view's options four times a request and writes the same policy strings
    on every response (about 0.04 ms a page). The site's policies are fixed when it starts and use
    no nonce, so each view's options, and its headers for HTTP and for HTTPS, are kept. With a
    nonce configured every response is worked out afresh, as Talisman does.
    """

    def init_app(self, app, **kwargs):
        super().init_app(app, **kwargs)
        self._options: dict = {}
        self._headers: dict = {}

    def _get_local_options(self):
        endpoint = flask.request.endpoint
        options = self._options.get(endpoint)
        if options is None:
            options = self._options[endpoint] = super()._get_local_options()
        return options

    def _set_response_headers(self, response):
        if self.content_security_policy_nonce_in:
            return super()._set_response_headers(response)
        request = flask.request
        key = (request.endpoint, request.is_secure
               or request.headers.get("X-Forwarded-Proto", "http") == "https")
        headers = self._headers.get(key)
        if headers is None:
            written = _HeadersOnly()
            super()._set_response_headers(written)
            headers = self._headers[key] = list(written.headers.items())
        for name, value in headers:
            response.headers[name] = value
        return response


class _HeadersOnly:
    """What Talisman writes its headers on."""

    def __init__(self) -> None:
        from werkzeug.datastructures import Headers

        self.headers = Headers()


talisman = Talisman()
