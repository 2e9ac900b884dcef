"""The Registered Managers network web application."""
from pathlib import Path

from flask import Flask

from config import DevelopmentConfig

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type = DevelopmentConfig) -> Flask:
    """Build the application for the given settings class."""
    from netapp.app_class import NetworkApp

    app = NetworkApp(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class() if isinstance(config_class, type) else config_class)
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy, take the client address (used by rate limits) and scheme from it.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    register_extensions(app)
    register_request_hooks(app)
    register_blueprints(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    from netapp import models  # noqa: F401  (models must be imported before Alembic looks)
    from netapp.extensions import csrf, db, limiter, login_manager, migrate, talisman
    from netapp.services import login_limits, sessions

    db.init_app(app)
    from netapp import database

    database.init_app(app)  # PostgreSQL keeps its prepared statements between requests
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    processors = list(app.template_context_processors[None])
    csrf.init_app(app)
    # Templates' csrf_token() is generate_csrf with each session's signed token kept a few
    # seconds; Flask-WTF's context processor, which would hide it, only repeats its globals.
    from netapp.forms_common import signed_token

    app.template_context_processors[None] = processors
    app.jinja_env.globals["csrf_token"] = signed_token
    limiter.init_app(app)
    login_limits.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    # People are loaded through their session row, never their id: see services/sessions.py.
    sessions.init_app(app)
    from netapp.services import session_keeper

    session_keeper.init_app(app)  # PostgreSQL: live sessions kept per process
    from netapp.services import reference

    reference.listen_for_changes(app)  # PostgreSQL: other processes' changes empty the copies
    from netapp.tasks import huey

    huey.init_app(app)

    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        content_security_policy={
            "default-src": "'self'",
            "img-src": "'self' data:",
            "style-src": "'self'",
            "script-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        },
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )


def register_request_hooks(app: Flask) -> None:
    from netapp import logging as request_logging
    from netapp import request_hooks

    request_logging.init_app(app)  # a request id on every request and log line; JSON logs
    request_hooks.init_app(app)


def register_blueprints(app: Flask) -> None:
    from netapp.admin import bp as admin_bp
    from netapp.auth import bp as auth_bp
    from netapp.coordinator import bp as coordinator_bp
    from netapp.errors import bp as errors_bp
    from netapp.main import bp as main_bp
    from netapp.members import bp as members_bp
    from netapp.mentoring import bp as mentoring_bp
    from netapp.networks import bp as networks_bp
    from netapp.sets import bp as sets_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/account")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(members_bp)  # its routes live under /me and /members
    app.register_blueprint(mentoring_bp, url_prefix="/mentoring")
    app.register_blueprint(sets_bp, url_prefix="/sets")
    app.register_blueprint(networks_bp, url_prefix="/networks")
    app.register_blueprint(coordinator_bp, url_prefix="/coordinator")


def register_commands(app: Flask) -> None:
    from netapp.commands import (
        create_admin,
        networks_group,
        seed_demo,
        seed_places,
        seed_reference,
    )

    app.cli.add_command(create_admin)
    app.cli.add_command(networks_group)
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_places)
    app.cli.add_command(seed_reference)


def register_template_helpers(app: Flask) -> None:
    from netapp.form_html import choice_items, field_block, summary_block
    from netapp.forms_common import token_input
    from netapp.models import Role
    from netapp.services.markdown import render as markdown

    app.add_template_filter(markdown, "markdown")  # members' posts and stories, sanitised
    app.add_template_global(token_input)  # a button-only form's token, with no form built
    app.add_template_global(choice_items)  # a radio or checkbox group's choices, written once
    app.add_template_global(field_block)  # the field macro's label, hint, errors and input
    app.add_template_global(summary_block)  # the error_summary macro's list of errors

    @app.context_processor
    def inject_roles():
        return {"Role": Role}
