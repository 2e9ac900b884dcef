"""The round preview's table of proposed pairs, its rows written as HTML in Python.

A page shows 25 pairs, each with two forms; Jinja spent about half a millisecond a request on
that loop. Every value is escaped here with markupsafe as the template would, and the markup is
the template's own, whitespace and all, so the page is the same byte for byte
(tests/test_mentoring_rounds_rows.py checks the rows against the template's loop).
"""
from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from flask import current_app, render_template, request, url_for
from markupsafe import Markup, escape

from netapp.forms_common import token_input
from netapp.models import Role
from netapp.services import mentoring_rounds
from netapp.services.peers import keep_latest

# What stood before the loop in the template: its comment and two {% set %} lines.
_BEFORE_ROWS = "\n  \n  \n  "
_LOCKED = ' <span class="tag">Locked</span>'
KEPT = 64  # pages a process keeps (``preview_content``), and pages of rows (``pair_rows``)
# Stands for the request's CSRF token field in kept rows; a NUL is in no page's HTML.
_TOKEN = "\x00token\x00"


def preview_content(rnd, pairs, unmatched, viewer, editable: bool) -> Markup:
    """The round preview below the round's header and tabs
    (``mentoring/_rounds_preview_content.html``): ``rnd``'s figures and summary, the page of
    ``pairs`` (its rows by ``pair_rows``), the page of ``unmatched``, and, while ``editable``,
    the buttons that change the round.

    For a coordinator or an admin it follows from those as this request read them, whether
    the viewer is one of the people and where the site is mounted, but for the request's CSRF
    token: a process keeps the page of its ``KEPT`` latest by exactly those, and puts each
    request's token in. Any change is another page, rendered afresh."""
    stats = rnd.stats or {}
    try:
        figures = tuple(sorted(stats.items()))
        hash(figures)
    except TypeError:  # figures this page does not expect: not kept
        figures = None
    if figures is None or not viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        return _preview_content(rnd, stats, pairs, unmatched, viewer, editable)
    items = tuple(pairs.items)
    me = viewer.id if viewer.id in _people(items) else None
    key = (rnd.id, rnd.status, rnd.summary, figures, editable, items, pairs.total, pairs.page,
           pairs.per_page, tuple(unmatched.items), unmatched.total, unmatched.page,
           unmatched.per_page, me, request.script_root)
    kept: OrderedDict = current_app.extensions.setdefault("round_preview", OrderedDict())
    token = str(escape(current_app.jinja_env.globals["csrf_token"]()))
    parts = kept.get(key)
    if parts is None:
        parts = _preview_content(rnd, stats, pairs, unmatched, viewer, editable).split(token)
        keep_latest(kept, key, parts, KEPT)
    return Markup(token.join(parts))


def _preview_content(rnd, stats: dict, pairs, unmatched, viewer, editable: bool) -> str:
    rows = pair_rows(pairs.items, viewer, editable, token_input(),
                     url_for("mentoring.round_pair_from_preview", round_id=rnd.id))
    return render_template("mentoring/_rounds_preview_content.html", rnd=rnd, stats=stats,
                           optimality=mentoring_rounds.optimality_words(rnd), pairs=pairs,
                           unmatched=unmatched, pair_rows=rows, editable=editable)


def pair_rows(pairs, viewer, editable: bool, token: str, action: str) -> Markup:
    """``pair_rows_html`` for a page of pairs, with each reason as ``viewer`` may read it
    (``mentoring_rounds.reasons_for``).

    For a coordinator or an admin the rows follow from the page's rows as this request read
    them (names, scores, reasons, locks and both people's choices of who sees what), whether
    the viewer is one of the people, ``editable`` and ``action`` alone, but for the token: a
    process keeps the rows of its ``KEPT`` latest pages by exactly those, and puts each
    request's token in. Any change to a row is another page, written afresh."""
    if not viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        # Anyone else's reasons rest on the networks they share with each person.
        return pair_rows_html(pairs, mentoring_rounds.reasons_for(viewer, pairs), editable,
                              token, action)
    pairs = tuple(pairs)
    # A person reads all of their own profile: whether the viewer is one of them, and who.
    me = viewer.id if viewer.id in _people(pairs) else None
    key = (pairs, me, editable, action)
    kept: OrderedDict = current_app.extensions.setdefault("round_rows", OrderedDict())
    parts = kept.get(key)
    if parts is None:
        parts = str(pair_rows_html(pairs, mentoring_rounds.reasons_for(viewer, pairs),
                                   editable, _TOKEN, action)).split(_TOKEN)
        keep_latest(kept, key, parts, KEPT)
    return Markup(str(token).join(parts))


def _people(pairs) -> set[int]:
    return {p.mentee_id for p in pairs} | {p.mentor_id for p in pairs}


def pair_rows_html(pairs, reasons: dict[int, str], editable: bool, token: str,
                   action: str) -> Markup:
    """The ``<tr>`` of each proposed pair (``mentoring_rounds.PreviewRow``): mentee, mentor,
    score (and whether it is locked), the reason as ``reasons`` words it, and, while the round
    is ``editable``, the buttons to lock or forbid the pair, posting ``token`` to ``action``."""
    # Escaped once each, as plain strings (a name often comes twice on a page).
    names: dict[str | None, str] = {}
    for p in pairs:
        for name in (p.mentee_name, p.mentor_name):
            if name not in names:
                names[name] = str(escape(name))
    form = (f'\n        <form method="post" action="{escape(action)}" class="inline-form">'
            f'\n          {token}'
            f'\n          <input type="hidden" name="kind" value="')
    parts = [_BEFORE_ROWS]
    add = parts.append
    for p in pairs:
        mentee, mentor = names[p.mentee_name], names[p.mentor_name]
        locked = p.is_locked
        add(f'\n    \n    <tr role="row">'
            f'\n      <td role="cell" data-label="Mentee">{mentee}</td>'
            f'\n      <td role="cell" data-label="Mentor">{mentor}</td>'
            f'\n      <td role="cell" data-label="Score">{p.score:.0f}{_LOCKED if locked else ""}'
            f'</td>\n      <td role="cell" data-label="Why" class="reason">'
            f'{_escaped(reasons[p.id])}</td>\n      ')
        if editable:
            add('\n      <td role="cell" data-label="Change">\n        ')
            if not locked:
                # Ids are the database's integers: nothing in them to escape.
                ids = (f'\n          <input type="hidden" name="mentee_id" value="{p.mentee_id:d}">'
                       f'\n          <input type="hidden" name="mentor_id" value="{p.mentor_id:d}">'
                       f'\n          <button type="submit" class="link-button">')
                who = f'<span class="visually-hidden"> {mentee} with {mentor}</span></button>'
                add(f'{form}lock">{ids}Lock{who}\n        </form>'
                    f'{form}forbid">{ids}Forbid{who}\n        </form>\n        ')
            add("\n      </td>\n      ")
        add("\n    </tr>\n  ")
    return Markup("".join(parts))


@lru_cache(maxsize=2048)
def _escaped(text: str) -> str:
    """A reason escaped: the same pair's reason comes again on each showing of its page."""
    return str(escape(text))
