"""Headline numbers about the network, for the front page."""
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import LocalAuthority, Organisation, Role, User, UserRole
from netapp.services import kept

KEEP_FOR = 60.0  # seconds a process shows the same numbers on the front page


def recent_counts() -> dict[str, int]:
    """``network_counts`` as worked out in this process within the last ``COUNTS_KEEP_FOR``
    seconds (KEEP_FOR; 0 in tests): the front page is the busiest page anyone can open, and
    its numbers are the same for every visitor."""
    return kept.kept("front page counts", None, kept.keep_for("COUNTS_KEEP_FOR", KEEP_FOR),
                     network_counts)


def network_counts() -> dict[str, int]:
    """Active members, mentors, organisations and councils, in one round trip each."""
    active = User.is_active_account.is_(True)
    role_count = (
        sa.select(UserRole.role, sa.func.count())
        .join(User, User.id == UserRole.user_id)
        .where(active)
        .group_by(UserRole.role)
    )
    by_role = {role: n for role, n in db.session.execute(role_count)}
    return {
        "members": by_role.get(Role.MEMBER, 0),
        "mentors": by_role.get(Role.MENTOR, 0),
        "organisations": db.session.scalar(sa.select(sa.func.count(Organisation.id))) or 0,
        "councils": db.session.scalar(sa.select(sa.func.count(LocalAuthority.id))) or 0,
    }
