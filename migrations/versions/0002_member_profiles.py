"""Member profiles: framework, self-assessments, networks, topics, feedback, resources

Schema only; migration 0003 loads the framework, topics and affinity networks.
Hand-checked: every new NOT NULL column on profiles has a server default, so existing rows
upgrade on SQLite (batch mode) and PostgreSQL alike.

Revision ID: 0002_profiles
Revises: 0001_initial
Create Date: 2026-11-25 12:08:37.509139

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002_profiles'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('frameworks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frameworks')),
    sa.UniqueConstraint('code', name=op.f('uq_frameworks_code'))
    )
    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('is_support_area', sa.Boolean(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('code', name=op.f('uq_topics_code'))
    )
    op.create_table('feedback_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_feedback_rounds_framework_id_frameworks')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_rounds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_rounds'))
    )
    with op.batch_alter_table('feedback_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_rounds_user_id'), ['user_id'], unique=False)

    op.create_table('framework_dimensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('is_senior', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_framework_dimensions_framework_id_frameworks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_dimensions')),
    sa.UniqueConstraint('framework_id', 'code', name='uq_framework_dimensions_code')
    )
    with op.batch_alter_table('framework_dimensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_dimensions_framework_id'), ['framework_id'], unique=False)

    op.create_table('member_needs',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_member_needs_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_needs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'topic_id', name=op.f('pk_member_needs'))
    )
    with op.batch_alter_table('member_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_needs_topic_id'), ['topic_id'], unique=False)

    op.create_table('member_offers',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_member_offers_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_offers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'topic_id', name=op.f('pk_member_offers'))
    )
    with op.batch_alter_table('member_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_offers_topic_id'), ['topic_id'], unique=False)

    op.create_table('self_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_self_assessments_framework_id_frameworks')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_self_assessments_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessments'))
    )
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_assessments_completed_at'), ['completed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessments_user_id'), ['user_id'], unique=False)

    op.create_table('feedback_raters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['feedback_rounds.id'], name=op.f('fk_feedback_raters_round_id_feedback_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_raters')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feedback_raters_token_hash'))
    )
    with op.batch_alter_table('feedback_raters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_raters_round_id'), ['round_id'], unique=False)

    op.create_table('framework_elements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dimension_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['dimension_id'], ['framework_dimensions.id'], name=op.f('fk_framework_elements_dimension_id_framework_dimensions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_elements')),
    sa.UniqueConstraint('code', name=op.f('uq_framework_elements_code'))
    )
    with op.batch_alter_table('framework_elements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_elements_dimension_id'), ['dimension_id'], unique=False)

    op.create_table('networks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('local', 'affinity', 'national', name='networkkind', native_enum=False, length=16), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('local_authority_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['local_authority_id'], ['local_authorities.id'], name=op.f('fk_networks_local_authority_id_local_authorities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networks')),
    sa.UniqueConstraint('code', name=op.f('uq_networks_code')),
    sa.UniqueConstraint('local_authority_id', name=op.f('uq_networks_local_authority_id'))
    )
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networks_kind'), ['kind'], unique=False)

    op.create_table('assessment_scores',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 4', name=op.f('ck_assessment_scores_score_range')),
    sa.ForeignKeyConstraint(['assessment_id'], ['self_assessments.id'], name=op.f('fk_assessment_scores_assessment_id_self_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['element_id'], ['framework_elements.id'], name=op.f('fk_assessment_scores_element_id_framework_elements')),
    sa.PrimaryKeyConstraint('assessment_id', 'element_id', name=op.f('pk_assessment_scores'))
    )
    op.create_table('feedback_scores',
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 4', name=op.f('ck_feedback_scores_score_range')),
    sa.ForeignKeyConstraint(['element_id'], ['framework_elements.id'], name=op.f('fk_feedback_scores_element_id_framework_elements')),
    sa.ForeignKeyConstraint(['rater_id'], ['feedback_raters.id'], name=op.f('fk_feedback_scores_rater_id_feedback_raters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rater_id', 'element_id', name=op.f('pk_feedback_scores'))
    )
    op.create_table('framework_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['framework_elements.id'], name=op.f('fk_framework_levels_element_id_framework_elements')),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_framework_levels_framework_id_frameworks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_levels'))
    )
    with op.batch_alter_table('framework_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_levels_framework_id'), ['framework_id'], unique=False)

    op.create_table('learning_resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['framework_elements.id'], name=op.f('fk_learning_resources_element_id_framework_elements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_resources'))
    )
    with op.batch_alter_table('learning_resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_resources_element_id'), ['element_id'], unique=False)

    op.create_table('network_memberships',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('consent_text_version', sa.String(length=32), nullable=True),
    sa.Column('consent_given_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_network_memberships_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_network_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'network_id', name=op.f('pk_network_memberships'))
    )
    with op.batch_alter_table('network_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_memberships_network_id'), ['network_id'], unique=False)

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentor_note', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('mentor_availability', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('visibility', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('onboarding_step', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('onboarded_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('onboarded_at')
        batch_op.drop_column('onboarding_step')
        batch_op.drop_column('visibility')
        batch_op.drop_column('mentor_availability')
        batch_op.drop_column('mentor_note')

    with op.batch_alter_table('network_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_memberships_network_id'))

    op.drop_table('network_memberships')
    with op.batch_alter_table('learning_resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_resources_element_id'))

    op.drop_table('learning_resources')
    with op.batch_alter_table('framework_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_levels_framework_id'))

    op.drop_table('framework_levels')
    op.drop_table('feedback_scores')
    op.drop_table('assessment_scores')
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_networks_kind'))

    op.drop_table('networks')
    with op.batch_alter_table('framework_elements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_elements_dimension_id'))

    op.drop_table('framework_elements')
    with op.batch_alter_table('feedback_raters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_raters_round_id'))

    op.drop_table('feedback_raters')
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_assessments_user_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessments_completed_at'))

    op.drop_table('self_assessments')
    with op.batch_alter_table('member_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_offers_topic_id'))

    op.drop_table('member_offers')
    with op.batch_alter_table('member_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_needs_topic_id'))

    op.drop_table('member_needs')
    with op.batch_alter_table('framework_dimensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_dimensions_framework_id'))

    op.drop_table('framework_dimensions')
    with op.batch_alter_table('feedback_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_rounds_user_id'))

    op.drop_table('feedback_rounds')
    op.drop_table('topics')
    op.drop_table('frameworks')
