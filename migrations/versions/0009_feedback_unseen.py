"""360° feedback: a colleague may say they haven't seen an element (an empty score) and leave
an optional comment. Learning resources: the time they take, their cost and the levels of
leadership they suit.

Revision ID: 0009_feedback_unseen
Revises: 0008_networks
Create Date: 2026-11-26 16:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0009_feedback_unseen'
down_revision = '0008_networks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback_scores', schema=None) as batch_op:
        batch_op.alter_column('score', existing_type=sa.SmallInteger(), nullable=True)
    with op.batch_alter_table('feedback_raters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.String(length=1000), nullable=True))
    with op.batch_alter_table('learning_resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_needed', sa.String(length=80), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('cost', sa.String(length=60), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('level_from', sa.SmallInteger(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('level_to', sa.SmallInteger(), server_default='4',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('learning_resources', schema=None) as batch_op:
        for column in ('level_to', 'level_from', 'cost', 'time_needed'):
            batch_op.drop_column(column)
    with op.batch_alter_table('feedback_raters', schema=None) as batch_op:
        batch_op.drop_column('comment')
    # An unseen element has no score to keep once the column may not be empty.
    op.execute("DELETE FROM feedback_scores WHERE score IS NULL")
    with op.batch_alter_table('feedback_scores', schema=None) as batch_op:
        batch_op.alter_column('score', existing_type=sa.SmallInteger(), nullable=False)
