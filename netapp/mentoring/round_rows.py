"""The round preview's table of proposed pairs, its rows written as HTML in Python.

A page shows 25 pairs, each with two forms; Jinja spent about half a millisecond a request on
that loop. Every value is escaped here with markupsafe as the template would, and the markup is
the template's own, whitespace and all, so the page is the same byte for byte
(tests/test_mentoring_rounds_rows.py checks the rows against the template's loop).
"""
from __future__ import annotations

from markupsafe import Markup, escape

# What stood before the loop in the template: its comment and two {% set %} lines.
_BEFORE_ROWS = "\n  \n  \n  "
_LOCKED = ' <span class="tag">Locked</span>'


def pair_rows_html(pairs, reasons: dict[int, str], editable: bool, token: str,
                   action: str) -> Markup:
    """The ``<tr>`` of each proposed pair (``mentoring_rounds.PreviewRow``): mentee, mentor,
    score (and whether it is locked), the reason as ``reasons`` words it, and, while the round
    is ``editable``, the buttons to lock or forbid the pair, posting ``token`` to ``action``."""
    action = escape(action)
    parts = [_BEFORE_ROWS]
    add = parts.append
    for p in pairs:
        mentee, mentor = escape(p.mentee_name), escape(p.mentor_name)
        add(f'\n    \n    <tr role="row">'
            f'\n      <td role="cell" data-label="Mentee">{mentee}</td>'
            f'\n      <td role="cell" data-label="Mentor">{mentor}</td>'
            f'\n      <td role="cell" data-label="Score">{p.score:.0f}'
            f'{_LOCKED if p.is_locked else ""}</td>'
            f'\n      <td role="cell" data-label="Why" class="reason">{escape(reasons[p.id])}'
            f'</td>\n      ')
        if editable:
            add('\n      <td role="cell" data-label="Change">\n        ')
            if not p.is_locked:
                ids = (f'\n          <input type="hidden" name="mentee_id" '
                       f'value="{escape(p.mentee_id)}">'
                       f'\n          <input type="hidden" name="mentor_id" '
                       f'value="{escape(p.mentor_id)}">')
                who = f"{mentee} with {mentor}"
                for kind, button in (("lock", "Lock"), ("forbid", "Forbid")):
                    add(f'\n        <form method="post" action="{action}" class="inline-form">'
                        f'\n          {token}'
                        f'\n          <input type="hidden" name="kind" value="{kind}">{ids}'
                        f'\n          <button type="submit" class="link-button">{button}'
                        f'<span class="visually-hidden"> {who}</span></button>'
                        f'\n        </form>')
                add("\n        ")
            add("\n      </td>\n      ")
        add("\n    </tr>\n  ")
    return Markup("".join(parts))
