"""My data: download everything we hold about me, or erase my account."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import login_required

from netapp.members import bp
from netapp.members._common import current_member
from netapp.members.forms import EmptyForm, EraseForm
from netapp.services import login_limits, privacy, sessions


@bp.route("/me/data")
@login_required
def my_data():
    return render_template("members/my_data.html", form=EmptyForm())


@bp.route("/me/data/export", methods=["POST"])
@login_required
def export_data():
    if not EmptyForm().validate_on_submit():
        abort(400)
    payload = privacy.export_zip(current_member())
    return send_file(io.BytesIO(payload), mimetype="application/zip", as_attachment=True,
                     download_name="my-registered-managers-network-data.zip")


@bp.route("/me/data/erase", methods=["GET", "POST"])
@login_required
def erase():
    form = EraseForm()
    if form.validate_on_submit():
        user = current_member()
        try:
            is_right = login_limits.verify_password(user, form.password.data)
        except login_limits.TooManyTries as exc:
            form.password.errors.append(str(exc))
            return render_template("members/erase.html", form=form), 429
        if is_right:
            sessions.sign_out()
            privacy.erase(user)  # ends the account's sessions on every other browser too
            flash("Your account and personal information have been deleted. "
                  "Thank you for being part of the network.", "success")
            return redirect(url_for("main.index"))
        form.password.errors.append("That isn't your password. Check it and try again.")
    return render_template("members/erase.html", form=form), 400 if form.errors else 200

