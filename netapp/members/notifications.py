"""My notifications: what happened, and which kinds also come by email."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import EmailChoicesForm, EmptyForm
from netapp.services import notifications


@bp.route("/me/notifications")
@login_required
def notifications_list():
    user = current_member()
    return render_template("members/notifications.html", items=notifications.recent(user),
                           form=EmptyForm())


@bp.route("/me/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    if not EmptyForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(current_member())
    flash("All caught up.", "success")
    return redirect(url_for("members.notifications_list"))


@bp.route("/me/notifications/email", methods=["GET", "POST"])
@login_required
def notification_settings():
    user = current_member()
    form = EmailChoicesForm()
    form.kinds.choices = [(k.code, k.label) for k in notifications.KINDS]
    if form.validate_on_submit():
        notifications.set_email_choices(user, set(form.kinds.data or ()))
        flash("Your email choices are saved.", "success")
        return redirect(url_for("members.notification_settings"))
    if not form.is_submitted():
        form.kinds.data = sorted(notifications.KIND_CODES - notifications.email_opt_outs(user))
    return render_template("members/notification_settings.html", form=form)
