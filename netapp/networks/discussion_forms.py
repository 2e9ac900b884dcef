"""Forms for network discussions: a new thread, a reply, an edit, a report, hiding a post."""
from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from netapp.forms_common import Form

POST_MAX = 5000
MARKDOWN_HINT = ("You can use Markdown: *italics*, **bold**, - for a list, > to quote, "
                 "[words](https://address) for a link. Other members of the network see your "
                 "name with what you write.")


def _body(label: str) -> TextAreaField:
    return TextAreaField(
        label, description=MARKDOWN_HINT,
        validators=[DataRequired(message="Write something first."),
                    Length(max=POST_MAX,
                           message=f"Please keep it under {POST_MAX} characters.")])


class ThreadForm(Form):
    title = StringField(
        "What's it about?",
        validators=[DataRequired(message="Give the discussion a short title."),
                    Length(max=200, message="Please keep the title under 200 characters.")])
    body = _body("Your message")


class ReplyForm(Form):
    body = _body("Your reply")


class EditPostForm(Form):
    body = _body("Your post")


class ReportForm(Form):
    reason = TextAreaField(
        "What's wrong with it?",
        description="Only the network's leads see this. They won't tell the author who asked.",
        validators=[DataRequired(message="Say in a few words why the leads should look at it."),
                    Length(max=500, message="Please keep it under 500 characters.")])


class HideForm(Form):
    reason = StringField(
        "Why hide it?",
        description="Everyone who reads the discussion sees this reason in place of the post.",
        validators=[DataRequired(message="Give a short reason: members see it instead of the "
                                         "post."),
                    Length(max=300, message="Please keep the reason under 300 characters.")])
