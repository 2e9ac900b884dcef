"""Forms for leadership stories: writing or changing one, and hiding one with a reason."""
from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from netapp.forms_common import Form
from netapp.members.forms import MultiCheckboxField

STORY_MAX = 10000


class StoryForm(Form):
    title = StringField(
        "Title",
        validators=[DataRequired(message="Give your story a title."),
                    Length(max=200, message="Please keep the title under 200 characters.")])
    body = TextAreaField(
        "Your story",
        description=("What happened, what you did, and what you learned. You can use Markdown: "
                     "*italics*, **bold**, - for a list, [words](https://address) for a link. "
                     "Leave out anything that could identify the people you support."),
        validators=[DataRequired(message="Write your story first."),
                    Length(max=STORY_MAX,
                           message=f"Please keep it under {STORY_MAX} characters.")])
    dimensions = MultiCheckboxField(
        "Which parts of leadership is it about?", coerce=int,
        description="Choose one or more. Others can find stories by these.",
        validators=[DataRequired(message="Choose at least one part of the framework your "
                                         "story is about.")])
    share = RadioField(
        "Who can read it?", default="everyone",
        validators=[InputRequired(message="Choose who can read your story.")])

    def __init__(self, *args, dimension_choices=(), share_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions.choices = list(dimension_choices)
        self.share.choices = list(share_choices)


class HideStoryForm(Form):
    reason = StringField(
        "Why hide it?",
        description="The author and anyone opening the story sees this reason.",
        validators=[DataRequired(message="Give a short reason: people see it instead of the "
                                         "story."),
                    Length(max=300, message="Please keep the reason under 300 characters.")])
