"""Coordinator console: member imports (upload, dry run, import), and what members report for the
programme report (the Leadership in Care Award, their service's rating and compliance action, and
feedback on the support programme).

Revision ID: 0011_console
Revises: 0010_learning
Create Date: 2026-11-26 18:58:08.682571

"""
import sqlalchemy as sa
from alembic import op

revision = '0011_console'
down_revision = '0010_learning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_programme_feedback_rating_range')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_programme_feedback_region_id_regions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_programme_feedback_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_feedback')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('programme_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_feedback_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_feedback_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_feedback_user_id'), ['user_id'], unique=False)

    op.create_table('programme_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('award', 'rating', 'compliance', name='updatekind', native_enum=False, length=16), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_programme_updates_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_updates')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('programme_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_updates_reported_at'), ['reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_updates_user_id'), ['user_id'], unique=False)

    op.create_table('member_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('uploaded', 'checked', 'importing', 'done', 'failed', name='importstatus', native_enum=False, length=16), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_member_imports_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_member_imports_job_id_jobs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_imports')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('member_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_imports_created_by_id'), ['created_by_id'], unique=False)

    # The coordinator dashboard counts open accounts by leaving out the few closed ones.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_closed', ['id'], unique=False,
                              postgresql_where=sa.text('is_active_account IS NOT TRUE'),
                              sqlite_where=sa.text('is_active_account IS NOT 1'))
        # The coordinators' members list, in name order, reads one page of it.
        batch_op.create_index('ix_users_display_name', ['display_name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_display_name')
        batch_op.drop_index('ix_users_closed')

    with op.batch_alter_table('member_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_imports_created_by_id'))

    op.drop_table('member_imports')
    with op.batch_alter_table('programme_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_updates_user_id'))
        batch_op.drop_index(batch_op.f('ix_programme_updates_reported_at'))

    op.drop_table('programme_updates')
    with op.batch_alter_table('programme_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_feedback_user_id'))
        batch_op.drop_index(batch_op.f('ix_programme_feedback_region_id'))
        batch_op.drop_index(batch_op.f('ix_programme_feedback_created_at'))

    op.drop_table('programme_feedback')
