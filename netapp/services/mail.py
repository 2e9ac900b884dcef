"""Send email through SMTP, or write it to the log in development."""
import smtplib
from email.message import EmailMessage

from flask import current_app, render_template


def send_email(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render ``template`` (plain text) and send it to ``to``."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(render_template(template, **context))
    if config["MAIL_BACKEND"] == "console":
        current_app.logger.warning("Email (not sent, console backend):\n%s", message)
        return message
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return message
