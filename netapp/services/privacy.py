"""My data: export everything we hold about a member, and erase their account."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    AuditEntry,
    Element,
    FeedbackRound,
    Job,
    LearningSet,
    MentoringCheckIn,
    MentoringGoal,
    MentoringMeeting,
    MentoringMessage,
    Mentorship,
    Notification,
    Organisation,
    Profile,
    SelfAssessment,
    SetAttendance,
    SetMeeting,
    SetMembership,
    SetNote,
    SetRequest,
    SetStatus,
    User,
)
from netapp.services import (
    audit,
    events,
    feedback,
    isolation,
    mentoring,
    peers,
    profiles,
    programme,
    resources,
    sessions,
)
from netapp.services import discussions as discussion_service
from netapp.services import imports as member_imports
from netapp.services import networks as network_service
from netapp.services import stories as story_service


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def collect(user: User) -> dict[str, Any]:
    """Everything the app holds about the member, as plain data."""
    profile = db.session.get(Profile, user.id)
    organisation = profile.organisation if profile else None
    council = profile.local_authority if profile else None
    assessments = db.session.execute(
        sa.select(SelfAssessment.id, SelfAssessment.started_at, SelfAssessment.completed_at,
                  Element.code, AssessmentScore.score)
        .join(AssessmentScore, AssessmentScore.assessment_id == SelfAssessment.id)
        .join(Element, Element.id == AssessmentScore.element_id)
        .where(SelfAssessment.user_id == user.id)
        .order_by(SelfAssessment.id, Element.id)
    ).all()
    by_assessment: dict[int, dict[str, Any]] = {}
    for aid, started, done, code, score in assessments:
        entry = by_assessment.setdefault(aid, {"id": aid, "started_at": _when(started),
                                               "completed_at": _when(done), "scores": {}})
        entry["scores"][code] = score
    rounds = db.session.scalars(sa.select(FeedbackRound).where(FeedbackRound.user_id == user.id))
    activity = db.session.execute(
        sa.select(AuditEntry.created_at, AuditEntry.action)
        .where(sa.or_(AuditEntry.actor_id == user.id,
                      sa.and_(AuditEntry.target_type == "User",
                              AuditEntry.target_id == str(user.id))))
        .order_by(AuditEntry.created_at)
    ).all()
    return {
        "account": {
            "id": user.id, "name": user.display_name, "email": user.email,
            "joined_at": _when(user.created_at),
            "email_confirmed_at": _when(user.email_verified_at),
            "last_login_at": _when(user.last_login_at),
            "roles": sorted(r.role.value for r in user.roles),
        },
        "profile": None if profile is None else {
            "job_title": profile.job_title,
            "organisation": organisation.name if organisation else None,
            "service_type": organisation.service_type.value if organisation else None,
            "council": council.name if council else None,
            "region": council.region.name if council else None,
            "level": profile.level,
            "years_as_manager": profile.years_as_manager,
            "meets_online": profile.meets_online,
            "mentor_capacity": profile.mentor_capacity,
            "mentor_availability": profile.mentor_availability,
            "mentor_note": profile.mentor_note,
            "wants_mentor": profile.wants_mentor,
            "mentoring_paused": profile.mentoring_paused,
            "visibility": profiles.visibility_of(profile),
            "onboarded_at": _when(profile.onboarded_at),
        },
        "needs": profiles.need_names(user.id),
        "offers": profiles.offer_names(user.id),
        "networks": [
            {"network": m.network.name, "kind": m.network.kind.value,
             "joined_at": _when(m.joined_at), "consent_text_version": m.consent_text_version,
             "consent_given_at": _when(m.consent_given_at), "listed": m.is_listed}
            for m in network_service.memberships(user.id)
        ],
        "networks_led": [{"network": n.name, "since": _when(at)}
                         for n, at in network_service.led_by(user.id)],
        "networks_followed": [n.name for n in network_service.followed(user.id)],
        "self_assessments": list(by_assessment.values()),
        "learning_done": [
            {"resource": d.resource.title, "url": d.resource.url,
             "element": d.resource.element.code, "done_at": _when(d.done_at)}
            for d in resources.done_history(user)
        ],
        # The addresses this person invited, but not who answered: the feedback pages never
        # show that, so neither does the export.
        "feedback_requests": [
            {"created_at": _when(r.created_at),
             "invited": [{"email": rater.email, "invited_at": _when(rater.invited_at)}
                         for rater in r.raters]}
            for r in rounds
        ],
        # Their own answers to other members' requests; the requesters' results are not theirs.
        "feedback_given": [
            {"for": g["for"], "invited_as": g["invited_as"], "invited_at": _when(g["invited_at"]),
             "sent_at": _when(g["sent_at"]), "scores": g["scores"]}
            for g in feedback.given_by(user)
        ],
        "activity": [{"at": _when(at), "action": action} for at, action in activity],
        "action_learning_sets": _sets_of(user),
        "discussion_posts": discussion_service.posts_of(user),
        "stories": story_service.stories_of(user),
        "events": events.rsvps_of(user.id),
        "mentoring": _mentoring_of(user),
        "peers": peers.data_of(user.id),
        "isolation_index": isolation.data_of(user.id),
        "programme_updates": [
            {"kind": u.kind.value, "value": u.value, "reported_at": _when(u.reported_at)}
            for u in programme.history(user)
        ],
        "programme_feedback": [
            {"rating": f.rating, "comment": f.comment, "given_at": _when(f.created_at)}
            for f in programme.feedback_of(user)
        ],
        "notifications": [
            {"at": _when(n.created_at), "text": n.text, "read_at": _when(n.read_at)}
            for n in db.session.scalars(sa.select(Notification)
                                        .where(Notification.user_id == user.id)
                                        .order_by(Notification.created_at))
        ],
    }


def _mentoring_of(user: User) -> list[dict[str, Any]]:
    """Each mentorship the member was in, from their side: the other person, what was agreed,
    meetings with the shared notes and their own private notes (never the other side's), the
    messages they sent, and their own check-in answers."""
    ships = list(db.session.scalars(
        sa.select(Mentorship)
        .where(sa.or_(Mentorship.mentee_id == user.id, Mentorship.mentor_id == user.id))
        .order_by(Mentorship.created_at)))
    ids = [m.id for m in ships]

    def by_ship(model, *where, order):
        grouped: dict[int, list] = {i: [] for i in ids}
        if ids:
            for row in db.session.scalars(sa.select(model).where(
                    model.mentorship_id.in_(ids), *where).order_by(order)):
                grouped[row.mentorship_id].append(row)
        return grouped

    goals = by_ship(MentoringGoal, order=MentoringGoal.id)
    meetings = by_ship(MentoringMeeting, order=MentoringMeeting.met_on)
    sent = by_ship(MentoringMessage, MentoringMessage.sender_id == user.id,
                   order=MentoringMessage.created_at)
    checkins = by_ship(MentoringCheckIn, MentoringCheckIn.user_id == user.id,
                       order=MentoringCheckIn.day)
    names = dict(db.session.execute(sa.select(User.id, User.display_name).where(
        User.id.in_({m.mentee_id for m in ships} | {m.mentor_id for m in ships}))).all())
    # The engine's reason speaks of both people: the export gives it as the member's own
    # mentoring page does, less what the other person keeps from them.
    cards = profiles.profile_cards(user, sorted(
        {m.mentor_id if m.mentee_id == user.id else m.mentee_id for m in ships}))
    out = []
    for m in ships:
        as_mentor = m.mentor_id == user.id
        why = (mentoring.reason_for_mentor(m.reason, cards[m.mentee_id].shown) if as_mentor
               else mentoring.reason_for_mentee(m.reason, cards[m.mentor_id].shown))
        out.append({
            "as": "mentor" if as_mentor else "mentee",
            "with": names.get(m.mentee_id if as_mentor else m.mentor_id),
            "status": m.status.value, "started_at": _when(m.created_at),
            "answered_at": _when(m.responded_at), "closed_at": _when(m.closed_at),
            "why_suggested": why, "request_note": m.request_note,
            # the reason a mentor gives for declining is for coordinators, not the member
            "decline_reason": m.decline_reason if as_mentor else "",
            "my_feedback": m.mentor_feedback if as_mentor else m.mentee_feedback,
            "goals": [{"goal": g.title, "elements": g.element_codes, "status": g.status.value}
                      for g in goals[m.id]],
            "meetings": [{"met_on": meeting.met_on.isoformat(),
                          "shared_notes": meeting.shared_notes,
                          "my_private_notes": (meeting.mentor_notes if as_mentor
                                               else meeting.mentee_notes)}
                         for meeting in meetings[m.id]],
            "messages_i_sent": [{"at": _when(x.created_at), "text": x.body}
                                for x in sent[m.id]],
            "my_check_ins": [{"day": c.day, "rating": c.rating, "comment": c.comment}
                             for c in checkins[m.id]],
        })
    return out


def _sets_of(user: User) -> dict[str, Any]:
    """The member's request to join a set, the sets they are or were in, the meetings they
    were marked at and the notes they wrote in their sets."""
    request = db.session.get(SetRequest, user.id)
    sets = db.session.execute(
        sa.select(LearningSet.name, LearningSet.status, SetMembership.joined_at,
                  SetMembership.left_at)
        .join(SetMembership, SetMembership.set_id == LearningSet.id)
        .where(SetMembership.user_id == user.id, LearningSet.status != SetStatus.DRAFT)
        .order_by(SetMembership.joined_at)).all()
    attended = db.session.execute(
        sa.select(SetMeeting.starts_at, SetAttendance.attended)
        .join(SetAttendance, SetAttendance.meeting_id == SetMeeting.id)
        .where(SetAttendance.user_id == user.id).order_by(SetMeeting.starts_at)).all()
    notes = db.session.execute(
        sa.select(SetNote.created_at, SetNote.body, SetNote.is_action)
        .where(SetNote.author_id == user.id).order_by(SetNote.created_at)).all()
    return {
        "request": None if request is None else {
            "mode": request.mode.value, "note": request.note,
            "asked_at": _when(request.created_at)},
        "sets": [{"set": name, "status": status.value, "joined_at": _when(joined),
                  "left_at": _when(left)} for name, status, joined, left in sets],
        "attendance": [{"meeting_at": _when(at), "attended": was} for at, was in attended],
        "notes": [{"written_at": _when(at), "text": body, "is_action": is_action}
                  for at, body, is_action in notes],
    }


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_zip(user: User) -> bytes:
    """A zip of my-data.json plus one CSV per kind of record. Audited."""
    data = collect(user)
    files = {
        "my-data.json": json.dumps(data, indent=2, ensure_ascii=False),
        "account.csv": _csv(list(data["account"]),
                            [[v if not isinstance(v, list) else " ".join(v)
                              for v in data["account"].values()]]),
        "profile.csv": _csv(["field", "value"],
                            [[k, json.dumps(v) if isinstance(v, dict) else v]
                             for k, v in (data["profile"] or {}).items()]),
        "needs_and_offers.csv": _csv(["kind", "topic"],
                                     [["need", t] for t in data["needs"]]
                                     + [["offer", t] for t in data["offers"]]),
        "networks.csv": _csv(["network", "kind", "joined_at", "consent_text_version",
                              "consent_given_at", "listed"],
                             [list(n.values()) for n in data["networks"]]),
        "self_assessments.csv": _csv(
            ["assessment_id", "started_at", "completed_at", "element", "score"],
            [[a["id"], a["started_at"], a["completed_at"], code, score]
             for a in data["self_assessments"] for code, score in a["scores"].items()]),
        "learning_done.csv": _csv(["resource", "url", "element", "done_at"],
                                  [list(d.values()) for d in data["learning_done"]]),
        "feedback_invitations.csv": _csv(
            ["requested_at", "email", "invited_at"],
            [[r["created_at"], i["email"], i["invited_at"]]
             for r in data["feedback_requests"] for i in r["invited"]]),
        "feedback_given.csv": _csv(
            ["for", "invited_as", "invited_at", "sent_at", "element", "score"],
            [[g["for"], g["invited_as"], g["invited_at"], g["sent_at"], code, score]
             for g in data["feedback_given"] for code, score in g["scores"].items()]),
        "activity.csv": _csv(["at", "action"], [[a["at"], a["action"]] for a in data["activity"]]),
        "mentoring.csv": _csv(
            ["as", "with", "status", "started_at", "answered_at", "closed_at"],
            [[m["as"], m["with"], m["status"], m["started_at"], m["answered_at"],
              m["closed_at"]] for m in data["mentoring"]]),
        "peer_hellos.csv": _csv(
            ["direction", "with", "message", "at"],
            [["sent", h["to"], h["message"], h["at"]] for h in data["peers"]["hellos_sent"]]
            + [["received", h["from"], h["message"], h["at"]]
               for h in data["peers"]["hellos_received"]]),
        "events.csv": _csv(
            ["event", "network", "starts_at", "cancelled", "status", "answered_at",
             "promoted_at", "attended"], [list(e.values()) for e in data["events"]]),
        "discussion_posts.csv": _csv(
            ["network", "discussion", "written_at", "edited_at", "hidden_reason", "text"],
            [list(p.values()) for p in data["discussion_posts"]]),
        "stories.csv": _csv(
            ["title", "text", "shared_with", "written_at", "dimensions", "thanks",
             "hidden_reason"],
            [[*list(s.values())[:4], "; ".join(s["dimensions"]), s["thanks"],
              s["hidden_reason"]] for s in data["stories"]]),
        "programme_updates.csv": _csv(["kind", "value", "reported_at"],
                                      [list(u.values()) for u in data["programme_updates"]]),
        "programme_feedback.csv": _csv(["rating", "comment", "given_at"],
                                       [list(f.values()) for f in data["programme_feedback"]]),
        "action_learning_sets.csv": _csv(
            ["set", "status", "joined_at", "left_at"],
            [list(m.values()) for m in data["action_learning_sets"]["sets"]]),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    audit.record(user, "data.exported", user)
    db.session.commit()
    return buffer.getvalue()


# Audit targets whose id is a user's id: an erased person's entries lose it.
_USER_KEYED_TARGETS = ("User", "Profile")


def _month(value: datetime | None) -> datetime | None:
    """The first moment of ``value``'s month: kept statistics say when, but not to the second."""
    return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0) if value else None


def _keep_assessments_anonymously(uid: int) -> None:
    # Unfinished drafts carry no statistical value; finished ones are kept, anonymised. Their
    # times are cut to the month: to the second, they would line up with the audit trail
    # (sign-up, logins) and point back at the person.
    drafts = sa.select(SelfAssessment.id).where(SelfAssessment.user_id == uid,
                                                SelfAssessment.completed_at.is_(None))
    db.session.execute(sa.delete(AssessmentScore).where(AssessmentScore.assessment_id.in_(drafts)))
    db.session.execute(sa.delete(SelfAssessment).where(SelfAssessment.user_id == uid,
                                                       SelfAssessment.completed_at.is_(None)))
    kept = db.session.scalars(sa.select(SelfAssessment).where(SelfAssessment.user_id == uid))
    for assessment in kept:
        assessment.user_id = None
        assessment.started_at = _month(assessment.started_at)
        assessment.completed_at = _month(assessment.completed_at)


def _forget_in_audit_log(uid: int) -> None:
    # Entries stay (what happened, and when), but nothing in them points at the person.
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.actor_id == uid)
                       .values(actor_id=None))
    db.session.execute(sa.update(AuditEntry)
                       .where(AuditEntry.target_type.in_(_USER_KEYED_TARGETS),
                              AuditEntry.target_id == str(uid))
                       .values(target_id=None, detail={}))


def _delete_with_dependents(table: sa.Table, where: sa.ColumnElement[bool]) -> None:
    """Delete the rows of ``table`` matching ``where``, doing first what every foreign key into
    them says on delete (CASCADE: delete those rows too; SET NULL: clear the column).

    SQLite does not enforce foreign keys in this app, so ON DELETE never runs there: without
    this, rows in tables added later would be left pointing at an erased person. Reading the
    rules from the models keeps a new table covered the day it is added.
    """
    for child in db.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table:
                continue
            hit = fk.parent.in_(sa.select(fk.column).where(where))
            if fk.ondelete == "CASCADE":
                _delete_with_dependents(child, hit)
            elif fk.ondelete == "SET NULL":
                db.session.execute(sa.update(child).where(hit).values({fk.parent.name: None}))
            else:
                raise ValueError(f"{child.name}.{fk.parent.name} has no ON DELETE rule for "
                                 f"rows of {table.name}")
    db.session.execute(sa.delete(table).where(where))


def _forget_in_notifications(user: User) -> None:
    # Other people's notifications may name the person ("Mina accepted your request").
    db.session.execute(sa.delete(Notification).where(
        Notification.user_id != user.id, Notification.text.contains(user.display_name,
                                                                    autoescape=True)))


def _forget_in_learning_sets(uid: int) -> None:
    # Notes in a set's shared space are the person's own words: they go, where the schema
    # alone would keep them without an author. Meetings they set up stay, as the set's.
    db.session.execute(sa.delete(SetNote).where(SetNote.author_id == uid))
    # A coordinator's search for sets for them as a late joiner names them in its parameters.
    db.session.execute(sa.delete(Job).where(Job.kind == "late_joiner_sets",
                                            Job.params["user_id"].as_integer() == uid))


def erase(user: User) -> None:
    """Delete the account and personal data now; keep anonymous statistics. Audited.

    What goes and what stays is listed in docs/members.md ("Erasure");
    tests/test_erasure.py checks every table.
    """
    uid = user.id
    sessions.end_sessions(user)  # no browser stays signed in to an erased account
    events.give_up_places(user)  # their places at coming events go to the waitlists
    feedback.forget_rater(user)
    _keep_assessments_anonymously(uid)
    _forget_in_audit_log(uid)
    _forget_in_notifications(user)
    _forget_in_learning_sets(uid)
    member_imports.forget_person(user.email)  # a file waiting to be imported can't re-add them
    programme.forget_feedback_author(uid)  # ratings stay; the person and their words go
    # Their posts go; a thread they started stays for others' replies (their stories, thanks
    # and reports go with the account below).
    discussion_service.forget_author(uid)
    organisation_id = db.session.scalar(
        sa.select(Profile.organisation_id).where(Profile.user_id == uid))
    users = User.__table__
    # Everything else that hangs off the account: profile, roles, sessions, networks, needs,
    # offers, feedback requests, mentoring, learning sets, notifications; columns that only
    # mention the person (who created a round, who facilitates a set) are cleared.
    _delete_with_dependents(users, users.c.id == uid)
    if organisation_id is not None:
        # A provider nobody else works for was typed in by this person: its name may be
        # their own business, so it goes with them.
        db.session.execute(sa.delete(Organisation).where(
            Organisation.id == organisation_id,
            ~sa.exists().where(Profile.organisation_id == organisation_id)))
    db.session.expunge(user)
    audit.record(None, "account.erased")
    db.session.commit()
