"""The list of every network (``/networks/``): regions, their councils, each council's local
network with its member count, the reader's own region and the networks they are in, read in
one statement of plain rows."""
from __future__ import annotations

from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from netapp import reads
from netapp.models import (
    LocalAuthority,
    Network,
    NetworkKind,
    NetworkMembership,
    Profile,
    Region,
    User,
)
from netapp.models.networks import NetworkTally
from netapp.services import networks


class Council(NamedTuple):
    """A council with its local network's id (None when it has none yet) and member count
    as the page shows it (None below ``networks.SMALLEST_COUNT``)."""

    name: str
    network_id: int | None
    count: int | None


class RegionCouncils(NamedTuple):
    id: int
    name: str
    councils: list[Council]


class Directory(NamedTuple):
    regions: list[RegionCouncils]
    my_region_id: int | None  # the region of the reader's own council
    joined: set[int]  # the networks the reader is in (none until their email is confirmed)


def _part(name: str, *columns) -> sa.Select:
    return sa.select(sa.literal(name).label("part"), *columns)


@cache
def _statement() -> sa.CompoundSelect:
    """Built once per process (``reads.raw_rows`` keeps its SQL text on PostgreSQL).

    A network's members are counted from its tallies (``NetworkTally``: how many joined it
    each month and are still in it, kept by the database), summed for every network in one
    pass of their few hundred rows, less those whose account is closed (the few closed
    accounts have an index of their own). Counting each network's memberships from their
    index read every membership of every local network (about 1.9 ms at 25,000 members;
    0.5 ms this way)."""
    reader = sa.bindparam("reader", type_=sa.Integer)
    membership = sa.orm.aliased(NetworkMembership)
    tallied = (sa.select(NetworkTally.network_id,
                         sa.func.sum(NetworkTally.members).label("members"))
               .group_by(NetworkTally.network_id).subquery("tallied"))
    members = sa.func.coalesce(tallied.c.members, sa.literal_column("0"))
    closed = (sa.select(sa.func.count()).select_from(User)
              .join(membership, sa.and_(membership.user_id == User.id,
                                        membership.network_id == Network.id))
              .where(User.is_active_account.is_not(True)).scalar_subquery())
    councils = (
        _part("council", LocalAuthority.id, LocalAuthority.name, Region.id.label("region_id"),
              Region.name.label("region_name"), Network.id.label("network_id"),
              (members - closed).label("n"))
        .join(Region, Region.id == LocalAuthority.region_id)
        .outerjoin(Network, sa.and_(Network.local_authority_id == LocalAuthority.id,
                                    Network.kind == NetworkKind.LOCAL))
        .outerjoin(tallied, tallied.c.network_id == Network.id))
    nothing = sa.null()
    mine = (_part("mine", LocalAuthority.region_id, nothing, nothing, nothing, nothing,
                  nothing)
            .join(Profile, Profile.local_authority_id == LocalAuthority.id)
            .where(Profile.user_id == reader))
    joined = (_part("joined", NetworkMembership.network_id, nothing, nothing, nothing, nothing,
                    nothing)
              .where(NetworkMembership.user_id == reader))
    found = sa.union_all(councils, mine, joined).subquery()
    return sa.select(*found.c).order_by(found.c.part, found.c.region_name, found.c.name)


def directory(reader_id: int, verified: bool) -> Directory:
    """Every region by name with its councils by name, each with its local network and the
    network's count of open accounts; the reader's region and the networks they are in."""
    regions: dict[int, RegionCouncils] = {}
    my_region_id = None
    joined: set[int] = set()
    for part, id_, name, region_id, region_name, network_id, count in reads.raw_rows(
            _statement(), {"reader": reader_id}):
        if part == "council":
            region = regions.get(region_id)
            if region is None:
                region = regions[region_id] = RegionCouncils(region_id, region_name, [])
            region.councils.append(Council(name, network_id, networks.shown_count(count or 0)))
        elif part == "mine":
            my_region_id = id_
        elif verified:  # a member's networks count once their email is confirmed
            joined.add(id_)
    return Directory(list(regions.values()), my_region_id, joined)
