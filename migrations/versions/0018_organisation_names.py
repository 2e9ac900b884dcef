"""Organisations by name for the admins' list: an index in the list's order (the name
ignoring case), so a page reads its 25 rows instead of sorting every organisation, and one of
each council's names ignoring case and spaces, so each row's count of copies of its name in
its council is read from the index.

Revision ID: 0018_organisation_names
Revises: 0017_profile_exists
Create Date: 2026-11-27 13:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0018_organisation_names'
down_revision = '0017_profile_exists'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_organisations_name_lower', 'organisations',
                    [sa.text('lower(name)')], unique=False)
    op.create_index('ix_organisations_council_name', 'organisations',
                    ['local_authority_id', sa.text('lower(ltrim(rtrim(name)))')], unique=False)


def downgrade():
    op.drop_index('ix_organisations_council_name', table_name='organisations')
    op.drop_index('ix_organisations_name_lower', table_name='organisations')
