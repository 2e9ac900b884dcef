"""The learning resources page's items, written as HTML in Python.

The page lists every resource (84 in the framework's list) with its button, and the Jinja
macro that wrote each one (an address, a form's token and a dozen escaped values) cost the
page about 2.5 ms. The markup is the macro's own, whitespace and all, every value escaped as
markupsafe escapes it (tests/test_members_resource_items.py checks the items against the
macro). Each item is the same for every member who has (or has not) done it but for the
token, so a process keeps its HTML by everything it shows.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, request, url_for
from markupsafe import Markup

from netapp.escaping import escaped
from netapp.forms_common import token_input
from netapp.services.resources import suits

__all__ = ["ItemWriter", "item_writer"]

# ``strftime('%d %b %Y')``'s month names (the C locale's), without strftime.
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")
_BACK_TO_LIST = '<input type="hidden" name="back" value="all">'


def _day(moment: datetime) -> str:
    return f"{moment.day:02d} {_MONTHS[moment.month]} {moment.year}"


# Each item's HTML with a stand-in for the token, kept per process by everything it shows
# (the resource's columns as this request read them, where it is listed and when it was done),
# so an edited resource is written afresh at once. At most KEPT_MOST, then all are forgotten.
KEPT_MOST = 4096
_TOKEN = "\x00token\x00"


class ItemWriter:
    """Resources' list items for one request: this member's done dates and form token."""

    def __init__(self, done: dict[int, datetime]) -> None:
        self.done = done
        self.token = str(token_input())
        self._kept: dict = current_app.extensions.setdefault("kept_resource_items", {})
        self._mounted = request.script_root

    def __call__(self, resource, in_list: bool = False) -> Markup:
        return Markup(self.text(resource, in_list))

    def text(self, resource, in_list: bool = False) -> str:
        """The item's HTML as a plain string, for a caller that writes a list of them."""
        when = self.done.get(resource.id)
        key = (tuple(resource), in_list, when, self._mounted)
        parts = self._kept.get(key)
        if parts is None:
            if len(self._kept) >= KEPT_MOST:
                self._kept.clear()
            parts = self._kept[key] = _item(resource, in_list, when).split(_TOKEN)
        return self.token.join(parts)


def item_writer(done: dict[int, datetime]) -> ItemWriter:
    """``write(resource, in_list=False)``: one resource's list item, with "Mark done" or,
    for those in ``done`` ({resource id: when}), when it was done and "Undo"."""
    return ItemWriter(done)


def _item(resource, in_list: bool, when: datetime | None) -> str:
    """The item's HTML with ``_TOKEN`` where the form's token goes."""
    title = escaped(resource.title)
    back = _BACK_TO_LIST if in_list else ""
    parts = ['\n  <li class="resource"',
             f' id="resource-{resource.id}">' if in_list else ">",
             f'\n    <a href="{escaped(resource.url)}" rel="noopener">{title}</a>\n    ']
    if resource.summary:
        parts.append(f"<p>{escaped(resource.summary)}</p>")
    parts.append('\n    <p class="hint">')
    if resource.time_needed:
        parts.append(f"Time: {escaped(resource.time_needed)}. ")
    if resource.cost:
        parts.append(f"Cost: {escaped(resource.cost)}. ")
    parts.append(f"{escaped(suits(resource))}.</p>\n    ")
    if when is not None:
        action = escaped(url_for("members.undo_resource_done", resource_id=resource.id))
        parts.append(
            f'\n    <form method="post" action="{action}" class="inline-form">\n      '
            f'{_TOKEN}{back}\n      <p><strong>Done</strong> on {_day(when)}. <button '
            f'type="submit" class="link-button">Undo<span class="visually-hidden"> “{title}” '
            f"done</span></button></p>\n    </form>\n    ")
    else:
        action = escaped(url_for("members.mark_resource_done", resource_id=resource.id))
        parts.append(
            f'\n    <form method="post" action="{action}" class="inline-form">\n      '
            f'{_TOKEN}{back}\n      <button type="submit" class="button-secondary">Mark '
            f'done<span class="visually-hidden"> “{title}”</span></button>\n    </form>\n    ')
    parts.append("\n  </li>\n")
    return "".join(parts)
