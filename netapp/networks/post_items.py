"""A discussion thread's posts, each ``<li>`` written as HTML in Python.

A thread's page shows up to 25 posts; Jinja spent most of the page's own time on that loop
(an escape per value, the ``talk_time`` filter and a dozen conditions per post). The markup is
the template's own, whitespace and all, every value is escaped as the template would
(netapp/escaping.py), and each post's Markdown is rendered as the ``markdown`` filter renders
it (kept per process by its text), so the page is the same byte for byte
(tests/test_networks_discussions_items.py checks the items against the template's loop).
"""
from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from netapp.escaping import escaped
from netapp.networks.panel_items import _MONTHS, _london
from netapp.services.markdown import to_html

# What stood before the loop in the template: its comment and four {% set %} lines.
_BEFORE = "\n  \n  \n  \n  \n  \n  "
_REPORTS = ('\n      <div class="post-reports">'
            "\n        <p><strong>Members asked you to look at this post:</strong></p>"
            "\n        <ul>")


def _when(moment: datetime) -> str:
    """``discussions.talk_time``: "26 November 2026, 16:18" (UK time), without strftime."""
    local = _london(moment)
    return f"{local.day} {_MONTHS[local.month]} {local.year}, {local.hour:02d}:{local.minute:02d}"


def post_items(views, reader_id: int, is_lead: bool, edit_path: str, report_path: str,
               hide_path: str) -> Markup:
    """The ``<li>`` of each ``discussions.PostView``, as ``thread.html`` lists them: who wrote
    it and when, its text (or why a lead hid it), the open reports a lead sees, and what the
    reader may do to it (``edit_path``, ``report_path`` and ``hide_path``: the addresses
    before a post's id)."""
    edit_path, report_path = escaped(edit_path), escaped(report_path)
    hide_path = escaped(hide_path)
    parts = [_BEFORE]
    add = parts.append
    for v in views:
        p = v.post
        pid = escaped(p.id)
        author = escaped(v.author)
        changed = " (changed)" if p.edited_at else ""
        add(f'\n  \n  <li id="post-{pid}">\n    <article aria-labelledby="post-{pid}-by">'
            f'\n      <p class="post-meta" id="post-{pid}-by"><strong>{author}</strong>, '
            f'<time datetime="{escaped(p.created_at.isoformat())}">'
            f"{escaped(_when(p.created_at))}</time>{changed}</p>\n      ")
        hidden = p.hidden_at
        if hidden:
            add(f'\n      <p class="post-hidden">Hidden by a network lead: '
                f"{escaped(p.hidden_reason)}</p>\n      ")
        else:
            add(f'\n      <div class="rendered">{to_html(p.body)}</div>\n      ')
        add("\n      ")
        if v.reports:
            add(_REPORTS)
            for reason in v.reports:
                add(f"<li>{escaped(reason)}</li>")
            add("</ul>\n      </div>\n      ")
        add('\n      <ul class="post-actions">\n        ')
        if v.can_edit:
            add(f'<li><a href="{edit_path}{pid}/edit">Change'
                '<span class="visually-hidden"> your post</span></a></li>')
        add("\n        ")
        if not hidden and p.author_id != reader_id:
            if v.reported_by_me:
                add('\n          <li class="hint">You asked the leads to look at this</li>'
                    "\n          ")
            else:
                add(f'\n          <li><a href="{report_path}{pid}/report">Report'
                    f'<span class="visually-hidden"> the post by {author}</span></a></li>')
            add("\n        ")
        add("\n        ")
        if is_lead and not hidden:
            add(f'<li><a href="{hide_path}{pid}/hide">Hide'
                f'<span class="visually-hidden"> the post by {author}</span></a></li>')
        add("\n      </ul>\n    </article>\n  </li>\n  ")
    return Markup("".join(parts))
