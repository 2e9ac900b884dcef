"""The member's own profile page (/me) and self-assessments page, one statement each.

``profiles.profile_view`` serves any viewer and reads the owner's profile, needs and offers,
then their networks, with ORM rows; the owner's own page sees every field, so it needs no
audiences, and reads those and the latest self-assessment's scores as plain rows of one
statement built once per process: the profile with its organisation, beside each row of a
``UNION ALL`` of the rest.
"""
from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa

from netapp import reads
from netapp.models import (
    AssessmentScore,
    NetworkMembership,
    Organisation,
    Profile,
    Resource,
    ResourceDone,
    SelfAssessment,
    User,
    member_needs,
    member_offers,
)
from netapp.services import lqf, profiles, reference, resources

_ALL_FIELDS = frozenset(profiles.FIELD_KEYS)  # the owner sees every field of their own profile
# What the page reads of the profile: the rows it shows, who sees what, the wizard's step.
PROFILE_COLUMNS = ("job_title", "local_authority_id", "level", "years_as_manager",
                   "meets_online", "mentor_capacity", "mentor_availability", "mentor_note",
                   "visibility", "onboarding_step", "onboarded_at")


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
    # Each row: what it is, an id (topic, network, element or assessment), a score, a time;
    # and always one "profile" row, the only one that carries the profile's columns (its
    # who-sees-what is JSON, read once instead of once a row).
    facts = sa.union_all(
        sa.select(sa.literal("profile").label("kind"), no_int.label("ref"),
                  no_int.label("score"), no_time.label("at")),
        sa.select(sa.literal("need"), member_needs.c.topic_id, no_int, no_time)
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
    ).subquery()
    return (sa.select(Profile.user_id.label("profile_id"),
                      *(getattr(Profile, name) for name in PROFILE_COLUMNS),
                      Organisation.name.label("organisation_name"), Organisation.service_type,
                      facts.c.kind, facts.c.ref, facts.c.score, facts.c.at)
            .select_from(User)
            .join(facts, sa.true())
            .outerjoin(Profile, sa.and_(Profile.user_id == User.id, facts.c.kind == "profile"))
            .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
            .where(User.id == user_id))


def own_page(user: User, framework_id: int):
    """(the member's profile as a plain row of ``PROFILE_COLUMNS`` with its organisation's
    name and service type, or None; ``profiles.profile_view(me, me)``;
    the latest finished self-assessment as ``lqf.Finished`` or None) in one statement."""
    rows = reads.rows(_statement(), {"user_id": user.id, "framework_id": framework_id})
    topics: dict[str, list[int]] = {"need": [], "offer": []}
    joined, scores, done, profile = [], {}, None, None
    for row in rows:
        kind, ref = row.kind, row.ref
        if kind == "profile":
            profile = row if row.profile_id is not None else None
        elif kind in topics:
            topics[kind].append(ref)
        elif kind == "network":
            joined.append((row.at, ref))
        elif kind == "score":
            scores[ref] = row.score
        elif kind == "done":
            done = (ref, row.at)
    latest = None if done is None else lqf.Finished(done[0], done[1], scores)
    view: dict[str, Any] = {"name": user.display_name, "shown": set(_ALL_FIELDS), "rows": []}
    if profile is None:
        return None, view, latest
    names = reference.topic_names({*topics["need"], *topics["offer"]})
    order = {topic_id: i for i, topic_id in enumerate(names)}

    def named(ids):
        # In the site's order; a topic this process has not heard of yet shows next time.
        return [names[t] for t in sorted(ids, key=lambda t: order.get(t, len(order)))
                if t in names]

    org = (None if profile.organisation_name is None
           else (profile.organisation_name, profile.service_type))
    view["rows"] = profiles._rows_of(profile, org, _ALL_FIELDS, lambda: named(topics["need"]),
                                     lambda: named(topics["offer"]))
    # The process's own copies (the page only names and links them): nothing merged into
    # the request, unless one is missing (another process may have just added it).
    ids = [ref for _, ref in sorted(joined)]
    kept = reference.shared("networks")
    view["networks"] = ([kept[i] for i in ids] if all(i in kept for i in ids)
                        else reference.networks(ids))
    return profile, view, latest


# ------------------------------------------------------------------ my self-assessments


@cache
def _assessments_statement():
    user_id = sa.bindparam("user_id")
    no_int, no_text = sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.String)
    # Every assessment of the member's with its scores (a draft with none, to say one is
    # under way), then each learning resource they marked done.
    return sa.union_all(
        sa.select(sa.literal("assessment").label("kind"), SelfAssessment.id.label("ref"),
                  SelfAssessment.completed_at.label("at"), AssessmentScore.element_id,
                  AssessmentScore.score, no_text.label("title"), no_text.label("url"),
                  no_text.label("element_name"))
        .outerjoin(AssessmentScore,
                   sa.and_(AssessmentScore.assessment_id == SelfAssessment.id,
                           SelfAssessment.completed_at.is_not(None)))
        .where(SelfAssessment.user_id == user_id,
               SelfAssessment.framework_id == sa.bindparam("framework_id")),
        # The element's name comes from the process's copy of the framework.
        sa.select(sa.literal("done"), ResourceDone.resource_id, ResourceDone.done_at,
                  Resource.element_id, no_int, Resource.title, Resource.url, no_text)
        .join(Resource, Resource.id == ResourceDone.resource_id)
        .where(ResourceDone.user_id == user_id),
    )


def _element_names() -> dict[int, str]:
    """Every framework element's name by id, from the process's copy of the frameworks."""
    return {element.id: element.name for fw in reference.shared("frameworks").values()
            for dimension in fw.dimensions for element in dimension.elements}


def assessments_page(user_id: int, framework_id: int):
    """((finished assessments oldest first as ``lqf.Finished``, whether a draft is under way),
    learning done latest first as ``resources.Done``) in one statement built once per
    process."""
    finished: dict[int, lqf.Finished] = {}
    has_draft, done, names = False, [], None
    rows = reads.rows(_assessments_statement(),
                      {"user_id": user_id, "framework_id": framework_id})
    # Read by place (the statement's column order), not by name: a page has a row per score.
    for kind, ref, at, element_id, score, title, url, _ in rows:
        if kind == "done":
            names = names if names is not None else _element_names()
            done.append(resources.Done(ref, title, url, names.get(element_id, ""), at))
        elif at is None:
            has_draft = True
        else:
            found = finished.get(ref)
            if found is None:
                found = finished[ref] = lqf.Finished(ref, at, {})
            if element_id is not None:
                found.scores[element_id] = score
    done.sort(key=lambda d: (d.done_at, -d.resource_id), reverse=True)
    return (sorted(finished.values(), key=lambda a: (a.completed_at, a.id)), has_draft), done
