"""Erasure leaves nothing: every table that can hold personal data is checked after erasing.

The list of tables comes from the models' metadata, so a new table fails
``test_every_table_is_classified`` until someone decides whether it holds personal data (and
adds a check here) or is reference data.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    AuditEntry,
    CalendarFeed,
    Dimension,
    DiscussionPost,
    DiscussionThread,
    DismissedSuggestion,
    EmailOptOut,
    Event,
    EventRsvp,
    FeedbackRater,
    FeedbackScore,
    FormationUnplaced,
    ImportStatus,
    IsolationScore,
    Job,
    LearningSet,
    MeetingMode,
    MemberImport,
    MentoringCheckIn,
    MentoringGoal,
    MentoringMeeting,
    MentoringMessage,
    MentoringRound,
    Mentorship,
    MentorshipStatus,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    Notification,
    PairRuleKind,
    PeerDismissal,
    PeerHello,
    PostReport,
    Resource,
    ResourceDone,
    Role,
    RoundPairRule,
    RoundProposal,
    RsvpStatus,
    SelfAssessment,
    SetAttendance,
    SetFormation,
    SetMeeting,
    SetMembership,
    SetNote,
    SetRequest,
    SetStatus,
    Story,
    StoryThanks,
    User,
    UserSession,
    story_dimensions,
)
from netapp.models.base import utcnow
from netapp.models.coordinator import ProgrammeFeedback, ProgrammeUpdate, UpdateKind
from netapp.services import accounts, audit, lqf, programme, resources
from tests.factories import make_user
from tests.profile_helpers import assess, give_profile, join, load_reference

PASSWORD = "correct horse battery"
EMAIL = "member@example.org"
OLD_EMAIL = "mina.before@example.org"
NAME = "Mina Member"

# Tables whose rows describe the network, not a person: framework, places, topics, networks,
# learning resources. None of them has a column that can name or point at a member.
REFERENCE_DATA = frozenset({
    "frameworks", "framework_dimensions", "framework_elements", "framework_levels",
    "learning_resources", "topics", "regions", "local_authorities", "networks",
    "recruitment_questions",
})


@dataclass
class Erased:
    """What we knew about the person before they erased their account."""

    uid: int
    requester_id: int  # another member the person gave feedback to
    answer_id: int  # the person's sent answer to that member
    draft_id: int  # an invitation to the person they had only half answered
    mentorship_id: int  # the person's mentorship, with goals, a meeting, a check-in, a message
    round_id: int  # a matching round the person created (as a coordinator)
    set_id: int = 0  # an active learning set the person is in, and facilitates another
    formation_id: int = 0  # a set formation the person created
    event_id: int = 0  # a coming event the person created, was going to, with one waiting
    talk: dict | None = None  # ids of discussions, posts, reports and stories: see _talk
    peers: dict | None = None  # ids of other people's peer rows that must stay: see _peers
    done_resource_id: int = 0  # a resource the person and another member both marked done
    feedback_kept_id: int = 0  # the person's feedback on the network (its rating stays)


# ---------------------------------------------------------------- one check per personal table


def _none_for(table: str, column: str, uid: int) -> None:
    rows = db.session.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {column} = :uid"),
                              {"uid": uid}).scalar_one()
    assert rows == 0, f"{table}.{column} still holds the erased person"


def no_rows_for(table: str, *columns: str):
    """A check for a table whose rows only ever belong to people: none left for the person."""
    def check(e: Erased) -> None:
        for column in columns:
            _none_for(table, column, e.uid)
    return check


def check_jobs(e: Erased) -> None:
    _none_for("jobs", "created_by_id", e.uid)
    # a search for sets for them as a late joiner, started by someone else, goes too
    assert [j.params for j in db.session.scalars(sa.select(Job))
            if j.params.get("user_id") == e.uid] == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)
                             .where(Job.kind == "late_joiner_sets")) == 1  # another's stays


def check_users(e: Erased) -> None:
    assert db.session.get(User, e.uid) is None
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == EMAIL)) == 0


def check_organisations(e: Erased) -> None:
    # The provider only this person worked for was typed in by them: it goes.
    names = db.session.scalars(sa.text("SELECT name FROM organisations")).all()
    assert f"{NAME} House" not in names


def check_network_tallies(e: Erased) -> None:
    """How many joined each network each month, kept by the database: what counting the
    memberships left says, so the person is no longer counted where they were a member."""
    from netapp.models.networks import NetworkTally

    counted: dict = {}
    for network_id, joined_at, listed in db.session.execute(sa.select(
            NetworkMembership.network_id, NetworkMembership.joined_at,
            NetworkMembership.is_listed)):
        month = joined_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        members, was_listed = counted.get((network_id, month), (0, 0))
        counted[network_id, month] = (members + 1, was_listed + bool(listed))
    kept = {(t.network_id, t.joined_month): (t.members, t.listed)
            for t in db.session.scalars(sa.select(NetworkTally)) if t.members or t.listed}
    assert kept == counted and kept


def check_self_assessments(e: Erased) -> None:
    """Finished assessments stay as anonymous statistics, dated to the month only."""
    _none_for("self_assessments", "user_id", e.uid)
    kept = db.session.scalars(sa.select(SelfAssessment).where(SelfAssessment.user_id.is_(None)))
    kept = kept.all()
    assert len(kept) == 1, "the finished assessment stays; the draft goes"
    for when in (kept[0].started_at, kept[0].completed_at):
        assert (when.day, when.hour, when.minute, when.second, when.microsecond) == \
            (1, 0, 0, 0, 0), f"{when} would line up with the audit trail"


def check_assessment_scores(e: Erased) -> None:
    kept = db.session.scalar(sa.select(SelfAssessment.id).where(SelfAssessment.user_id.is_(None)))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentScore)
                             .where(AssessmentScore.assessment_id == kept)) == 28


def check_feedback_raters(e: Erased) -> None:
    _none_for("feedback_raters", "rater_user_id", e.uid)
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRater.id))
                             .where(FeedbackRater.email == EMAIL)) == 0
    answer = db.session.get(FeedbackRater, e.answer_id)
    assert (answer.email, answer.rater_user_id) == ("", None)
    assert answer.submitted_at is not None  # still counted in the other member's results
    draft = db.session.get(FeedbackRater, e.draft_id)
    assert (draft.email, draft.rater_user_id, draft.submitted_at) == ("", None, None)


def check_feedback_scores(e: Erased) -> None:
    def scores(rater_id):
        return db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackScore)
                                 .where(FeedbackScore.rater_id == rater_id))

    assert scores(e.answer_id) == 28, "a sent answer stays in the requester's results"
    assert scores(e.draft_id) == 0, "a half-finished answer goes"


def check_audit_log(e: Erased) -> None:
    _none_for("audit_log", "actor_id", e.uid)
    pointing = db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id))
        .where(AuditEntry.target_type.in_(["User", "Profile"]),
               AuditEntry.target_id == str(e.uid)))
    assert pointing == 0
    erased = db.session.execute(sa.select(AuditEntry).where(
        AuditEntry.action == "account.erased")).scalar_one()
    assert (erased.actor_id, erased.target_id, erased.detail) == (None, None, {})
    for entry in db.session.scalars(sa.select(AuditEntry)):
        ids = [v for k, v in entry.detail.items() if "id" in k or "user" in k]
        assert e.uid not in ids and str(e.uid) not in ids, entry.action


def _none_in_mentorship(table: str, e: Erased) -> None:
    _none_for(table, "mentorship_id", e.mentorship_id)


def check_mentoring_goals(e: Erased) -> None:
    _none_in_mentorship("mentoring_goals", e)
    _none_for("mentoring_goals", "created_by_id", e.uid)


def check_mentoring_meetings(e: Erased) -> None:
    _none_in_mentorship("mentoring_meetings", e)
    _none_for("mentoring_meetings", "created_by_id", e.uid)


def check_mentoring_checkins(e: Erased) -> None:
    _none_in_mentorship("mentoring_checkins", e)
    _none_for("mentoring_checkins", "user_id", e.uid)


def check_mentoring_messages(e: Erased) -> None:
    _none_in_mentorship("mentoring_messages", e)
    _none_for("mentoring_messages", "sender_id", e.uid)


def check_member_imports(e: Erased) -> None:
    # An import the person ran stays as the network's record, without them; a file waiting
    # to be imported that names them is emptied (it can't add them back); another stays.
    imports = {i.filename: i for i in db.session.scalars(sa.select(MemberImport))}
    assert imports["theirs.csv"].created_by_id is None
    assert (imports["names-them.csv"].status, imports["names-them.csv"].content) == (
        ImportStatus.FAILED, "")
    assert imports["others.csv"].status == ImportStatus.CHECKED
    assert imports["others.csv"].content == "name,email\nOtto Other,otto@example.org\n"
    _none_for("member_imports", "created_by_id", e.uid)


def check_mentoring_rounds(e: Erased) -> None:
    # The round is the network's; only the note of who created it goes.
    kept = db.session.get(MentoringRound, e.round_id)
    assert kept is not None and kept.created_by_id is None


def check_set_formations(e: Erased) -> None:
    # The formation is the network's; only the note of who created it goes.
    kept = db.session.get(SetFormation, e.formation_id)
    assert kept is not None and kept.created_by_id is None


def check_learning_sets(e: Erased) -> None:
    # The sets stay for their other members; the person no longer facilitates any.
    assert db.session.get(LearningSet, e.set_id) is not None
    _none_for("learning_sets", "facilitator_id", e.uid)


def check_set_meetings(e: Erased) -> None:
    # The set's meetings stay for the set; who scheduled one is forgotten.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SetMeeting)
                             .where(SetMeeting.set_id == e.set_id)) == 1
    _none_for("set_meetings", "created_by_id", e.uid)


def check_set_notes(e: Erased) -> None:
    # The person's own words in the set's shared space go; other members' notes stay.
    _none_for("set_notes", "author_id", e.uid)
    assert db.session.scalars(sa.select(SetNote.body)).all() == ["Bring a case to discuss"]


def check_events(e: Erased) -> None:
    # The network's event stays for the people going; who created it is forgotten.
    assert db.session.get(Event, e.event_id) is not None
    _none_for("events", "created_by_id", e.uid)


def check_event_rsvps(e: Erased) -> None:
    # The person's place went to the first on the waitlist, as if they had cancelled.
    _none_for("event_rsvps", "user_id", e.uid)
    statuses = db.session.scalars(sa.select(EventRsvp.status)
                                  .where(EventRsvp.event_id == e.event_id)).all()
    assert statuses == [RsvpStatus.GOING]


def check_notifications(e: Erased) -> None:
    _none_for("notifications", "user_id", e.uid)
    texts = db.session.scalars(sa.select(Notification.text).order_by(Notification.id)).all()
    assert texts == ["Your request for feedback has its first results.",
                     # the waiting member, promoted to the erased person's place
                     texts[-1]], \
        "another member's notification naming the person goes; others stay"
    assert texts[-1].startswith("A place came up: you're now going to Winter meet-up")


def check_network_leads(e: Erased) -> None:
    # The person leads nothing now; a lead they appointed still leads, appointed by nobody.
    _none_for("network_leads", "user_id", e.uid)
    _none_for("network_leads", "appointed_by_id", e.uid)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkLead)) == 1


def check_discussion_threads(e: Erased) -> None:
    # The thread others replied in stays, without its author, counted again; the one the
    # person started alone goes; the other member's keeps one post now.
    threads = db.session.execute(sa.select(
        DiscussionThread.id, DiscussionThread.author_id, DiscussionThread.post_count,
        DiscussionThread.last_post_at).order_by(DiscussionThread.id)).all()
    started, _, theirs = e.talk["threads"]
    assert [(t, a, c) for t, a, c, _ in threads] == [
        (started, None, 1), (theirs, e.requester_id, 1)]
    assert threads[0][3] == e.talk["late"], "the last post is now the other member's reply"


def check_discussion_posts(e: Erased) -> None:
    _none_for("discussion_posts", "author_id", e.uid)
    kept = db.session.scalars(sa.select(DiscussionPost.id).order_by(DiscussionPost.id)).all()
    assert kept == [e.talk["posts"][1], e.talk["posts"][3]]


def check_post_reports(e: Erased) -> None:
    # Their reports go, and so do reports on their posts; another's report on another's
    # post stays for the leads.
    _none_for("post_reports", "reporter_id", e.uid)
    assert db.session.scalars(sa.select(PostReport.id)).all() == [e.talk["reports"][2]]


def check_stories(e: Erased) -> None:
    _none_for("stories", "author_id", e.uid)
    assert db.session.scalars(sa.select(Story.id)).all() == [e.talk["stories"][1]]


def check_story_dimensions(e: Erased) -> None:
    rows = db.session.execute(sa.select(story_dimensions)).all()
    assert [tuple(r) for r in rows] == [(e.talk["stories"][1], e.talk["dims"][1])]


def check_story_thanks(e: Erased) -> None:
    _none_for("story_thanks", "user_id", e.uid)
    rows = db.session.execute(sa.select(StoryThanks.story_id, StoryThanks.user_id)).all()
    assert [tuple(r) for r in rows] == [(e.talk["stories"][1], e.talk["coordinator"])]


def check_peer_hellos(e: Erased) -> None:
    # Hellos to and from the person go; other people's hellos stay.
    _none_for("peer_hellos", "sender_id", e.uid)
    _none_for("peer_hellos", "recipient_id", e.uid)
    assert db.session.scalars(sa.select(PeerHello.id)).all() == [e.peers["hello"]]


def check_peer_dismissals(e: Erased) -> None:
    _none_for("peer_dismissals", "user_id", e.uid)
    _none_for("peer_dismissals", "peer_id", e.uid)
    rows = db.session.execute(sa.select(PeerDismissal.user_id, PeerDismissal.peer_id)).all()
    assert [tuple(r) for r in rows] == [e.peers["dismissal"]]


def check_isolation_scores(e: Erased) -> None:
    _none_for("isolation_scores", "user_id", e.uid)
    assert db.session.scalars(sa.select(IsolationScore.user_id)).all() == [e.peers["scored"]]


def check_resources_done(e: Erased) -> None:
    _none_for("resources_done", "user_id", e.uid)
    # the other member's tick on the same resource, and the resource itself, stay
    assert db.session.scalars(sa.select(ResourceDone.user_id)
                              .where(ResourceDone.resource_id == e.done_resource_id)).all() \
        == [e.requester_id]
    assert db.session.get(Resource, e.done_resource_id) is not None


def check_programme_updates(e: Erased) -> None:
    _none_for("programme_updates", "user_id", e.uid)
    # the other member's report stays
    assert db.session.scalars(sa.select(ProgrammeUpdate.user_id)).all() == [e.requester_id]


def check_programme_feedback(e: Erased) -> None:
    _none_for("programme_feedback", "user_id", e.uid)
    kept = db.session.get(ProgrammeFeedback, e.feedback_kept_id)
    # the rating stays true; the person, their words and the exact time go
    assert (kept.user_id, kept.rating, kept.comment) == (None, 5, "")
    assert (kept.created_at.day, kept.created_at.hour, kept.created_at.minute) == (1, 0, 0)
    others = db.session.scalars(sa.select(ProgrammeFeedback)
                                .where(ProgrammeFeedback.id != e.feedback_kept_id)).all()
    assert [(f.user_id, f.comment) for f in others] == [(e.requester_id, "Otto's view")]


PERSONAL = {
    "users": check_users,
    "user_roles": no_rows_for("user_roles", "user_id"),
    "user_sessions": no_rows_for("user_sessions", "user_id"),
    "profiles": no_rows_for("profiles", "user_id"),
    "organisations": check_organisations,
    "network_memberships": no_rows_for("network_memberships", "user_id"),
    "network_tallies": check_network_tallies,
    "member_needs": no_rows_for("member_needs", "user_id"),
    "member_offers": no_rows_for("member_offers", "user_id"),
    "self_assessments": check_self_assessments,
    "assessment_scores": check_assessment_scores,
    "feedback_rounds": no_rows_for("feedback_rounds", "user_id"),
    "feedback_raters": check_feedback_raters,
    "feedback_scores": check_feedback_scores,
    "audit_log": check_audit_log,
    "mentorships": no_rows_for("mentorships", "mentee_id", "mentor_id"),
    "mentoring_goals": check_mentoring_goals,
    "mentoring_meetings": check_mentoring_meetings,
    "mentoring_checkins": check_mentoring_checkins,
    "mentoring_messages": check_mentoring_messages,
    "dismissed_suggestions": no_rows_for("dismissed_suggestions", "user_id", "mentor_id"),
    "mentoring_rounds": check_mentoring_rounds,
    "member_imports": check_member_imports,
    "round_pair_rules": no_rows_for("round_pair_rules", "mentee_id", "mentor_id"),
    "round_proposals": no_rows_for("round_proposals", "mentee_id", "mentor_id"),
    "mentoring_pool": no_rows_for("mentoring_pool", "user_id"),
    "member_strengths": no_rows_for("member_strengths", "user_id"),
    "jobs": check_jobs,
    "notifications": check_notifications,
    "email_opt_outs": no_rows_for("email_opt_outs", "user_id"),
    "set_requests": no_rows_for("set_requests", "user_id"),
    "set_formations": check_set_formations,
    "formation_unplaced": no_rows_for("formation_unplaced", "user_id"),
    "learning_sets": check_learning_sets,
    "set_memberships": no_rows_for("set_memberships", "user_id"),
    "set_meetings": check_set_meetings,
    "set_attendance": no_rows_for("set_attendance", "user_id"),
    "set_notes": check_set_notes,
    "calendar_feeds": no_rows_for("calendar_feeds", "user_id"),
    "network_leads": check_network_leads,
    "network_follows": no_rows_for("network_follows", "user_id"),
    "events": check_events,
    "event_rsvps": check_event_rsvps,
    "discussion_threads": check_discussion_threads,
    "discussion_posts": check_discussion_posts,
    "post_reports": check_post_reports,
    "stories": check_stories,
    "story_dimensions": check_story_dimensions,
    "story_thanks": check_story_thanks,
    "peer_hellos": check_peer_hellos,
    "peer_dismissals": check_peer_dismissals,
    "isolation_scores": check_isolation_scores,
    "resources_done": check_resources_done,
    "programme_updates": check_programme_updates,
    "programme_feedback": check_programme_feedback,
}


def test_every_table_is_classified(app):
    tables = set(db.metadata.tables)
    assert not PERSONAL.keys() & REFERENCE_DATA
    assert tables - PERSONAL.keys() - REFERENCE_DATA == set(), \
        "new tables: add a check to PERSONAL, or list them as REFERENCE_DATA"
    assert (PERSONAL.keys() | REFERENCE_DATA) - tables == set(), "stale entries"


# ---------------------------------------------------------------- a person with everything


def _answers(score: int) -> dict[str, str]:
    fw = lqf.framework()
    return {e.code: str(score) for d in fw.dimensions for e in d.elements}


def _invite(client, auth, requester: User, addresses: list[str], mailbox) -> dict[str, str]:
    auth.login(requester.email)
    assert client.post("/me/feedback", data={"emails": "\n".join(addresses)}).status_code == 302
    auth.logout()
    return {a: mailbox.last_link(a).split("localhost", 1)[1] for a in addresses}


def _answer(client, auth, address: str, path: str, data: dict) -> None:
    auth.login(address)
    assert client.post(path, data=data).status_code in (200, 302)
    auth.logout()


def _mentoring(person: User, users: dict) -> tuple[int, int]:
    """Rows in every mentoring table, as the mentoring pages would leave them."""
    mentor, other = users["mentor"], users["other_member"]
    person.grant(Role.COORDINATOR)
    job = Job(kind="match_mentors", created_by_id=person.id)
    round_ = MentoringRound(name="Leeds spring round", created_by_id=person.id, job=job)
    db.session.add_all([job, round_])
    db.session.flush()
    mentorship = Mentorship(mentee_id=person.id, mentor_id=mentor.id, round_id=round_.id,
                            status=MentorshipStatus.ACCEPTED, request_note="Help with CQC",
                            mentee_feedback="Very helpful")
    db.session.add(mentorship)
    db.session.flush()
    db.session.add_all([
        RoundPairRule(round_id=round_.id, mentee_id=person.id, mentor_id=mentor.id,
                      kind=PairRuleKind.LOCK),
        RoundProposal(round_id=round_.id, mentee_id=person.id, mentor_id=mentor.id, score=0.9),
        RoundProposal(round_id=round_.id, mentee_id=other.id, mentor_id=person.id, score=0.5),
        DismissedSuggestion(user_id=person.id, mentor_id=mentor.id),
        DismissedSuggestion(user_id=other.id, mentor_id=person.id),
        MentoringGoal(mentorship_id=mentorship.id, title="Plan for inspection",
                      created_by_id=person.id),
        MentoringMeeting(mentorship_id=mentorship.id, met_on=datetime.date(utcnow()),
                         mentee_notes="Felt stuck", created_by_id=person.id),
        MentoringCheckIn(mentorship_id=mentorship.id, user_id=person.id, day=30, rating=4),
        MentoringMessage(mentorship_id=mentorship.id, sender_id=person.id, body="Thanks!"),
        Notification(user_id=person.id, kind="mentoring", text="Meg accepted your request"),
        Notification(user_id=mentor.id, kind="mentoring", text=f"{NAME} sent you a message"),
        Notification(user_id=other.id, kind="feedback",
                     text="Your request for feedback has its first results."),
        EmailOptOut(user_id=person.id, kind="mentoring"),
        MemberImport(filename="theirs.csv", created_by_id=person.id, status=ImportStatus.DONE),
        MemberImport(filename="names-them.csv", created_by_id=other.id,
                     status=ImportStatus.CHECKED,
                     content=f"name,email\n{NAME},{person.email.upper()}\n"),
        MemberImport(filename="others.csv", created_by_id=other.id,
                     status=ImportStatus.CHECKED,
                     content="name,email\nOtto Other,otto@example.org\n"),
    ])
    db.session.commit()
    return mentorship.id, round_.id


def _sets(person: User, users: dict) -> tuple[int, int]:
    """Rows in every action learning set table: a request, a formation the person created, a
    set they are in (with a meeting, attendance and a note) and one they facilitate."""
    other = users["other_member"]
    db.session.add(SetRequest(user_id=person.id, mode=MeetingMode.ONLINE,
                              note="Not on Mondays"))
    formation = SetFormation(name="Leeds sets", created_by_id=person.id)
    db.session.add(formation)
    db.session.flush()
    mine = LearningSet(formation_id=formation.id, name="Set 1", status=SetStatus.ACTIVE,
                       facilitator_id=users["mentor"].id)
    theirs = LearningSet(formation_id=formation.id, name="Set 2", status=SetStatus.ACTIVE,
                         facilitator_id=person.id)
    db.session.add_all([mine, theirs])
    db.session.flush()
    meeting = SetMeeting(set_id=mine.id, starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=2),
                         created_by_id=person.id)
    db.session.add_all([
        meeting,
        FormationUnplaced(formation_id=formation.id, user_id=person.id, reason="no set fits"),
        SetMembership(set_id=mine.id, user_id=person.id),
        SetMembership(set_id=mine.id, user_id=other.id),
        SetMembership(set_id=theirs.id, user_id=users["coordinator"].id),
        SetNote(set_id=mine.id, author_id=person.id, body="I'll bring the rota"),
        SetNote(set_id=mine.id, author_id=other.id, body="Bring a case to discuss"),
        CalendarFeed(user_id=person.id, token_hash="e" * 64),
        Job(kind="late_joiner_sets", created_by_id=users["coordinator"].id,
            params={"formation_id": formation.id, "user_id": person.id}),
        Job(kind="late_joiner_sets", created_by_id=users["coordinator"].id,
            params={"formation_id": formation.id, "user_id": other.id}),
    ])
    db.session.flush()
    db.session.add(SetAttendance(meeting_id=meeting.id, user_id=person.id, attended=True))
    db.session.commit()
    return mine.id, formation.id



# ---------------------------------------------------------------- discussions and stories


def _talk(person: User, users: dict) -> dict:
    """In a local network: a thread the person started that another member replied to, one
    they started alone, and one another member started that the person replied to; reports
    by, about and around them; a story of theirs and one of another member's, with thanks."""
    other, coordinator = users["other_member"], users["coordinator"]
    network = Network(kind=NetworkKind.LOCAL, code="local-talk", name="Talk network")
    db.session.add(network)
    db.session.flush()
    early, late = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    threads = [DiscussionThread(network_id=network.id, author_id=a.id, title=t, post_count=2)
               for a, t in ((person, "Cover over Christmas"), (person, "Alone here"),
                            (other, "Agency staff"))]
    db.session.add_all(threads)
    db.session.flush()
    posts = [DiscussionPost(thread_id=threads[t].id, author_id=a.id, body=b, created_at=when)
             for t, a, b, when in ((0, person, "How do you cover nights?", early),
                                   (0, other, "Bank staff, booked early.", late),
                                   (1, person, "Anyone?", early),
                                   (2, other, "Which agencies are good?", early),
                                   (2, person, "We use a local one.", late))]
    db.session.add_all(posts)
    db.session.flush()
    reports = [PostReport(post_id=posts[3].id, reporter_id=person.id, reason="Off topic"),
               PostReport(post_id=posts[0].id, reporter_id=other.id, reason="Vague"),
               PostReport(post_id=posts[1].id, reporter_id=coordinator.id, reason="Check it")]
    stories = [Story(author_id=person.id, title="The inspection", body="It went well."),
               Story(author_id=other.id, title="New manager", body="First month.")]
    db.session.add_all([*reports, *stories])
    db.session.flush()
    dims = db.session.scalars(sa.select(Dimension.id).order_by(Dimension.id).limit(2)).all()
    db.session.execute(sa.insert(story_dimensions), [
        {"story_id": stories[0].id, "dimension_id": dims[0]},
        {"story_id": stories[1].id, "dimension_id": dims[1]}])
    db.session.add_all([StoryThanks(story_id=stories[1].id, user_id=person.id),
                        StoryThanks(story_id=stories[0].id, user_id=other.id),
                        StoryThanks(story_id=stories[1].id, user_id=coordinator.id)])
    db.session.commit()
    return {"threads": [t.id for t in threads], "posts": [p.id for p in posts],
            "reports": [r.id for r in reports], "stories": [s.id for s in stories],
            "dims": dims, "coordinator": coordinator.id, "late": late}


def _events(person: User, users: dict) -> int:
    """A coming event in a local network that the person created and is going to, with
    another member waiting for the one place."""
    network = Network(kind=NetworkKind.LOCAL, code="local-events", name="Events network")
    db.session.add(network)
    db.session.flush()
    db.session.add(NetworkMembership(user_id=users["other_member"].id, network_id=network.id))
    starts = utcnow() + timedelta(days=5)
    event = Event(network_id=network.id, title="Winter meet-up", starts_at=starts,
                  ends_at=starts + timedelta(hours=2), place="Leeds Civic Hall", capacity=1,
                  created_by_id=person.id)
    db.session.add(event)
    db.session.flush()
    db.session.add_all([
        EventRsvp(event_id=event.id, user_id=person.id, status=RsvpStatus.GOING),
        EventRsvp(event_id=event.id, user_id=users["other_member"].id,
                  status=RsvpStatus.WAITING),
    ])
    db.session.commit()
    return event.id


def _leads_and_follows(person: User, users: dict) -> None:
    """The person leads their local network (appointed by a coordinator), appointed another
    lead there, and follows the events network."""
    from netapp.services import networks

    leeds = networks.by_code(networks.local_network_code(person.profile.local_authority_id))
    followed = networks.by_code("local-events")
    db.session.add_all([
        NetworkLead(network_id=leeds.id, user_id=person.id,
                    appointed_by_id=users["coordinator"].id),
        NetworkLead(network_id=leeds.id, user_id=users["other_member"].id,
                    appointed_by_id=person.id),
        NetworkFollow(user_id=person.id, network_id=followed.id),
    ])
    db.session.commit()


def _peers(person: User, users: dict) -> dict:
    """Hellos and "not for me" both ways, and the person's isolation index; and the same
    for two other people, which stay."""
    other, mentor = users["other_member"], users["mentor"]
    kept = PeerHello(sender_id=mentor.id, recipient_id=other.id, message="Hello Otto")
    db.session.add_all([
        PeerHello(sender_id=person.id, recipient_id=other.id, message="Coffee?"),
        PeerHello(sender_id=other.id, recipient_id=person.id, message="Yes please, Mina"),
        kept,
        PeerDismissal(user_id=person.id, peer_id=mentor.id),
        PeerDismissal(user_id=other.id, peer_id=person.id),
        PeerDismissal(user_id=other.id, peer_id=mentor.id),
        IsolationScore(user_id=person.id, score=40, parts={"network": 10}),
        IsolationScore(user_id=other.id, score=90, parts={"network": 10}),
    ])
    db.session.commit()
    return {"hello": kept.id, "dismissal": (other.id, mentor.id), "scored": other.id}


def _learning_done(person: User, users: dict) -> int:
    resource = Resource(element_id=lqf.framework().dimensions[0].elements[0].id,
                        title="Know yourself", url="https://example.org/know")
    db.session.add(resource)
    db.session.commit()
    for who in (person, users["other_member"]):
        assert resources.mark_done(who, resource)
    return resource.id


def _programme(person: User, users: dict) -> int:
    other = users["other_member"]
    programme.save_updates(person, {UpdateKind.AWARD: "applying", UpdateKind.RATING: "good"})
    programme.save_updates(other, {UpdateKind.AWARD: "completed"})
    programme.give_feedback(other, 3, "Otto's view")
    return programme.give_feedback(person, 5, f"{NAME} says the network helps").id


@pytest.fixture
def erased(app, client, auth, users, mailbox) -> Erased:
    """Mina, with a profile, networks, assessments, feedback both ways and a history, erased."""
    load_reference()
    person = users["member"]
    give_profile(person, "Leeds", capacity=1, offers=("finance",), needs=("leadership",))
    assess(person)
    fw = lqf.framework()
    lqf.save_scores(person, fw, {fw.dimensions[0].elements[0].id: 4})  # a draft
    join(person, "women")
    accounts.change_role(users["admin"], person, Role.MENTOR, grant=True)
    # a mentor with a profile: the database keeps her row in a round's pool
    assert db.session.scalar(sa.text("SELECT name FROM mentoring_pool WHERE user_id = :u"),
                             {"u": person.id}) == person.display_name
    # and the elements her latest assessment scores 4 (7 of its 28)
    assert db.session.scalar(sa.text("SELECT count(*) FROM member_strengths WHERE user_id = :u"),
                             {"u": person.id}) == 7
    audit.record(person, "account.email_changed", person, old=OLD_EMAIL, new=EMAIL)
    person.email_change_nonce = "a" * 32
    db.session.add(UserSession(user_id=person.id, token_hash="f" * 64, user_agent="Mina's phone"))
    db.session.commit()
    colleagues = ["ann@example.org", "bob@example.org", "cat@example.org"]
    for address in colleagues:
        make_user(email=address)

    # Feedback Mina asked for, answered by three colleagues.
    links = _invite(client, auth, person, colleagues, mailbox)
    for address in colleagues:
        _answer(client, auth, address, links[address], _answers(3) | {"send": "1"})
    # Feedback Mina gave another member, with two others; and one she only half answered.
    requester = users["other_member"]
    links = _invite(client, auth, requester, [EMAIL, *colleagues[:2]], mailbox)
    _answer(client, auth, EMAIL, links[EMAIL], _answers(1) | {"send": "1"})
    for address in colleagues[:2]:
        _answer(client, auth, address, links[address], _answers(4) | {"send": "1"})
    links = _invite(client, auth, users["mentor"], [EMAIL, *colleagues[1:]], mailbox)
    _answer(client, auth, EMAIL, links[EMAIL], {"PQ1": "2", "save": "1"})
    answer_id, draft_id = db.session.scalars(
        sa.select(FeedbackRater.id).where(FeedbackRater.email == EMAIL)
        .order_by(FeedbackRater.id)).all()

    mentorship_id, round_id = _mentoring(person, users)
    set_id, formation_id = _sets(person, users)
    event_id = _events(person, users)
    talk = _talk(person, users)
    _leads_and_follows(person, users)
    peers = _peers(person, users)
    done_resource_id = _learning_done(person, users)
    feedback_kept_id = _programme(person, users)

    auth.login(requester.email)
    before = client.get("/me/feedback/results").get_data(as_text=True)
    auth.logout()
    auth.login(EMAIL)
    client.post("/me/data/export")
    response = client.post("/me/data/erase", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    # The other member's results do not change: the difference would be Mina's answers.
    auth.login(requester.email)
    assert client.get("/me/feedback/results").get_data(as_text=True) == before
    mine_invited = client.get("/me/feedback").get_data(as_text=True)
    assert EMAIL not in mine_invited and "removed at its owner" in mine_invited
    auth.logout()
    return Erased(uid=person.id, requester_id=requester.id, answer_id=answer_id,
                  draft_id=draft_id, mentorship_id=mentorship_id, round_id=round_id,
                  set_id=set_id, formation_id=formation_id, event_id=event_id,
                  talk=talk, peers=peers, done_resource_id=done_resource_id,
                  feedback_kept_id=feedback_kept_id)


def test_erasure_leaves_nothing_personal_in_any_table(erased):
    failed = []
    for table, check in sorted(PERSONAL.items()):
        try:
            check(erased)
        except AssertionError as exc:
            failed.append(f"{table}: {exc}")
    assert failed == []


def test_no_column_anywhere_points_at_or_names_the_person(erased):
    """Every foreign key to users, every text and JSON column, in every table; and no row
    left pointing at a deleted one (SQLite does not enforce foreign keys here)."""
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(table.select()).mappings().all()
        for column in table.columns:
            points_at_users = any(fk.column.table.name == "users" for fk in column.foreign_keys)
            for row in rows:
                value = row[column.name]
                if points_at_users:
                    assert value != erased.uid, f"{table.name}.{column.name}"
                text = json.dumps(value) if isinstance(value, dict | list) else value
                if isinstance(text, str):
                    for needle in (EMAIL, OLD_EMAIL, NAME, "Mina's phone"):
                        assert needle not in text, f"{table.name}.{column.name}: {needle}"
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                target = fk.column
                orphans = db.session.scalar(
                    sa.select(sa.func.count()).select_from(table)
                    .where(column.is_not(None),
                           column.not_in(sa.select(target).scalar_subquery())))
                assert orphans == 0, f"{table.name}.{column.name} -> {target.table.name}"


def test_the_person_is_signed_out_everywhere(erased, client):
    assert client.get("/me").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))
                             .where(UserSession.user_id == erased.uid)) == 0

