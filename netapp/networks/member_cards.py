"""The member directory's result cards written as HTML in Python.

A page shows 25 cards of up to eight rows each; Jinja spent about a millisecond a request on
that loop, more than building the cards. Every value is escaped here as the template would
(netapp/escaping.py), and the markup is the template's own, whitespace and all, so the page a
reader gets is the same byte for byte (tests/test_networks_directory_cards.py checks the cards
against the template's).
"""
from __future__ import annotations

import json

from flask import current_app
from markupsafe import Markup

from netapp.escaping import escaped
from netapp.models import Role, ServiceType
from netapp.services import directory, profiles, reference

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


# What a card shows of each set of choices a member stored (their JSON text), for each set of
# audiences a reader belongs to: most members keep the same few. Worked out from the text
# alone, so kept for the process's life (at most _MOST_CHOICES, then begun again).
_SHOWN: dict[tuple[frozenset, str], frozenset[str]] = {}
_MOST_CHOICES = 1024
# Each council's "<dt>Area</dt><dd>council, region</dd>" for the process's copy of places it
# was written from, and each service type's words.
_AREAS: list = [None, {}]
_KINDS: dict[str, str] = {}
# Cards' HTML a process keeps (``directory_cards``); past this many they are begun again.
MOST_KEPT = 4096


def _shown(audiences: frozenset, choices: str | None) -> frozenset[str]:
    key = (audiences, choices)
    found = _SHOWN.get(key)
    if found is None:
        chosen = json.loads(choices or "{}") or {}
        found = frozenset(field for field, audience in profiles._rules(chosen).items()
                          if audience in audiences and field in directory.CARD_FIELDS)
        if len(_SHOWN) >= _MOST_CHOICES:
            _SHOWN.clear()
        _SHOWN[key] = found
    return found


def _kind(service_type) -> str:
    found = _KINDS.get(service_type)
    if found is None:
        found = _KINDS[service_type] = ServiceType(service_type).label.lower()
    return found


def directory_cards(rows, viewer, profile_path: str) -> Markup:
    """The ``<li>`` of each person on a page of the directory (``directory.find``'s rows), as
    ``cards_html`` writes them from ``directory.search_page``'s entries, without building the
    entries: the same rules for who sees what (``profiles.cards_from_values``) and the same
    HTML, byte for byte (tests/test_networks_directory_cards.py compares them).

    A process keeps each card's HTML by what it was written from: the row as the statement
    read it (every value the card shows, and whether the reader shares a network with the
    person), whether it is the reader's own card and whether the reader is staff, where
    profiles live, and the process's copies of places, topics and the framework that name its
    area, offers and strengths. A search shown again, changed in nothing, is not written
    again; a changed row has a new key and is written afresh, and the kept cards are dropped
    whenever a copy is loaded again (a council, topic or element renamed or added). A card
    naming something its copy lacks is not kept.
    """
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    places, topics = reference.shared("places"), reference.shared("topics")
    frameworks = reference.shared("frameworks")
    store = current_app.extensions.get("directory_cards_html")
    if store is None or store[0] is not places or store[1] is not topics or \
            store[2] is not frameworks or store[3] != profile_path:
        store = current_app.extensions["directory_cards_html"] = (
            places, topics, frameworks, profile_path, {})
    kept = store[4]
    viewer_id = viewer.id
    keys = [(tuple(r), r.id == viewer_id, staff) for r in rows]
    parts = [kept.get(key) for key in keys]
    missing = [i for i, html in enumerate(parts) if html is None]
    if not missing:
        return Markup("".join(parts))
    written = _cards([rows[i] for i in missing], viewer, profile_path)
    keep = (reference.shared("places") is places and reference.shared("topics") is topics
            and reference.shared("frameworks") is frameworks)
    elements = directory.strength_elements() if keep else {}
    for i, html in zip(missing, written, strict=True):
        parts[i] = html
        if keep and _fully_named(rows[i], places, topics, elements):
            if len(kept) >= MOST_KEPT:
                kept.clear()
            kept[keys[i]] = html
    return Markup("".join(parts))


def _fully_named(r, places, topics, elements) -> bool:
    """Whether the process's copies hold everything the row's card names (its council, the
    topics it offers, the elements it is strong in)."""
    return ((r.local_authority_id is None or r.local_authority_id in places)
            and all(t in topics for t in directory.joined_ids(r.offers))
            and all(e in elements for e in directory.joined_ids(r.strong)))


def _cards(rows, viewer, profile_path: str) -> list[str]:
    """Each row's ``<li>`` (``directory_cards``), written afresh."""
    viewer_id = viewer.id
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    places = reference.shared("places")
    if _AREAS[0] is not places:
        _AREAS[:] = [places, {}]
    areas = _AREAS[1]
    offered = {int(t) for r in rows if r.offers for t in r.offers.split(",")}
    names = reference.topic_names(offered) if offered else {}
    order = {topic_id: i for i, topic_id in enumerate(names)} if offered else {}
    elements = None
    cards = []
    for r in rows:
        parts = []
        add = parts.append
        uid = r.id
        name = escaped(r.display_name)
        if uid == viewer_id:
            add(f"\n  <li>\n    <h3>{name} (you)</h3>\n    ")
            audiences = profiles._ALL
        else:
            add(f'\n  <li>\n    <h3><a href="{profile_path}{uid}">{name}</a></h3>\n    ')
            audiences = (profiles._STAFF_SEE if staff else profiles._NETWORKS_SEE if r.shares
                         else profiles._EVERYONE_SEES)
        shown = _shown(audiences, r.visibility)
        card = []
        if "job_title" in shown and r.job_title:
            card.append(f"<dt>Job title</dt><dd>{escaped(r.job_title)}</dd>")
        if "organisation" in shown and r.organisation_name is not None:
            card.append(f"<dt>Service</dt><dd>"
                        f"{escaped(f'{r.organisation_name} ({_kind(r.service_type)})')}</dd>")
        if "area" in shown and (council := r.local_authority_id) is not None:
            area = areas.get(council)
            if area is None:
                place = places.get(council) or reference.place(council)
                if place is not None:
                    area = f"<dt>Area</dt><dd>{escaped(f'{place.council}, {place.region}')}</dd>"
                    if council in places:
                        areas[council] = area
            if area is not None:
                card.append(area)
        if "offer" in shown and (capacity := r.mentor_capacity):
            offers = ", ".join(
                names[t] for t in sorted(directory.joined_ids(r.offers),
                                         key=lambda t: order.get(t, len(order)))
                if t in names) if r.offers else ""
            people = "person" if capacity == 1 else "people"
            card.append(f"<dt>Mentoring</dt><dd>"
                        f"{escaped(f'Can mentor {capacity} {people}: {offers}')}</dd>")
            if r.mentor_availability:
                card.append(f"<dt>Usually free</dt><dd>{escaped(r.mentor_availability)}</dd>")
            if r.mentor_note:
                card.append(f"<dt>A note for mentees</dt><dd>{escaped(r.mentor_note)}</dd>")
        if card:
            add(_DL_START)
            add("".join(card))
            add("\n      ")
            if "lqf" in shown and r.strong:
                if elements is None:
                    elements = directory.strength_elements()
                strengths = directory._names(r.strong, elements)
                if strengths:
                    add(f"<dt>Strong in</dt><dd>{escaped(', '.join(strengths))}</dd>")
            add(_DL_END)
        add("\n  </li>\n  ")
        cards.append("".join(parts))
    return cards
