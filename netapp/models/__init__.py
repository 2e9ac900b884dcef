"""Database models, split by domain."""
from netapp.extensions import db
from netapp.models.accounts import Role, User, UserRole, UserSession
from netapp.models.audit import AuditEntry
from netapp.models.coordinator import (
    ImportStatus,
    MemberImport,
    ProgrammeFeedback,
    ProgrammeUpdate,
    UpdateKind,
)
from netapp.models.feedback import FeedbackRater, FeedbackRound, FeedbackScore
from netapp.models.jobs import Job, JobStatus
from netapp.models.lqf import (
    AssessmentScore,
    Dimension,
    Element,
    Framework,
    LevelDescriptor,
    RecruitmentQuestion,
    Resource,
    ResourceDone,
    SelfAssessment,
)
from netapp.models.member_strengths import MemberStrength
from netapp.models.mentoring import (
    DismissedSuggestion,
    GoalStatus,
    MentoringCheckIn,
    MentoringGoal,
    MentoringMeeting,
    MentoringMessage,
    MentoringRound,
    Mentorship,
    MentorshipStatus,
    PairRuleKind,
    RoundPairRule,
    RoundProposal,
    RoundStatus,
)
from netapp.models.mentoring_pool import MentoringPoolRow
from netapp.models.networks import (
    DiscussionPost,
    DiscussionThread,
    Event,
    EventRsvp,
    IsolationScore,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    PeerDismissal,
    PeerHello,
    PostReport,
    RsvpStatus,
    Story,
    StoryThanks,
    Topic,
    member_needs,
    member_offers,
    story_dimensions,
)
from netapp.models.notifications import EmailOptOut, Notification
from netapp.models.places import LocalAuthority, Organisation, Region, ServiceType
from netapp.models.profiles import Profile
from netapp.models.reference_changes import REFERENCE_CHANNEL, REFERENCE_TABLES  # noqa: F401
from netapp.models.sets import (
    CalendarFeed,
    FormationStatus,
    FormationUnplaced,
    LearningSet,
    MeetingMode,
    SetAttendance,
    SetFormation,
    SetMeeting,
    SetMembership,
    SetNote,
    SetRequest,
    SetStatus,
)

__all__ = [
    "CalendarFeed",
    "FormationStatus",
    "FormationUnplaced",
    "LearningSet",
    "MeetingMode",
    "SetAttendance",
    "SetFormation",
    "SetMeeting",
    "SetMembership",
    "SetNote",
    "SetRequest",
    "SetStatus",
    "DismissedSuggestion",
    "EmailOptOut",
    "GoalStatus",
    "Job",
    "JobStatus",
    "MentoringCheckIn",
    "MemberStrength",
    "MentoringPoolRow",
    "MentoringGoal",
    "MentoringMeeting",
    "MentoringMessage",
    "MentoringRound",
    "Mentorship",
    "MentorshipStatus",
    "Notification",
    "PairRuleKind",
    "RoundPairRule",
    "RoundProposal",
    "RoundStatus",
    "AssessmentScore",
    "AuditEntry",
    "Dimension",
    "Element",
    "FeedbackRater",
    "FeedbackRound",
    "FeedbackScore",
    "Framework",
    "LevelDescriptor",
    "DiscussionPost",
    "DiscussionThread",
    "Event",
    "EventRsvp",
    "IsolationScore",
    "Network",
    "NetworkFollow",
    "NetworkKind",
    "NetworkLead",
    "NetworkMembership",
    "PeerDismissal",
    "PeerHello",
    "PostReport",
    "RsvpStatus",
    "Story",
    "StoryThanks",
    "story_dimensions",
    "RecruitmentQuestion",
    "Resource",
    "ResourceDone",
    "SelfAssessment",
    "Topic",
    "member_needs",
    "member_offers",
    "LocalAuthority",
    "Organisation",
    "Profile",
    "Region",
    "Role",
    "ServiceType",
    "User",
    "ImportStatus",
    "MemberImport",
    "ProgrammeFeedback",
    "ProgrammeUpdate",
    "UpdateKind",
    "UserRole",
    "UserSession",
]


def _never_reuse_ids() -> None:
    # SQLite hands out the highest deleted rowid again unless a table says AUTOINCREMENT. A reused
    # user id would let an erased account's leftovers (cookies, links, audit rows) point at the
    # next person to sign up. PostgreSQL sequences never go back, so this is SQLite only.
    for table in db.metadata.tables.values():
        table.dialect_options["sqlite"]["autoincrement"] = True


_never_reuse_ids()
