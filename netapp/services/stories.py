"""Leadership stories: writing, sharing with a network or everyone, thanks, featuring, hiding.

Who reads a story (docs/networks.md, "Leadership stories"): one shared with everyone, or with a
local network, any signed-in member; one shared with an affinity network, only that network's
confirmed members (404 for anyone else, staff included). The author edits and deletes their
own; leads of the network it is shared with feature one story on the network's page and hide
a story with a reason (coordinators and admins do that for stories shared with everyone).
Changes to affinity stories are audited as special-category events, as in discussions.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from netapp import reads
from netapp.data.lqf import LQF_CODE
from netapp.extensions import db
from netapp.models import (
    Dimension,
    Framework,
    Network,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    Role,
    Story,
    StoryThanks,
    User,
    story_dimensions,
)
from netapp.models.base import utcnow
from netapp.services import audit, networks, reference, sql_lists

STORIES_PER_PAGE = 10


class NotFound(Exception):
    """No such story, or the viewer may not know it exists (a 404)."""


class NotAllowed(Exception):
    """The viewer may read the story but not do this (the message says why)."""


# ------------------------------------------------------------------ reading


def dimensions() -> list[Dimension]:
    """The LQF's seven dimensions, in order (one query)."""
    return list(db.session.scalars(
        sa.select(Dimension).join(Framework).where(Framework.code == LQF_CODE)
        .order_by(Dimension.position)))


def dimension_choices() -> list[tuple[int, str]]:
    """(id, name) of the LQF's dimensions, in order, from this process's copy of the framework
    (no SQL once it is loaded)."""
    found = reference.shared("frameworks").get(LQF_CODE)
    if found is None:
        return [(d.id, d.name) for d in dimensions()]
    return [(d.id, d.name) for d in found.dimensions]


def _readable_by(viewer: User):
    """SQL (with Network outer-joined): the viewer may read the story."""
    mine = sa.select(NetworkMembership.network_id).where(NetworkMembership.user_id == viewer.id)
    allowed = [Story.network_id.is_(None), Network.kind != NetworkKind.AFFINITY]
    if viewer.is_verified:
        allowed.append(Story.network_id.in_(mine))
    return sa.or_(*allowed)


def can_read(viewer: User, story: Story, network: Network | None) -> bool:
    return network is None or networks.can_see_network(viewer, network)


def story_for_reading(viewer: User, story_id: int) -> tuple[Story, Network | None]:
    row = db.session.execute(
        sa.select(Story, Network).outerjoin(Network, Network.id == Story.network_id)
        .where(Story.id == story_id)).first()
    if row is None or not can_read(viewer, row[0], row[1]):
        raise NotFound(story_id)
    return row[0], row[1]


class StoryToEdit(NamedTuple):
    """A story as its edit form shows it: plain values, not the record."""

    id: int
    author_id: int
    network_id: int | None
    title: str
    body: str


def story_to_edit(viewer: User, story_id: int
                  ) -> tuple[StoryToEdit, list[int], list[tuple[str, str]]]:
    """For the edit form when only shown: the story as ``story_for_reading`` reads it (the
    same ``NotFound``; the caller checks it is the viewer's own), the ids of its dimensions
    and ``share_choices(viewer)``, in one statement of plain values."""
    found = reads.rows(_to_edit_statement(), {"story": story_id, "viewer": viewer.id})
    row = found[0] if found else None
    if row is None:
        raise NotFound(story_id)
    theirs = [int(i) for i in _json(row.networks) or ()]
    # As can_read: a story shared with an affinity network only for its confirmed members.
    if row.network_kind == NetworkKind.AFFINITY and not (
            viewer.is_verified and row.network_id in theirs):
        raise NotFound(story_id)
    return (StoryToEdit(*row[:5]), [int(tag) for tag in (row.tags or "").split(",") if tag],
            _share_choices(viewer, theirs))


def _json(value):
    # A JSON list comes back as its text where the driver does not read JSON.
    return json.loads(value) if isinstance(value, str) else value


@cache
def _to_edit_statement() -> sa.Select:
    """The statement behind ``story_to_edit``, built once per process (parameters ``story``
    and ``viewer``): the story's columns, its network's kind, its dimensions' ids joined with
    commas and the viewer's networks as ``share_choices`` orders them (a JSON list)."""
    tags = (sa.select(sa.func.aggregate_strings(
        sa.cast(story_dimensions.c.dimension_id, sa.String), ","))
        .where(story_dimensions.c.story_id == Story.id).scalar_subquery())
    theirs = (sa.select(NetworkMembership.network_id, NetworkMembership.joined_at)
              .where(NetworkMembership.user_id == sa.bindparam("viewer", type_=sa.Integer()))
              .order_by(NetworkMembership.joined_at, NetworkMembership.network_id).subquery())
    networks_list = sa.select(sql_lists.in_order(
        theirs.c.network_id, theirs.c.joined_at, theirs.c.network_id)).scalar_subquery()
    return (sa.select(Story.id, Story.author_id, Story.network_id, Story.title, Story.body,
                      Network.kind.label("network_kind"), tags.label("tags"),
                      networks_list.label("networks"))
            .outerjoin(Network, Network.id == Story.network_id)
            .where(Story.id == sa.bindparam("story", type_=sa.Integer())))


def can_moderate(viewer: User, network: Network | None) -> bool:
    """Leads of the story's network; for a story shared with everyone, coordinators and
    admins."""
    if network is None:
        return viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    return networks.is_lead(viewer.id, network.id)


@dataclass(frozen=True)
class Tag:
    """A framework dimension a story is tagged with."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class StoryCard:
    story: Story | StoryFacts
    author: str
    network: str | None
    dimensions: list[Tag]  # in the framework's order
    thanks: int
    thanked_by_me: bool


def _card_columns(viewer_id):
    """SQL columns beside a Story for its card: author's name, network's name, thanks, whether
    the viewer (``viewer_id``, maybe a bound parameter) thanked it, and its dimensions' ids and
    codes ("3:MS") joined with commas (so a list of stories and their cards come in one
    query)."""
    return (
        sa.select(User.display_name).where(User.id == Story.author_id).scalar_subquery(),
        sa.select(Network.name).where(Network.id == Story.network_id).scalar_subquery(),
        sa.select(sa.func.count()).where(StoryThanks.story_id == Story.id).scalar_subquery(),
        sa.exists().where(StoryThanks.story_id == Story.id, StoryThanks.user_id == viewer_id),
        sa.select(sa.func.aggregate_strings(
            sa.cast(Dimension.id, sa.String) + ":" + Dimension.code, ","))
        .select_from(story_dimensions)
        .join(Dimension, Dimension.id == story_dimensions.c.dimension_id)
        .where(story_dimensions.c.story_id == Story.id).scalar_subquery(),
    )


def _card_rows(viewer: User, stmt: sa.Select) -> list[StoryCard]:
    """The cards of the stories ``stmt`` (a select of Story) finds, in one query; the
    dimensions come from this process's copy of the framework."""
    return _cards_of(db.session.execute(stmt.add_columns(*_card_columns(viewer.id))))


def _cards_of(rows) -> list[StoryCard]:
    """Cards from rows of a Story and its ``_card_columns``."""
    # Names from the process's copy, not the framework copied into the session (that cost
    # more than the rest of a card).
    dims = reference.dimensions(LQF_CODE)
    cards = []
    for story, author, network, thanks, mine, tags in rows:
        ids = dict(reversed(tag.split(":", 1)) for tag in (tags or "").split(",") if tag)
        tagged = [Tag(int(ids[code]), code, name) for code, name in dims if code in ids]
        cards.append(StoryCard(story, author, network, tagged, thanks or 0, bool(mine)))
    return cards


def _cards(viewer: User, stories: list[Story]) -> list[StoryCard]:
    """What the pages show about each story, in one query however many."""
    if not stories:
        return []
    by_id = {c.story.id: c for c in _card_rows(
        viewer, sa.select(Story).where(Story.id.in_([s.id for s in stories])))}
    return [by_id[s.id] for s in stories]


def card(viewer: User, story: Story) -> StoryCard:
    return _cards(viewer, [story])[0]


@dataclass(frozen=True)
class StoryFacts:
    """A story as its own page and the hide form show it (plain values, not a loaded
    record)."""

    id: int
    author_id: int
    network_id: int | None
    title: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    featured_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str


@dataclass(frozen=True)
class StoryPage:
    """A story with everything its page decides for the viewer."""

    card: StoryCard
    network: Network | None
    is_author: bool
    can_moderate: bool
    can_feature: bool  # a lead of its network


@cache
def _page_statement() -> sa.Select:
    """The story (parameter ``story``) with its card's columns and whether the viewer
    (parameter ``viewer``) is in its network and has a lead row there: one statement, built
    once per process."""
    viewer = sa.bindparam("viewer")
    return (sa.select(Story.id, Story.author_id, Story.network_id, Story.title, Story.body,
                      Story.created_at, Story.edited_at, Story.featured_at, Story.hidden_at,
                      Story.hidden_reason, *_card_columns(viewer),
                      sa.exists().where(NetworkMembership.user_id == viewer,
                                        NetworkMembership.network_id == Story.network_id),
                      sa.exists().where(NetworkLead.user_id == viewer,
                                        NetworkLead.network_id == Story.network_id))
            .where(Story.id == sa.bindparam("story")))


def story_page(viewer: User, story_id: int) -> StoryPage:
    """The story for its page (or its hide form) in one statement: NotFound as
    ``story_for_reading`` raises it, with the same decisions as ``can_read``,
    ``can_moderate`` and ``networks.is_lead``."""
    rows = reads.raw_rows(_page_statement(), {"viewer": viewer.id, "story": story_id})
    if not rows:
        raise NotFound(story_id)
    *facts, author, network_name, thanks, mine, tags, is_member, has_lead_row = rows[0]
    story = StoryFacts(*facts)
    network = None
    if story.network_id is not None:
        network = reference.shared("networks").get(story.network_id)
        if network is None:  # added since this process loaded its copy
            network = next(iter(reference.networks([story.network_id])), None)
        if network is None:
            raise NotFound(story_id)
    if network is not None and network.is_affinity and not (viewer.is_verified and is_member):
        raise NotFound(story_id)
    # A lead who has left an affinity network no longer leads it (networks.is_lead).
    is_lead = network is not None and bool(has_lead_row) and (
        not network.is_affinity or bool(is_member))
    card = _cards_of([(story, author, network_name, thanks, mine, tags)])[0]
    return StoryPage(card, network, story.author_id == viewer.id,
                     is_lead if network is not None
                     else viewer.has_role(Role.COORDINATOR, Role.ADMIN),
                     is_lead)


def stories_page(viewer: User, page: int, dimension: Dimension | None = None,
                 per_page: int = STORIES_PER_PAGE):
    """A page of the stories the viewer may read, newest first, optionally only those tagged
    with ``dimension``. Hidden stories are left out, but for their author."""
    query = (sa.select(Story).outerjoin(Network, Network.id == Story.network_id)
             .where(_readable_by(viewer),
                    sa.or_(Story.hidden_at.is_(None), Story.author_id == viewer.id))
             .order_by(Story.created_at.desc(), Story.id.desc()))
    if dimension is not None:
        query = query.where(Story.id.in_(sa.select(story_dimensions.c.story_id).where(
            story_dimensions.c.dimension_id == dimension.id)))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    result.cards = _cards(viewer, result.items)
    return result


def featured_for_network(network_id: int, viewer: User,
                         visible: bool | None = None) -> StoryCard | None:
    """The story a lead featured on this network's page, if the viewer may read it.
    ``visible``: whether the viewer may see the network, when the caller has worked it out."""
    network = db.session.get(Network, network_id)
    if network is None or not (networks.can_see_network(viewer, network) if visible is None
                               else visible):
        return None
    cards = _cards_of(db.session.execute(_featured_statement(),
                                         {"viewer": viewer.id, "network": network_id}))
    return cards[0] if cards else None


@cache
def _featured_statement():
    """The statement behind ``featured_for_network``, built once per process: parameters
    ``viewer`` and ``network``."""
    return (sa.select(Story, *_card_columns(sa.bindparam("viewer")))
            .where(Story.network_id == sa.bindparam("network"), Story.featured_at.is_not(None),
                   Story.hidden_at.is_(None))
            .order_by(Story.featured_at.desc()).limit(1))


def share_choices(user: User) -> list[tuple[str, str]]:
    """Where the member may share a story: everyone, or one of their networks."""
    ids = list(db.session.scalars(
        sa.select(NetworkMembership.network_id).where(NetworkMembership.user_id == user.id)
        .order_by(NetworkMembership.joined_at, NetworkMembership.network_id)))
    return _share_choices(user, ids)


def _share_choices(user: User, ids: list[int]) -> list[tuple[str, str]]:
    """``share_choices`` from the ids of the member's networks, in the order they joined."""
    # The networks' names from this process's copy, nothing merged into the request.
    kept = reference.shared("networks")
    if any(i not in kept for i in ids):
        kept = {n.id: n for n in reference.networks(ids)}
    return [("everyone", "Everyone on the site")] + [
        (str(i), kept[i].name) for i in ids
        if i in kept and (not kept[i].is_affinity or user.is_verified)]


# ------------------------------------------------------------------ writing


def _audit(actor: User, network: Network | None, action: str, target, **detail) -> None:
    if network is not None and network.is_affinity:
        audit.record_special("affinity_content.changed")
    else:
        audit.record(actor, action, target, network=network.code if network else None,
                     **detail)


def _network_for_sharing(author: User, share: str) -> Network | None:
    if share == "everyone":
        return None
    allowed = {value for value, _ in share_choices(author)}
    if share not in allowed:
        raise NotAllowed("Choose one of your networks, or everyone.")
    return db.session.get(Network, int(share))


def _set_dimensions(story: Story, dimension_ids: list[int]) -> None:
    valid = {d.id for d in dimensions()}
    chosen = sorted(set(dimension_ids) & valid)
    if not chosen:
        raise NotAllowed("Choose at least one part of the framework your story is about.")
    db.session.execute(sa.delete(story_dimensions).where(story_dimensions.c.story_id == story.id))
    db.session.execute(sa.insert(story_dimensions),
                       [{"story_id": story.id, "dimension_id": d} for d in chosen])


def write(author: User, title: str, body: str, dimension_ids: list[int], share: str) -> Story:
    network = _network_for_sharing(author, share)
    story = Story(author_id=author.id, network_id=network.id if network else None,
                  title=title.strip(), body=body)
    db.session.add(story)
    db.session.flush()
    _set_dimensions(story, dimension_ids)
    _audit(author, network, "story.written", story)
    db.session.commit()
    return story


def edit(author: User, story: Story, title: str, body: str, dimension_ids: list[int],
         share: str) -> None:
    if story.author_id != author.id:
        raise NotFound(story.id)
    network = _network_for_sharing(author, share)
    old_network = db.session.get(Network, story.network_id) if story.network_id else None
    new_id = network.id if network else None
    if new_id != story.network_id:
        story.featured_at = None  # featured by the old network's leads, for their page
    story.title, story.body, story.network_id = title.strip(), body, new_id
    story.edited_at = utcnow()
    _set_dimensions(story, dimension_ids)
    _audit(author, network or old_network, "story.edited", story)
    db.session.commit()


def delete(author: User, story: Story, network: Network | None) -> None:
    if story.author_id != author.id:
        raise NotFound(story.id)
    _audit(author, network, "story.deleted", story)
    db.session.execute(sa.delete(StoryThanks).where(StoryThanks.story_id == story.id))
    db.session.execute(sa.delete(story_dimensions).where(story_dimensions.c.story_id == story.id))
    db.session.delete(story)
    db.session.commit()


def toggle_thanks(user: User, story: Story, network: Network | None) -> bool:
    """Thank the story, or take the thanks back; True when it is now thanked."""
    if story.author_id == user.id:
        raise NotAllowed("This is your own story: others can thank it.")
    if story.hidden_at is not None:
        raise NotAllowed("This story is hidden, so it can't be thanked.")
    existing = db.session.get(StoryThanks, (story.id, user.id))
    if existing is not None:
        db.session.delete(existing)
        thanked = False
    else:
        db.session.add(StoryThanks(story_id=story.id, user_id=user.id))
        thanked = True
    _audit(user, network, "story.thanked" if thanked else "story.unthanked", story)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # thanked twice at once: once is what counts
        db.session.rollback()
        return True
    return thanked


def toggle_feature(lead: User, story: Story, network: Network | None) -> bool:
    """Feature the story on its network's page (replacing any other), or stop featuring it."""
    if network is None or not networks.is_lead(lead.id, network.id):
        raise NotAllowed("Only the leads of the network a story is shared with can feature it.")
    if story.hidden_at is not None:
        raise NotAllowed("A hidden story can't be featured.")
    featured = story.featured_at is None
    db.session.execute(sa.update(Story).where(Story.network_id == network.id,
                                              Story.featured_at.is_not(None))
                       .values(featured_at=None))
    story.featured_at = utcnow() if featured else None
    _audit(lead, network, "story.featured" if featured else "story.unfeatured", story)
    db.session.commit()
    return featured


def hide(moderator: User, story: Story, network: Network | None, reason: str) -> None:
    if not can_moderate(moderator, network):
        raise NotAllowed("Only the network's leads can hide its stories.")
    story.hidden_at = utcnow()
    story.hidden_by_id = moderator.id
    story.hidden_reason = reason.strip()
    story.featured_at = None
    _audit(moderator, network, "story.hidden", story, reason=reason.strip())
    db.session.commit()


# ------------------------------------------------------------------ export


def stories_of(user: User) -> list[dict]:
    """The member's own stories, for their data export (thanks counted, not named)."""
    rows = db.session.execute(
        sa.select(Story, Network.name).outerjoin(Network, Network.id == Story.network_id)
        .where(Story.author_id == user.id).order_by(Story.id)).all()
    cards = {c.story.id: c for c in _cards(user, [s for s, _ in rows])}
    return [{"title": story.title, "text": story.body, "shared_with": network or "everyone",
             "written_at": story.created_at.isoformat(timespec="seconds"),
             "dimensions": [d.name for d in cards[story.id].dimensions],
             "thanks": cards[story.id].thanks,
             "hidden_reason": story.hidden_reason if story.hidden_at else None}
            for story, network in rows]
