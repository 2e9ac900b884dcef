"""A network's list of discussions (``/networks/<id>/discussions``) written as HTML in Python.

The template's loop cost the page about 0.05 ms a thread (an address, a filter and escapes).
The markup is the loop's own, whitespace and all, every value escaped as Jinja escapes it, so
the page is the same byte for byte (tests/test_networks_discussions.py checks it against the
loop it replaced).
"""
from __future__ import annotations

from markupsafe import Markup

from netapp.escaping import escaped
from netapp.networks.panel_items import _day
from netapp.services.thread_lists import ThreadLine

HIDDEN_TITLE = "A discussion hidden by a network lead"


def thread_list_items(lines: list[ThreadLine], thread_path: str) -> Markup:
    """Each thread's ``<li>`` as the loop wrote it; ``thread_path`` is a thread's address
    without its id (already escaped)."""
    parts = []
    for line in lines:
        title = HIDDEN_TITLE if line.is_hidden else escaped(line.title)
        posts = "post" if line.post_count == 1 else "posts"
        parts.append(
            f'\n  <li>\n    <h2 class="h3"><a href="{thread_path}{line.id}">{title}</a></h2>\n'
            f'    <p class="post-meta">Started by {escaped(line.author)} · {line.post_count} '
            f'{posts} · last post <time datetime="{escaped(line.last_post_at.isoformat())}">'
            f'{_day(line.last_post_at)}</time></p>\n  </li>\n  ')
    return Markup("".join(parts))
