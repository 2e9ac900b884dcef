"""Front page, dashboard and the health check."""
from collections import OrderedDict

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from netapp.extensions import db, talisman
from netapp.main import bp
from netapp.services import peers
from netapp.services.home import HomeSummary, home_summary
from netapp.services.stats import recent_counts
from netapp.tasks import huey


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html", counts=recent_counts())


@bp.route("/home")
@login_required
def dashboard():
    # The signed-in person itself, not the proxy: the summary reads them a dozen times.
    me = current_user._get_current_object()
    return render_template("main/dashboard.html", content=home_content(me, home_summary(me)))


HOME_KEPT = 1024  # home pages a process keeps (``home_content``)


def home_content(me, summary: HomeSummary) -> Markup:
    """The home page below its header (``main/_dashboard_content.html``) for the signed-in
    person ``me`` and their ``summary``, as this request read it.

    It follows from those alone (what it shows of the person: name, email, whether confirmed
    and set up, roles; each part of the summary) and where the site is mounted, but for the
    request's CSRF token: a process keeps the page of its ``HOME_KEPT`` latest by exactly
    those, and puts each request's token in. Anything changed makes another page, rendered
    afresh: nothing read is kept, only what it gave."""
    key = (me.id, me.display_name, me.email, me.is_verified, me.is_onboarded, me.has_profile,
           me.role_set, tuple((n.id, n.name, n.is_affinity) for n in summary.networks),
           summary.has_assessment, summary.offers_waiting, summary.mentoring, summary.sets,
           summary.events, summary.peers, summary.isolation, request.script_root)
    kept: OrderedDict = current_app.extensions.setdefault("home_content", OrderedDict())
    token = str(escape(current_app.jinja_env.globals["csrf_token"]()))
    parts = kept.get(key)
    if parts is None:
        html = render_template("main/_dashboard_content.html", summary=summary,
                               peers_html=peers.suggestions_html(summary.peers, "home"))
        parts = html.split(token)
        peers.keep_latest(kept, key, parts, HOME_KEPT)
    return Markup(token.join(parts))


@bp.route("/healthz")
@talisman(force_https=False)
def health():
    """For load balancers and monitors: can this process reach the database and the queue?

    Public, so it names only the part that failed; the reason goes to the log. Answered over
    plain HTTP too (no redirect to HTTPS), since monitors often call the app process directly.
    """
    failed = []
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Health check: the database cannot be reached")
        failed.append("database")
    try:
        huey.storage.queue_size()  # one read of the queue's store (Redis or the SQLite file)
    except Exception:
        current_app.logger.exception("Health check: the task queue cannot be reached")
        failed.append("queue")
    if failed:
        return {"status": "failing", "failed": failed}, 503
    return {"status": "ok"}
