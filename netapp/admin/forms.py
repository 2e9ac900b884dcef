"""Admin forms."""
from urllib.parse import urlsplit

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from netapp.forms_common import Form
from netapp.members.forms import ResourceForm
from netapp.models import Role
from netapp.models.base import LARGEST_ID
from netapp.services import audit_words
from netapp.services.topics import name_taken

GRANTABLE = (Role.MENTOR, Role.COORDINATOR)


class RoleChangeForm(Form):
    role = SelectField(
        "Role",
        choices=[SelectChoice(r.value, r.label) for r in GRANTABLE],
        validators=[DataRequired(message="Pick a role.")],
    )
    action = HiddenField(validators=[AnyOf(["grant", "remove"], message="Choose grant or remove.")])


class QuestionForm(Form):
    element_id = SelectField("Framework element", coerce=int,
                             validators=[InputRequired(message="Choose an element.")])
    question = TextAreaField("Question", validators=[
        InputRequired(message="Write the question."),
        Length(max=500, message="Keep the question under 500 characters.")],
        description="Ask for a real example: “Tell me about a time…”.")
    good_answer = TextAreaField("What a good answer shows", validators=[
        InputRequired(message="Say what a good answer shows, so interviewers score it fairly."),
        Length(max=1000, message="Keep this under 1,000 characters.")])
    position = IntegerField("Order", default=1, validators=[
        InputRequired(message="Enter a number, for example 1."),
        NumberRange(min=1, max=99, message="Enter a number from 1 to 99.")],
        description="Questions for an element are asked in this order.")
    active = BooleanField("In use (shown in the kit)", default=True)


class AdminResourceForm(ResourceForm):
    """A learning resource, with a title that says something and a secure, whole address."""

    def validate_title(self, field: StringField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Give the resource a title: it cannot be only spaces.")

    def validate_url(self, field: StringField) -> None:
        address = (field.data or "").strip()
        if address.lower().startswith("http://"):
            raise ValidationError("Use the secure address, starting https:// (not http://).")
        parts = urlsplit(address)
        if parts.scheme.lower() != "https" or not address.lower().startswith("https://"):
            raise ValidationError("Enter a full web address, starting https://")
        if not parts.hostname or "." not in parts.hostname or " " in address:
            raise ValidationError("Enter a full web address with the site's name, "
                                  "for example https://www.skillsforcare.org.uk/…")


class AuditFilterForm(Form):
    """The audit log's filters, sent by GET so a filtered log can be linked to."""

    class Meta:
        csrf = False  # it changes nothing: it only chooses which entries to show

    who = StringField("Who did it", validators=[
        Length(max=120, message="Use at most 120 letters.")],
        description="Part of a name or an email address.")
    user = IntegerField("Person's number", validators=[
        Optional(), NumberRange(min=1, max=LARGEST_ID,
                                message="Enter a person's number, for example 12.")],
        widget=HiddenInput())
    about = IntegerField("Done to", validators=[
        Optional(), NumberRange(min=1, max=LARGEST_ID,
                                message="Enter a person's number, for example 12.")],
        widget=HiddenInput())
    what = SelectField("What kind of change", default="", validate_choice=False)
    since = DateField("From", format=["%Y-%m-%d", "%d/%m/%Y"], validators=[Optional()],
                      description="For example 01/11/2026.")
    until = DateField("To", format=["%Y-%m-%d", "%d/%m/%Y"], validators=[Optional()],
                      description="For example 30/11/2026.")

    def __init__(self, *args, groups: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.what.choices = [SelectChoice("", "Everything")] + [
            SelectChoice(key, label) for key, label in (groups or audit_words.GROUPS).items()]

    @staticmethod
    def kept_options() -> tuple:
        """Its kept selects' options (netapp/kept_forms.py): none, its groups are fixed."""
        return ()

    def validate_what(self, field: SelectField) -> None:
        # The select's own check, in words: a hand-edited address gets a message, not a crash.
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError("Choose one of the kinds of change shown.")

    def validate_until(self, field: DateField) -> None:
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError("The last day must be on or after the first day. "
                                  "Check the two dates.")


class TopicForm(Form):
    name = StringField("Name", validators=[
        InputRequired(message="Give the topic a name."),
        Length(max=120, message="Keep the name under 120 characters.")],
        description="As members will read it, for example “Staff wellbeing”.")
    position = IntegerField("Order", default=100, validators=[
        InputRequired(message="Enter a number, for example 10."),
        NumberRange(min=1, max=999, message="Enter a number from 1 to 999.")],
        description="Topics are listed in this order, smallest first.")
    is_support_area = BooleanField("A support area (offered first when members ask for help)")

    def __init__(self, *args, topic_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topic_id = topic_id

    def validate_name(self, field: StringField) -> None:
        if not " ".join((field.data or "").split()):
            raise ValidationError("Give the topic a name: it cannot be only spaces.")
        if name_taken(field.data, self.topic_id):
            raise ValidationError("There is already a topic with that name. Choose another, "
                                  "or change that one.")


class DescriptionForm(Form):
    description = TextAreaField("Description", validators=[
        InputRequired(message="Say in a sentence or two what the network is for."),
        Length(max=1000, message="Keep the description under 1,000 characters.")],
        description="Shown on the network's page and in the list of networks.")

    def validate_description(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Say in a sentence or two what the network is for: it "
                                  "cannot be only spaces.")
