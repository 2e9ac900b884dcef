"""Tell every process that reference data changed (PostgreSQL only).

A statement-level trigger on the framework's tables, topics, networks, local authorities and
regions sends NOTIFY netapp_reference with the table's name, so each app process can empty its
copy of that data at once (netapp/models/reference_changes.py, netapp/services/reference.py).
The SQL is written out here, as it was on the day, rather than imported from the app.

Revision ID: 0014_reference_notify
Revises: 0013_identity
Create Date: 2026-11-27 04:00:00.000000

"""
from alembic import op

revision = '0014_reference_notify'
down_revision = '0013_identity'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION netapp_reference_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('netapp_reference', TG_TABLE_NAME);
    RETURN NULL;
END
$$
"""
TABLES = ('frameworks', 'framework_dimensions', 'framework_elements', 'framework_levels',
          'topics', 'networks', 'local_authorities', 'regions')


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTION)
    for table in TABLES:
        op.execute(f'CREATE TRIGGER {table}_reference_changed '
                   f'AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} '
                   f'FOR EACH STATEMENT EXECUTE FUNCTION netapp_reference_changed()')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS {table}_reference_changed ON {table}')
    op.execute('DROP FUNCTION IF EXISTS netapp_reference_changed()')
