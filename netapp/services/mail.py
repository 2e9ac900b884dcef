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


def console_text(message: EmailMessage) -> str:
    """The message as a developer reads it: headers, then the decoded text of each plain part.

    Printed raw, the body is quoted-printable, with "=" line breaks inside links, so links in
    the console could not be clicked. Attachments are named, not printed.
    """
    lines = [f"{name}: {value}" for name, value in message.items()
             if name.lower() in ("from", "to", "subject")]
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename or part.get_content_type() != "text/plain":
            lines.append(f"[attachment: {filename or 'unnamed'} ({part.get_content_type()})]")
        else:
            lines += ["", part.get_content().rstrip("\n")]
    return "\n".join(lines)


def send_email(to: str, subject: str, template: str, *,
               attachments: list[tuple[str, bytes, str]] = (), **context) -> EmailMessage:
    """Render ``template`` (plain text) and send it to ``to``, with any ``attachments``
    given as (filename, content, content type such as "text/calendar; method=REQUEST")."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = header_text(subject)
    message.set_content(render_template(template, **context))
    for filename, content, content_type in attachments:
        maintype, _, rest = content_type.partition("/")
        subtype, *params = [part.strip() for part in rest.split(";")]
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename,
                               params=dict(p.split("=", 1) for p in params if "=" in p))
    if config["MAIL_BACKEND"] == "console":
        current_app.logger.warning("Email (not sent, console backend):\n%s", console_text(message))
        return message
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return message
