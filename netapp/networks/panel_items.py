"""The items of a network page's panels of next events and recent discussions, written as HTML
in Python, and the panels themselves kept as HTML (``kept_panels``).

Looping over them in Jinja cost the page about 0.1 ms (an address, a filter and an escape per
value). The markup is the templates' own, whitespace and all, and every value is escaped with
markupsafe as the templates would, so the page a reader gets is the same byte for byte
(tests/test_networks_pages.py checks the items against the templates' loops).
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, render_template, request, url_for
from markupsafe import Markup, escape

from netapp.services import network_panels, reference
from netapp.services.sets import LONDON

# At most this many networks' panels kept as HTML in a process (a few kilobytes each); past
# it, all are forgotten and written again as they are asked for.
KEPT_MOST = 1024

# Dates in the words ``events.short_when`` and ``discussions.talk_time`` write with strftime
# (its C locale's English names), put together here without it: strftime cost each item
# about 15 microseconds.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _london(moment: datetime) -> datetime:
    """A stored UTC time in UK time (as ``sets.to_london``)."""
    return moment.replace(tzinfo=UTC).astimezone(LONDON)


def _short_when(moment: datetime) -> str:
    """``events.short_when``: "Mon 30 Nov 2026, 18:00"."""
    start = _london(moment)
    return (f"{_DAYS[start.weekday()]} {start.day} {_MONTHS[start.month][:3]} {start.year}, "
            f"{start.hour:02d}:{start.minute:02d}")


def _day(moment: datetime, with_year: bool = True) -> str:
    """``discussions.talk_time`` without the time: "30 November 2026" (or "30 November")."""
    day = _london(moment)
    return f"{day.day} {_MONTHS[day.month]} {day.year}" if with_year \
        else f"{day.day} {_MONTHS[day.month]}"


def event_items(events, event_path: Markup) -> Markup:
    """The ``<li>`` of each of ``network_panels.PanelEvent``, as the events panel lists them:
    its title linked to its page (``event_path`` and its id), when and whether it is online."""
    return Markup("".join(
        f'<li><a href="{event_path}{event.id}">{escape(event.title)}</a><br>'
        f'<span class="hint">{_short_when(event.starts_at)}, '
        f'{"online" if event.is_online else "in person"}</span></li>'
        for event in events))


def thread_items(threads, thread_path: Markup) -> Markup:
    """The ``<li>`` of each of ``network_panels.PanelThread``, as the discussions panel lists
    them: its title (or that a lead hid it) linked to the thread (``thread_path`` and its id),
    its number of posts and the day of the last."""
    parts = []
    for thread in threads:
        title = "A discussion hidden by a network lead" if thread.is_hidden \
            else escape(thread.title)
        posts = "post" if thread.post_count == 1 else "posts"
        day = _day(thread.last_post_at, with_year=False)
        parts.append(
            f'\n    <li><a href="{thread_path}{thread.id}">{title}</a> <span class="hint">'
            f'({thread.post_count} {posts}, last <time datetime="'
            f'{escape(thread.last_post_at.isoformat())}">{day}</time>)</span></li>\n    ')
    return Markup("".join(parts))


def story_card(card, story_path: Markup) -> Markup:
    """A ``StoryCard`` as ``templates/networks/stories/_card.html`` writes it with a third-level
    heading, for the panel of the story a network's leads feature."""
    story = card.story
    thanks = "" if not card.thanks else \
        f" · thanked {card.thanks} {'time' if card.thanks == 1 else 'times'}"
    hidden = " · <strong>hidden by a network lead</strong>" if story.hidden_at else ""
    tags = "" if not card.dimensions else (
        '<ul class="tag-list" aria-label="About">'
        + "".join(f'<li class="tag">{escape(tag.name)}</li>' for tag in card.dimensions)
        + "</ul>")
    return Markup(
        f'\n<h3><a href="{story_path}{story.id}">{escape(story.title)}</a></h3>\n'
        f'<p class="post-meta">By <strong>{escape(card.author)}</strong> · '
        f'<time datetime="{escape(story.created_at.isoformat())}">'
        f'{_day(story.created_at)}</time> · '
        f'shared with {escape(card.network or "everyone")}{thanks}{hidden}</p>\n{tags}')


def kept_panels(network, by_part: dict[str, list]) -> Markup:
    """A network page's panels of its featured story, next events and recent discussions
    (templates/networks/network_panels.html), from the page's rows of ``network_panels.parts``.

    They are the same for everyone who may see the network, so this process keeps them as HTML
    by everything they show: where the site is mounted, the network's id and name, each
    panel's rows as this request read them and, when the story has tags, the process's copy of
    the framework that names them (the same object until it is loaded again). Anything changed
    gives other rows or another copy, so the next page writes them again. Writing them cost
    the page about 0.15 ms.
    """
    story = by_part.get("story", ())
    framework = reference.shared("frameworks") if story and story[0][8] else None
    # Rows as plain tuples: a kept row would keep its statement's result description too.
    key = (request.script_root, network.id, network.name,
           *(tuple(map(tuple, by_part.get(part, ()))) for part in ("event", "thread", "story")))
    store = current_app.extensions.setdefault("network_panels_html", {})
    found = store.get(key)
    if found is not None and found[0] is framework:
        return found[1]
    panels = network_panels.from_rows(by_part, network.name)
    # Addresses built once, each id added to them (not url_for per item).
    html = Markup(render_template(
        "networks/network_panels.html", network=network, story=panels.story,
        events=panels.events, threads=panels.threads,
        event_items=event_items(
            panels.events, escape(url_for("networks.event_page", event_id=0)[:-1])),
        thread_items=thread_items(
            panels.threads, escape(url_for("networks.discussion", thread_id=0)[:-1])),
        story_html=panels.story and story_card(
            panels.story, escape(url_for("networks.story", story_id=0)[:-1]))))
    if len(store) >= KEPT_MOST:
        store.clear()
    store[key] = (framework, html)
    return html
