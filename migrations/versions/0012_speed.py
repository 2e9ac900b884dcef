"""Fast pages at national scale: indexes only.

ix_users_open_by_name: open accounts' names and ids, so the member directory finds and counts a
name search by reading this index alone.

Revision ID: 0012_speed
Revises: 0011_console
Create Date: 2026-11-26 22:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_speed'
down_revision = '0011_console'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_open_by_name', ['display_name', 'id'], unique=False,
                              postgresql_where=sa.text('is_active_account IS TRUE'),
                              sqlite_where=sa.text('is_active_account IS 1'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_open_by_name')
