"""The member directory's result cards written as HTML in Python.

A page shows 25 cards of up to eight rows each; Jinja spent about a millisecond a request on
that loop, more than building the cards. Every value is escaped here as the template would
(netapp/escaping.py), and the markup is the template's own, whitespace and all, so the page a
reader gets is the same byte for byte (tests/test_networks_directory_cards.py checks the cards
against the template's).
"""
from __future__ import annotations

from markupsafe import Markup

from netapp.escaping import escaped

_DL_START = "\n    <dl>\n      "
_DL_END = "\n    </dl>\n    "
# Each label's "<dt>...</dt><dd>" once per process: a card's labels are a few fixed words.
_LABELS: dict[str, str] = {}


def _label(label: str) -> str:
    found = _LABELS.get(label)
    if found is None:
        found = f"<dt>{escaped(label)}</dt><dd>"
        if len(_LABELS) < 64:
            _LABELS[label] = found
    return found


def cards_html(entries, viewer_id: int, profile_path: str) -> Markup:
    """The ``<li>`` of each directory ``Entry``, as ``templates/networks/members.html`` lays
    them out: the person's name (a link to their profile, or "(you)"), then the rows of their
    card and what they are strong in."""
    parts = []
    add = parts.append
    for entry in entries:
        uid = entry.user.id
        name = escaped(entry.user.display_name)
        if uid == viewer_id:
            add(f"\n  <li>\n    <h3>{name} (you)</h3>\n    ")
        else:
            add(f'\n  <li>\n    <h3><a href="{profile_path}{uid}">{name}</a></h3>\n    ')
        rows = entry.card.rows
        if rows:
            add(_DL_START)
            for label, value in rows:
                add(f"{_label(label)}{escaped(value)}</dd>")
            add("\n      ")
            if entry.strengths:
                add(f"<dt>Strong in</dt><dd>{escaped(', '.join(entry.strengths))}</dd>")
            add(_DL_END)
        add("\n  </li>\n  ")
    return Markup("".join(parts))
