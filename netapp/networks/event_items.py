"""Lists of events (``/networks/events``) written as HTML in Python.

Including ``templates/networks/events/_line.html`` once per event cost the page about 0.1 ms
an event (an include, an address, a date and a dozen tests). The markup is the include's own,
whitespace and all, every value escaped as Jinja escapes it, so the page is the same byte for
byte (tests/test_networks_events.py checks it against the include).
"""
from __future__ import annotations

from markupsafe import Markup

from netapp.escaping import escaped
from netapp.models import RsvpStatus
from netapp.networks.panel_items import _short_when
from netapp.services.event_lists import Line

_CANCELLED = ' <strong class="tag">Cancelled</strong>'


def _standing(line: Line) -> str:
    if line.my_status is not None:
        if line.my_status is RsvpStatus.GOING:
            return '<br><span class="tag tag-ok">You&#39;re going</span>'
        return '<br><span class="tag">You&#39;re on the waitlist</span>'
    if line.capacity and line.going >= line.capacity and not line.cancelled_at:
        return '<br><span class="hint">Full: you can join the waitlist</span>'
    return ""


def event_lines(lines: list[Line], event_path: str, show_network: bool = True) -> Markup:
    """Each event as ``_line.html`` wrote it after the list's opening ``{% for %}``:
    ``event_path`` is an event's address without its id (already escaped)."""
    parts = []
    for line in lines:
        cancelled = line.cancelled_at is not None
        network = f" · {escaped(line.network_name)}" if show_network else ""
        parts.append(
            f'\n<li class="event-line{" event-cancelled" if cancelled else ""}">\n'
            f'  <a href="{event_path}{line.id}"><strong>{escaped(line.title)}</strong></a>\n'
            f'  {_CANCELLED if cancelled else ""}\n'
            f'  <br><time datetime="{escaped(line.starts_at.isoformat())}Z">'
            f'{_short_when(line.starts_at)}</time>,\n'
            f'  {"online" if line.is_online else "in person"}{network}\n'
            f'  {_standing(line)}\n</li>')
    return Markup("".join(parts))
