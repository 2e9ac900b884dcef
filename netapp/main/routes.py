"""Front page, dashboard and the health check."""
import sqlalchemy as sa
from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from netapp.extensions import db, talisman
from netapp.main import bp
from netapp.services import peers
from netapp.services.home import home_summary
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
    summary = home_summary(current_user._get_current_object())
    return render_template("main/dashboard.html", summary=summary,
                           peers_html=peers.suggestions_html(summary.peers, "home"))


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
