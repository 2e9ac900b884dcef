"""Tell every process whose sign-in details changed (PostgreSQL only).

A trigger on users, user_roles, user_sessions and profiles sends NOTIFY netapp_identity with the person's
id (and a DEBUG message to the connection that made the change), so each app process can keep
live sessions and forget them the moment they change (netapp/services/session_keeper.py).
The SQL is written out here, as it was on the day, rather than imported from the app.

Revision ID: 0013_identity
Revises: 0012_speed
Create Date: 2026-11-27 00:30:00.000000

"""
from alembic import op

revision = '0013_identity'
down_revision = '0012_speed'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION netapp_identity_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    person text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        person := to_jsonb(NEW) ->> TG_ARGV[0];
    ELSE
        person := to_jsonb(OLD) ->> TG_ARGV[0];
    END IF;
    PERFORM pg_notify('netapp_identity', person);
    RAISE DEBUG USING MESSAGE = 'netapp_identity ' || person;
    RETURN NULL;
END
$$
"""
TRIGGERS = {
    'users': ('AFTER UPDATE OF email, display_name, email_verified_at, is_active_account '
              'OR DELETE', 'id'),
    'user_roles': ('AFTER INSERT OR UPDATE OR DELETE', 'user_id'),
    'user_sessions': ('AFTER UPDATE OR DELETE', 'user_id'),
    'profiles': ('AFTER INSERT OR UPDATE OF onboarded_at OR DELETE', 'user_id'),
}


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTION)
    for table, (when, column) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {table}_identity_changed {when} ON {table} FOR EACH ROW "
                   f"EXECUTE FUNCTION netapp_identity_changed('{column}')")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {table}_identity_changed ON {table}')
    op.execute('DROP FUNCTION IF EXISTS netapp_identity_changed()')
