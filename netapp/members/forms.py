"""Forms for profiles, the self-assessment, networks, feedback and my data."""
from __future__ import annotations

import re

from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import (
    RadioField as _RadioField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, RadioInput

from netapp.forms_common import DisplayName, Form
from netapp.forms_common import EmptyForm as EmptyForm  # one EmptyForm, re-exported here
from netapp.models import ServiceType
from netapp.models.feedback import COMMENT_MAX
from netapp.services.profiles import AUDIENCES, FIELDS, LEVELS


class _RadioInput(RadioInput):
    """WTForms' radio button, written directly when called with no arguments (as the members
    area's ``radios`` macro calls it): the same markup byte for byte (attributes in
    ``html_params``' sorted order, values escaped), without looking through every flag each
    time, which cost a self-assessment page's 16 buttons about 1 ms."""

    def __call__(self, field, **kwargs):
        flags = field.flags
        required, disabled = flags.required, flags.disabled
        if (kwargs or required not in (None, False, True) or disabled not in (None, False, True)
                or getattr(field, "_datalist", None) is not None):
            return super().__call__(field, **kwargs)
        return Markup("".join((
            "<input ", "checked " if field.checked else "", "disabled " if disabled else "",
            f'id="{escape(field.id)}" name="{escape(field.name)}" ',
            "required " if required else "", f'type="radio" value="{escape(field._value())}">')))


class RadioField(_RadioField):
    """A radio group whose buttons are written by ``_RadioInput``."""

    option_widget = _RadioInput()


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_int(value) -> int | None:
    """Coerce a select's value to int, reading the empty placeholder as None."""
    if value in ("", None):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _about_councils(places: dict) -> list[SelectChoice]:
    # By region, then council, as the database's C collation orders their names.
    ordered = sorted(places.items(), key=lambda item: (item[1].region, item[1].council))
    return [SelectChoice("", "Choose a council")] + [
        SelectChoice(council_id, place.council, optgroup=place.region)
        for council_id, place in ordered]


class AboutForm(Form):
    display_name = StringField(
        "Your name",
        validators=[InputRequired(message="Tell us your name."), DisplayName(),
                    Length(max=120, message="Please keep your name under 120 characters.")],
    )
    job_title = StringField(
        "Job title",
        validators=[
            InputRequired(message="Tell us your job title, for example Registered Manager."),
            Length(max=120, message="Please keep your job title under 120 characters."),
        ],
    )
    organisation_name = StringField(
        "The service you manage",
        validators=[InputRequired(message="Tell us the name of the service you manage."),
                    Length(max=200, message="Please keep the name under 200 characters.")],
        description="Its name as people know it, for example Oak Lodge Care Home. "
                    "If it's already here we'll link you to it; if not, we'll add it.",
    )
    service_type = RadioField(
        "What kind of service is it?",
        choices=choices((t.value, t.label) for t in ServiceType),
        validators=[InputRequired(message="Choose the kind of service you manage.")],
    )
    local_authority_id = SelectField(
        "Council area",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(message="Choose the council area your service is in.")],
        description="The council that covers your service. We'll add you to its local network.",
    )
    level = RadioField(
        "Your level of leadership",
        choices=choices((str(k), label) for k, (label, _) in LEVELS.items()),
        validators=[InputRequired(message="Choose the level that fits your role best.")],
    )
    years_as_manager = IntegerField(
        "Years as a manager",
        validators=[
            InputRequired(message="Enter a number of years, for example 4. Use 0 if you're new."),
            NumberRange(min=0, max=60, message="Enter a number of years from 0 to 60."),
        ],
        description="Roughly is fine. Use 0 if you're new to managing.",
    )
    meets_online = RadioField(
        "Are you happy to meet online?",
        choices=choices([("yes", "Yes, online suits me"),
                         ("no", "No, I prefer to meet in person")]),
        validators=[InputRequired(message="Tell us whether you're happy to meet online.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every council grouped by region, its options rendered once per process from the
        # process's copy of places and only the chosen one marked per request, as a
        # KeptSelectField does (netapp/select_options.py, which imports this module: so the
        # field takes its widget here).
        from netapp import select_options
        from netapp.services import reference

        kept = select_options.options("about_councils", reference.shared("places"),
                                      _about_councils, optional_int)
        field = self.local_authority_id
        field.widget = select_options.KeptSelect()
        field.kept, field.choices = kept, kept.choices
        self._council_ids = {value for value in kept.values if value is not None}

    def validate_local_authority_id(self, field: SelectField) -> None:
        if field.data not in self._council_ids:
            raise ValidationError("Choose the council area your service is in.")


def assessment_form(dimension, levels, data: dict[str, str] | None = None) -> Form:
    """A form with one 1-4 question per element of ``dimension``, named by element code."""
    options = choices(
        (str(lv.score), f"{lv.score} – {lv.label}: {lv.description}") for lv in levels
    )
    fields = {
        e.code: RadioField(
            e.name,
            choices=options,
            description=e.description,
            validators=[InputRequired(message=f"Choose a number from 1 to 4 for “{e.name}”.")],
        )
        for e in dimension.elements
    }
    form_class = type(f"Assess{dimension.code}Form", (Form,), fields)
    return form_class(data=data or {})


class TopicsForm(Form):
    """Needs: the strategy's four support areas, then more specific topics."""

    areas = MultiCheckboxField("The main areas", coerce=int)
    topics = MultiCheckboxField("More specific topics", coerce=int)

    def validate_areas(self, field: MultiCheckboxField) -> None:
        if not field.data and not self.topics.data:
            raise ValidationError("Choose at least one area or topic. You can change these "
                                  "whenever you like.")

    def set_topics(self, topics) -> None:
        self.areas.choices = choices((t.id, t.name) for t in topics if t.is_support_area)
        self.topics.choices = choices((t.id, t.name) for t in topics if not t.is_support_area)

    def set_selected(self, topic_ids: list[int]) -> None:
        area_ids = {c.value for c in self.areas.choices}
        self.areas.data = [t for t in topic_ids if t in area_ids]
        self.topics.data = [t for t in topic_ids if t not in area_ids]

    @property
    def selected(self) -> list[int]:
        return list(self.areas.data or []) + list(self.topics.data or [])


class MentoringForm(Form):
    will_mentor = RadioField(
        "Would you like to mentor another manager?",
        choices=choices([("yes", "Yes, I'd like to mentor"), ("no", "Not right now")]),
        validators=[InputRequired(message="Tell us whether you'd like to mentor.")],
    )
    capacity = RadioField(
        "How many people could you mentor at once?",
        choices=choices([("1", "1 person"), ("2", "2 people"), ("3", "3 people")]),
        validators=[Optional()],
    )
    offer_areas = MultiCheckboxField("The main areas you could help with", coerce=int)
    offers = MultiCheckboxField("More specific topics you could help with", coerce=int)
    availability = StringField(
        "When are you usually free?",
        validators=[Length(max=200, message="Please keep this under 200 characters.")],
        description="For example: an hour a month, weekday afternoons.",
    )
    note = TextAreaField(
        "Anything else a mentee should know (optional)",
        validators=[Length(max=500, message="Please keep this under 500 characters.")],
    )

    def set_topics(self, topics) -> None:
        self.offer_areas.choices = choices((t.id, t.name) for t in topics if t.is_support_area)
        self.offers.choices = choices((t.id, t.name) for t in topics if not t.is_support_area)

    def set_selected(self, topic_ids: list[int]) -> None:
        area_ids = {c.value for c in self.offer_areas.choices}
        self.offer_areas.data = [t for t in topic_ids if t in area_ids]
        self.offers.data = [t for t in topic_ids if t not in area_ids]

    @property
    def selected(self) -> list[int]:
        return list(self.offer_areas.data or []) + list(self.offers.data or [])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.will_mentor.data == "yes":
            if self.capacity.data not in ("1", "2", "3"):
                self.capacity.errors.append("Choose how many people you could mentor: 1, 2 or 3.")
                ok = False
            if not self.offer_areas.data and not self.offers.data:
                self.offer_areas.errors.append(
                    "Choose at least one area or topic you could help with."
                )
                ok = False
            if not (self.availability.data or "").strip():
                self.availability.errors.append("Tell mentees roughly when you're free.")
                ok = False
        return ok


def networks_form(affinity_networks) -> Form:
    """One separate, unticked consent box per affinity network."""
    fields = {
        f"join_{n.code}": BooleanField(
            f"Yes, add me to the {n.name}. I have read what this means and I agree."
        )
        for n in affinity_networks
    }
    return type("NetworksForm", (Form,), fields)()


class ConsentForm(Form):
    consent = BooleanField(
        "I have read this. I agree to my membership being stored, and seen by other members "
        "of this network if I choose to be listed.",
        validators=[InputRequired(
            message="Tick the box to say you agree, or go back if you'd rather not join."
        )],
    )


class ListingForm(Form):
    """Be listed, or not, in an affinity network; sent by a "list me" or "stop" button."""

    listed = BooleanField("Show my name to other members of this network")


class VisibilityForm(Form):
    pass


def visibility_form(current: dict[str, str]) -> Form:
    options = choices(AUDIENCES.items())
    fields = {
        f.key: RadioField(f.label, choices=options, default=current[f.key],
                          validators=[InputRequired(message=f"Choose who can see “{f.label}”.")])
        for f in FIELDS
    }
    return type("VisibilityForm", (VisibilityForm,), fields)()


class EraseForm(Form):
    password = PasswordField("Your password",
                             validators=[InputRequired(message="Enter your password to confirm.")])
    confirm = BooleanField(
        "I understand my account and personal information will be deleted now, "
        "and this can't be undone",
        validators=[
            InputRequired(message="Tick the box to confirm you want to delete everything."),
        ],
    )


INVITE_MAX_CHARS = 3000  # room for 20 addresses with names, as mail programs copy them
_SHOWN_MAX = 60  # an entry longer than this is shortened when we name it back


def split_addresses(text: str) -> list[str]:
    """Addresses from a pasted list: commas, semicolons, spaces or new lines between them.

    Entries like ``Ann Smith <ann@example.org>`` or ``"Smith, Ann" <ann@example.org>``, as mail
    programs copy them, give the address inside the angle brackets. When a list has such
    entries, words without an @ outside the brackets are taken as names, not addresses.
    """
    text = re.sub(r'"[^"]*"', " ", text)
    named = re.findall(r"<([^<>]*)>", text)
    rest = re.split(r"[\s,;]+", re.sub(r"<[^<>]*>", " ", text))
    if named:
        rest = [word for word in rest if "@" in word]
    return [a.strip() for a in named + rest if a.strip()]


def _shown(entry: str) -> str:
    return entry if len(entry) <= _SHOWN_MAX else entry[:_SHOWN_MAX - 1] + "…"


class InviteRatersForm(Form):
    emails = TextAreaField(
        "Colleagues' email addresses",
        validators=[
            InputRequired(message="Enter at least three email addresses, one on each line."),
            Length(max=INVITE_MAX_CHARS, message=(
                f"That's more than we can take in one go. Please paste up to 20 addresses "
                f"(under {INVITE_MAX_CHARS:,} characters in all).")),
        ],
        description="One on each line, or separated by commas or semicolons, as your email "
                    "program copies them. Ask at least three people: we only show results once "
                    "three have answered, so nobody's answers can be picked out.",
    )

    def validate_emails(self, field: TextAreaField) -> None:
        from email_validator import EmailNotValidError, validate_email

        found, bad, seen = [], [], set()
        for entry in split_addresses(field.data or ""):
            address = entry.lower()
            if address in seen:
                continue
            seen.add(address)
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                bad.append(f"“{_shown(entry)}”")
            else:
                found.append(address)
        if bad:
            these = ("This doesn't look like an email address: " if len(bad) == 1 else
                     f"These {len(bad)} don't look like email addresses: ")
            raise ValidationError(these + ", ".join(bad) + ". Check them, or remove them.")
        if len(found) > 20:
            raise ValidationError("Please invite no more than 20 people at a time.")
        self.addresses = found


class ResourceForm(Form):
    element_id = SelectField("Framework element", coerce=int,
                             validators=[InputRequired(message="Choose an element.")])
    title = StringField("Title", validators=[
        InputRequired(message="Give the resource a title."),
        Length(max=200, message="Keep the title under 200 characters.")],
        description="Start with who publishes it, for example “Skills for Care: Effective "
                    "supervision”.")
    url = StringField("Web address", validators=[
        InputRequired(message="Enter the web address, starting https://"),
        Length(max=500, message="That web address is too long.")],
        description="The exact page, not the organisation's home page.")
    summary = TextAreaField("What you'll learn", validators=[
        Length(max=500, message="Keep this under 500 characters.")])
    time_needed = StringField("Time it takes", validators=[
        Length(max=80, message="Keep this under 80 characters.")],
        description="For example: 10-minute read, or 6 weeks, 2 hours a week.")
    cost = StringField("Cost", validators=[
        Length(max=60, message="Keep this under 60 characters.")],
        description="For example: Free, or Free guide; workbook paid.")
    level_from = SelectField("Suits levels of leadership from", coerce=int,
                             choices=choices((k, label) for k, (label, _) in LEVELS.items()),
                             default=1)
    level_to = SelectField("Up to", coerce=int,
                           choices=choices((k, label) for k, (label, _) in LEVELS.items()),
                           default=4)

    def validate_url(self, field: StringField) -> None:
        if not (field.data or "").startswith(("https://", "http://")):
            raise ValidationError("Enter a full web address, starting https://")

    def validate_level_to(self, field: SelectField) -> None:
        if isinstance(field.data, int) and isinstance(self.level_from.data, int) \
                and field.data < self.level_from.data:
            raise ValidationError("Choose a level the same as or above the first one.")


UNSEEN = "unseen"  # the rater's "I haven't seen this" choice


def feedback_form(fw, data: dict[str, str] | None = None) -> Form:
    """All elements of the framework, each optional so a rater can save part-way, and a comment.

    Each element offers the 1-4 scale and "I haven't seen this" (UNSEEN), which counts nowhere.
    """
    options = choices([*((str(lv.score), f"{lv.score} – {lv.label}") for lv in fw.levels),
                       (UNSEEN, "I haven't seen this")])
    fields = {
        e.code: RadioField(e.name, choices=options, description=e.description,
                           validators=[Optional()])
        for d in fw.dimensions for e in d.elements
    }
    fields["comment"] = TextAreaField(
        "Anything you'd like to add? (optional)",
        validators=[Optional(), Length(max=COMMENT_MAX, message=(
            f"Please keep your comment under {COMMENT_MAX} characters. "
            "It's a little over at the moment."))],
        description="Shown word for word, together with the other colleagues' comments in "
                    "alphabetical order, once at least three people have answered, and never "
                    "beside your scores. Leave out anything that would tell who wrote it, "
                    "unless you're happy for that.",
    )
    return type("FeedbackForm", (Form,), fields)(data=data or {})


class EmailChoicesForm(Form):
    kinds = MultiCheckboxField("Email me when", coerce=str)


class KitForm(Form):
    """The recruitment kit's choices, sent by GET so the kit's address can be printed again."""

    class Meta:
        csrf = False  # it changes nothing: it only chooses what the kit shows

    role = StringField("The role you are recruiting for", validators=[
        InputRequired(message="Say which role you are recruiting for, for example "
                              "“Senior care worker”."),
        Length(max=120, message="Keep the role under 120 characters.")],
        description="For example: Senior care worker, Deputy manager.")
    elements = MultiCheckboxField("What the interview should explore")

    def __init__(self, *args, max_elements: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_elements = max_elements

    def validate_elements(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one area to ask about.")
        if len(field.data) > self.max_elements:
            raise ValidationError(f"Choose up to {self.max_elements} areas: you chose "
                                  f"{len(field.data)}. More makes an interview too long.")
