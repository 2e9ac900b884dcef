"""The audit log by whom or what an entry is about: an admin's page about one person lists the
latest changes made to them, and read the whole log to find them; this index finds a person's
entries, newest first, without reading anyone else's.

Revision ID: 0022_audit_targets
Revises: 0021_names_lowered
Create Date: 2026-11-27 19:55:00.000000

"""
from alembic import op

revision = '0022_audit_targets'
down_revision = '0021_names_lowered'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_log_target', 'audit_log', ['target_id', 'created_at', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_audit_log_target', table_name='audit_log')
