"""Send email through SMTP, or write it to the log in development."""
import smtplib
import unicodedata
from email.message import EmailMessage

from flask import current_app, render_template


def header_text(value: str) -> str:
    """``value`` made safe for one header line: control, format and line-separator characters
    become spaces, and runs of spaces one.

    Display names go into subjects; whatever a stored name holds (a line break, a NUL, a
    right-to-left override), the header must stay one line and the email must still go.
    """
    cleaned = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in value)
    return " ".join(cleaned.split())


def send_email(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render ``template`` (plain text) and send it to ``to``."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = header_text(subject)
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
