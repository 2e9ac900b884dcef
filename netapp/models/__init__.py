"""Database models, split by domain."""
from netapp.models.accounts import Role, User, UserRole
from netapp.models.audit import AuditEntry
from netapp.models.feedback import FeedbackRater, FeedbackRound, FeedbackScore
from netapp.models.lqf import (
    AssessmentScore,
    Dimension,
    Element,
    Framework,
    LevelDescriptor,
    Resource,
    SelfAssessment,
)
from netapp.models.networks import (
    Network,
    NetworkKind,
    NetworkMembership,
    Topic,
    member_needs,
    member_offers,
)
from netapp.models.places import LocalAuthority, Organisation, Region, ServiceType
from netapp.models.profiles import Profile

__all__ = [
    "AssessmentScore",
    "AuditEntry",
    "Dimension",
    "Element",
    "FeedbackRater",
    "FeedbackRound",
    "FeedbackScore",
    "Framework",
    "LevelDescriptor",
    "Network",
    "NetworkKind",
    "NetworkMembership",
    "Resource",
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
    "UserRole",
]
