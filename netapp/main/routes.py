"""Front page and dashboard."""
from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from netapp.auth.forms import EmptyForm
from netapp.main import bp
from netapp.services.home import home_summary
from netapp.services.stats import network_counts


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html", counts=network_counts())


@bp.route("/home")
@login_required
def dashboard():
    return render_template("main/dashboard.html", resend_form=EmptyForm(),
                           summary=home_summary(current_user))


@bp.route("/healthz")
def health():
    return {"status": "ok"}
