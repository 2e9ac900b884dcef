"""Whether each account has a profile, kept in the account's row by the database (PostgreSQL
and SQLite) whenever a profile is added or removed, and an index of open accounts with a
profile by name: the member directory counts and pages a name search from the index alone,
without looking up each name's profile (about half a millisecond of a search's statement).

The SQL is written out here, as it was on the day, rather than imported from the app.

Revision ID: 0017_profile_exists
Revises: 0016_strengths
Create Date: 2026-11-27 10:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0017_profile_exists'
down_revision = '0016_strengths'
branch_labels = None
depends_on = None

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_profiles_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET profile_exists = true FROM netapp_added
    WHERE users.id = netapp_added.user_id AND users.profile_exists IS NOT TRUE;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profiles_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET profile_exists = false FROM netapp_removed
    WHERE users.id = netapp_removed.user_id AND users.profile_exists IS NOT FALSE
      AND NOT EXISTS (SELECT 1 FROM profiles WHERE profiles.user_id = users.id);
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profile_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET profile_exists = (users.id = NEW.user_id)
    WHERE users.id IN (OLD.user_id, NEW.user_id);
    RETURN NULL;
END
$$
""",
]
TRIGGERS = {
    'postgresql': [
        'CREATE TRIGGER profiles_added AFTER INSERT ON profiles REFERENCING NEW TABLE AS netapp_added FOR EACH STATEMENT EXECUTE FUNCTION netapp_profiles_added()',
        'CREATE TRIGGER profiles_removed AFTER DELETE ON profiles REFERENCING OLD TABLE AS netapp_removed FOR EACH STATEMENT EXECUTE FUNCTION netapp_profiles_removed()',
        'CREATE TRIGGER profiles_moved AFTER UPDATE OF user_id ON profiles FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id) EXECUTE FUNCTION netapp_profile_moved()',
    ],
    'sqlite': [
        'CREATE TRIGGER profiles_added AFTER INSERT ON profiles FOR EACH ROW BEGIN UPDATE users SET profile_exists = 1 WHERE id = NEW.user_id; END',
        'CREATE TRIGGER profiles_removed AFTER DELETE ON profiles FOR EACH ROW BEGIN UPDATE users SET profile_exists = 0 WHERE id = OLD.user_id; END',
        'CREATE TRIGGER profiles_moved AFTER UPDATE OF user_id ON profiles FOR EACH ROW WHEN OLD.user_id IS NOT NEW.user_id BEGIN UPDATE users SET profile_exists = (id = NEW.user_id) WHERE id IN (OLD.user_id, NEW.user_id); END',
    ],
}


def upgrade():
    dialect = op.get_bind().dialect.name
    # Added in place, not by rebuilding the table (batch mode on SQLite): the memberships'
    # triggers (0015) name users, and SQLite refuses to drop a table they name.
    op.add_column('users', sa.Column('profile_exists', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    op.execute('UPDATE users SET profile_exists = EXISTS '
               '(SELECT 1 FROM profiles WHERE profiles.user_id = users.id)')
    op.create_index(
        'ix_users_listed_by_name', 'users', ['display_name', 'id'], unique=False,
        postgresql_where=sa.text('is_active_account IS TRUE AND profile_exists IS TRUE'),
        sqlite_where=sa.text('is_active_account IS 1 AND profile_exists IS 1'))
    if dialect == 'postgresql':
        for function in FUNCTIONS:
            op.execute(function)
    for trigger in TRIGGERS.get(dialect, []):
        op.execute(trigger)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        for trigger in ('profiles_moved', 'profiles_removed', 'profiles_added'):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger} ON profiles')
        for function in ('netapp_profile_moved', 'netapp_profiles_removed',
                         'netapp_profiles_added'):
            op.execute(f'DROP FUNCTION IF EXISTS {function}()')
    else:
        for trigger in ('profiles_moved', 'profiles_removed', 'profiles_added'):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    op.drop_index('ix_users_listed_by_name', table_name='users')
    # In place on SQLite too (ALTER TABLE ... DROP COLUMN, SQLite 3.35 and later).
    op.execute('ALTER TABLE users DROP COLUMN profile_exists')
