"""Learning: members mark resources done; values-based interview questions per element for the
recruitment kit (seeded by the reference seeding command, edited by admins).

Revision ID: 0010_learning
Revises: 0009_feedback_unseen
Create Date: 2026-11-26 17:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010_learning'
down_revision = '0009_feedback_unseen'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'resources_done',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Integer(), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resource_id'], ['learning_resources.id'],
                                name=op.f('fk_resources_done_resource_id_learning_resources'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_resources_done_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'resource_id', name=op.f('pk_resources_done')),
    )
    with op.batch_alter_table('resources_done', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resources_done_resource_id'), ['resource_id'],
                              unique=False)
    op.create_table(
        'recruitment_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('element_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.String(length=500), nullable=False),
        sa.Column('good_answer', sa.String(length=1000), nullable=False),
        sa.Column('position', sa.SmallInteger(), nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(['element_id'], ['framework_elements.id'],
                                name=op.f('fk_recruitment_questions_element_id_framework_elements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recruitment_questions')),
    )
    with op.batch_alter_table('recruitment_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recruitment_questions_element_id'), ['element_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('recruitment_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recruitment_questions_element_id'))
    op.drop_table('recruitment_questions')
    with op.batch_alter_table('resources_done', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resources_done_resource_id'))
    op.drop_table('resources_done')
