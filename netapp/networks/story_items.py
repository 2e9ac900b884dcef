"""The list of leadership stories (``/networks/stories``) written as HTML in Python.

Including ``templates/networks/stories/_card.html`` once per story cost the page about
0.1 ms a story. The markup is the include's own as the list wrote it (a second-level heading
in each ``<li>``), every value escaped as Jinja escapes it, so the page is the same byte for
byte (tests/test_networks_stories.py checks it against the include).
"""
from __future__ import annotations

from markupsafe import Markup

from netapp.escaping import escaped
from netapp.networks.panel_items import _day
from netapp.services.story_lists import Card

_HIDDEN = " · <strong>hidden by a network lead</strong>"


def story_list_items(cards: list[Card], story_path: str) -> Markup:
    """Each card in its ``<li>``, as the list's loop wrote them; ``story_path`` is a story's
    address without its id (already escaped)."""
    parts = []
    for card in cards:
        thanks = "" if not card.thanks else \
            f" · thanked {card.thanks} {'time' if card.thanks == 1 else 'times'}"
        tags = "" if not card.dimensions else (
            '<ul class="tag-list" aria-label="About">'
            + "".join(f'<li class="tag">{escaped(name)}</li>' for name in card.dimensions)
            + "</ul>")
        parts.append(
            f'<li>\n<h2><a href="{story_path}{card.id}">{escaped(card.title)}</a></h2>\n'
            f'<p class="post-meta">By <strong>{escaped(card.author)}</strong> · '
            f'<time datetime="{escaped(card.created_at.isoformat())}">'
            f'{_day(card.created_at)}</time> · '
            f'shared with {escaped(card.network or "everyone")}{thanks}'
            f'{_HIDDEN if card.hidden_at else ""}</p>\n{tags}</li>')
    return Markup("".join(parts))
