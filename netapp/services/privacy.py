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
    FeedbackRater,
    FeedbackRound,
    FeedbackScore,
    NetworkMembership,
    Profile,
    SelfAssessment,
    User,
    UserRole,
    member_needs,
    member_offers,
)
from netapp.services import audit, profiles
from netapp.services import networks as network_service


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
            "visibility": profiles.visibility_of(profile),
            "onboarded_at": _when(profile.onboarded_at),
        },
        "needs": profiles.need_names(user.id),
        "offers": profiles.offer_names(user.id),
        "networks": [
            {"network": m.network.name, "kind": m.network.kind.value,
             "joined_at": _when(m.joined_at), "consent_text_version": m.consent_text_version,
             "consent_given_at": _when(m.consent_given_at)}
            for m in network_service.memberships(user.id)
        ],
        "self_assessments": list(by_assessment.values()),
        "feedback_requests": [
            {"created_at": _when(r.created_at),
             "invited": [{"email": rater.email, "invited_at": _when(rater.invited_at),
                          "answered": rater.submitted_at is not None} for rater in r.raters]}
            for r in rounds
        ],
        "activity": [{"at": _when(at), "action": action} for at, action in activity],
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
                              "consent_given_at"],
                             [list(n.values()) for n in data["networks"]]),
        "self_assessments.csv": _csv(
            ["assessment_id", "started_at", "completed_at", "element", "score"],
            [[a["id"], a["started_at"], a["completed_at"], code, score]
             for a in data["self_assessments"] for code, score in a["scores"].items()]),
        "feedback_invitations.csv": _csv(
            ["requested_at", "email", "invited_at", "answered"],
            [[r["created_at"], i["email"], i["invited_at"], i["answered"]]
             for r in data["feedback_requests"] for i in r["invited"]]),
        "activity.csv": _csv(["at", "action"], [[a["at"], a["action"]] for a in data["activity"]]),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    audit.record(user, "data.exported", user)
    db.session.commit()
    return buffer.getvalue()


def erase(user: User) -> None:
    """Delete the account and personal data now; keep anonymous statistics. Audited.

    Self-assessment scores stay without a name attached, for network-wide statistics.
    Audit entries stay, but lose any detail that could name the person.
    """
    uid = user.id
    round_ids = sa.select(FeedbackRound.id).where(FeedbackRound.user_id == uid)
    rater_ids = sa.select(FeedbackRater.id).where(FeedbackRater.round_id.in_(round_ids))
    db.session.execute(sa.delete(FeedbackScore).where(FeedbackScore.rater_id.in_(rater_ids)))
    db.session.execute(sa.delete(FeedbackRater).where(FeedbackRater.round_id.in_(round_ids)))
    db.session.execute(sa.delete(FeedbackRound).where(FeedbackRound.user_id == uid))
    # Feedback this person gave others through an emailed link stays in those averages,
    # but loses their address.
    db.session.execute(sa.update(FeedbackRater).where(FeedbackRater.email == user.email)
                       .values(email=""))
    db.session.execute(sa.delete(NetworkMembership).where(NetworkMembership.user_id == uid))
    db.session.execute(sa.delete(member_needs).where(member_needs.c.user_id == uid))
    db.session.execute(sa.delete(member_offers).where(member_offers.c.user_id == uid))
    # Unfinished drafts carry no statistical value; finished ones are kept, anonymised.
    drafts = sa.select(SelfAssessment.id).where(SelfAssessment.user_id == uid,
                                                SelfAssessment.completed_at.is_(None))
    db.session.execute(sa.delete(AssessmentScore).where(AssessmentScore.assessment_id.in_(drafts)))
    db.session.execute(sa.delete(SelfAssessment).where(SelfAssessment.user_id == uid,
                                                       SelfAssessment.completed_at.is_(None)))
    db.session.execute(sa.update(SelfAssessment).where(SelfAssessment.user_id == uid)
                       .values(user_id=None))
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.actor_id == uid)
                       .values(actor_id=None))
    db.session.execute(sa.update(AuditEntry)
                       .where(AuditEntry.target_type == "User", AuditEntry.target_id == str(uid))
                       .values(detail={}))
    db.session.execute(sa.delete(Profile).where(Profile.user_id == uid))
    db.session.execute(sa.delete(UserRole).where(UserRole.user_id == uid))
    db.session.execute(sa.delete(User).where(User.id == uid))
    db.session.expunge(user)
    audit.record(None, "account.erased", None, user_id=uid)
    db.session.commit()
