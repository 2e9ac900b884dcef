"""Special-category audit entries keep the day only, with no actor and no target

A data migration. Entries for joining or leaving an affinity network, and for choosing to be
listed in one, written before this change kept their time to the second, which let an admin
tie a consent to the person who signed in just before it. They now keep midnight of their day
and nothing that points at anyone, like new entries (netapp/services/audit.py). The list of
actions is copied here as it stood when written.

Downgrade changes nothing: the times are gone on purpose.

Revision ID: 0005_special_events
Revises: 0004_sessions
Create Date: 2026-11-26 13:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_special_events'
down_revision = '0004_sessions'
branch_labels = None
depends_on = None

SPECIAL_CATEGORY = ("consent.given", "consent.withdrawn", "listing.turned_on",
                    "listing.turned_off")


def upgrade():
    audit_log = sa.table("audit_log", sa.column("id", sa.Integer),
                         sa.column("created_at", sa.DateTime), sa.column("action", sa.String),
                         sa.column("actor_id", sa.Integer), sa.column("target_type", sa.String),
                         sa.column("target_id", sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(audit_log.c.id, audit_log.c.created_at)
                        .where(audit_log.c.action.in_(SPECIAL_CATEGORY))).all()
    if not rows:
        return
    conn.execute(
        audit_log.update().where(audit_log.c.id == sa.bindparam("row_id"))
        .values(created_at=sa.bindparam("day"), actor_id=None, target_type=None, target_id=None),
        [{"row_id": row_id, "day": when.replace(hour=0, minute=0, second=0, microsecond=0)}
         for row_id, when in rows],
    )


def downgrade():
    pass
