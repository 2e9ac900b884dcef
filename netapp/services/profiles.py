"""Member profiles: onboarding steps, needs and offers, who sees which field.

Also the bulk reads that feed the matching engine.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from netapp.extensions import db
from netapp.models import (
    LocalAuthority,
    Network,
    NetworkKind,
    NetworkMembership,
    Organisation,
    Profile,
    Role,
    ServiceType,
    Topic,
    User,
    member_needs,
    member_offers,
)
from netapp.models.base import utcnow
from netapp.services import networks, reference
from netapp.services.audiences import (
    AREA_DEFAULT,
    AUDIENCES,
    COORDINATORS,
    EVERYONE,
    NETWORKS,
    ONLY_ME,
)

# The wizard, in order. "assessment" covers one page per framework dimension.
STEPS = ("about", "assessment", "needs", "mentoring", "networks")

LEVELS = {
    1: ("Front-line worker", "You give care and support directly."),
    2: ("Front-line leader", "You lead a shift or a small team."),
    3: ("Operational leader", "You run a service, for example as its Registered Manager."),
    4: ("Strategic leader", "You lead several services or a whole organisation."),
}



@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    default: str


FIELDS = (
    FieldSpec("job_title", "Job title", EVERYONE),
    FieldSpec("organisation", "Organisation and service type", EVERYONE),
    FieldSpec("area", "Council area and region", AREA_DEFAULT),
    FieldSpec("level", "Level of leadership", NETWORKS),
    FieldSpec("years", "Years as a manager", NETWORKS),
    FieldSpec("online", "Whether you meet online", EVERYONE),
    FieldSpec("needs", "What you'd like help with", NETWORKS),
    FieldSpec("offer", "What you offer as a mentor", EVERYONE),
    FieldSpec("lqf", "Your leadership self-assessment", ONLY_ME),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)


def profile_of(user: User) -> Profile:
    """The member's profile, created empty the first time it is needed (no commit)."""
    profile = db.session.get(Profile, user.id)
    if profile is None:
        profile = Profile(user_id=user.id, meets_online=True, mentor_capacity=0, visibility={})
        db.session.add(profile)
        db.session.flush()
    return profile


def visibility_of(profile: Profile | None) -> dict[str, str]:
    return _rules((profile.visibility or {}) if profile else {})


def _rules(chosen: dict) -> dict[str, str]:
    """{field key: audience} from a profile's stored choices, defaults where none is valid."""
    return {f.key: chosen.get(f.key, f.default) if chosen.get(f.key) in AUDIENCES else f.default
            for f in FIELDS}


def set_visibility(user: User, choices: dict[str, str]) -> None:
    for key, value in choices.items():
        if key not in FIELD_KEYS or value not in AUDIENCES:
            raise ValueError(f"bad visibility {key!r}={value!r}")
    profile = profile_of(user)
    profile.visibility = {**visibility_of(profile), **choices}
    db.session.commit()


def audiences_for(viewer: User, owner: User) -> set[str]:
    """The audiences the viewer belongs to for the owner's profile."""
    if viewer.id == owner.id:
        return set(AUDIENCES)
    seen = {EVERYONE}
    if viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        # Coordinators look after networks, so they see what networks see as well.
        seen |= {NETWORKS, COORDINATORS}
    elif networks.shares_network(viewer, owner.id):
        # Only a network where the viewer can see the owner listed counts (see networks.py).
        seen.add(NETWORKS)
    return seen


def visible_fields(viewer: User, owner: User) -> set[str]:
    audiences = audiences_for(viewer, owner)
    rules = visibility_of(db.session.get(Profile, owner.id))
    return {key for key, audience in rules.items() if audience in audiences}


def _profile_rows(profile: Profile, shown: set[str], needs_of, offers_of) -> list[tuple[str, str]]:
    """The (label, value) rows of a profile for the fields in ``shown``.

    ``needs_of`` and ``offers_of`` give topic names, asked only when the field is shown.
    """
    org = profile.organisation
    return _rows_of(profile, None if org is None else (org.name, org.service_type), shown,
                    needs_of, offers_of)


def _rows_of(profile, org: tuple[str, ServiceType] | None, shown: set[str], needs_of,
             offers_of, place_of=reference.place) -> list[tuple[str, str]]:
    """``_profile_rows`` for anything holding a profile's columns by name (a Profile, or a
    plain row of them), its organisation given as (name, service type) or None."""
    rows = []
    if "job_title" in shown and profile.job_title:
        rows.append(("Job title", profile.job_title))
    if "organisation" in shown and org is not None:
        rows.append(("Service", f"{org[0]} ({org[1].label.lower()})"))
    if "area" in shown and (place := place_of(profile.local_authority_id)) is not None:
        rows.append(("Area", f"{place.council}, {place.region}"))
    if "level" in shown and profile.level:
        rows.append(("Level of leadership", LEVELS[profile.level][0]))
    if "years" in shown and profile.years_as_manager is not None:
        years = profile.years_as_manager
        rows.append(("Years as a manager", "New to managing" if years == 0
                     else f"{years} year{'s' if years != 1 else ''}"))
    if "online" in shown:
        online = "Yes" if profile.meets_online else "Prefers to meet in person"
        rows.append(("Meets online", online))
    if "needs" in shown:
        needs = needs_of()
        if needs:
            rows.append(("Would like help with", ", ".join(needs)))
    if "offer" in shown and profile.mentor_capacity:
        offer = ", ".join(offers_of())
        rows.append(("Mentoring", f"Can mentor {profile.mentor_capacity} "
                     f"{'person' if profile.mentor_capacity == 1 else 'people'}: {offer}"))
        if profile.mentor_availability:
            rows.append(("Usually free", profile.mentor_availability))
        if profile.mentor_note:
            rows.append(("A note for mentees", profile.mentor_note))
    return rows


@dataclass(frozen=True)
class ProfileCard:
    rows: list[tuple[str, str]]
    shown: frozenset[str]


def _needs_and_offers(user_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """({user id: names of topics they'd like help with}, {user id: names they offer}), in
    one statement, the names in the site's order (topics come from the reference cache)."""
    rows = db.session.execute(
        sa.select(sa.literal("need"), member_needs.c.user_id, member_needs.c.topic_id)
        .where(member_needs.c.user_id.in_(user_ids))
        .union_all(
            sa.select(sa.literal("offer"), member_offers.c.user_id, member_offers.c.topic_id)
            .where(member_offers.c.user_id.in_(user_ids)))
    ).all()
    names = reference.topic_names({topic_id for _, _, topic_id in rows})
    order = {topic_id: i for i, topic_id in enumerate(names)}
    found: dict[str, dict[int, list[str]]] = {"need": {}, "offer": {}}
    for kind, uid, topic_id in sorted(rows, key=lambda r: order.get(r[2], len(order))):
        if topic_id in names:  # a topic this process has not heard of yet shows next time
            found[kind].setdefault(uid, []).append(names[topic_id])
    return found["need"], found["offer"]


def profile_cards(viewer: User, owner_ids: list[int],
                  leave_out: frozenset[str] = frozenset(),
                  sharing: set[int] | None = None) -> dict[int, ProfileCard]:
    """What ``viewer`` may see of each owner's profile, in a fixed number of queries.

    The same rules as ``profile_view`` (the owner's choices, the viewer's audiences) for a
    list of people at once, less the fields in ``leave_out``. Networks are left out: an
    affinity network is special-category, and a card is no place for a list of networks.
    ``sharing``: the owners for whom ``networks.shares_network`` holds, when the caller's own
    statement read it (``networks.shares_network_sql``); read here otherwise.
    """
    owner_ids = list(owner_ids)
    if not owner_ids:
        return {}
    # One statement for the profiles with their organisations, and one for needs and offers
    # unless every card leaves both out (decided by ``leave_out``, never by the data, so a page
    # runs the same statements whoever is on it).
    found = db.session.scalars(
        sa.select(Profile).where(Profile.user_id.in_(owner_ids))
        .options(joinedload(Profile.organisation))
    ).all()
    needs, offers = (_needs_and_offers(owner_ids) if {"needs", "offer"} - set(leave_out)
                     else ({}, {}))
    audiences_of = _audiences_of(viewer, owner_ids, sharing)
    cards = {uid: ProfileCard([], frozenset()) for uid in owner_ids}
    for profile in found:
        cards[profile.user_id] = _card(profile, audiences_of(profile.user_id), leave_out,
                                       needs, offers)
    return cards


def _card(profile: Profile, audiences, leave_out, needs, offers) -> ProfileCard:
    uid = profile.user_id
    shown = frozenset(key for key, aud in visibility_of(profile).items()
                      if aud in audiences and key not in leave_out)
    rows = _profile_rows(profile, shown, lambda: needs.get(uid, []),
                         lambda: offers.get(uid, []))
    return ProfileCard(rows, shown)


def cards_from_rows(viewer: User, found, leave_out: frozenset[str]) -> dict[int, ProfileCard]:
    """``profile_cards`` for people read by the caller's own statement, without SQL: ``found``
    holds (user id, their Profile with its organisation or None, whether ``viewer`` shares a
    network where they are listed, as ``networks.shares_network_sql``). Needs and offers are
    not read, so ``leave_out`` must hold both."""
    if {"needs", "offer"} - set(leave_out):
        raise ValueError(f"cards_from_rows reads no needs or offers: leave_out={leave_out!r}")
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    cards = {}
    for uid, profile, shares in found:
        audiences = (_ALL if uid == viewer.id else _STAFF_SEE if staff
                     else _NETWORKS_SEE if shares else _EVERYONE_SEES)
        cards[uid] = (ProfileCard([], frozenset()) if profile is None
                      else _card(profile, audiences, leave_out, {}, {}))
    return cards


def cards_from_values(viewer, found, leave_out: frozenset[str]) -> dict[int, ProfileCard]:
    """``profile_cards`` for people whose profile columns the caller's own statement read as
    plain rows, without SQL or ORM objects.

    ``viewer`` needs only ``id`` and ``has_role``. ``found`` holds (user id, row, whether
    ``viewer`` shares a network where they are listed (as ``networks.shares_network_sql``),
    the ids of the topics they offer), where the row has the ``Profile`` columns a card may
    show under their own names (``visibility``, ``job_title``, ``local_authority_id``,
    ``mentor_capacity``, ``mentor_availability``, ``mentor_note``, and ``level``,
    ``years_as_manager`` or ``meets_online`` unless ``leave_out`` drops their fields) and its
    organisation as ``organisation_name`` and ``service_type``; a row of None is someone with
    no profile. Needs are not read, so ``leave_out`` must hold them.
    """
    if "needs" not in leave_out:
        raise ValueError(f"cards_from_values reads no needs: leave_out={leave_out!r}")
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    offered = {topic_id for *_, topic_ids in found for topic_id in topic_ids}
    names = reference.topic_names(offered) if offered else {}
    order = {topic_id: i for i, topic_id in enumerate(names)}
    # Looked up only for cards that may show the area (a set's page shows job and service):
    # each look-up checks whether the process's copies are still current.
    places = {} if "area" in leave_out else reference.shared("places")

    def place_of(council_id):
        # The process's copy read once for all the cards; a council it lacks is asked for
        # as any page would (loaded again if another process has just added it).
        return places.get(council_id) or reference.place(council_id)

    cards = {}
    # Most people keep the same few choices: each set of choices is worked out once a page.
    shown_for: dict[tuple, frozenset[str]] = {}
    for uid, row, shares, topic_ids in found:
        if row is None:
            cards[uid] = ProfileCard([], frozenset())
            continue
        audiences = (_ALL if uid == viewer.id else _STAFF_SEE if staff
                     else _NETWORKS_SEE if shares else _EVERYONE_SEES)
        chosen = row.visibility or {}
        choices = (audiences, tuple(chosen.items()))
        shown = shown_for.get(choices)
        if shown is None:
            shown = shown_for[choices] = frozenset(
                key for key, aud in _rules(chosen).items()
                if aud in audiences and key not in leave_out)
        org = None if row.organisation_name is None else (row.organisation_name,
                                                          row.service_type)
        offers = [names[t] for t in sorted(topic_ids, key=lambda t: order.get(t, len(order)))
                  if t in names] if topic_ids else []
        # (a topic this process has not heard of yet shows next time)
        cards[uid] = ProfileCard(_rows_of(row, org, shown, None, lambda o=offers: o,
                                          place_of), shown)
    return cards


def shown_fields(viewer: User, owner_ids: list[int]) -> dict[int, frozenset[str]]:
    """``profile_cards(viewer, owner_ids)[id].shown`` for each owner, reading only their
    choices of who sees what (no rows to show, so no organisations, needs or offers)."""
    owner_ids = list(owner_ids)
    if not owner_ids:
        return {}
    chosen = dict(db.session.execute(
        sa.select(Profile.user_id, Profile.visibility).where(Profile.user_id.in_(owner_ids))
    ).all())
    audiences_of = _audiences_of(viewer, owner_ids)
    shown = {}
    for uid in owner_ids:
        audiences = audiences_of(uid)
        shown[uid] = frozenset(key for key, aud in _rules(chosen[uid] or {}).items()
                               if aud in audiences) if uid in chosen else frozenset()
    return shown


def shown_from(viewer: User, owner_id: int, chosen: dict | None, shares: bool,
               leave_out: frozenset[str] = frozenset()) -> frozenset[str]:
    """``profile_cards(viewer, [owner_id], leave_out)[owner_id].shown`` from what the caller's
    own statement read: the owner's stored choices (``chosen``: {} for a profile without any,
    None for no profile) and whether ``viewer`` shares a network where they are listed (as
    ``networks.shares_network_sql``)."""
    if chosen is None:
        return frozenset()
    audiences = (_ALL if owner_id == viewer.id
                 else _STAFF_SEE if viewer.has_role(Role.COORDINATOR, Role.ADMIN)
                 else _NETWORKS_SEE if shares else _EVERYONE_SEES)
    return frozenset(key for key, aud in _rules(chosen).items()
                     if aud in audiences and key not in leave_out)


def _audiences_of(viewer: User, owner_ids: list[int], sharing: set[int] | None = None):
    """A function giving the audiences ``viewer`` belongs to for each of ``owner_ids``
    (``sharing``: as ``profile_cards``)."""
    if viewer.has_role(Role.COORDINATOR, Role.ADMIN):
        # Staff are in the networks' audience already: sharing a network adds nothing, so it
        # is not read.
        return lambda uid: _ALL if uid == viewer.id else _STAFF_SEE
    if sharing is None:
        sharing = networks.sharing_network(viewer, owner_ids)
    return lambda uid: _ALL if uid == viewer.id else (
        _NETWORKS_SEE if uid in sharing else _EVERYONE_SEES)


_ALL, _STAFF_SEE = frozenset(AUDIENCES), frozenset({EVERYONE, NETWORKS, COORDINATORS})
_NETWORKS_SEE, _EVERYONE_SEES = frozenset({EVERYONE, NETWORKS}), frozenset({EVERYONE})


# "See my profile as...": the label and the audiences each kind of viewer belongs to.
PREVIEWS = {
    EVERYONE: ("a member outside your networks", {EVERYONE}),
    NETWORKS: ("someone in your networks", {EVERYONE, NETWORKS}),
    COORDINATORS: ("a coordinator", {EVERYONE, NETWORKS, COORDINATORS}),
}


def profile_view(viewer: User, owner: User, preview: str | None = None) -> dict[str, Any]:
    """What the viewer may see of the owner's profile, already filtered, ready to show.

    With ``preview`` (a key of PREVIEWS) the owner sees their profile as that audience would.
    """
    profile = db.session.get(Profile, owner.id, options=[joinedload(Profile.organisation)])
    if preview is None:
        shown = visible_fields(viewer, owner)
    else:
        audiences = PREVIEWS[preview][1]
        shown = {key for key, aud in visibility_of(profile).items() if aud in audiences}
    view: dict = {"name": owner.display_name, "shown": shown, "rows": []}
    if profile is None:
        return view
    # Asked whatever is shown, so the page runs the same statements for everyone.
    needs, offers = _needs_and_offers([owner.id])
    rows = _profile_rows(profile, shown, lambda: needs.get(owner.id, []),
                         lambda: offers.get(owner.id, []))
    view["rows"] = rows
    # A local network names the council, so it follows the area's visibility, for its own
    # members too: "Only me" means nobody else learns the council.
    seen = networks.networks_seen_by(viewer, owner.id, area_visible="area" in shown)
    if preview is not None:
        # Affinity networks are shown only inside each network, so a preview leaves them out.
        seen = [n for n in seen
                if not n.is_affinity and (n.kind is not NetworkKind.LOCAL or "area" in shown)]
    view["networks"] = seen
    return view


# ------------------------------------------------------------------ steps of the wizard


def next_step(profile: Profile | None) -> str | None:
    """The first step not yet done, or None when onboarding is finished."""
    if profile is None or profile.onboarding_step is None:
        return STEPS[0]
    if profile.onboarded_at is not None:
        return None
    done = STEPS.index(profile.onboarding_step) if profile.onboarding_step in STEPS else -1
    return STEPS[done + 1] if done + 1 < len(STEPS) else None


def mark_step_done(user: User, step: str) -> None:
    """Move the wizard on when ``step`` is the next one due (no commit).

    Steps done out of order (by following a link ahead) are saved but don't move the wizard,
    so nobody finishes onboarding with a step missed.
    """
    profile = profile_of(user)
    current = STEPS.index(profile.onboarding_step) if profile.onboarding_step in STEPS else -1
    if STEPS.index(step) == current + 1:
        profile.onboarding_step = step
        if step == STEPS[-1] and profile.onboarded_at is None:
            profile.onboarded_at = utcnow()


def complete_step(user: User, step: str) -> None:
    mark_step_done(user, step)
    db.session.commit()


def find_or_create_organisation(name: str, service_type: ServiceType,
                                local_authority: LocalAuthority) -> Organisation:
    """An existing service with this name, type and council, or a new one."""
    clean = " ".join(name.split())
    found = _find_organisation(clean, service_type, local_authority)
    if found is None:
        found = Organisation(name=clean, service_type=service_type,
                             local_authority_id=local_authority.id)
        db.session.add(found)
        db.session.flush()
    return found


def organisations_near(local_authority_id: int | None, limit: int = 300) -> list[str]:
    """Names of services in a council, to suggest as the member types."""
    if local_authority_id is None:
        return []
    return list(db.session.scalars(
        sa.select(Organisation.name).where(Organisation.local_authority_id == local_authority_id)
        .distinct().order_by(Organisation.name).limit(limit)
    ))


def save_about(user: User, *, display_name: str, job_title: str, organisation_name: str,
               service_type: ServiceType, local_authority_id: int, level: int,
               years_as_manager: int, meets_online: bool, step: bool = False) -> Profile:
    profile = _apply_about(user, {
        "display_name": display_name, "job_title": job_title,
        "organisation_name": organisation_name, "service_type": service_type,
        "local_authority_id": local_authority_id, "level": level,
        "years_as_manager": years_as_manager, "meets_online": meets_online})
    if step:
        mark_step_done(user, "about")
    db.session.commit()
    return profile


def save_about_so_far(user: User, answers: dict) -> Profile:
    """Save the "About you" answers given so far, without finishing the step.

    ``answers`` holds any of save_about's keywords, each one already checked. The service is
    saved only with its kind and a council to place it in, since a name alone could be any of
    several services.
    """
    unknown = set(answers) - ABOUT_KEYS
    if unknown:
        raise ValueError(f"unknown answers {sorted(unknown)!r}")
    profile = _apply_about(user, answers)
    db.session.commit()
    return profile


ABOUT_KEYS = frozenset({"display_name", "job_title", "organisation_name", "service_type",
                        "local_authority_id", "level", "years_as_manager", "meets_online"})


def _apply_about(user: User, answers: dict) -> Profile:
    profile = profile_of(user)
    if "display_name" in answers:
        user.display_name = answers["display_name"].strip()
    if "job_title" in answers:
        profile.job_title = answers["job_title"].strip()
    council = profile.local_authority
    if "local_authority_id" in answers:
        council = db.session.get(LocalAuthority, answers["local_authority_id"])
        if council is None:
            raise ValueError(f"no council with id {answers['local_authority_id']!r}")
        profile.local_authority_id = council.id
        profile.local_authority = council
        networks.sync_local_membership(user, council)
    if council is not None and {"organisation_name", "service_type"} <= answers.keys():
        _place_organisation(profile, answers["organisation_name"], answers["service_type"],
                            council)
    for key in ("level", "years_as_manager", "meets_online"):
        if key in answers:
            setattr(profile, key, answers[key])
    return profile


def _place_organisation(profile: Profile, name: str, service_type: ServiceType,
                        council: LocalAuthority) -> None:
    """Link the profile to the service it names, never leaving a copy behind (no commit).

    Changing council used to add a second "Oak Lodge" and keep the first with nobody in it,
    where erasure could no longer find it. Now an existing match is re-used, the same service
    that only this member works at is moved, and one left with nobody is deleted.
    """
    old = profile.organisation
    clean = " ".join(name.split())
    found = _find_organisation(clean, service_type, council)
    if (found is None and old is not None and old.name.lower() == clean.lower()
            and not _others_work_at(old, profile.user_id)):
        old.name, old.service_type, old.local_authority_id = clean, service_type, council.id
        return
    if found is None:
        found = find_or_create_organisation(clean, service_type, council)
    profile.organisation = found
    if old is not None and old.id != found.id and not _others_work_at(old, profile.user_id):
        db.session.delete(old)
    db.session.flush()


def _find_organisation(clean: str, service_type: ServiceType,
                       council: LocalAuthority) -> Organisation | None:
    return db.session.execute(
        sa.select(Organisation).where(
            sa.func.lower(Organisation.name) == clean.lower(),
            Organisation.service_type == service_type,
            Organisation.local_authority_id == council.id,
        ).order_by(Organisation.id).limit(1)
    ).scalar_one_or_none()


def _others_work_at(organisation: Organisation, user_id: int) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Profile)
        .where(Profile.organisation_id == organisation.id, Profile.user_id != user_id)) > 0


def topics() -> list[Topic]:
    return reference.topics()


def _topic_ids(table: sa.Table, user_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(table.c.topic_id).where(table.c.user_id == user_id)))


def need_ids(user_id: int) -> list[int]:
    return _topic_ids(member_needs, user_id)


def _topic_names(table: sa.Table, user_id: int) -> list[str]:
    return list(db.session.scalars(
        sa.select(Topic.name).join(table, table.c.topic_id == Topic.id)
        .where(table.c.user_id == user_id).order_by(Topic.position, Topic.name)
    ))


def need_names(user_id: int) -> list[str]:
    return _topic_names(member_needs, user_id)


def offer_names(user_id: int) -> list[str]:
    return _topic_names(member_offers, user_id)


def _replace_topics(table: sa.Table, user_id: int, topic_ids: list[int]) -> None:
    known = set(db.session.scalars(sa.select(Topic.id).where(Topic.id.in_(topic_ids))))
    if known != set(topic_ids):
        raise ValueError(f"unknown topic ids {sorted(set(topic_ids) - known)}")
    db.session.execute(sa.delete(table).where(table.c.user_id == user_id))
    if topic_ids:
        db.session.execute(sa.insert(table), [{"user_id": user_id, "topic_id": t}
                                              for t in sorted(set(topic_ids))])


def save_needs(user: User, topic_ids: list[int], step: bool = False) -> None:
    profile_of(user)
    _replace_topics(member_needs, user.id, topic_ids)
    if step:
        mark_step_done(user, "needs")
    db.session.commit()


def save_offer(user: User, *, capacity: int, topic_ids: list[int], availability: str,
               note: str, step: bool = False) -> None:
    if capacity not in (0, 1, 2, 3):
        raise ValueError(f"capacity must be 0 to 3, got {capacity!r}")
    profile = profile_of(user)
    profile.mentor_capacity = capacity
    profile.mentor_availability = availability.strip() if capacity else ""
    profile.mentor_note = note.strip() if capacity else ""
    _replace_topics(member_offers, user.id, topic_ids if capacity else [])
    if step:
        mark_step_done(user, "mentoring")
    db.session.commit()


def finish_networks_step(user: User) -> None:
    complete_step(user, "networks")


# ------------------------------------------------------------------ bulk reads


def matching_rows(user_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """One dict per active member with a profile, in the shape the matching library reads.

    Keys: user_id, organisation_id, service_type, local_authority_id, region, level, online,
    capacity, needs, offers, affinity (codes), lqf ({element code: score}, latest assessment).
    A handful of queries whatever the number of members.
    """
    from netapp.models import Region
    from netapp.services.lqf import latest_scores_by_user

    query = (
        sa.select(Profile.user_id, Profile.organisation_id, Organisation.service_type,
                  Profile.local_authority_id, Region.name, Profile.level, Profile.meets_online,
                  Profile.mentor_capacity)
        .join(User, User.id == Profile.user_id)
        .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
        .outerjoin(LocalAuthority, LocalAuthority.id == Profile.local_authority_id)
        .outerjoin(Region, Region.id == LocalAuthority.region_id)
        .where(User.is_active_account.is_(True))
        .order_by(Profile.user_id)
    )
    if user_ids is not None:
        query = query.where(Profile.user_id.in_(user_ids))
    rows = db.session.execute(query).all()

    def only_asked(statement, column):
        # With no list we read everyone, rather than send tens of thousands of ids.
        return statement if user_ids is None else statement.where(column.in_(user_ids))

    def grouped(statement) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for uid, code in db.session.execute(statement):
            out.setdefault(uid, []).append(code)
        return out

    def topic_codes(table: sa.Table):
        return grouped(only_asked(sa.select(table.c.user_id, Topic.code)
                                  .join(Topic, Topic.id == table.c.topic_id)
                                  .order_by(Topic.position), table.c.user_id))

    needs, offers = topic_codes(member_needs), topic_codes(member_offers)
    affinity = grouped(only_asked(sa.select(NetworkMembership.user_id, Network.code)
                                  .join(Network, Network.id == NetworkMembership.network_id)
                                  .where(Network.kind == NetworkKind.AFFINITY),
                                  NetworkMembership.user_id))
    scores = latest_scores_by_user(user_ids)
    return [
        {"user_id": uid, "organisation_id": org, "service_type": st.value if st else None,
         "local_authority_id": la, "region": region, "level": level, "online": online,
         "capacity": capacity, "needs": needs.get(uid, []), "offers": offers.get(uid, []),
         "affinity": affinity.get(uid, []), "lqf": scores.get(uid, {})}
        for uid, org, st, la, region, level, online, capacity in rows
    ]
