"""Headline numbers about the network."""
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import LocalAuthority, Organisation, Role, User, UserRole


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
