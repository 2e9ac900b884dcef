"""The audit log in plain words: one phrase per action, grouped for the admin's filter.

Each phrase is a sentence with places for ``{actor}`` (who did it), ``{target}`` (what or whom
it was done to) and the entry's detail keys. tests/test_admin_audit.py reads every
``audit.record`` call in netapp/ and fails when an action has no phrase here, so a new action
cannot reach the log without words. An entry whose phrase cannot be filled (an old entry
missing a detail key, or an action no longer recorded) reads "Sam Lee: account.something".
"""
from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape

from netapp.extensions import db
from netapp.models import Role, User
from netapp.services.audit import PERSON_KEYS, PERSON_TARGETS

GROUPS = {
    "accounts": "Accounts and signing in",
    "roles": "Roles",
    "admin": "Admin changes: organisations, topics, networks",
    "mentoring": "Mentoring and matching rounds",
    "sets": "Action learning sets",
    "networks": "Networks, discussions and stories",
    "events": "Events",
    "learning": "Learning resources and the recruitment kit",
    "feedback": "360 feedback and programme reports",
    "imports": "Member imports",
    "exports": "Exports",
    "views": "Staff looking at profiles",
}


@dataclass(frozen=True)
class Phrase:
    group: str
    text: str
    # Used when the entry names nobody and nothing (an affinity network's event, kept with
    # neither actor nor target): the sentence must not pretend to know who.
    alone: str | None = None


P = Phrase
PHRASES: dict[str, Phrase] = {
    # accounts
    "account.created": P("accounts", "{actor} created their account"),
    "account.email_verified": P("accounts", "{actor} confirmed their email address"),
    "account.password_changed": P("accounts", "{actor} changed their password"),
    "account.password_reset": P("accounts", "{actor} reset their password from an emailed link"),
    "account.email_changed": P("accounts", "{actor} changed their email address"),
    "account.logged_in": P("accounts", "{actor} logged in"),
    "account.deactivated": P("accounts", "{actor} closed their own account"),
    "account.closed_by_admin": P("accounts", "{actor} closed the account of {target}"),
    "account.reopened": P("accounts", "{actor} reopened the account of {target}"),
    "account.admin_created": P("accounts", "An admin account was made for {target} from the "
                                           "command line"),
    "account.erased": P("accounts", "{actor} erased an account and everything in it",
                        alone="A member erased their account and everything in it"),
    "data.exported": P("accounts", "{actor} downloaded a copy of their own data"),
    "calendar_feed.made": P("accounts", "{actor} made a calendar address for their sets"),
    "calendar_feed.replaced": P("accounts", "{actor} replaced their calendar address"),
    "calendar_feed.stopped": P("accounts", "{actor} stopped their calendar address"),
    # roles
    "role.granted": P("roles", "{actor} gave {target} the {role} role"),
    "role.removed": P("roles", "{actor} took the {role} role away from {target}"),
    # admin
    "organisation.merged": P("admin", "{actor} merged {merged} more copies of “{name}” into "
                                      "{target} ({moved} profiles moved)"),
    "topic.added": P("admin", "{actor} added the topic “{name}”"),
    "topic.changed": P("admin", "{actor} changed the topic “{name}”"),
    "network.description_changed": P("admin", "{actor} changed the description of the "
                                              "{name} network"),
    # staff views
    "profile.viewed_by_staff": P("views", "{actor} looked at the profile of {target}"),
    # mentoring
    "mentoring.requested": P("mentoring", "{actor} asked for a mentor ({target})"),
    "mentoring.withdrawn": P("mentoring", "{actor} withdrew their request ({target})"),
    "mentoring.accepted": P("mentoring", "{actor} accepted a mentee ({target})"),
    "mentoring.declined": P("mentoring", "{actor} declined a request ({target})"),
    "mentoring.paused": P("mentoring", "{actor} paused new mentoring requests"),
    "mentoring.resumed": P("mentoring", "{actor} opened up to mentoring requests again"),
    "mentoring.capacity": P("mentoring", "{actor} set how many people they can mentor to "
                                         "{capacity}"),
    "mentoring.offer_stale": P("mentoring", "{actor} flagged {target} to coordinators: no "
                                            "answer from the mentor"),
    "mentoring.goal_added": P("mentoring", "{actor} added a goal to {target}"),
    "mentoring.goal_edited": P("mentoring", "{actor} changed a goal in {target}"),
    "mentoring.goal_status": P("mentoring", "{actor} marked a goal in {target} as {status}"),
    "mentoring.meeting_logged": P("mentoring", "{actor} logged a meeting on {met_on} in "
                                               "{target}"),
    "mentoring.meeting_edited": P("mentoring", "{actor} changed the meeting of {met_on} in "
                                               "{target}"),
    "mentoring.message_sent": P("mentoring", "{actor} sent a message in {target}"),
    "mentoring.checked_in": P("mentoring", "{actor} answered the day-{day} check-in in "
                                           "{target}"),
    "mentoring.closed": P("mentoring", "{actor} closed {target} ({outcome})"),
    "mentoring.feedback_given": P("mentoring", "{actor} gave feedback on {target}"),
    "mentoring.nudged": P("mentoring", "{actor} sent a reminder about {target}"),
    "round.created": P("mentoring", "{actor} started {target}, “{name}”"),
    "round.weights_changed": P("mentoring", "{actor} changed what counts most in {target}"),
    "round.pair_locked": P("mentoring", "{actor} fixed {mentee_id} with mentor {mentor_id} "
                                        "in {target}"),
    "round.pair_forbidden": P("mentoring", "{actor} kept {mentee_id} apart from mentor "
                                           "{mentor_id} in {target}"),
    "round.rule_removed": P("mentoring", "{actor} removed a pairing rule from {target}"),
    "round.run": P("mentoring", "{actor} ran {target}"),
    "round.published": P("mentoring", "{actor} published {target} ({offers} offers)"),
    # sets
    "set_request.made": P("sets", "{actor} asked to join an action learning set"),
    "set_request.changed": P("sets", "{actor} changed their request to join a set"),
    "set_request.withdrawn": P("sets", "{actor} withdrew their request to join a set"),
    "set.left": P("sets", "{actor} left {target}"),
    "set.change_asked": P("sets", "{actor} asked to move from {target}"),
    "set_meeting.scheduled": P("sets", "{actor} arranged {target}"),
    "set_meeting.changed": P("sets", "{actor} changed {target}"),
    "set_meeting.cancelled": P("sets", "{actor} cancelled {target}"),
    "set_meeting.attendance": P("sets", "{actor} recorded who came to {target} ({came} of "
                                        "{members})"),
    "formation.created": P("sets", "{actor} started {target}, “{name}”"),
    "formation.settings_changed": P("sets", "{actor} changed the settings of {target}"),
    "formation.run": P("sets", "{actor} ran {target}"),
    "formation.member_moved": P("sets", "{actor} moved {user_id} to another set in {target}"),
    "formation.facilitator_assigned": P("sets", "{actor} chose {facilitator_id} to facilitate "
                                                "a set in {target}"),
    "formation.published": P("sets", "{actor} published {target} ({sets} sets, {members} "
                                     "members)"),
    "formation.late_joiner_search": P("sets", "{actor} looked for a set for {user_id} in "
                                              "{target}"),
    "formation.late_joiner_added": P("sets", "{actor} added {user_id} to a set in {target}"),
    # networks
    "network.followed": P("networks", "{actor} followed the {network} network"),
    "network.unfollowed": P("networks", "{actor} stopped following the {network} network"),
    "network.lead_appointed": P("networks", "{actor} made {target} a lead of the {network} "
                                            "network"),
    "network.lead_removed": P("networks", "{actor} removed {target} as a lead of the {network} "
                                          "network"),
    "discussion.started": P("networks", "{actor} started {target} in the {network} network"),
    "discussion.replied": P("networks", "{actor} replied in a discussion in the {network} "
                                        "network"),
    "discussion.edited": P("networks", "{actor} edited {target} in the {network} network"),
    "discussion.reported": P("networks", "{actor} reported {target} in the {network} network"),
    "discussion.hidden": P("networks", "{actor} hid {target} in the {network} network"),
    "discussion.reports_cleared": P("networks", "{actor} cleared the reports on {target}"),
    "story.written": P("networks", "{actor} wrote {target}"),
    "story.edited": P("networks", "{actor} edited {target}"),
    "story.deleted": P("networks", "{actor} deleted {target}"),
    "story.thanked": P("networks", "{actor} thanked the writer of {target}"),
    "story.unthanked": P("networks", "{actor} took back their thanks for {target}"),
    "story.featured": P("networks", "{actor} featured {target}"),
    "story.unfeatured": P("networks", "{actor} stopped featuring {target}"),
    "story.hidden": P("networks", "{actor} hid {target}"),
    "peer.hello_sent": P("networks", "{actor} said hello to another member"),
    "peer.dismissed": P("networks", "{actor} hid a suggested member"),
    # events: an affinity network's event is kept with no one and nothing, day only
    "event.created": P("events", "{actor} created {target}",
                       alone="An event was created (who and where are not kept)"),
    "event.changed": P("events", "{actor} changed {target}",
                       alone="An event was changed (who and where are not kept)"),
    "event.cancelled": P("events", "{actor} cancelled {target}",
                         alone="An event was cancelled (who and where are not kept)"),
    "event.rsvp_going": P("events", "{actor} said they will go to {target}",
                          alone="Someone said they will go to an event (who and where are "
                                "not kept)"),
    "event.rsvp_waiting": P("events", "{actor} joined the waiting list for {target}",
                            alone="Someone joined an event's waiting list (who and where are "
                                  "not kept)"),
    "event.rsvp_cancelled": P("events", "{actor} said they can no longer go to {target}",
                              alone="Someone can no longer go to an event (who and where are "
                                    "not kept)"),
    "event.waitlist_promoted": P("events", "{actor} gave {count} waiting places at {target}",
                                 alone="Waiting places at an event were given (where is not "
                                       "kept)"),
    "event.attendance_recorded": P("events", "{actor} recorded who came to {target} ({came} "
                                             "came)",
                                   alone="Someone recorded who came to an event (who and where "
                                         "are not kept)"),
    # learning
    "resource.added": P("learning", "{actor} added the learning resource “{title}”"),
    "resource.changed": P("learning", "{actor} changed the learning resource “{title}”"),
    "resource.deleted": P("learning", "{actor} deleted the learning resource “{title}”"),
    "resource.done": P("learning", "{actor} marked {target} as done"),
    "resource.undone": P("learning", "{actor} unmarked {target} as done"),
    "recruitment_question.added": P("learning", "{actor} added {target} to the recruitment "
                                                "kit"),
    "recruitment_question.changed": P("learning", "{actor} changed {target} in the recruitment "
                                                  "kit"),
    # feedback
    "feedback.invited": P("feedback", "{actor} invited {count} people to give 360 feedback"),
    "feedback.round_started": P("feedback", "{actor} started a round of 360 feedback"),
    "programme.updated": P("feedback", "{actor} reported their {kind} for the programme "
                                       "report"),
    "programme.feedback_given": P("feedback", "{actor} gave feedback on the network",
                                  alone="A member gave feedback on the network (who is not "
                                        "kept)"),
    # imports (the coordinator console)
    "import.uploaded": P("imports", "{actor} uploaded {target} ({rows} rows)"),
    "import.checked": P("imports", "{actor} checked {target} in a dry run ({rows} rows, "
                                   "{problems} problems)"),
    "import.started": P("imports", "{actor} started {target} ({rows} rows)"),
    "import.discarded": P("imports", "{actor} discarded {target}"),
    "import.done": P("imports", "{actor} finished {target}: {created} new members, {updated} "
                                "updated, {unchanged} unchanged"),
    "import.member_added": P("imports", "{actor} added {target} to the network from member "
                                        "import {import_id}"),
    "import.member_updated": P("imports", "{actor} updated the profile of {target} from "
                                          "member import {import_id}"),
    # exports (the coordinator console)
    "export.members": P("exports", "{actor} downloaded the members list ({count} rows)"),
    "export.matches": P("exports", "{actor} downloaded the mentoring matches ({count} rows)"),
    "export.sets": P("exports", "{actor} downloaded the action learning sets ({count} rows)"),
    "export.events": P("exports", "{actor} downloaded the events ({count} rows)"),
    "export.attendance": P("exports", "{actor} downloaded event attendance ({count} rows)"),
}

# Special-category events: only ever counted per day (see netapp/services/audit.py).
SPECIAL_PHRASES: dict[str, str] = {
    "consent.given": "joined an affinity network",
    "consent.withdrawn": "left an affinity network",
    "listing.turned_on": "chose to be listed in an affinity network",
    "listing.turned_off": "chose not to be listed in an affinity network",
    "affinity_lead.appointed": "were made a lead of an affinity network",
    "affinity_lead.removed": "stopped being a lead of an affinity network",
    "affinity_content.changed": "posted, edited, reported or hid something in an affinity "
                                "network",
}
SPECIAL_GROUP = "networks"

# What a record is, in words, by its class name; the others are split from CamelCase.
TARGET_NOUNS = {
    "MentoringRound": "matching round",
    "Mentorship": "mentoring relationship",
    "SetFormation": "set formation",
    "LearningSet": "set",
    "SetMeeting": "set meeting",
    "DiscussionThread": "discussion",
    "DiscussionPost": "post",
    "RecruitmentQuestion": "interview question",
    "Resource": "learning resource",
    "Network": "network",
    "MemberImport": "member import",
    "Organisation": "organisation",
}
SOMEONE_GONE = "a member whose account is gone"
# What a member reports for the programme report (ProgrammeUpdate.kind), in words.
PROGRAMME_KINDS = {"award": "Leadership in Care Award progress", "rating": "service's rating",
                   "compliance": "service's compliance action"}


def phrase(action: str) -> Phrase | None:
    return PHRASES.get(action)


def actions_in(group: str) -> list[str]:
    """Every action in a group, for the filter; special-category ones are never listed."""
    return sorted(a for a, p in PHRASES.items() if p.group == group)


def special_in(group: str) -> bool:
    return not group or group == SPECIAL_GROUP


def special_words(action: str) -> str:
    return SPECIAL_PHRASES.get(action, action)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def person_ids(entries: Iterable[Any]) -> set[int]:
    """The ids of everyone the entries name as a target or in their details."""
    ids: set[int] = set()
    for e in entries:
        if e.target_type in PERSON_TARGETS and _int(e.target_id) is not None:
            ids.add(int(e.target_id))
        detail = e.detail
        if detail:
            for key in PERSON_KEYS:
                if _int(detail.get(key)) is not None:
                    ids.add(int(detail[key]))
    return ids


def names_for(entries: Iterable[Any], also: Iterable[int | None] = ()) -> dict[int, str]:
    """Display names of the people the entries name (and of the ids in ``also``), in one
    statement."""
    return _names(person_ids(entries) | {i for i in also if i})


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(sorted(ids)))).all())


def names_with(entries: Iterable[Any], names: dict[int, str],
               asked: frozenset[int]) -> dict[int, str]:
    """``names`` (from ``audit.log_page``, which looked up ``asked``) with the names of anyone
    else the entries name: an id kept otherwise than as plain digits, which this app never
    writes, is read by a statement of its own rather than shown as someone gone."""
    rest = person_ids(entries) - asked
    return {**names, **_names(rest)} if rest else names


def _noun(target_type: str) -> str:
    return TARGET_NOUNS.get(target_type) or re.sub(r"(?<!^)([A-Z])", r" \1",
                                                   target_type).lower()


Link = Callable[[int, str], str]


def _person(user_id: int | None, names: dict[int, str], link: Link | None) -> str:
    name = names.get(user_id or 0)
    if name is None:
        return SOMEONE_GONE
    return link(user_id, name) if link else name


def _target(entry: Any, names: dict[int, str], link: Link | None) -> str:
    if entry.target_type is None:
        raise KeyError("target")
    if entry.target_type in PERSON_TARGETS:
        return _person(_int(entry.target_id), names, link)
    noun = _noun(entry.target_type)
    return f"{noun} {entry.target_id}" if entry.target_id else noun


def _detail_value(key: str, value: Any, names: dict[int, str], link: Link | None) -> str:
    if key in PERSON_KEYS:
        return _person(_int(value), names, link)
    if key == "kind" and value in PROGRAMME_KINDS:
        return PROGRAMME_KINDS[value]
    if key == "role":
        role = next((r for r in Role if r.value == value), None)
        return role.label.lower() if role else str(value)
    if isinstance(value, str):
        return value.replace("_", " ")
    return str(value)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# Each phrase's places other than {actor}, worked out once rather than for every entry shown.
_PLACES = {action: tuple(sorted(_fields(p.text) - {"actor"})) for action, p in PHRASES.items()}


def _actor_name(entry: Any) -> tuple[int | None, str | None]:
    """Who did it: an ``audit.Entry`` (``audit.log_page``) carries the name (``actor_name``); an
    ``AuditEntry`` has its ``actor``."""
    if hasattr(entry, "actor_name"):
        return entry.actor_id, entry.actor_name
    actor = entry.actor
    return (actor.id, actor.display_name) if actor is not None else (None, None)


def sentence(entry: Any, names: dict[int, str], link: Link | None = None) -> str:
    """The entry as one plain sentence; ``names`` from ``names_for``.

    With ``link(user_id, name)`` (returning safe HTML) each person named becomes a link and
    the result is safe HTML, everything else in it escaped.
    """
    # Markup(text).format(...) escapes each value; escaping the values and formatting the
    # plain text gives the same HTML several times faster (50 entries a page).
    clean = escape if link else str
    actor_id, actor_name = _actor_name(entry)
    actor = None
    if actor_name is not None:
        actor = link(actor_id, actor_name) if link else actor_name
    who = clean(actor or "The system")
    p = PHRASES.get(entry.action)
    if p is None:
        return _done(f"{who}: {clean(entry.action)}", link)
    if p.alone and actor is None and entry.target_type is None:
        return _done(p.alone, link)
    values: dict[str, str] = {"actor": who}
    detail = entry.detail or {}
    text = p.text
    if detail:
        ones = frozenset(key for key, value in detail.items()
                         if type(value) is int and value == 1)
        if ones:
            text = _one_of(entry.action, ones)
    try:
        for name in _PLACES[entry.action]:
            if name == "target":
                values[name] = clean(_target(entry, names, link))
            else:
                values[name] = clean(_detail_value(name, detail[name], names, link))
    except KeyError:
        return _done(f"{who}: {clean(entry.action)}", link)
    return _done(text.format_map(values), link)


# Nouns counted in the phrases, and their singular: "1 row", not "1 rows".
SINGULAR = {"rows": "row", "members": "member", "copies": "copy", "profiles": "profile",
            "offers": "offer", "problems": "problem", "sets": "set", "people": "person",
            "places": "place"}
_COUNTED = re.compile(r"\{(\w+)\}((?: more| new| waiting)?) (" + "|".join(SINGULAR) + r")\b")


@cache
def _one_of(action: str, ones: frozenset[str]) -> str:
    """The action's phrase with each noun counted by a detail in ``ones`` (each 1) made
    singular."""
    def singular(m: re.Match) -> str:
        if m.group(1) not in ones:
            return m.group(0)
        return f"{{{m.group(1)}}}{m.group(2)} {SINGULAR[m.group(3)]}"
    return _COUNTED.sub(singular, PHRASES[action].text)


def _done(text: str, link: Link | None) -> str:
    return Markup(text) if link else text


# One entry of the admin's log, as its template wrote it: the time in two forms, then the
# sentence. The time is what strftime wrote ("%Y-%m-%dT%H:%MZ" and "%d %b %Y, %H:%M", in its C
# locale's English), put together without it: strftime cost about twice as much.
_ITEM_START = ('\n  <li>\n    <time datetime="%d-%02d-%02dT%02d:%02dZ">%02d %s %d, %02d:%02d'
               '</time>\n    <span class="audit-sentence">')
_ITEM_END = "</span>\n  </li>\n  "
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


def log_items(entries: Iterable[Any], names: dict[int, str], link: Link) -> Markup:
    """The admin log's list items for ``entries``, newest first as given: written out here
    rather than by a loop in the template (a page shows 50), every value escaped by
    ``sentence``."""
    parts: list[str] = []
    alike: dict[tuple, str] = {}  # entries with no detail, by who did what to whom (logins)
    for entry in entries:
        if entry.detail:
            words = sentence(entry, names, link)
        else:
            key = (entry.actor_id, entry.actor_name, entry.action, entry.target_type,
                   entry.target_id)
            words = alike.get(key)
            if words is None:
                words = alike[key] = sentence(entry, names, link)
        at = entry.created_at
        parts += (_ITEM_START % (at.year, at.month, at.day, at.hour, at.minute, at.day,
                                 _MONTHS[at.month], at.year, at.hour, at.minute),
                  words, _ITEM_END)
    return Markup("".join(parts))
