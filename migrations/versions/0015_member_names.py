"""A network's members in name order from one index: each membership keeps a copy of the
member's name, kept by the database (PostgreSQL and SQLite) when the row is made and whenever
the name changes; and two indexes to read a page of a network's listed members by name, and
to count them and this month's new members, from the index alone.

The SQL is written out here, as it was on the day, rather than imported from the app.

Revision ID: 0015_member_names
Revises: 0014_reference_notify
Create Date: 2026-11-27 10:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0015_member_names'
down_revision = '0014_reference_notify'
branch_labels = None
depends_on = None

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_membership_name() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.member_name := coalesce(
        (SELECT display_name FROM users WHERE id = NEW.user_id FOR SHARE), '');
    RETURN NEW;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_member_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_memberships SET member_name = NEW.display_name WHERE user_id = NEW.id;
    RETURN NULL;
END
$$
""",
]
TRIGGERS = {
    'postgresql': [
        "CREATE TRIGGER network_memberships_name BEFORE INSERT OR UPDATE OF user_id "
        "ON network_memberships FOR EACH ROW EXECUTE FUNCTION netapp_membership_name()",
        "CREATE TRIGGER users_member_name AFTER UPDATE OF display_name ON users FOR EACH ROW "
        "WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) "
        "EXECUTE FUNCTION netapp_member_renamed()",
    ],
    'sqlite': [
        "CREATE TRIGGER network_memberships_name AFTER INSERT ON network_memberships "
        "FOR EACH ROW BEGIN UPDATE network_memberships SET member_name = coalesce("
        "(SELECT display_name FROM users WHERE id = NEW.user_id), '') "
        "WHERE user_id = NEW.user_id AND network_id = NEW.network_id; END",
        "CREATE TRIGGER users_member_name AFTER UPDATE OF display_name ON users FOR EACH ROW "
        "WHEN OLD.display_name IS NOT NEW.display_name BEGIN UPDATE network_memberships "
        "SET member_name = NEW.display_name WHERE user_id = NEW.id; END",
    ],
}


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('network_memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_name', sa.String(length=120), server_default='',
                                      nullable=False))
    op.execute('UPDATE network_memberships SET member_name = '
               '(SELECT display_name FROM users WHERE users.id = network_memberships.user_id)')
    with op.batch_alter_table('network_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_network_memberships_by_name',
                              ['network_id', 'member_name', 'user_id', 'is_listed'],
                              unique=False)
        batch_op.create_index('ix_network_memberships_by_joined',
                              ['network_id', 'joined_at', 'user_id', 'is_listed'], unique=False)
    if dialect == 'postgresql':
        for function in FUNCTIONS:
            op.execute(function)
    for trigger in TRIGGERS.get(dialect, []):
        op.execute(trigger)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS users_member_name ON users')
        op.execute('DROP TRIGGER IF EXISTS network_memberships_name ON network_memberships')
        op.execute('DROP FUNCTION IF EXISTS netapp_member_renamed()')
        op.execute('DROP FUNCTION IF EXISTS netapp_membership_name()')
    else:
        op.execute('DROP TRIGGER IF EXISTS users_member_name')
        op.execute('DROP TRIGGER IF EXISTS network_memberships_name')
    with op.batch_alter_table('network_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_network_memberships_by_joined')
        batch_op.drop_index('ix_network_memberships_by_name')
        batch_op.drop_column('member_name')

