"""The member's own profile page (/me) in one statement.

``profiles.profile_view`` serves any viewer and reads the owner's needs and offers, then their
networks, with ORM rows; the owner's own page sees every field, so it needs no audiences, and
reads those and the latest self-assessment's scores as plain rows of one ``UNION ALL``, built
once per process.
"""
from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    NetworkMembership,
    Profile,
    SelfAssessment,
    User,
    member_needs,
    member_offers,
)
from netapp.services import lqf, profiles, reference

_ALL_FIELDS = frozenset(profiles.FIELD_KEYS)  # the owner sees every field of their own profile


@cache
def _statement():
    user_id = sa.bindparam("user_id")
    no_int, no_time = sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.DateTime)
    newest = (
        sa.select(SelfAssessment.id)
        .where(SelfAssessment.user_id == user_id,
               SelfAssessment.framework_id == sa.bindparam("framework_id"),
               SelfAssessment.completed_at.is_not(None))
        .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())
        .limit(1).scalar_subquery())
    # Each row: what it is, an id (topic, network, element or assessment), a score, a time.
    return sa.union_all(
        sa.select(sa.literal("need").label("kind"), member_needs.c.topic_id.label("ref"),
                  no_int.label("score"), no_time.label("at"))
        .where(member_needs.c.user_id == user_id),
        sa.select(sa.literal("offer"), member_offers.c.topic_id, no_int, no_time)
        .where(member_offers.c.user_id == user_id),
        sa.select(sa.literal("network"), NetworkMembership.network_id, no_int,
                  NetworkMembership.joined_at)
        .where(NetworkMembership.user_id == user_id),
        sa.select(sa.literal("done"), SelfAssessment.id, no_int, SelfAssessment.completed_at)
        .where(SelfAssessment.id == newest),
        sa.select(sa.literal("score"), AssessmentScore.element_id, AssessmentScore.score,
                  no_time)
        .where(AssessmentScore.assessment_id == newest),
    )


def own_page(user: User, profile: Profile | None,
             framework_id: int) -> tuple[dict[str, Any], lqf.Finished | None]:
    """(``profiles.profile_view(me, me)``, ``lqf.latest_finished(me)``) in one statement."""
    rows = db.session.execute(_statement(),
                              {"user_id": user.id, "framework_id": framework_id}).all()
    topics: dict[str, list[int]] = {"need": [], "offer": []}
    joined, scores, done = [], {}, None
    for kind, ref, score, at in rows:
        if kind in topics:
            topics[kind].append(ref)
        elif kind == "network":
            joined.append((at, ref))
        elif kind == "score":
            scores[ref] = score
        else:
            done = (ref, at)
    latest = None if done is None else lqf.Finished(done[0], done[1], scores)
    view: dict[str, Any] = {"name": user.display_name, "shown": set(_ALL_FIELDS), "rows": []}
    if profile is None:
        return view, latest
    names = reference.topic_names({*topics["need"], *topics["offer"]})
    order = {topic_id: i for i, topic_id in enumerate(names)}

    def named(ids):
        # In the site's order; a topic this process has not heard of yet shows next time.
        return [names[t] for t in sorted(ids, key=lambda t: order.get(t, len(order)))
                if t in names]

    view["rows"] = profiles._profile_rows(profile, _ALL_FIELDS, lambda: named(topics["need"]),
                                          lambda: named(topics["offer"]))
    view["networks"] = reference.networks(ref for _, ref in sorted(joined))
    return view, latest
