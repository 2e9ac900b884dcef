"""The panels of a network's page: its next events, its most recently active discussions and
the story its leads feature. They are read in the same statement as the page's people
(``networks.standing_and_people``, ``networks.people_panels``) as plain rows, not ORM objects.

Only a viewer who may see the network gets here (``networks.can_see_network``): the page
answers "not found" before reading anything else of an affinity network.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from netapp.data.lqf import LQF_CODE
from netapp.models import (
    Dimension,
    DiscussionPost,
    DiscussionThread,
    Event,
    Story,
    StoryThanks,
    User,
    story_dimensions,
)
from netapp.services import reference
from netapp.services.stories import StoryCard, Tag

# As many as upcoming_for_network and recent_threads show by default.
NEXT_EVENTS = 3
RECENT_THREADS = 5


def _number(value: int):
    """SQL: a constant number written into the statement, not sent as a parameter: the
    page's statement is built once per process, and has fewer values to pass each time."""
    return sa.literal_column(str(int(value)), sa.Integer)


_ONE, _ZERO = _number(1), _number(0)


class _joined(FunctionElement):
    """SQL: the values joined with commas (an aggregate), the comma written into the SQL:
    ``aggregate_strings`` sends it as a value that SQLAlchemy writes into the statement's text
    afresh on every execution."""

    type = sa.String()
    name = "joined"
    inherit_cache = True


@compiles(_joined)
def _group_concat(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(_joined, "postgresql")
def _string_agg(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


# Named tuples rather than dataclasses: a page builds about ten, and a frozen dataclass cost
# each about a microsecond a field to build.
class PanelEvent(NamedTuple):
    """One of the network's next events, as its panel shows it."""

    id: int
    title: str
    starts_at: datetime
    is_online: bool


class PanelThread(NamedTuple):
    """One of the network's recent discussions, as its panel shows it."""

    id: int
    title: str
    post_count: int
    last_post_at: datetime
    is_hidden: bool  # its opening post was hidden by a lead


class FeaturedStory(NamedTuple):
    """The fields of a featured story its card shows (never hidden: a hidden story is not
    featured)."""

    id: int
    title: str
    created_at: datetime
    hidden_at: None = None


class Panels(NamedTuple):
    events: list[PanelEvent]
    threads: list[PanelThread]
    story: StoryCard | None


def parts(part, network) -> list[sa.Select]:
    """The panels' rows for the page's statement: ``part(kind, id, name, flag, count, pos,
    at, by, tags)`` makes one row's columns; ``network`` is the network's id as SQL. Parameters
    ``now`` (the events shown end after it) and ``viewer`` (whether they thanked the story).
    """
    events = (sa.select(Event.id, Event.title, Event.is_online, Event.starts_at,
                        sa.func.row_number().over(order_by=(Event.starts_at, Event.id))
                        .label("pos"))
              .where(Event.network_id == network,
                     Event.ends_at > sa.bindparam("now", type_=sa.DateTime()),
                     Event.cancelled_at.is_(None))
              .order_by(Event.starts_at, Event.id).limit(_number(NEXT_EVENTS)).subquery())
    opening_hidden = (sa.select(DiscussionPost.hidden_at)
                      .where(DiscussionPost.thread_id == DiscussionThread.id)
                      .order_by(DiscussionPost.id).limit(_ONE).scalar_subquery())
    thread_order = (DiscussionThread.last_post_at.desc(), DiscussionThread.id.desc())
    threads = (sa.select(DiscussionThread.id, DiscussionThread.title,
                         DiscussionThread.post_count, DiscussionThread.last_post_at,
                         sa.case((opening_hidden.is_not(None), _ONE), else_=_ZERO)
                         .label("hidden"),
                         sa.func.row_number().over(order_by=thread_order).label("pos"))
               .where(DiscussionThread.network_id == network)
               .order_by(*thread_order).limit(_number(RECENT_THREADS)).subquery())
    author = sa.select(User.display_name).where(User.id == Story.author_id).scalar_subquery()
    thanks = (sa.select(sa.func.count()).where(StoryThanks.story_id == Story.id)
              .scalar_subquery())
    tags = (sa.select(_joined(sa.cast(Dimension.id, sa.String) + sa.literal_column("':'")
                              + Dimension.code))
            .select_from(story_dimensions)
            .join(Dimension, Dimension.id == story_dimensions.c.dimension_id)
            .where(story_dimensions.c.story_id == Story.id).scalar_subquery())
    mine = sa.case((sa.exists().where(StoryThanks.story_id == Story.id,
                                      StoryThanks.user_id == sa.bindparam("viewer")), _ONE),
                   else_=_ZERO)
    story = (sa.select(Story.id, Story.title, Story.created_at, author.label("author"),
                       thanks.label("thanks"), mine.label("mine"), tags.label("tags"))
             .where(Story.network_id == network, Story.featured_at.is_not(None),
                    Story.hidden_at.is_(None))
             .order_by(Story.featured_at.desc()).limit(_ONE).subquery())
    return [
        sa.select(*part("event", events.c.id, events.c.title,
                        flag=sa.case((events.c.is_online, _ONE), else_=_ZERO), pos=events.c.pos,
                        at=events.c.starts_at)),
        sa.select(*part("thread", threads.c.id, threads.c.title, flag=threads.c.hidden,
                        count=threads.c.post_count, pos=threads.c.pos,
                        at=threads.c.last_post_at)),
        sa.select(*part("story", story.c.id, story.c.title, flag=story.c.mine,
                        count=story.c.thanks,
                        at=story.c.created_at, by=story.c.author, tags=story.c.tags)),
    ]


def from_rows(by_part: dict[str, list], network_name: str) -> Panels:
    """The panels from the page's rows of ``parts``, grouped by part in order. Columns are
    read by position (``networks._part``: part, id, name, flag, n, pos, at, by, tags): by
    name, each cost about half a microsecond."""
    story = None
    for row in by_part.get("story", ()):
        story = StoryCard(FeaturedStory(row[1], row[2], row[6]), row[7], network_name,
                          _tags(row[8]), row[4] or 0, bool(row[3]))
    return Panels(
        [PanelEvent(r[1], r[2], r[6], bool(r[3])) for r in by_part.get("event", ())],
        [PanelThread(r[1], r[2], r[4], r[6], bool(r[3])) for r in by_part.get("thread", ())],
        story,
    )


def _tags(joined: str | None) -> list[Tag]:
    """Dimensions from ids and codes joined as "3:MS,5:PL", in the framework's order (names
    from this process's copy, as stories' cards do; not looked up for a story without tags)."""
    if not joined:
        return []
    ids = {code: id_ for id_, code in (tag.split(":", 1) for tag in joined.split(",") if tag)}
    return [Tag(int(ids[code]), code, name)
            for code, name in reference.dimensions(LQF_CODE) if code in ids]
