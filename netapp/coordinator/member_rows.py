"""The members list's table rows written as HTML in Python.

A page shows 25 rows of seven cells; Jinja spent about half a millisecond a request on that
loop. Every value is escaped here as the template would (netapp/escaping.py), and the markup is the
template's own, whitespace and all, so the page is the same byte for byte
(tests/test_coordinator_member_rows.py checks the rows against the template's).
"""
from __future__ import annotations

from markupsafe import Markup

from netapp.escaping import escaped
from netapp.models import ServiceType

_NOT_SHARED = '<span class="hint">Not shared</span>'
_NONE = "–"
# A service type's words as a cell shows them, escaped once per process.
_KINDS = {kind: escaped(kind.label.lower()) for kind in ServiceType}


def rows_html(rows, viewer_id: int, profile_path: str) -> Markup:
    """The ``<tr>`` of each ``member_list.Row``, as ``templates/coordinator/members.html`` lays
    them out: name and email, area, service, level, needs and strengths, mentoring and sets,
    isolation index."""
    parts = []
    add = parts.append
    for r in rows:
        name = escaped(r.name)
        mailbox, _, domain = r.email.partition("@")
        who = f"{name} (you)" if r.id == viewer_id else \
            f'<a href="{profile_path}{r.id}">{name}</a>'
        if r.council:
            area = f"{escaped(r.council)}, {escaped(r.region)}"
        else:
            area = _NOT_SHARED if "area" in r.hidden else _NONE
        if r.organisation:
            kind = "" if r.service_type is None else _KINDS[r.service_type]
            service = f"{escaped(r.organisation)} ({kind})"
        else:
            service = _NOT_SHARED if "organisation" in r.hidden else _NONE
        add(f'\n    <tr>\n      \n      \n      <td data-label="Name and email">{who}<br>'
            f'<span class="member-email">{escaped(mailbox)}<wbr>@{escaped(domain)}</span></td>'
            f'\n      <td data-label="Area">{area}</td>'
            f'\n      <td data-label="Service">{service}</td>'
            f'\n      <td data-label="Level">{escaped(r.level_name or _NONE)}</td>'
            f'\n      <td data-label="Needs and strengths">{_needs_and_strengths(r)}</td>'
            f'\n      <td data-label="Mentoring and sets">{_mentoring(r)}</td>'
            f'\n      <td data-label="Isolation index">'
            f'{_NONE if r.isolation is None else escaped(r.isolation)}</td>\n    </tr>\n  ')
    return Markup("".join(parts))


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
