"""Another member's profile page (/members/<id>) in one statement.

``profiles.profile_view`` reads the owner, whether the viewer shares a network with them, their
needs and offers, and both people's networks in five statements of ORM rows. This page needs
only the owner's profile columns, those answers and the owner's networks with whether the
viewer is in each, read as plain rows of one statement built once per process; the rules of
who sees what are the same functions ``profile_view`` uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    AuditEntry,
    NetworkKind,
    NetworkMembership,
    Organisation,
    Profile,
    Role,
    SelfAssessment,
    ServiceType,
    User,
    member_needs,
    member_offers,
)
from netapp.services import networks, profiles, reference


@dataclass(frozen=True)
class _Organisation:
    name: str
    service_type: ServiceType


class _RowProfile:
    """A profile's columns from a plain row, read as ``profiles._profile_rows`` reads a
    ``Profile`` (its organisation as ``organisation``)."""

    def __init__(self, row) -> None:
        self._row = row
        self.organisation = None if row.organisation_name is None else _Organisation(
            row.organisation_name, row.service_type)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def _topic_ids(table: sa.Table):
    return (sa.select(sa.func.aggregate_strings(sa.cast(table.c.topic_id, sa.String), ","))
            .where(table.c.user_id == User.id).scalar_subquery())


def _latest_scores():
    """SQL: the owner's newest finished self-assessment of the framework (parameters ``owner``
    and ``framework``) as "element id:score" pairs joined by commas, NULL when there is none.
    It reads the parameters alone, so PostgreSQL works it out once for the statement."""
    owner = sa.bindparam("owner", type_=sa.Integer())
    newest = (sa.select(SelfAssessment.id)
              .where(SelfAssessment.user_id == owner,
                     SelfAssessment.framework_id == sa.bindparam("framework", type_=sa.Integer()),
                     SelfAssessment.completed_at.is_not(None))
              .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())
              .limit(1).scalar_subquery())
    pair = (sa.cast(AssessmentScore.element_id, sa.String) + ":"
            + sa.cast(AssessmentScore.score, sa.String))
    return (sa.select(sa.func.aggregate_strings(pair, ","))
            .where(AssessmentScore.assessment_id == newest).scalar_subquery())


@cache
def _statement(viewer_is_verified: bool):
    """One row per network of the owner (parameter ``owner``; one row if they have none),
    oldest first, each with the owner's name and profile, whether the viewer (parameter
    ``viewer``) shares a network where they can see the owner, the ids of the topics the owner
    would like help with and offers, whether the viewer is in that network and the scores of
    the owner's latest self-assessment of the framework (parameter ``framework``)."""
    viewer = sa.bindparam("viewer", type_=sa.Integer())
    mine = aliased(NetworkMembership)
    viewer_is_in = sa.exists().where(mine.user_id == viewer,
                                     mine.network_id == NetworkMembership.network_id)
    return (
        sa.select(User.display_name, User.is_active_account,
                  Profile.user_id.label("profile_id"), Profile.visibility, Profile.job_title,
                  Profile.local_authority_id, Profile.level, Profile.years_as_manager,
                  Profile.meets_online, Profile.mentor_capacity, Profile.mentor_availability,
                  Profile.mentor_note, Organisation.name.label("organisation_name"),
                  Organisation.service_type,
                  networks.shares_network_sql(viewer, viewer_is_verified, User.id)
                  .label("shares"),
                  _topic_ids(member_needs).label("needs"),
                  _topic_ids(member_offers).label("offers"),
                  NetworkMembership.network_id, NetworkMembership.is_listed,
                  viewer_is_in.label("viewer_is_in"), _latest_scores().label("scores"))
        .select_from(User)
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
        .outerjoin(NetworkMembership, NetworkMembership.user_id == User.id)
        .where(User.id == sa.bindparam("owner", type_=sa.Integer()))
        .order_by(NetworkMembership.joined_at, NetworkMembership.network_id)
    )


def _ids(joined: str | None) -> set[int]:
    return {int(i) for i in joined.split(",")} if joined else set()


def profile_page(viewer: User, owner_id: int, framework_id: int = 0,
                 preview: str | None = None) -> dict[str, Any] | None:
    """``profiles.profile_view(viewer, owner)`` for the owner with this id, another person
    than the viewer; None when there is no such open account. Its ``scores`` are those of the
    owner's latest self-assessment of the framework with ``framework_id`` ({element id:
    score}, empty when there is none), whether the viewer may see them or not.

    With ``preview`` (a key of ``profiles.PREVIEWS``) the viewer is the owner, seeing their
    profile as that audience would: ``profile_view(owner, owner, preview)``.

    ``viewer`` needs ``id``, ``is_verified`` and ``has_role``.
    """
    rows = reads.rows(_statement(bool(viewer.is_verified)),
                      {"owner": owner_id, "viewer": viewer.id, "framework": framework_id})
    return _view(viewer, rows, preview)


def staff_profile_page(viewer: User, owner_id: int, framework_id: int,
                       look: dict[str, Any]) -> dict[str, Any] | None:
    """``profile_page(viewer, owner_id, framework_id)`` for a staff member, writing ``look``
    (an audit entry's columns, as ``audit.entries_for_many`` gives them) to the audit log
    when the owner's account is open, as the same statement on PostgreSQL (a data-modifying
    WITH). The caller commits, and the entry waits for that: one statement, instead of the
    page's and the entry's. Elsewhere (SQLite) the entry is inserted after the page's rows
    are read, when the page is found."""
    values = {"owner": owner_id, "viewer": viewer.id, "framework": framework_id}
    # Begun here, so that the statement runs in the session's transaction, which the caller
    # commits (``reads.rows`` would otherwise run it on a connection of its own).
    connection = db.session.connection()
    verified = bool(viewer.is_verified)
    if connection.dialect.name == "postgresql":
        rows = reads.rows(_audited_statement(verified), {
            **values, **{f"look_{key}": value for key, value in look.items()}})
        return _view(viewer, rows, None)
    view = _view(viewer, connection.execute(_statement(verified), values).all(), None)
    if view is not None:
        connection.execute(sa.insert(AuditEntry), look)
    return view


@cache
def _audited_statement(viewer_is_verified: bool):
    """``_statement`` with an audit entry written when the owner's account is open: its
    columns are the parameters ``look_<column>`` (``created_at``, ``actor_id``, ``action``,
    ``target_type``, ``target_id``, ``detail``)."""
    columns = ("created_at", "actor_id", "action", "target_type", "target_id", "detail")
    table = AuditEntry.__table__
    entry = (sa.select(*(sa.bindparam(f"look_{name}", type_=table.c[name].type)
                         for name in columns))
             .where(sa.exists().where(User.id == sa.bindparam("owner", type_=sa.Integer()),
                                      User.is_active_account)))
    written = sa.insert(AuditEntry).from_select(list(columns), entry).cte("look")
    return _statement(viewer_is_verified).add_cte(written)


def _view(viewer: User, rows: list, preview: str | None) -> dict[str, Any] | None:
    """The page's view from the rows of ``_statement``: None when there is no open account."""
    if not rows or not rows[0].is_active_account:
        return None
    first = rows[0]
    scores = {int(element): int(score) for element, score in
              (pair.split(":") for pair in first.scores.split(","))} if first.scores else {}
    # As profiles.audiences_for: staff look after networks, so see what networks see too;
    # a member sees more only through a network where they can see the owner listed.
    if preview is not None:
        audiences = profiles.PREVIEWS[preview][1]
    else:
        audiences = (profiles._STAFF_SEE if viewer.has_role(Role.COORDINATOR, Role.ADMIN)
                     else profiles._NETWORKS_SEE if first.shares else profiles._EVERYONE_SEES)
    has_profile = first.profile_id is not None
    rules = profiles.visibility_of(first if has_profile else None)
    shown = {key for key, audience in rules.items() if audience in audiences}
    view: dict[str, Any] = {"name": first.display_name, "shown": shown, "rows": [],
                            "scores": scores}
    if not has_profile:
        return view
    needs, offers = _ids(first.needs), _ids(first.offers)
    names = reference.topic_names(needs | offers)
    order = {topic_id: i for i, topic_id in enumerate(names)}

    def named(ids):
        # In the site's order; a topic this process has not heard of yet shows next time.
        return [names[t] for t in sorted(ids, key=lambda t: order.get(t, len(order)))
                if t in names]

    view["rows"] = profiles._profile_rows(_RowProfile(first), shown, lambda: named(needs),
                                          lambda: named(offers))
    theirs = [(r.network_id, r.is_listed, r.viewer_is_in) for r in rows
              if r.network_id is not None]
    # The process's own copies (the page only names and links them): nothing merged into the
    # request, unless one is missing (another process may have just made it).
    kept = reference.shared("networks")
    if any(network_id not in kept for network_id, _, _ in theirs):
        kept = {n.id: n for n in reference.networks(network_id for network_id, _, _ in theirs)}
    if preview is not None:
        # Affinity networks are shown only inside each network, so a preview leaves them
        # out; a local network names the council, so it follows the area's visibility.
        view["networks"] = [
            kept[network_id] for network_id, _, _ in theirs
            if network_id in kept and not kept[network_id].is_affinity
            and (kept[network_id].kind is not NetworkKind.LOCAL or "area" in shown)]
        return view
    # A local network names the council, so it follows the area's visibility, for its own
    # members too: "Only me" means nobody else learns the council.
    view["networks"] = [
        kept[network_id] for network_id, listed, viewer_is_in in theirs
        if network_id in kept and networks.network_seen(viewer, kept[network_id], listed,
                                                        bool(viewer_is_in), "area" in shown)]
    return view
