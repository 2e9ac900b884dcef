"""Learning resources for framework elements: admins keep the list; members get suggestions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from netapp import reads
from netapp.data.resources import TOPIC_ELEMENTS
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    Dimension,
    Element,
    Framework,
    Profile,
    Resource,
    ResourceDone,
    SelfAssessment,
    Topic,
    User,
    member_needs,
)
from netapp.services import audit


def all_resources(fw: Framework) -> list[Resource]:
    return list(db.session.scalars(
        sa.select(Resource).join(Element).join(Dimension)
        .where(Dimension.framework_id == fw.id)
        .order_by(Dimension.position, Element.position, Resource.title)
        .options(selectinload(Resource.element))
    ))


@cache
def _plain_resources() -> sa.Select:
    return (sa.select(Resource.id, Resource.element_id, Resource.title, Resource.url,
                      Resource.summary, Resource.time_needed, Resource.cost,
                      Resource.level_from, Resource.level_to)
            .join(Element, Element.id == Resource.element_id)
            .join(Dimension, Dimension.id == Element.dimension_id)
            .where(Dimension.framework_id == sa.bindparam("framework_id"))
            .order_by(Dimension.position, Element.position, Resource.title))


def by_element(fw: Framework, level: int | None = None,
               everything: list | None = None) -> dict[int, list]:
    """Resources per element id (plain rows with a resource's columns, in the list's order);
    with ``level``, only those that suit that level. ``everything``: the rows already read."""
    if everything is None:
        everything = resource_rows(fw)
    out: dict[int, list] = {}
    for resource in everything:
        if level is None or resource.level_from <= level <= resource.level_to:
            out.setdefault(resource.element_id, []).append(resource)
    return out


def resource_rows(fw: Framework) -> list:
    """Every resource of the framework as a plain row, by area, element and title."""
    return reads.rows(_plain_resources(), {"framework_id": fw.id})


@dataclass(frozen=True)
class MemberState:
    """What the resources page needs of the member, read in one statement."""

    level: int | None
    has_assessment: bool
    scores: dict[int, int]  # the latest finished assessment's, by element id
    needs: list[tuple[str, str]]  # (topic code, name) of the help asked for, in topic order
    done: dict[int, datetime]  # {resource id: when marked done}


@cache
def _member_state_statement() -> sa.CompoundSelect:
    user_id = sa.bindparam("user_id")
    newest = (sa.select(SelfAssessment.id)
              .where(SelfAssessment.user_id == user_id,
                     SelfAssessment.framework_id == sa.bindparam("framework_id"),
                     SelfAssessment.completed_at.is_not(None))
              .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())
              .limit(1).scalar_subquery())
    blank_text = sa.cast(sa.null(), sa.String)

    def row(kind: str, a, b, text, name, when):
        return sa.select(sa.literal(kind, sa.String).label("kind"),
                         sa.cast(a, sa.Integer).label("a"), sa.cast(b, sa.Integer).label("b"),
                         text.label("text"), name.label("name"), when.label("at"))

    no_int, no_time = sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.DateTime)
    return sa.union_all(
        row("level", Profile.level, no_int, blank_text, blank_text, no_time)
        .where(Profile.user_id == user_id),
        row("assessed", SelfAssessment.id, no_int, blank_text, blank_text, no_time)
        .where(SelfAssessment.id == newest),
        row("score", AssessmentScore.element_id, AssessmentScore.score, blank_text,
            blank_text, no_time)
        .where(AssessmentScore.assessment_id == newest),
        row("need", Topic.position, no_int, Topic.code, Topic.name, no_time)
        .join(member_needs, member_needs.c.topic_id == Topic.id)
        .where(member_needs.c.user_id == user_id),
        row("done", ResourceDone.resource_id, no_int, blank_text, blank_text,
            ResourceDone.done_at)
        .where(ResourceDone.user_id == user_id)
    ).order_by(sa.text("kind"), sa.text("a"), sa.text("name"))  # needs: as topics are listed


def member_state(user_id: int, fw: Framework) -> MemberState:
    """The member's level, latest scores, the help they asked for and what they marked done."""
    rows = reads.rows(_member_state_statement(), {"user_id": user_id, "framework_id": fw.id})
    level, assessed, scores, needs, done = None, False, {}, [], {}
    for row in rows:
        if row.kind == "level":
            level = row.a or None
        elif row.kind == "assessed":
            assessed = True
        elif row.kind == "score":
            scores[row.a] = row.b
        elif row.kind == "need":
            needs.append((row.text, row.name))
        else:
            done[row.a] = row.at
    return MemberState(level=level, has_assessment=assessed, scores=scores, needs=needs,
                       done=done)


@dataclass(frozen=True)
class Suggestion:
    element: Element
    reason: str  # why this element, in the member's own terms
    resources: list[Resource]  # those that suit the member's level


# A score at or below this is a gap worth working on; above it, the element is a strength.
GAP = 2
# Needs the member chose count up to this score: "a bit unsure" is still worth a resource.
NEED_GAP = 3


def suggestions(user: User, fw: Framework, n: int = 3, state: MemberState | None = None,
                everything: list | None = None) -> list[Suggestion]:
    """Up to n elements to work on, each with its reason and the resources for the member's level.

    Gaps that matter come first: elements tied to the help the member asked for (scored up to
    NEED_GAP, or not yet assessed), then the lowest scores (up to GAP); when both kinds exist,
    the lowest score keeps one of the n places. Senior-leader elements
    count only for strategic leaders: everyone else was told to rate them 1 if they don't apply,
    so a low score there says nothing. Elements with no resource for the member's level, or
    only pages already suggested or marked done, are skipped, so a suggestion never ends in
    "nothing here yet" nor repeats what the member has finished.

    ``state`` and ``everything``: what ``member_state`` and ``resource_rows`` read, if the
    caller has them already.
    """
    if state is None:
        state = member_state(user.id, fw)
    level = state.level
    scores = state.scores
    needs = _needs_by_element(state.needs)
    done = state.done
    by_element_id = {element_id: fresh
                     for element_id, items in by_element(fw, level, everything).items()
                     if (fresh := [r for r in items if r.id not in done])}
    candidates = []
    for d in fw.dimensions:
        if d.is_senior and level != STRATEGIC:
            continue
        for e in d.elements:
            score = scores.get(e.id)
            if not by_element_id.get(e.id):
                continue
            if e.code in needs and (score is None or score <= NEED_GAP):
                reason = _need_reason(needs[e.code], score)
                candidates.append(((0, score or 0, d.position, e.position), e, reason))
            elif score is not None and score <= GAP:
                reason = f"You rated yourself {score} of 4 here, one of your lowest."
                candidates.append(((1, score, d.position, e.position), e, reason))
    candidates.sort(key=lambda c: c[0])
    asked = [(e, reason) for key, e, reason in candidates if key[0] == 0]
    gaps = [(e, reason) for key, e, reason in candidates if key[0] == 1]
    chosen: list[Suggestion] = []
    shown: set[str] = set()
    # The help asked for comes first, but keeps one place free for the lowest real score, so
    # a member who asked about two topics still hears about their own weakest area.
    _pick(asked, n - 1 if gaps and n > 1 else n, chosen, shown, by_element_id)
    _pick(gaps, n, chosen, shown, by_element_id)
    _pick(asked, n, chosen, shown, by_element_id)  # no gap had a page left: fill from needs
    return chosen


def _pick(candidates: list, limit: int, chosen: list[Suggestion], shown: set[str],
          by_element_id: dict[int, list[Resource]]) -> None:
    """Add candidates to ``chosen`` until it holds ``limit``; one page is suggested once."""
    taken = {s.element.id for s in chosen}
    for e, reason in candidates:
        if len(chosen) >= limit:
            return
        fresh = [r for r in by_element_id[e.id] if r.url not in shown]
        if fresh and e.id not in taken:
            chosen.append(Suggestion(e, reason, fresh))
            shown.update(r.url for r in fresh)
            taken.add(e.id)


STRATEGIC = 4  # profiles.LEVELS: the level for which the senior dimensions apply

# profiles.LEVELS in the plural, as a sentence about who a resource suits reads them.
_LEVEL_PLURALS = {1: "front-line workers", 2: "front-line leaders", 3: "operational leaders",
                  4: "strategic leaders"}


def suits(resource: Resource) -> str:
    """Who a resource suits, in words: "For front-line leaders to operational leaders"."""
    low, high = resource.level_from, resource.level_to
    if (low, high) == (1, STRATEGIC):
        return "For every level of leadership"
    if low == high:
        return f"For {_LEVEL_PLURALS[low]} only"
    return f"For {_LEVEL_PLURALS[low]} to {_LEVEL_PLURALS[high]}"


def _need_reason(topics: list[str], score: int | None) -> str:
    asked = " and ".join(f"“{t}”" for t in topics)
    if score is None:
        return f"You asked for help with {asked}."
    return f"You asked for help with {asked}, and rated yourself {score} of 4 here."


def _needs_by_element(needs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """{element code: names of the member's chosen topics that touch it}, from their
    (code, name) needs in topic order."""
    out: dict[str, list[str]] = {}
    for code, name in needs:
        for element_code in TOPIC_ELEMENTS.get(code, ()):
            out.setdefault(element_code, []).append(name)
    return out


def save(actor: User, resource: Resource | None, *, element_id: int, title: str, url: str,
         summary: str, time_needed: str = "", cost: str = "", level_from: int = 1,
         level_to: int = 4) -> Resource:
    if db.session.get(Element, element_id) is None:
        raise ValueError(f"no element with id {element_id!r}")
    if not 1 <= level_from <= level_to <= STRATEGIC:
        raise ValueError(f"bad levels {level_from!r}..{level_to!r}")
    created = resource is None
    if created:
        resource = Resource(element_id=element_id, title="", url="", summary="")
        db.session.add(resource)
    resource.element_id = element_id
    resource.title = title.strip()
    resource.url = url.strip()
    resource.summary = (summary or "").strip()
    resource.time_needed = (time_needed or "").strip()
    resource.cost = (cost or "").strip()
    resource.level_from, resource.level_to = level_from, level_to
    db.session.flush()
    audit.record(actor, "resource.added" if created else "resource.changed", resource,
                 title=resource.title)
    db.session.commit()
    return resource


def delete(actor: User, resource: Resource) -> None:
    audit.record(actor, "resource.deleted", resource, title=resource.title)
    # SQLite does not enforce ON DELETE here: members' ticks for it go first.
    db.session.execute(sa.delete(ResourceDone).where(ResourceDone.resource_id == resource.id))
    db.session.delete(resource)
    db.session.commit()


# ---------------------------------------------------------------- what a member has done


def done_dates(user: User) -> dict[int, datetime]:
    """{resource id: when the member marked it done}."""
    return dict(db.session.execute(
        sa.select(ResourceDone.resource_id, ResourceDone.done_at)
        .where(ResourceDone.user_id == user.id)).all())


def done_history(user: User) -> list[ResourceDone]:
    """The resources the member has marked done, most recent first, with their elements."""
    return list(db.session.scalars(
        sa.select(ResourceDone).where(ResourceDone.user_id == user.id)
        .order_by(ResourceDone.done_at.desc(), ResourceDone.resource_id)
        .options(selectinload(ResourceDone.resource).selectinload(Resource.element))))


@dataclass(frozen=True)
class Done:
    """A resource the member marked done, as their history lists it."""

    resource_id: int
    title: str
    url: str
    element_name: str
    done_at: datetime


def mark_done(user: User, resource: Resource) -> bool:
    """Mark a resource done for the member; False if it already was. Audited."""
    if db.session.get(ResourceDone, (user.id, resource.id)) is not None:
        return False
    db.session.add(ResourceDone(user_id=user.id, resource_id=resource.id))
    audit.record(user, "resource.done", resource)
    db.session.commit()
    return True


def undo_done(user: User, resource: Resource) -> bool:
    """Take a resource off the member's done list; False if it was not on it. Audited."""
    row = db.session.get(ResourceDone, (user.id, resource.id))
    if row is None:
        return False
    db.session.delete(row)
    audit.record(user, "resource.undone", resource)
    db.session.commit()
    return True
