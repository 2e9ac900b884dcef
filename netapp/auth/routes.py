"""Account routes."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from netapp.auth import bp
from netapp.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeactivateForm,
    EmptyForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
)
from netapp.extensions import limiter
from netapp.services import accounts
from netapp.urls import safe_next_path


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site (see netapp.urls)."""
    return safe_next_path(target) or url_for("main.dashboard")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm()
    if form.validate_on_submit():
        user = accounts.register(form.display_name.data, form.email.data, form.password.data)
        login_user(user)
        flash(f"Welcome, {user.display_name}! We've sent a link to {user.email} "
              "to confirm it's you. While you wait, tell us a little about yourself.", "success")
        return redirect(url_for("members.onboarding"))
    return render_template("auth/signup.html", form=form)


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        user = accounts.verify_email(token)
    except accounts.TokenError as exc:
        flash(str(exc), "error")
        return redirect(url_for("main.index"))
    flash(f"Thank you — {user.email} is confirmed.", "success")
    return redirect(url_for("main.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit("5 per hour")
def resend_verification():
    if EmptyForm().validate_on_submit() and not current_user.is_verified:
        accounts.send_verification(current_user)
        flash(f"We've sent a new link to {current_user.email}.", "success")
    return redirect(url_for("main.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.find_by_email(form.email.data)
        if user is not None and user.check_password(form.password.data) and user.is_active:
            login_user(user, remember=form.remember.data)
            accounts.record_login(user)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(
            "That email and password don't match an account. Check them, or reset your password."
        )
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You're logged out. See you soon.", "success")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.email.data)
        flash("If that address has an account, a reset link is on its way. It works for one hour.",
              "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    try:
        user = accounts.user_for_reset(token)
    except accounts.TokenError as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data, action="account.password_reset")
        flash("Your password is changed. Please log in with it now.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/settings")
@login_required
def settings():
    return render_template(
        "auth/settings.html",
        password_form=ChangePasswordForm(prefix="pw"),
        email_form=ChangeEmailForm(prefix="em"),
        resend_form=EmptyForm(),
    )


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            accounts.set_password(current_user, form.password.data)
            flash("Your password is changed.", "success")
            return redirect(url_for("auth.settings"))
        form.current.errors.append("That isn't your current password.")
    return render_template(
        "auth/settings.html", password_form=form, email_form=ChangeEmailForm(prefix="em",
                                                                             formdata=None),
        resend_form=EmptyForm(),
    ), 400


@bp.route("/email", methods=["POST"])
@login_required
def change_email():
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            accounts.request_email_change(current_user, form.email.data)
            flash(f"We've sent a link to {form.email.data}. Your email changes when you click it.",
                  "success")
            return redirect(url_for("auth.settings"))
        form.password.errors.append("That isn't your current password.")
    return render_template(
        "auth/settings.html", password_form=ChangePasswordForm(prefix="pw", formdata=None),
        email_form=form, resend_form=EmptyForm(),
    ), 400


@bp.route("/email/confirm/<token>")
def confirm_email_change(token: str):
    try:
        user = accounts.confirm_email_change(token)
    except accounts.TokenError as exc:
        flash(str(exc), "error")
        return redirect(url_for("main.index"))
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("auth.settings" if current_user.is_authenticated else "auth.login"))


@bp.route("/deactivate", methods=["GET", "POST"])
@login_required
def deactivate():
    form = DeactivateForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            user = current_user._get_current_object()
            logout_user()
            accounts.deactivate(user)
            flash("Your account is closed. Thank you for being part of the network.", "success")
            return redirect(url_for("main.index"))
        form.password.errors.append("That isn't your password.")
    return render_template("auth/deactivate.html", form=form)
