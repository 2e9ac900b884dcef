"""Select fields whose options are rendered once per process, not on every request.

A search form's selects list every council, every element of the framework and every topic:
rendering those options (escaping, html_params) was a third of the member directory's and the
members list's time. ``KeptSelectField`` renders its options once per process for a list of
choices and, per request, only marks the chosen one.

The choices are worked out from something that stays the same object while it holds (the
per-process copy of reference data, netapp/services/reference.py ``shared``, or a constant);
when the reference data is loaded again after a change, the options are worked out again.
What is kept holds no database rows, only text.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import Select, html_params

from netapp import form_html
from netapp.escaping import escaped
from netapp.members.forms import optional_int
from netapp.models import ServiceType
from netapp.services import lqf, reference


@dataclass(frozen=True)
class Options:
    """A select's choices, its options rendered with none chosen, and for each value (as the
    field's ``coerce`` gives it) its option unchosen and chosen."""

    choices: list[SelectChoice]
    html: Markup
    marks: dict[Hashable, tuple[str, str]]

    @property
    def values(self):
        """Every value a choice gives (``None`` for an empty one, with ``optional_int``)."""
        return self.marks.keys()


def _render(choices: list[SelectChoice], coerce: Callable) -> Options:
    parts: list[str] = []
    marks: dict[Hashable, tuple[str, str]] = {}
    group = None
    for choice in choices:
        if choice.optgroup != group:
            if group is not None:
                parts.append("</optgroup>")
            if choice.optgroup is not None:
                parts.append(f"<optgroup {html_params(label=choice.optgroup)}>")
            group = choice.optgroup
        option = Choice(value=choice.value, label=choice.label, selected=False,
                        render_kw=choice.render_kw)
        plain = str(Select.render_option(option))
        chosen = str(Select.render_option(option._replace(selected=True)))
        parts.append(plain)
        marks.setdefault(coerce(choice.value), (plain, chosen))
    if group is not None:
        parts.append("</optgroup>")
    return Options(list(choices), Markup("".join(parts)), marks)


def options(kind: str, source: object, build: Callable[[object], list[SelectChoice]],
            coerce: Callable = str) -> Options:
    """The ``Options`` of ``build(source)``, kept in this process while ``source`` is the same
    object (``is``, so a copy loaded again after a change gives new options)."""
    store: dict = current_app.extensions.setdefault("select_options", {})
    found = store.get(kind)
    if found is None or found[0] is not source:
        found = (source, _render(build(source), coerce))
        store[kind] = found
    return found[1]


class KeptSelect(Select):
    """Renders a ``KeptSelectField``: its kept options, with the chosen one marked."""

    def __call__(self, field: KeptSelectField, **kwargs) -> Markup:
        _with_attributes(self, field, kwargs)
        kept = field.kept
        html = str(kept.html)
        try:
            mark = kept.marks.get(field.data)
        except TypeError:  # a value that cannot be looked up matches no choice
            mark = None
        if mark is not None:
            html = html.replace(mark[0], mark[1], 1)
        kwargs["name"] = field.name
        return Markup(f"<select {form_html.attributes(kwargs)}>{html}</select>")


class KeptSelectField(SelectField):
    """A ``SelectField`` rendered from kept ``Options``: give it them with ``keep``."""

    widget = KeptSelect()

    def keep(self, kept: Options) -> None:
        self.kept = kept
        self.choices = kept.choices


# The search forms' lists of choices (the member directory's and the coordinators' members
# list's share these, so each is rendered once per process for both).

def _councils(places: dict) -> list[SelectChoice]:
    ordered = sorted(places.items(), key=lambda item: (item[1].region, item[1].council))
    return [SelectChoice("", "Any council")] + [
        SelectChoice(council_id, place.council, optgroup=place.region)
        for council_id, place in ordered]


def councils() -> Options:
    """Every council, grouped by region, after "Any council"."""
    return options("councils", reference.shared("places"), _councils, optional_int)


def _regions(regions: dict) -> list[SelectChoice]:
    return [SelectChoice("", "Any region")] + [
        SelectChoice(region.id, region.name) for region in regions.values()]


def regions() -> Options:
    """Every English region by name, after "Any region"."""
    return options("regions", reference.shared("regions"), _regions, optional_int)


def _elements(frameworks: dict) -> list[SelectChoice]:
    framework = frameworks.get(lqf.LQF_CODE)
    found = [] if framework is None else [e for d in framework.dimensions for e in d.elements]
    return [SelectChoice("", "Any")] + [SelectChoice(e.id, f"{e.code}: {e.name}")
                                        for e in found]


def elements() -> Options:
    """The LQF's elements in framework order ("A1: ..."), after "Any"."""
    return options("elements", reference.shared("frameworks"), _elements, optional_int)


def _topics(topics: dict) -> list[SelectChoice]:
    return [SelectChoice("", "Anything")] + [SelectChoice(t.id, t.name)
                                             for t in topics.values()]


def topics() -> Options:
    """Every topic in the site's order, after "Anything"."""
    return options("topics", reference.shared("topics"), _topics, optional_int)


def fixed(kind: str, choices: tuple[tuple, ...], coerce: Callable = str) -> Options:
    """Options for a list that never changes while the process runs: (value, words) pairs,
    given as the same tuple each time."""
    return options(kind, choices, lambda pairs: [SelectChoice(v, w) for v, w in pairs], coerce)


SERVICE_TYPES = (("", "Any type"),) + tuple((t.value, t.label) for t in ServiceType)


def _with_attributes(widget: Select, field: SelectField, kwargs: dict) -> None:
    """The attributes ``Select`` gives a field's ``<select>``: its id, and its validators'
    flags (``required``) unless given."""
    kwargs.setdefault("id", field.id)
    form_html.flags(widget, field, kwargs)


class PeopleSelect(Select):
    """A select of plain (value, label) choices written as ``Select`` writes it, byte for byte,
    without a choice object and ``html_params`` for each option: a list of people (a lead form,
    a set's facilitator) may hold hundreds, and WTForms cost each option about 15
    microseconds."""

    def __call__(self, field: SelectField, **kwargs) -> Markup:
        _with_attributes(self, field, kwargs)
        chosen, coerce = field.data, field.coerce
        kwargs["name"] = field.name
        parts = [f"<select {form_html.attributes(kwargs)}>"]
        option = form_html.option  # as Select.render_option writes each, byte for byte
        # A person's id (a number, so nothing in it to escape) with their name: written here,
        # the same text as ``option`` writes, in a third of its time. Either coercion reads a
        # number as itself.
        fast = coerce is int or coerce is optional_int
        parts.extend(f'<option {"selected " if value == chosen else ""}value="{value}">'
                     f'{escaped(label)}</option>'
                     if type(value) is int and fast and label
                     else option(value, label, coerce(value) == chosen)
                     for value, label in field.choices)
        parts.append("</select>")
        return Markup("".join(parts))
