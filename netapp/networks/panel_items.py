"""The items of a network page's panels of next events and recent discussions, written as HTML
in Python.

Looping over them in Jinja cost the page about 0.1 ms (an address, a filter and an escape per
value). The markup is the templates' own, whitespace and all, and every value is escaped with
markupsafe as the templates would, so the page a reader gets is the same byte for byte
(tests/test_networks_pages.py checks the items against the templates' loops).
"""
from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup, escape

from netapp.services.sets import LONDON

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
