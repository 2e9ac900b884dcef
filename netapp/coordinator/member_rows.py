"""The members list's table rows written as HTML in Python.

A page shows 25 rows of seven cells; Jinja spent about half a millisecond a request on that
loop. Every value is escaped here as the template would (netapp/escaping.py), and the markup is the
template's own, whitespace and all, so the page is the same byte for byte
(tests/test_coordinator_member_rows.py checks the rows against the template's).

A process also keeps each row's HTML by the values its statement read for it
(``page_rows_html``): the same values give the same row, so a row read again, changed in
nothing, is not written again; a row whose values changed has a new key and is written afresh.
"""
from __future__ import annotations

from collections import OrderedDict

from flask import current_app
from markupsafe import Markup

from netapp.escaping import escaped
from netapp.models import ServiceType
from netapp.services import member_list

_NOT_SHARED = '<span class="hint">Not shared</span>'
_NONE = "–"
# A service type's words as a cell shows them, escaped once per process.
_KINDS = {kind: escaped(kind.label.lower()) for kind in ServiceType}
# Rows' HTML a process keeps (``page_rows_html``), the least recently shown dropped first.
MOST_KEPT = 4096


def rows_html(rows, viewer_id: int, profile_path: str) -> Markup:
    """The ``<tr>`` of each ``member_list.Row``, as ``templates/coordinator/members.html`` lays
    them out: name and email, area, service, level, needs and strengths, mentoring and sets,
    isolation index."""
    return Markup("".join([_row_html(r, r.id == viewer_id, profile_path) for r in rows]))


def page_rows_html(found, viewer_id: int, profile_path: str) -> Markup:
    """``rows_html`` of ``member_list.rows_of(found)`` (the page statement's rows as read),
    each row's HTML kept by what it was written from.

    A row's HTML follows from its values as read (``member_list.row_key``), whether it is the
    viewer's own, where profiles live, and the process's copies of places, topics and the
    framework that name its area, needs and strengths. The kept rows are dropped whenever one
    of those copies is loaded again (a council, topic or element renamed). A row naming a
    council, topic or element that its copy lacks is not kept, so it is worked out as before
    on every request until the copy holds it.
    """
    sources = member_list.naming_sources()
    store = current_app.extensions.get("members_rows_html")
    if store is None or any(old is not now for old, now in zip(store[0], sources, strict=True)) or \
            store[1] != profile_path:
        store = current_app.extensions["members_rows_html"] = (
            sources, profile_path, OrderedDict())
    kept = store[2]
    row_key = member_list.row_key
    keys = [(row_key(raw), raw[0] == viewer_id) for raw in found]
    parts = [kept.get(key) for key in keys]
    missing = [i for i, html in enumerate(parts) if html is None]
    if not missing:
        _shown(kept, keys)
        return Markup("".join(parts))
    written = member_list.rows_of([found[i] for i in missing])
    if any(then is not now
           for then, now in zip(sources, member_list.naming_sources(), strict=True)):
        # A copy was loaded again while these were written: the page from the new one alone.
        return rows_html(member_list.rows_of(found), viewer_id, profile_path)
    places = sources[0]
    for i, row in zip(missing, written, strict=True):
        parts[i] = html = _row_html(row, row.id == viewer_id, profile_path)
        if member_list.fully_named(found[i], row, places):
            kept[keys[i]] = html
    _shown(kept, keys)
    while len(kept) > MOST_KEPT:
        try:
            kept.popitem(last=False)
        except KeyError:  # emptied by another thread meanwhile
            break
    return Markup("".join(parts))


def _shown(kept: OrderedDict, keys: list) -> None:
    """Mark the kept rows of ``keys`` as the most recently shown."""
    try:
        for key in keys:
            if key in kept:
                kept.move_to_end(key)
    except KeyError:  # dropped by another thread meanwhile: it shows once more unkept
        return


def _row_html(r, you: bool, profile_path: str) -> str:
    name = escaped(r.name)
    mailbox, _, domain = r.email.partition("@")
    who = f"{name} (you)" if you else f'<a href="{profile_path}{r.id}">{name}</a>'
    if r.council:
        area = f"{escaped(r.council)}, {escaped(r.region)}"
    else:
        area = _NOT_SHARED if "area" in r.hidden else _NONE
    if r.organisation:
        kind = "" if r.service_type is None else _KINDS[r.service_type]
        service = f"{escaped(r.organisation)} ({kind})"
    else:
        service = _NOT_SHARED if "organisation" in r.hidden else _NONE
    return (f'\n    <tr>\n      \n      \n      <td data-label="Name and email">{who}<br>'
            f'<span class="member-email">{escaped(mailbox)}<wbr>@{escaped(domain)}</span></td>'
            f'\n      <td data-label="Area">{area}</td>'
            f'\n      <td data-label="Service">{service}</td>'
            f'\n      <td data-label="Level">{escaped(r.level_name or _NONE)}</td>'
            f'\n      <td data-label="Needs and strengths">{_needs_and_strengths(r)}</td>'
            f'\n      <td data-label="Mentoring and sets">{_mentoring(r)}</td>'
            f'\n      <td data-label="Isolation index">'
            f'{_NONE if r.isolation is None else escaped(r.isolation)}</td>\n    </tr>\n  ')


def _needs_and_strengths(r) -> str:
    text = ""
    if r.needs:
        text = f"Help with: {escaped(', '.join(r.needs))}"
        if r.strengths:
            text += "<br>"
    if r.strengths:
        text += f"Strong in: {escaped(', '.join(r.strengths))}"
    elif not r.needs:
        text = _NONE
    return text


def _mentoring(r) -> str:
    if r.wants_mentor:
        return "Asking for a mentor, In a set" if r.in_set else "Asking for a mentor"
    return "In a set" if r.in_set else _NONE
