"""Write entries to the audit log."""
from typing import Any

from netapp.extensions import db
from netapp.models import AuditEntry, User


def record(actor: User | None, action: str, target: Any = None, **detail: Any) -> AuditEntry:
    """Add an audit entry to the session (the caller's commit saves it with the change)."""
    target_type = target_id = None
    if target is not None:
        target_type = type(target).__name__
        target_id = str(getattr(target, "id", None) or getattr(target, "user_id", ""))
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    db.session.add(entry)
    return entry
