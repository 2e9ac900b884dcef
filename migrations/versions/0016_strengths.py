"""Members' strengths read from indexes alone: the latest finished self-assessment of each
member (per framework) and an assessment's scores of 4 (STRONG), for the coordinators'
members list, which shows both for each of a page's 25 members.

Revision ID: 0016_strengths
Revises: 0015_member_names
Create Date: 2026-11-27 10:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0016_strengths'
down_revision = '0015_member_names'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_self_assessments_latest',
                              ['user_id', 'framework_id', 'completed_at', 'id'], unique=False,
                              postgresql_where=sa.text('completed_at IS NOT NULL'),
                              sqlite_where=sa.text('completed_at IS NOT NULL'))
    with op.batch_alter_table('assessment_scores', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_scores_strong', ['assessment_id', 'element_id'],
                              unique=False, postgresql_where=sa.text('score >= 4'),
                              sqlite_where=sa.text('score >= 4'))


def downgrade():
    with op.batch_alter_table('assessment_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_scores_strong')
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_self_assessments_latest')
