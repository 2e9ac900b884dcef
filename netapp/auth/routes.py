"""Account routes."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from netapp.access import current_account
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
from netapp.forms_common import signed_token
from netapp.models import User
from netapp.request_hooks import page_number
from netapp.services import accounts, browsers, login_limits, sessions
from netapp.urls import safe_next_path


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site (see netapp.urls)."""
    return safe_next_path(target) or url_for("main.dashboard")


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _signup_email_limit() -> str:
    return current_app.config["SIGNUP_EMAIL_RATE_LIMIT"]


def _typed_email() -> str:
    return User.normalise_email(request.form.get("email", ""))


def _emails_sent(response) -> bool:
    # Only a sign-up that sent an email counts; a form sent back with a typo does not.
    return response.status_code == 302


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"], deduct_when=_emails_sent)
@limiter.limit(_signup_email_limit, methods=["POST"], key_func=_typed_email,
               deduct_when=_emails_sent,
               error_message="We've already sent a few emails to that address in the last "
                             "hour. Please check that inbox (and its spam folder), or try "
                             "again in an hour.")
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm()
    if form.validate_on_submit():
        # Whether or not the address already has an account, the answer is the same: this
        # redirect, the same page and the same flash, and nobody is signed in. Signing a new
        # person straight in (as sign-up used to) cannot look the same from outside: the session
        # cookie and the wizard behind the redirect would show an account had just been made,
        # and signing anyone in for a known address would hand over that account. So both are
        # asked to check their email. A new person's link confirms the address and leads them
        # to log in and on into the profile wizard; the holder of a known address is told that
        # someone tried, with a link to reset their password. The link itself does not sign
        # anyone in: whoever typed someone else's address here knows the password, so the
        # owner who opens it must not land in an account another person can enter.
        accounts.sign_up(form.display_name.data, form.email.data, form.password.data,
                         safe_next_path(request.args.get("next")))
        flash(f"Thank you. We've sent an email to {User.normalise_email(form.email.data)}.",
              "success")
        return redirect(url_for("auth.signup_sent"))
    return render_template("auth/signup.html", form=form)


@bp.route("/signup/sent")
def signup_sent():
    return render_template("auth/signup_sent.html")


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        user = accounts.verify_email(token)
    except accounts.TokenError as exc:
        flash(str(exc), "error")
        return redirect(url_for("main.index"))
    if current_user.is_authenticated:
        flash(f"Thank you — {user.email} is confirmed.", "success")
        return redirect(url_for("main.dashboard"))
    after = accounts.verification_next(token)
    if after:
        flash(f"Thank you — {user.email} is confirmed. Log in to carry on.", "success")
        return redirect(url_for("auth.login", next=after))
    flash(f"Thank you — {user.email} is confirmed. Log in to carry on setting up your profile.",
          "success")
    return redirect(url_for("auth.login", next=url_for("members.onboarding")))


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit("5 per hour")
def resend_verification():
    if EmptyForm().validate_on_submit() and not current_user.is_verified:
        accounts.send_verification(current_account())
        flash(f"We've sent a new link to {current_user.email}.", "success")
    return redirect(url_for("main.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    # Limits count wrong passwords only (login_limits), so this route has no limiter decorator.
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data,
                                         request.remote_addr)
        except login_limits.TooManyTries as exc:
            form.password.errors.append(str(exc))
            status = 429
        except accounts.AccountClosed as exc:
            form.email.errors.append(str(exc))
        else:
            if user is not None:
                sessions.sign_in(user, remember=form.remember.data)
                accounts.record_login(user)
                flash(f"Welcome back, {user.display_name}.", "success")
                return redirect(_safe_next(request.args.get("next")))
            form.password.errors.append(
                "That email and password don't match an account. "
                "Check them, or reset your password."
            )
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        sessions.sign_out()
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
        # Every session of the account ends, this browser's too if it was signed in.
        accounts.set_password(user, form.password.data, action="account.password_reset")
        flash("Your password is changed. Please log in with it now.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


_PASSWORD_FORM = "auth/_password_form.html"
_EMAIL_FORM = "auth/_email_form.html"


def _blank(template: str, form_class: type, prefix: str) -> Markup:
    """``template`` rendered with an empty ``form_class`` (fields named with ``prefix``), its
    HTML kept per process with this request's CSRF token put in.

    Both forms on the account page are the same for everyone but their token, and rendering
    them cost about half a millisecond a request; a form sent back with what was typed is
    rendered as usual.
    """
    store: dict = current_app.extensions.setdefault("kept_account_forms", {})
    token = signed_token() if current_app.config["WTF_CSRF_ENABLED"] else None
    parts = store.get(template)
    if parts is None:
        html = render_template(template, form=form_class(prefix=prefix, formdata=None))
        parts = store[template] = html.split(str(escape(token))) if token else [html]
    return Markup(str(escape(token)).join(parts)) if token else Markup(parts[0])


def _settings_page(password_form: ChangePasswordForm | None = None,
                   email_form: ChangeEmailForm | None = None, status: int = 200):
    """The account page; a form given here shows what was typed and its errors."""
    return render_template(
        "auth/settings.html",
        password_form=(_blank(_PASSWORD_FORM, ChangePasswordForm, "pw") if password_form is None
                       else Markup(render_template(_PASSWORD_FORM, form=password_form))),
        email_form=(_blank(_EMAIL_FORM, ChangeEmailForm, "em") if email_form is None
                    else Markup(render_template(_EMAIL_FORM, form=email_form))),
        # The roles in the order the database gave them before (by name).
        roles=", ".join(role.label for role in sorted(current_user.role_set,
                                                       key=lambda role: role.value)),
        browsers=browsers.signed_in_browsers(current_user.id, g.get("user_session_id"),
                                             request.args.get("page", 1, type=page_number)),
    ), status


def _wrong_password_status(field) -> int | None:
    """None when ``field`` holds the signed-in person's password; otherwise the status to
    answer with (429 once too many were wrong), with the reason added to ``field``."""
    try:
        if login_limits.verify_password(current_account(), field.data):
            return None
    except login_limits.TooManyTries as exc:
        field.errors.append(str(exc))
        return 429
    field.errors.append("That isn't your current password.")
    return 400


@bp.route("/settings")
@login_required
def settings():
    return _settings_page()


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    valid = form.validate_on_submit()
    status = 400
    # The current password is checked even when the new one has a problem, so every problem
    # shows at once; never after a failed CSRF check, which would let another site guess it.
    if form.current.data and "csrf_token" not in form.errors:
        status = _wrong_password_status(form.current) or (None if valid else 400)
        if status is None:
            # Other browsers are signed out; this one carries on with fresh tokens.
            accounts.set_password(current_account(), form.password.data, keep=sessions.current())
            sessions.renew()
            flash("Your password is changed. Any other browsers you were signed in on are "
                  "now signed out.", "success")
            return redirect(url_for("auth.settings"))
    return _settings_page(password_form=form, status=status)


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not sessions.end_session(current_account(), session_id):
        abort(404)
    flash("That browser is signed out.", "success")
    return redirect(url_for("auth.settings"))


@bp.route("/sessions/end-all", methods=["POST"])
@login_required
def sign_out_everywhere():
    if not EmptyForm().validate_on_submit():
        abort(400)
    sessions.sign_out_everywhere(current_account())
    flash("You're signed out everywhere, on this browser and every other one. "
          "Log in again here whenever you're ready.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/email", methods=["POST"])
@login_required
def change_email():
    form = ChangeEmailForm(prefix="em")
    status = 400
    if form.validate_on_submit():
        status = _wrong_password_status(form.password)
        if status is None:
            # Said the same whether or not the address has an account (no enumeration).
            accounts.request_email_change(current_account(), form.email.data)
            flash(f"We've sent an email to {User.normalise_email(form.email.data)} with what "
                  "to do next. Your email address changes only when you open the link in it.",
                  "success")
            return redirect(url_for("auth.settings"))
    return _settings_page(email_form=form, status=status)


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
    status = 200
    if form.validate_on_submit():
        status = _wrong_password_status(form.password)
        if status is None:
            user = current_account()
            sessions.sign_out()
            accounts.deactivate(user)  # ends the account's sessions on every other browser
            flash("Your account is closed. Thank you for being part of the network.",
                  "success")
            return redirect(url_for("main.index"))
    return render_template("auth/deactivate.html", form=form), status
