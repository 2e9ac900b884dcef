"""Local networks (one per council, joined automatically) and affinity networks.

Affinity networks are opt-in and joined only with the member's consent. Who sees whom in a
network is decided here, once, for the network pages and for profiles alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    LocalAuthority,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    Profile,
    Role,
    User,
)
from netapp.models.base import utcnow
from netapp.models.networks import NetworkTally
from netapp.services import audit, paging, reference, sql_lists
from netapp.services.audiences import AREA_DEFAULT, AUDIENCES, COORDINATORS, EVERYONE, NETWORKS

# Bump when the consent wording in templates/members/_consent.html changes.
CONSENT_VERSION = "2026-11-v2"

# A count of affinity members below this is never shown: with a handful of people, a number
# that changes by one tells watchers who has just joined or left.
SMALLEST_COUNT = 5
# How many of this month's new members a network's page names.
NEW_SHOWN = 10


class EmailNotConfirmed(Exception):
    """Raised when an account whose email is not confirmed tries to join or list itself."""


def local_network_code(local_authority_id: int) -> str:
    return f"local-{local_authority_id}"


def ensure_local_network(local_authority: LocalAuthority) -> Network:
    network = db.session.execute(
        sa.select(Network).where(Network.local_authority_id == local_authority.id)
    ).scalar_one_or_none()
    if network is None:
        network = Network(
            kind=NetworkKind.LOCAL,
            code=local_network_code(local_authority.id),
            name=f"{local_authority.name} Registered Managers network",
            description=f"Registered Managers working in {local_authority.name}.",
            local_authority_id=local_authority.id,
        )
        db.session.add(network)
        db.session.flush()
    return network


def sync_local_membership(user: User, local_authority: LocalAuthority | None) -> None:
    """Put the member in the local network for their council, and only that one (no commit)."""
    keep = ensure_local_network(local_authority).id if local_authority else None
    current = db.session.scalars(
        sa.select(NetworkMembership).join(Network)
        .where(NetworkMembership.user_id == user.id, Network.kind == NetworkKind.LOCAL)
    ).all()
    for membership in current:
        if membership.network_id != keep:
            db.session.delete(membership)
    if keep is not None and all(m.network_id != keep for m in current):
        db.session.add(NetworkMembership(user_id=user.id, network_id=keep))


def affinity_networks() -> list[Network]:
    """The affinity networks in the order they were made, from this process's copy of
    reference data (no SQL). Read them only: they belong to no request's session."""
    return [n for n in reference.shared("networks").values() if n.kind is NetworkKind.AFFINITY]


def by_code(code: str) -> Network | None:
    return db.session.execute(sa.select(Network).where(Network.code == code)).scalar_one_or_none()


def memberships(user_id: int) -> list[NetworkMembership]:
    """The member's memberships, oldest first, each with its network from this process's copy
    (one query)."""
    found = list(db.session.scalars(
        sa.select(NetworkMembership).where(NetworkMembership.user_id == user_id)
        .options(lazyload(NetworkMembership.network))
        .order_by(NetworkMembership.joined_at, NetworkMembership.network_id)
    ))
    kept = {n.id: n for n in reference.networks({m.network_id for m in found})}
    for membership in found:
        set_committed_value(membership, "network", kept.get(membership.network_id))
    return found


def is_member(user_id: int, network_id: int) -> bool:
    return db.session.get(NetworkMembership, (user_id, network_id)) is not None


def is_lead(user_id: int, network_id: int) -> bool:
    """True when the member leads the network (leads create its events, hide posts, feature
    stories). For an affinity network a lead who has left it is no longer treated as a lead."""
    if db.session.get(NetworkLead, (network_id, user_id)) is None:
        return False
    network = db.session.get(Network, network_id)
    return network is not None and (not network.is_affinity or is_member(user_id, network_id))


def join_affinity(user: User, network: Network, consent_version: str = CONSENT_VERSION) -> bool:
    """Join with explicit consent, recorded with its wording's version and time.

    Only confirmed accounts may join: an address nobody proved they own costs nothing, and a
    throwaway account must not be a way into a network's member list.
    """
    if not network.is_affinity:
        raise ValueError(f"{network.code!r} is not an affinity network")
    if not user.is_verified:
        raise EmailNotConfirmed(user.id)
    if is_member(user.id, network.id):
        return False
    now = utcnow()
    db.session.add(NetworkMembership(user_id=user.id, network_id=network.id, joined_at=now,
                                     consent_text_version=consent_version,
                                     consent_given_at=now, is_listed=False))
    # The person's own record of consent is the membership row (wording version and time). The
    # audit log, which admins read, notes only that a consent happened that day: naming the
    # person, even without the network, would show admins outside the network that they are in
    # one.
    audit.record_special("consent.given", kind="affinity", consent_version=consent_version)
    db.session.commit()
    return True


def withdraw(user: User, network: Network) -> bool:
    """Leave an affinity network: the membership and its consent record go at once."""
    if not network.is_affinity:
        raise ValueError(f"{network.code!r} is not an affinity network")
    deleted = db.session.execute(
        sa.delete(NetworkMembership).where(NetworkMembership.user_id == user.id,
                                           NetworkMembership.network_id == network.id)
    ).rowcount
    if deleted:
        # Leading the network ends with the membership.
        db.session.execute(sa.delete(NetworkLead).where(NetworkLead.user_id == user.id,
                                                        NetworkLead.network_id == network.id))
        audit.record_special("consent.withdrawn", kind="affinity")
    db.session.commit()
    return bool(deleted)


def set_listed(user: User, network: Network, listed: bool) -> bool:
    """Show or hide the member on an affinity network's list; False when nothing changed."""
    membership = db.session.get(NetworkMembership, (user.id, network.id))
    if membership is None or not network.is_affinity:
        raise ValueError(f"user {user.id} is not in the affinity network {network.code!r}")
    if listed and not user.is_verified:
        raise EmailNotConfirmed(user.id)
    if membership.is_listed is listed:
        return False
    membership.is_listed = listed
    audit.record_special("listing.turned_on" if listed else "listing.turned_off")
    db.session.commit()
    return True


# ------------------------------------------------------------------ who sees whom
#
# A member is "listed" for a viewer in a network when the viewer may see them on its page:
# - affinity network: the viewer is a confirmed member of it and the person chose to be listed.
#   Roles add nothing: a coordinator or admin who joins sees what any member sees.
# - local network: the network names the council, so it follows who may see the person's
#   council area. Fellow members are "my networks"; coordinators and admins also see areas
#   meant for coordinators; "Only me" hides the person from everyone else.
# The same rule decides which of a person's networks their profile shows, and which networks
# make the viewer one of the "people in my networks": sharing a network where the person is
# not listed must not open those fields, or the fields would say which network is shared.


def _area_audience(choice=None):
    """The member's chosen audience for their council area, as SQL: from their Profile
    (joined), or from ``choice``, a copy of it (``NetworkMembership.member_area``)."""
    if choice is None:
        choice = Profile.visibility["area"].as_string()
    return sa.func.coalesce(choice, _word(AREA_DEFAULT))


def _area_seen_by(audiences: set[str], choice=None):
    """SQL: the member's council area is shown to a viewer in these audiences (``choice``:
    as ``_area_audience``).

    Written as "not hidden" so an unknown stored value falls back to the default, as
    profiles.visibility_of does. The hidden audiences are written into the SQL as words: a
    list of plain values would be expanded into a kept statement's SQL on every execution.
    """
    return _area_audience(choice).not_in([_word(audience)
                                          for audience in sorted(set(AUDIENCES) - audiences)])


def _word(value: str):
    """SQL: one of this module's constant words (an audience) written into the statement, not
    sent as a parameter: a statement built once per process then has fewer values to pass on
    each execution."""
    return sa.literal_column(f"'{value}'", sa.String)


def _local_audiences(viewer: User, is_fellow_member: bool) -> set[str]:
    """The viewer's audiences for people on a local network's list (as in
    profiles.audiences_for, where a fellow member is "my networks" through this network)."""
    seen = {EVERYONE}
    if is_fellow_member:
        seen.add(NETWORKS)
    if viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        seen |= {NETWORKS, COORDINATORS}
    return seen


def shares_network(viewer: User, owner_id: int) -> bool:
    """True when the viewer is in a network where they can see the owner listed."""
    theirs = aliased(NetworkMembership)
    listed = [
        sa.and_(Network.kind == NetworkKind.LOCAL, _area_seen_by({EVERYONE, NETWORKS})),
        Network.kind == NetworkKind.NATIONAL,
    ]
    if viewer.is_verified:
        listed.append(sa.and_(Network.kind == NetworkKind.AFFINITY, theirs.is_listed.is_(True)))
    return db.session.execute(
        sa.select(sa.literal(1)).select_from(NetworkMembership)
        .join(theirs, theirs.network_id == NetworkMembership.network_id)
        .join(Network, Network.id == NetworkMembership.network_id)
        .outerjoin(Profile, Profile.user_id == theirs.user_id)
        .where(NetworkMembership.user_id == viewer.id, theirs.user_id == owner_id,
               sa.or_(*listed))
        .limit(1)
    ).first() is not None


def sharing_network(viewer: User, owner_ids: list[int]) -> set[int]:
    """Of ``owner_ids``, those for whom ``shares_network(viewer, id)`` holds, in one query."""
    if not owner_ids:
        return set()
    theirs = aliased(NetworkMembership)
    listed = [
        sa.and_(Network.kind == NetworkKind.LOCAL, _area_seen_by({EVERYONE, NETWORKS})),
        Network.kind == NetworkKind.NATIONAL,
    ]
    if viewer.is_verified:
        listed.append(sa.and_(Network.kind == NetworkKind.AFFINITY, theirs.is_listed.is_(True)))
    return set(db.session.scalars(
        sa.select(theirs.user_id).distinct().select_from(NetworkMembership)
        .join(theirs, theirs.network_id == NetworkMembership.network_id)
        .join(Network, Network.id == NetworkMembership.network_id)
        .outerjoin(Profile, Profile.user_id == theirs.user_id)
        .where(NetworkMembership.user_id == viewer.id, theirs.user_id.in_(owner_ids),
               sa.or_(*listed))
    ))


def shares_network_sql(viewer_id, is_verified: bool, person_id):
    """SQL: ``shares_network(viewer, person_id)`` for a row with the person's Profile (outer)
    joined, as one correlated test: for a few people (a set's members), where reading the
    viewer's networks' whole memberships once (``in_sharing_network``) would cost more.
    ``viewer_id`` may be a bound parameter, so a statement can be built once per process."""
    mine, theirs = aliased(NetworkMembership), aliased(NetworkMembership)
    listed = [
        sa.and_(Network.kind == NetworkKind.LOCAL, _area_seen_by({EVERYONE, NETWORKS})),
        Network.kind == NetworkKind.NATIONAL,
    ]
    if is_verified:
        listed.append(sa.and_(Network.kind == NetworkKind.AFFINITY, theirs.is_listed.is_(True)))
    # The viewer's networks are read once for the whole statement (``sql_lists.one_of``),
    # not joined again for each person.
    viewers_networks = (sa.select(mine.network_id).where(mine.user_id == viewer_id)
                        .scalar_subquery())
    return (sa.exists().where(theirs.user_id == person_id,
                              sql_lists.one_of(theirs.network_id, viewers_networks),
                              Network.id == theirs.network_id, sa.or_(*listed))
            .correlate_except(theirs, Network))


def in_sharing_network(viewer: User, person=Profile):
    """SQL: ``shares_network(viewer, person.user_id)`` for a row with the person's Profile
    (``person``) joined, as two uncorrelated subqueries worked out once per search.

    The council-area rule of a local network is checked on the person's own profile row, which
    the query has already read, so the subqueries read only memberships: joining every
    fellow member's profile to check it there cost a scan of all profiles.
    """
    mine, theirs = aliased(NetworkMembership), aliased(NetworkMembership)

    def members_of(*kinds):
        return (
            sa.select(theirs.user_id).select_from(mine)
            .join(theirs, theirs.network_id == mine.network_id)
            .join(Network, Network.id == mine.network_id)
            .where(mine.user_id == viewer.id, sa.or_(*kinds))
        )

    listed = [Network.kind == NetworkKind.NATIONAL]
    if viewer.is_verified:
        listed.append(sa.and_(Network.kind == NetworkKind.AFFINITY, theirs.is_listed.is_(True)))
    area = sa.func.coalesce(person.visibility["area"].as_string(), AREA_DEFAULT)
    return sa.or_(
        person.user_id.in_(members_of(*listed)),
        sa.and_(area.not_in(sorted(set(AUDIENCES) - {EVERYONE, NETWORKS})),
                person.user_id.in_(members_of(Network.kind == NetworkKind.LOCAL))),
    )


def networks_seen_by(viewer: User, owner_id: int, area_visible: bool) -> list[Network]:
    """The owner's networks that the viewer may know about.

    ``area_visible`` says whether the viewer may see the owner's council area, which decides
    whether they may see the owner's local network.
    """
    if viewer.id == owner_id:
        return [m.network for m in memberships(owner_id)]
    mine = {m.network_id for m in memberships(viewer.id)}
    return [m.network for m in memberships(owner_id)
            if network_seen(viewer, m.network, m.is_listed, m.network_id in mine, area_visible)]


def network_seen(viewer: User, network: Network, is_listed: bool, viewer_is_in: bool,
                 area_visible: bool) -> bool:
    """Whether the viewer may know that someone else is in ``network``: an affinity network
    only to its confirmed members, and only when the person chose to be listed; a local
    network only when the viewer may see the person's council area (``area_visible``)."""
    if network.is_affinity:
        return bool(viewer.is_verified and is_listed and viewer_is_in)
    if network.kind is NetworkKind.LOCAL:
        return area_visible
    return True


def can_see_network(viewer: User, network: Network) -> bool:
    """Affinity networks: their confirmed members only. Local and national networks: every
    signed-in member, since networks are there to connect people across councils too (each
    person on the list still shows only as their council-area choice allows)."""
    if network.is_affinity:
        return viewer.is_verified and is_member(viewer.id, network.id)
    return True


def _listed_for(viewer: User, network: Network, member: bool | None = None):
    """SQL: a membership row of ``network`` is on the list the viewer sees. ``member``: whether
    the viewer is in the network, when the caller has already read it."""
    if network.is_affinity:
        return NetworkMembership.is_listed.is_(True)
    if network.kind is NetworkKind.LOCAL:
        if member is None:
            member = is_member(viewer.id, network.id)
        return _area_seen_by(_local_audiences(viewer, member))
    return sa.true()


@dataclass(frozen=True)
class Standing:
    """The viewer's place in one network, read in one query for the network's page."""

    is_member: bool
    is_listed: bool  # their membership's own choice (affinity networks)
    is_following: bool
    has_lead_row: bool
    area_seen_by_members: bool  # fellow members may see their council area

    def can_see(self, viewer: User, network: Network) -> bool:
        """``can_see_network``, from what is already read."""
        return not network.is_affinity or (viewer.is_verified and self.is_member)

    def is_lead(self, network: Network) -> bool:
        """``is_lead``: an affinity network's lead who has left it no longer leads it."""
        return self.has_lead_row and (not network.is_affinity or self.is_member)

    def can_manage_leads(self, viewer: User, network: Network) -> bool:
        if network.is_affinity:
            return viewer.is_verified and self.is_lead(network)
        if network.kind is NetworkKind.LOCAL:
            return viewer.has_role(Role.COORDINATOR, Role.ADMIN)
        return False

    def can_follow(self, network: Network) -> bool:
        return network.kind is NetworkKind.LOCAL and not self.is_member

    def is_listed_to_members(self, network: Network) -> bool:
        """``is_listed_to_members`` for the viewer."""
        if network.is_affinity:
            return self.is_member and self.is_listed
        if network.kind is NetworkKind.LOCAL:
            return self.area_seen_by_members
        return True


@cache
def _standing_statement():
    """The statement behind ``standing``, built once per process: parameters ``viewer`` and
    ``network``."""
    viewer, network = sa.bindparam("viewer"), sa.bindparam("network")
    membership = (sa.select(NetworkMembership.is_listed)
                  .where(NetworkMembership.user_id == viewer,
                         NetworkMembership.network_id == network).scalar_subquery())
    follows = sa.exists().where(NetworkFollow.user_id == viewer,
                                NetworkFollow.network_id == network)
    leads = sa.exists().where(NetworkLead.user_id == viewer, NetworkLead.network_id == network)
    area = (sa.select(_area_seen_by({EVERYONE, NETWORKS})).select_from(User)
            .outerjoin(Profile, Profile.user_id == User.id).where(User.id == viewer)
            .scalar_subquery())
    return sa.select(membership, follows, leads, area)


def standing(viewer: User, network: Network) -> Standing:
    """The viewer's membership, follow, lead row and council-area choice for ``network``."""
    listed, following, lead, area_seen = db.session.execute(
        _standing_statement(), {"viewer": viewer.id, "network": network.id}).one()
    return Standing(is_member=listed is not None, is_listed=bool(listed),
                    is_following=bool(following), has_lead_row=bool(lead),
                    area_seen_by_members=bool(area_seen))


# Lists of people show names only: loading each person's roles too would add a query whenever
# the list holds someone not loaded before, so the page's count of statements would vary.
_NAMES_ONLY = lazyload(User.roles)


class Person(NamedTuple):
    """Someone a network's page names: their id and name. A named tuple, not a dataclass: a
    page builds one for each of up to 40 people (or each candidate on a lead form), and a
    frozen dataclass cost about a microsecond each to build."""

    id: int
    display_name: str


@dataclass(frozen=True)
class PeoplePanels:
    """What a network's page shows of its people (``people_panels``)."""

    page: paging.Page  # of Person, by name
    leads: list[Person]
    new_count: int | None  # None below SMALLEST_COUNT
    new_people: list[Person]
    unlisted_others: int | None
    # The page's other panels' rows by part (``network_panels.from_rows``), when asked for.
    panel_rows: dict[str, list] | None = None
    # A local network's lead form's members (``lead_candidates`` with no name searched for
    # and none kept), when asked for.
    lead_choices: LeadChoices | None = None


_INT, _TEXT, _WHEN = sa.Integer(), sa.String(), sa.DateTime()


def _number(value: int):
    """SQL: a constant number written into the statement, not sent as a parameter (as
    ``_word``)."""
    return sa.literal_column(str(int(value)), _INT)


_ONE, _ZERO = _number(1), _number(0)


def _part(kind: str, person_id=None, name=None, flag=None, count=None, pos=None, at=None,
          by=None, tags=None, first: bool = False) -> list:
    """One part's columns in the page's ``UNION ALL``. Only the ``first`` part types its
    empty columns: PostgreSQL takes each column's type from the parts that have one, and the
    statement stays short enough for psycopg to keep its conversion (4,096 characters)."""
    def typed(column, type_):
        if column is None:
            return sa.cast(sa.null(), type_) if first else sa.null()
        # Text and timestamps are not cast: SQLite would read a cast timestamp as a number.
        return column if type_ in (_TEXT, _WHEN) else sa.cast(column, type_)

    return [sa.literal_column(f"'{kind}'", _TEXT).label("part"),
            typed(person_id, _INT).label("id"), typed(name, _TEXT).label("name"),
            typed(flag, _INT).label("flag"), typed(count, _INT).label("n"),
            typed(pos, _INT).label("pos"), typed(at, _WHEN).label("at"),
            typed(by, _TEXT).label("by"), typed(tags, _TEXT).label("tags")]


def _network_param():
    """SQL: the parameter ``network`` as a subquery. PostgreSQL cannot see its value while
    planning, so it plans the page's statement the same way for every network, and after a
    few requests keeps one plan instead of planning it again each time (about 1 to 2 ms)."""
    return sa.select(sa.bindparam("network", type_=_INT)).scalar_subquery()


def people_panels(network: Network, viewer: User, page: int, per_page: int,
                  member: bool | None = None, with_panels: bool = False) -> PeoplePanels:
    """A page of the network's active members that the viewer may see, by name, and how many
    in all (the viewer always sees themselves; a page past the end counts them with a
    second statement); its leads the viewer may see; how many joined this month and the ones
    the viewer may see, newest first; and for an affinity network how many others chose not
    to be listed. One statement, names only (no people loaded whole).

    ``member``: whether the viewer is in the network, when the caller has already read it.
    ``with_panels``: with the rows of the page's other panels (``network_panels``).
    """
    audiences = None
    if network.kind is NetworkKind.LOCAL:
        if member is None:
            member = is_member(viewer.id, network.id)
        audiences = frozenset(_local_audiences(viewer, member))
    return _read_people(network, viewer, page, per_page, audiences,
                        with_panels=with_panels)[1]


def standing_and_people(network: Network, viewer: User, page: int, per_page: int,
                        with_panels: bool = False,
                        with_lead_choices: bool = False) -> tuple[Standing, PeoplePanels]:
    """``standing`` and ``people_panels`` in one statement. An affinity network's people and
    panels are read only for one of its members (the statement reads nothing else of it for
    anyone outside it), and only for a confirmed account: the caller answers an unconfirmed
    one before, and anyone the standing shows outside the network after.

    ``with_lead_choices``: for a local network whose leads the viewer manages, the people
    its lead form offers come too (``PeoplePanels.lead_choices``), read from the same
    members."""
    if network.is_affinity and not viewer.is_verified:
        raise ValueError(f"user {viewer.id} is not confirmed: affinity network {network.id}")
    audiences = None
    if network.kind is NetworkKind.LOCAL:
        # Whether the viewer is a fellow member is asked in the same statement.
        audiences = _MEMBER_DECIDES if NETWORKS not in _local_audiences(viewer, False) \
            else frozenset(_local_audiences(viewer, False))
    elif with_lead_choices:
        raise ValueError(f"lead choices come with a local network only: {network.id}")
    if with_lead_choices and not can_manage_leads(viewer, network):
        raise ValueError(f"user {viewer.id} does not manage the leads of {network.id}")
    standing, people = _read_people(network, viewer, page, per_page, audiences,
                                    with_standing=True, with_panels=with_panels,
                                    with_lead_choices=with_lead_choices)
    return standing, people


# For a local network: the viewer's audiences are those of a fellow member if they are one.
_MEMBER_DECIDES = frozenset({"member decides"})


def _position(row) -> int:
    """A row's place in its part of the page's statement (``_part``'s ``pos``)."""
    return row[5] or 0


def _read_people(network: Network, viewer: User, page: int, per_page: int,
                 audiences: frozenset[str] | None, with_standing: bool = False,
                 with_panels: bool = False,
                 with_lead_choices: bool = False) -> tuple[Standing | None, PeoplePanels]:
    page = max(page, 1)
    params = {"viewer": viewer.id, "network": network.id, "per_page": per_page,
              "skip": (page - 1) * per_page, "month": _month_start()}
    if with_panels:
        params["now"] = utcnow()
    by_part: dict[str, list] = {}
    # Rows are read by position (``_part``'s columns: part, id, name, flag, n, pos, ...).
    statement = _people_statement(network.kind, audiences, with_standing, with_panels,
                                  with_lead_choices)
    for row in reads.raw_rows(statement, params):
        by_part.setdefault(row[0], []).append(row)
    for rows in by_part.values():
        if len(rows) > 1:
            rows.sort(key=_position)
    standing = None
    if with_standing:
        row = by_part["standing"][0]
        standing = Standing(is_member=row.flag is not None, is_listed=bool(row.flag),
                            is_following=bool(row.n), has_lead_row=bool(row.pos),
                            area_seen_by_members=bool(row.id))
        if audiences == _MEMBER_DECIDES:
            audiences = frozenset(_local_audiences(viewer, standing.is_member))
    listed_rows = by_part.get("member", [])
    # An affinity or national network's counts, in one row (none for someone outside an
    # affinity network).
    counts = by_part.get("counts") or [None]
    if network.kind is not NetworkKind.LOCAL:
        total = counts[0].n if counts[0] else 0
    elif listed_rows:
        total = listed_rows[0].n
    else:
        # A page past the end has no row to carry the total: only then is it counted apart
        # (as paging.paginate does).
        total = 0 if page == 1 else db.session.scalar(
            _people_count_statement(network.kind, audiences), params)
    new_rows = by_part.get("new", [])
    if network.kind is not NetworkKind.LOCAL:
        new_total, unlisted = (counts[0].pos, counts[0].flag) if counts[0] else (0, 0)
    else:  # a local network's: each new member's row carries their count
        new_total, unlisted = (new_rows[0].n if new_rows else 0), 0
    if not network.is_affinity:
        unlisted = 0
    return standing, PeoplePanels(
        page=paging.Page([Person(r[1], r[2]) for r in listed_rows], total, page, per_page),
        leads=[Person(r[1], r[2]) for r in by_part.get("lead", [])],
        new_count=shown_count(new_total),
        new_people=[Person(r[1], r[2]) for r in new_rows if r[3]],
        unlisted_others=unlisted if unlisted >= SMALLEST_COUNT else None,
        panel_rows=by_part if with_panels else None,
        lead_choices=_lead_choices(by_part.get("candidate", [])) if with_lead_choices else None,
    )


def _lead_choices(rows: list) -> LeadChoices:
    """``lead_candidates`` (no name searched for, none kept) from the page statement's
    ``candidate`` rows, in order by name."""
    people = [Person(row[1], row[2]) for row in rows[:LEADS_SHOWN]]
    return LeadChoices(people, len(people), len(rows) > LEADS_SHOWN, None)


def _closed_accounts() -> sa.Select:
    """SQL: the ids of closed accounts (a few, read from their own index)."""
    return sa.select(User.id).where(User.is_active_account.is_not(True))


def _local_members(*columns) -> sa.Select:
    """A local network's members with open accounts (parameter ``network``; a few hundred at
    most), from the memberships alone: each keeps its member's name, the day they joined and
    their council-area choice (copied there by the database), all held in the index by
    network and name, so no one's account or profile is looked up."""
    return sa.select(*columns).where(NetworkMembership.network_id == _network_param(),
                                     NetworkMembership.user_id.not_in(_closed_accounts()))


def _listed_on_page(kind: NetworkKind, audiences: frozenset[str] | None):
    """SQL: ``_listed_for`` for a membership of a local network (``audiences``: the viewer's),
    from the membership's copy of the council-area choice, or the viewer themselves
    (parameter ``viewer``)."""
    choice = NetworkMembership.member_area
    if audiences == _MEMBER_DECIDES:
        # A fellow member's audiences, and "my networks" only if the viewer is one.
        viewers = aliased(NetworkMembership)
        is_fellow = sa.exists().where(viewers.user_id == sa.bindparam("viewer"),
                                      viewers.network_id == sa.bindparam("network"))
        rule = sa.and_(_area_seen_by({EVERYONE, NETWORKS}, choice),
                       sa.or_(_area_audience(choice) != _word(NETWORKS), is_fellow))
    elif kind is NetworkKind.LOCAL:
        rule = _area_seen_by(set(audiences), choice)
    else:
        raise ValueError(f"not a local network: {kind}")
    return sa.or_(rule, NetworkMembership.user_id == sa.bindparam("viewer"))


@cache
def _people_count_statement(kind: NetworkKind, audiences: frozenset[str] | None):
    return sa.select(sa.func.count()).select_from(
        _local_members(NetworkMembership.user_id).where(_listed_on_page(kind, audiences))
        .subquery())


@cache
def _people_statement(kind: NetworkKind, audiences: frozenset[str] | None,
                      with_standing: bool = False, with_panels: bool = False,
                      with_lead_choices: bool = False):
    """The statement behind ``people_panels``, built once per process for each kind of
    network and of viewer: parameters ``viewer``, ``network``, ``per_page``, ``skip`` and
    ``month`` (when this month began). ``with_standing``: with a row of ``standing``'s
    answers (the council area seen as ``id``, the membership's listing as ``flag``, null when
    not a member, following as ``n``, a lead row as ``pos``). ``with_panels``: with the rows
    of the page's other panels (``network_panels.parts``; parameter ``now`` too).
    ``with_lead_choices`` (a local network's): with the rows of its lead form's members.

    A local network's members are read once (with whether the viewer may see each) and every
    panel is taken from that: reading them once per panel cost three joins to plan and run.
    An affinity or national network's come each from the memberships' indexes
    (``_wide_people_parts``)."""
    people = None
    if kind is NetworkKind.LOCAL:
        parts, people = _local_people_parts(audiences, with_lead_choices)
    elif with_lead_choices:
        raise ValueError(f"lead choices come with a local network only: {kind}")
    else:
        parts = _wide_people_parts(kind)
    if with_panels:
        # Imported here: the panels read stories' cards, and stories read networks.
        from netapp.services import network_panels

        parts += network_panels.parts(_part, _network_param())
    if kind is NetworkKind.AFFINITY:
        # Nothing of an affinity network for anyone outside it: each part but the viewer's
        # standing is read only when the viewer is one of its members (worked out once).
        viewer_in = sa.exists().where(NetworkMembership.user_id == sa.bindparam("viewer"),
                                      NetworkMembership.network_id == _network_param())
        parts = [part.where(viewer_in) for part in parts]
    if with_standing:
        listed, follows, leads, area = _standing_statement().selected_columns
        parts.append(sa.select(*_part("standing", area, flag=listed, count=follows,
                                      pos=leads)))
    # Any members' CTE is inside the statement, which begins with SELECT: a statement
    # beginning with WITH would end its transaction with ROLLBACK (netapp/database.py), and
    # the connection would forget every statement it had prepared.
    union = sa.union_all(*parts)
    if people is not None:
        union = union.add_cte(people, nest_here=True)
    panels = union.subquery("panels")
    return sa.select(*panels.c)


def _local_people_parts(audiences: frozenset[str] | None,
                        with_lead_choices: bool = False) -> tuple[list[sa.Select], sa.CTE]:
    """A local network's people parts of ``_people_statement``, and the CTE they read: its
    members (a few hundred at most) read once, each with whether the viewer may see them."""
    kind = NetworkKind.LOCAL
    listed = _listed_on_page(kind, audiences)
    # A column, so PostgreSQL reads the few leads once and looks each member up among them
    # (joined to the members, it scanned the leads once per member).
    leads_here = sa.select(NetworkLead.user_id).where(NetworkLead.network_id == _network_param())
    member = NetworkMembership
    people = _local_members(member.user_id.label("id"), member.member_name.label("display_name"),
                            member.joined_at, sa.case((listed, _ONE), else_=_ZERO).label("listed"),
                            sa.case((member.user_id.in_(leads_here), _ONE), else_=_ZERO)
                            .label("lead")).cte("people")
    seen = people.c.listed == _ONE
    name_order = (people.c.display_name, people.c.id)
    listed_page = (sa.select(people.c.id, people.c.display_name,
                             sa.func.count().over().label("total"),
                             sa.func.row_number().over(order_by=name_order).label("pos"))
                   .where(seen).order_by(*name_order)
                   .limit(sa.bindparam("per_page", type_=_INT))
                   .offset(sa.bindparam("skip", type_=_INT)).subquery())
    leads = (sa.select(people.c.id, people.c.display_name,
                       sa.func.row_number().over(order_by=name_order).label("pos"))
             .where(seen, people.c.lead == _ONE).subquery())
    # Every new joiner is counted, and those the viewer may see come first, so the first
    # NEW_SHOWN rows hold every listed one the page names.
    new_order = (people.c.listed.desc(), people.c.joined_at.desc(), people.c.id.desc())
    new = (sa.select(people.c.id, people.c.display_name, people.c.listed,
                     sa.func.count().over().label("total"),
                     sa.func.row_number().over(order_by=new_order).label("pos"))
           .where(people.c.joined_at >= sa.bindparam("month", type_=sa.DateTime()))
           .order_by(*new_order).limit(_number(NEW_SHOWN)).subquery())
    parts = [
        sa.select(*_part("member", listed_page.c.id, listed_page.c.display_name, first=True,
                         count=listed_page.c.total, pos=listed_page.c.pos)),
        sa.select(*_part("lead", leads.c.id, leads.c.display_name, pos=leads.c.pos)),
        sa.select(*_part("new", new.c.id, new.c.display_name, flag=new.c.listed,
                         count=new.c.total, pos=new.c.pos)),
    ]
    if with_lead_choices:
        # The lead form's members, as ``lead_candidates`` reads them: listed to the viewer
        # (or the viewer), open accounts, not yet leads, confirmed. Each account is looked up
        # in order by name only until one more than the form shows are found: the subquery
        # ordered (kept whole by its OFFSET) and a scalar subquery, which PostgreSQL cannot
        # turn into a join of every member (an EXISTS looked up all of them first).
        ordered = (sa.select(people.c.id, people.c.display_name)
                   .where(seen, people.c.lead == _ZERO).order_by(*name_order)
                   .offset(_ZERO).subquery())
        confirmed = (sa.select(User.email_verified_at).where(User.id == ordered.c.id)
                     .scalar_subquery().is_not(None))
        first = (sa.select(ordered.c.id, ordered.c.display_name).where(confirmed)
                 .order_by(ordered.c.display_name, ordered.c.id)
                 .limit(_number(LEADS_SHOWN + 1)).subquery())
        candidates = sa.select(
            first.c.id, first.c.display_name,
            sa.func.row_number().over(order_by=(first.c.display_name, first.c.id))
            .label("pos")).subquery()
        parts.append(sa.select(*_part("candidate", candidates.c.id,
                                      candidates.c.display_name, pos=candidates.c.pos)))
    return parts, people


def _wide_people_parts(kind: NetworkKind) -> list[sa.Select]:
    """An affinity or national network's people parts of ``_people_statement``, each read
    from the memberships' indexes, so that none sorts or looks up every member, whatever the
    network's size (an affinity network holds thousands).

    Listed for the viewer: in an affinity network those who chose to be (``is_listed``) and
    the viewer themselves; in a national network everyone. Only open accounts count: the few
    closed ones are read once from their own index and left out. A page of members is read
    in the order of the index by name (``member_name``), up to the page; this month's newest
    listed members backwards in the order of the index by the day they joined. The counts
    (a row ``counts``: listed as ``n``, not listed as ``flag``, this month's new as ``pos``)
    come from the network's tallies by the month members joined (``NetworkTally``, kept by
    the database), less the closed accounts' memberships (looked up one by one), and for an
    unlisted viewer themselves. The page's names are the index's copies (the database keeps
    each the member's own); the newest members' and the leads' are read from users."""
    member = NetworkMembership
    viewer = sa.bindparam("viewer")
    closed = _closed_accounts()
    month = sa.bindparam("month", type_=sa.DateTime())
    listed = sa.true() if kind is not NetworkKind.AFFINITY else sa.or_(
        member.is_listed == sa.true(), member.user_id == viewer)

    def members(*columns):
        return sa.select(*columns).where(member.network_id == _network_param(),
                                         member.user_id.not_in(closed))

    page = (members(member.user_id, member.member_name).where(listed)
            .order_by(member.member_name, member.user_id)
            .limit(sa.bindparam("per_page", type_=_INT))
            .offset(sa.bindparam("skip", type_=_INT)).subquery())
    newest = (members(member.user_id, member.joined_at).where(listed, member.joined_at >= month)
              .order_by(member.joined_at.desc(), member.user_id.desc())
              .limit(_number(NEW_SHOWN)).subquery())
    tally = NetworkTally
    tallies = sa.select(
        sa.func.coalesce(sa.func.sum(tally.members), _ZERO).label("everyone"),
        sa.func.coalesce(sa.func.sum(tally.listed), _ZERO).label("listed"),
        sa.func.coalesce(sa.func.sum(tally.members).filter(tally.joined_month >= month), _ZERO)
        .label("new")).where(tally.network_id == _network_param()).subquery()
    closed_here = sa.select(
        sa.func.count().label("everyone"),
        sa.func.count().filter(member.is_listed == sa.true()).label("listed"),
        sa.func.count().filter(member.joined_at >= month).label("new")
    ).where(member.network_id == _network_param(), member.user_id.in_(closed)).subquery()
    everyone = tallies.c.everyone - closed_here.c.everyone
    if kind is NetworkKind.AFFINITY:
        viewer_unlisted = (sa.select(sa.func.count())
                           .where(member.network_id == _network_param(), member.user_id == viewer,
                                  member.is_listed == sa.false(), member.user_id.not_in(closed))
                           .scalar_subquery())
        listed_count = tallies.c.listed - closed_here.c.listed + viewer_unlisted
    else:
        listed_count = everyone
    lead_order = (User.display_name, User.id)
    return [
        sa.select(*_part("member", page.c.user_id, page.c.member_name, first=True,
                         pos=sa.func.row_number().over(
                             order_by=(page.c.member_name, page.c.user_id)))),
        sa.select(*_part("lead", User.id, User.display_name,
                         pos=sa.func.row_number().over(order_by=lead_order)))
        .select_from(NetworkLead)
        .join(member, sa.and_(member.user_id == NetworkLead.user_id,
                              member.network_id == NetworkLead.network_id))
        .join(User, User.id == NetworkLead.user_id)
        .where(NetworkLead.network_id == _network_param(), User.is_active_account.is_(True),
               listed),
        sa.select(*_part("new", newest.c.user_id, User.display_name, flag=_ONE,
                         pos=sa.func.row_number().over(
                             order_by=(newest.c.joined_at.desc(), newest.c.user_id.desc()))))
        .select_from(newest.join(User, User.id == newest.c.user_id)),
        # Not listed, the viewer aside: exactly the members the listing rule leaves out.
        sa.select(*_part("counts", count=listed_count, flag=everyone - listed_count,
                         pos=tallies.c.new - closed_here.c.new))
        .select_from(tallies.join(closed_here, sa.true())),
    ]


def is_listed_to_members(user: User, network: Network) -> bool:
    """Whether other plain members of the network see this member on its list."""
    if network.is_affinity:
        membership = db.session.get(NetworkMembership, (user.id, network.id))
        return bool(membership and membership.is_listed)
    if network.kind is NetworkKind.LOCAL:
        return bool(db.session.scalar(
            sa.select(_area_seen_by({EVERYONE, NETWORKS})).select_from(User)
            .outerjoin(Profile, Profile.user_id == User.id).where(User.id == user.id)
        ))
    return True


# ------------------------------------------------------------------ leads
#
# Leads of a local network are appointed and removed by coordinators and admins, and the audit
# log says who did it. Leads of an affinity network are appointed only by its existing leads
# (or by the operator's command line): a lead is a member, so a staff screen for it would show
# staff who is in the network, and the audit log keeps such changes as special-category events.


class NotAllowed(Exception):
    """Raised when someone tries to change a network's leads without the right to."""


def can_manage_leads(viewer: User, network: Network) -> bool:
    if network.is_affinity:
        return viewer.is_verified and is_lead(viewer.id, network.id)
    if network.kind is NetworkKind.LOCAL:
        return viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    return False


# At most this many members are offered on a lead form at once: an affinity network holds
# thousands, so the form offers the first by name and a search by name for the others.
LEADS_SHOWN = 100


class LeadChoices(NamedTuple):
    """The members a lead form offers, by name: the first ``LEADS_SHOWN`` (of those whose name
    holds the search, when given), with the one asked for (``kept``) among them when they may
    be appointed; how many of those offered matched, and whether more matched than shown."""

    people: list[Person]
    found: int
    more: bool
    kept: Person | None


def lead_candidates(network: Network, viewer: User, member: bool | None = None,
                    name: str = "", keep: int | None = None) -> LeadChoices:
    """Members the viewer could appoint: listed to them, active, not yet leads; their ids and
    names only, the first ``LEADS_SHOWN`` by name (with ``name`` in their name, when given) and
    ``keep`` (the one chosen) if they may be appointed, in one statement. ``member``: whether
    the viewer is in the network, when the caller has already read it."""
    audiences = None
    if network.kind is NetworkKind.LOCAL:
        if member is None:
            member = is_member(viewer.id, network.id)
        audiences = frozenset(_local_audiences(viewer, member))
    params = {"network": network.id, "viewer": viewer.id}
    if name:
        params["name"] = name.lower()
    if keep is not None:
        params["keep"] = keep
    rows = reads.raw_rows(_lead_candidates_statement(network.kind, audiences, bool(name),
                                                     keep is not None), params)
    found = [row for row in rows if not row[2]]
    shown = {row[0] for row in found[:LEADS_SHOWN]}
    kept = next((Person(row[0], row[1]) for row in rows if row[2]), None)
    # The rows come by name: each person once, those shown and the one kept (in their place
    # by name) when not among them; the one past the first LEADS_SHOWN only says there are more.
    people = [Person(row[0], row[1]) for row in rows
              if (row[0] in shown) != bool(row[2])]
    return LeadChoices(people, len(shown), len(found) > LEADS_SHOWN, kept)


@cache
def _lead_candidates_statement(kind: NetworkKind, audiences: frozenset[str] | None,
                               by_name: bool, with_kept: bool):
    """The statement behind ``lead_candidates``, built once per process for each kind of
    network and of viewer (``audiences``: the viewer's, for a local network), with or without
    a name searched for and one kept: parameters ``network``, ``viewer``, ``name`` and
    ``keep``. Built on every request, it cost a lead form about 1 ms.

    Members are read in the order of the memberships' copy of their names (the index by
    network and name), so the first by name are found without sorting every member."""
    # Here, not at the top: the directory's module reads this one.
    from netapp.services.directory import contains

    network, viewer = sa.bindparam("network", type_=_INT), sa.bindparam("viewer", type_=_INT)
    if kind is NetworkKind.AFFINITY:
        listed = NetworkMembership.is_listed.is_(True)
    elif kind is NetworkKind.LOCAL:
        listed = _area_seen_by(set(audiences))
    else:
        listed = sa.true()

    def candidates(kept: bool) -> sa.Select:
        return (sa.select(User.id, User.display_name,
                          sa.literal_column("1" if kept else "0").label("kept"),
                          NetworkMembership.member_name.label("by_name"),
                          NetworkMembership.user_id.label("by_id"))
                .select_from(NetworkMembership)
                .join(User, NetworkMembership.user_id == User.id)
                .outerjoin(Profile, Profile.user_id == User.id)
                .outerjoin(NetworkLead, sa.and_(NetworkLead.user_id == User.id,
                                                NetworkLead.network_id == network))
                .where(NetworkMembership.network_id == network,
                       User.is_active_account.is_(True), NetworkLead.user_id.is_(None),
                       User.email_verified_at.is_not(None), sa.or_(listed, User.id == viewer)))

    first = candidates(False)
    if by_name:
        first = first.where(contains(sa.func.lower(NetworkMembership.member_name),
                                     sa.bindparam("name", type_=sa.String)))
    first = first.order_by(NetworkMembership.member_name, NetworkMembership.user_id) \
        .limit(LEADS_SHOWN + 1)
    if not with_kept:
        return first
    first = first.subquery()
    kept = candidates(True).where(User.id == sa.bindparam("keep", type_=_INT))
    return (sa.union_all(sa.select(*first.c), kept)
            .order_by(sa.literal_column("by_name"), sa.literal_column("by_id")))


def _audit_lead(actor: User | None, action: str, network: Network, person: User) -> None:
    if network.is_affinity:
        audit.record_special(f"affinity_lead.{action}")
    else:
        audit.record(actor, f"network.lead_{action}", person, network=network.code)


def appoint_lead(actor: User | None, network: Network, person: User) -> bool:
    """Make ``person`` a lead; ``actor`` None is the operator's command line. False when they
    already lead it. The person must be a confirmed, active member of the network."""
    if actor is not None and not can_manage_leads(actor, network):
        raise NotAllowed(actor.id)
    if network.kind is NetworkKind.NATIONAL:
        raise ValueError(f"{network.code!r} has no leads")
    if not (person.is_verified and person.is_active_account and is_member(person.id, network.id)):
        raise ValueError(f"user {person.id} is not a confirmed member of {network.code!r}")
    if db.session.get(NetworkLead, (network.id, person.id)) is not None:
        return False
    db.session.add(NetworkLead(network_id=network.id, user_id=person.id,
                               appointed_by_id=actor.id if actor else None))
    _audit_lead(actor, "appointed", network, person)
    db.session.commit()
    return True


def remove_lead(actor: User, network: Network, person: User) -> bool:
    """Stop ``person`` leading the network; False when they did not lead it."""
    if not can_manage_leads(actor, network):
        raise NotAllowed(actor.id)
    lead = db.session.get(NetworkLead, (network.id, person.id))
    if lead is None:
        return False
    db.session.delete(lead)
    _audit_lead(actor, "removed", network, person)
    db.session.commit()
    return True


def led_by(user_id: int) -> list[tuple[Network, object]]:
    """The networks the member leads, with when they were appointed (for their data export)."""
    return [(network, at) for network, at in db.session.execute(
        sa.select(Network, NetworkLead.appointed_at)
        .join(NetworkLead, NetworkLead.network_id == Network.id)
        .where(NetworkLead.user_id == user_id).order_by(Network.name)
    )]


# ------------------------------------------------------------------ follows


def can_follow(user: User, network: Network) -> bool:
    """Only local networks can be followed, and not the member's own."""
    return network.kind is NetworkKind.LOCAL and not is_member(user.id, network.id)


def is_following(user_id: int, network_id: int) -> bool:
    return db.session.get(NetworkFollow, (user_id, network_id)) is not None


def follow(user: User, network: Network) -> bool:
    if not can_follow(user, network):
        raise ValueError(f"{network.code!r} cannot be followed by user {user.id}")
    if is_following(user.id, network.id):
        return False
    db.session.add(NetworkFollow(user_id=user.id, network_id=network.id))
    audit.record(user, "network.followed", network=network.code)
    db.session.commit()
    return True


def unfollow(user: User, network: Network) -> bool:
    deleted = db.session.execute(
        sa.delete(NetworkFollow).where(NetworkFollow.user_id == user.id,
                                       NetworkFollow.network_id == network.id)
    ).rowcount
    if deleted:
        audit.record(user, "network.unfollowed", network=network.code)
    db.session.commit()
    return bool(deleted)


@dataclass(frozen=True)
class Joined:
    """One of the member's networks as "My networks" shows it."""

    network: Network  # this process's copy: read it only
    joined_at: datetime
    consent_text_version: str | None
    consent_given_at: datetime | None
    is_listed: bool

    @property
    def network_id(self) -> int:
        return self.network.id


@cache
def _mine_statement() -> sa.CompoundSelect:
    # The member's networks and the networks they follow, one kind of row each. Built once.
    me = sa.bindparam("me")
    never, nobody = sa.cast(sa.null(), sa.DateTime), sa.cast(sa.null(), sa.String)
    return sa.union_all(
        sa.select(sa.literal("joined"), NetworkMembership.network_id,
                  NetworkMembership.joined_at, NetworkMembership.consent_text_version,
                  NetworkMembership.consent_given_at, NetworkMembership.is_listed)
        .where(NetworkMembership.user_id == me),
        sa.select(sa.literal("followed"), NetworkFollow.network_id, never, nobody, never,
                  sa.false())
        .where(NetworkFollow.user_id == me),
    )


def mine(user_id: int) -> tuple[list[Joined], list[Network]]:
    """The member's networks, oldest first, and those they follow, by name, in one
    statement; networks from this process's copy (read them only)."""
    rows = reads.rows(_mine_statement(), {"me": user_id})
    kept = reference.shared("networks")
    if any(row[1] not in kept for row in rows):  # a network made since the copy was read
        kept = {n.id: n for n in reference.networks(row[1] for row in rows)}
    joined = sorted((Joined(kept[nid], at, version, given, bool(listed))
                     for kind, nid, at, version, given, listed in rows
                     if kind == "joined" and nid in kept),
                    key=lambda j: (j.joined_at, j.network.id))
    following = sorted((kept[nid] for kind, nid, *_ in rows if kind == "followed" and nid in kept),
                       key=lambda n: n.name)
    return joined, following


def followed(user_id: int) -> list[Network]:
    return list(db.session.scalars(
        sa.select(Network).join(NetworkFollow, NetworkFollow.network_id == Network.id)
        .where(NetworkFollow.user_id == user_id).order_by(Network.name)
    ))


# ------------------------------------------------------------------ the directory and a page


def shown_count(count: int) -> int | None:
    """A count as the pages show it: None (shown as "fewer than 5") below SMALLEST_COUNT."""
    return count if count >= SMALLEST_COUNT else None


def _month_start():
    return utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
