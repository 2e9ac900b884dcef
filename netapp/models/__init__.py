"""Database models, split by domain."""
from netapp.models.accounts import Role, User, UserRole
from netapp.models.audit import AuditEntry
from netapp.models.places import LocalAuthority, Organisation, Region, ServiceType
from netapp.models.profiles import Profile

__all__ = [
    "AuditEntry",
    "LocalAuthority",
    "Organisation",
    "Profile",
    "Region",
    "Role",
    "ServiceType",
    "User",
    "UserRole",
]
