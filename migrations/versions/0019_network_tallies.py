"""A network's page without reading every member: each membership keeps a copy of who its
member shows their council area to (``member_area``, kept by the database whenever a profile
is added, changed or removed), beside the name 0015 keeps, and the index by name holds it and
the day they joined, so a local network's list comes from the index alone; and how many joined
each network in each month, and how many of those are listed (``network_tallies``, kept by the
database whenever a membership is added, removed or changed), so an affinity network's counts
come from a few rows instead of every member.

The SQL is written out here, as it was on the day, rather than imported from the app.

Revision ID: 0019_network_tallies
Revises: 0018_organisation_names
Create Date: 2026-11-27 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0019_network_tallies'
down_revision = '0018_organisation_names'
branch_labels = None
depends_on = None

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_membership_area() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.member_area := (SELECT visibility ->> 'area' FROM profiles
                        WHERE user_id = NEW.user_id FOR SHARE);
    RETURN NEW;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profiles_area_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_memberships SET member_area = netapp_area_added.visibility ->> 'area'
    FROM netapp_area_added
    WHERE network_memberships.user_id = netapp_area_added.user_id
      AND network_memberships.member_area IS DISTINCT FROM
          netapp_area_added.visibility ->> 'area';
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profiles_area_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_memberships SET member_area = NULL FROM netapp_area_removed
    WHERE network_memberships.user_id = netapp_area_removed.user_id
      AND network_memberships.member_area IS NOT NULL;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profile_area_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.user_id IS DISTINCT FROM NEW.user_id THEN
        UPDATE network_memberships SET member_area = NULL
        WHERE user_id = OLD.user_id AND member_area IS NOT NULL;
    END IF;
    UPDATE network_memberships SET member_area = NEW.visibility ->> 'area'
    WHERE user_id = NEW.user_id AND member_area IS DISTINCT FROM NEW.visibility ->> 'area';
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_tally_joined() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO network_tallies AS tally (network_id, joined_month, members, listed)
    SELECT network_id, date_trunc('month', joined_at), count(*),
           count(*) FILTER (WHERE is_listed)
    FROM netapp_joined GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (network_id, joined_month) DO UPDATE
    SET members = tally.members + excluded.members, listed = tally.listed + excluded.listed;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_tally_left() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_tallies AS tally
    SET members = tally.members - gone.members, listed = tally.listed - gone.listed
    FROM (SELECT network_id, date_trunc('month', joined_at) AS joined_month,
                 count(*) AS members, count(*) FILTER (WHERE is_listed) AS listed
          FROM netapp_left GROUP BY 1, 2) AS gone
    WHERE tally.network_id = gone.network_id AND tally.joined_month = gone.joined_month;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_tally_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_tallies
    SET members = members - 1, listed = listed - OLD.is_listed::integer
    WHERE network_id = OLD.network_id AND joined_month = date_trunc('month', OLD.joined_at);
    INSERT INTO network_tallies AS tally (network_id, joined_month, members, listed)
    VALUES (NEW.network_id, date_trunc('month', NEW.joined_at), 1, NEW.is_listed::integer)
    ON CONFLICT (network_id, joined_month) DO UPDATE
    SET members = tally.members + 1, listed = tally.listed + excluded.listed;
    RETURN NULL;
END
$$
""",
]
_MONTH = "substr({}.joined_at, 1, 7) || '-01 00:00:00.000000'"
# A new month's row made without a conflict: an outer INSERT OR REPLACE would turn an INSERT OR
# IGNORE here into a REPLACE of the row (SQLite's rule for statements in triggers).
_NEW_TALLY = (
    "INSERT INTO network_tallies (network_id, joined_month, members, listed) "
    f"SELECT NEW.network_id, {_MONTH.format('NEW')}, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM "
    "network_tallies WHERE network_id = NEW.network_id "
    f"AND joined_month = {_MONTH.format('NEW')});")
_AREA = "JSON_EXTRACT({}.visibility, '$.\"area\"')"
TRIGGERS = {
    'postgresql': [
        "CREATE TRIGGER network_memberships_area BEFORE INSERT OR UPDATE OF user_id "
        "ON network_memberships FOR EACH ROW EXECUTE FUNCTION netapp_membership_area()",
        "CREATE TRIGGER profiles_area_added AFTER INSERT ON profiles "
        "REFERENCING NEW TABLE AS netapp_area_added FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_profiles_area_added()",
        "CREATE TRIGGER profiles_area_removed AFTER DELETE ON profiles "
        "REFERENCING OLD TABLE AS netapp_area_removed FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_profiles_area_removed()",
        "CREATE TRIGGER profiles_area_changed AFTER UPDATE OF visibility, user_id ON profiles "
        "FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id "
        "OR (OLD.visibility ->> 'area') IS DISTINCT FROM (NEW.visibility ->> 'area')) "
        "EXECUTE FUNCTION netapp_profile_area_changed()",
        "CREATE TRIGGER network_memberships_tally_joined AFTER INSERT ON network_memberships "
        "REFERENCING NEW TABLE AS netapp_joined FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_tally_joined()",
        "CREATE TRIGGER network_memberships_tally_left AFTER DELETE ON network_memberships "
        "REFERENCING OLD TABLE AS netapp_left FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_tally_left()",
        "CREATE TRIGGER network_memberships_tally_moved "
        "AFTER UPDATE OF network_id, joined_at, is_listed ON network_memberships FOR EACH ROW "
        "WHEN (OLD.network_id IS DISTINCT FROM NEW.network_id "
        "OR date_trunc('month', OLD.joined_at) IS DISTINCT FROM date_trunc('month', NEW.joined_at) "
        "OR OLD.is_listed IS DISTINCT FROM NEW.is_listed) "
        "EXECUTE FUNCTION netapp_tally_moved()",
    ],
    'sqlite': [
        "CREATE TRIGGER network_memberships_area AFTER INSERT ON network_memberships "
        "FOR EACH ROW BEGIN UPDATE network_memberships SET member_area = "
        f"(SELECT {_AREA.format('profiles')} FROM profiles WHERE user_id = NEW.user_id) "
        "WHERE user_id = NEW.user_id AND network_id = NEW.network_id; END",
        "CREATE TRIGGER network_memberships_area_moved AFTER UPDATE OF user_id "
        "ON network_memberships FOR EACH ROW WHEN OLD.user_id IS NOT NEW.user_id BEGIN "
        "UPDATE network_memberships SET member_area = "
        f"(SELECT {_AREA.format('profiles')} FROM profiles WHERE user_id = NEW.user_id) "
        "WHERE user_id = NEW.user_id AND network_id = NEW.network_id; END",
        "CREATE TRIGGER profiles_area_added AFTER INSERT ON profiles FOR EACH ROW BEGIN "
        f"UPDATE network_memberships SET member_area = {_AREA.format('NEW')} "
        "WHERE user_id = NEW.user_id; END",
        "CREATE TRIGGER profiles_area_removed AFTER DELETE ON profiles FOR EACH ROW BEGIN "
        "UPDATE network_memberships SET member_area = NULL WHERE user_id = OLD.user_id; END",
        "CREATE TRIGGER profiles_area_changed AFTER UPDATE OF visibility, user_id ON profiles "
        "FOR EACH ROW BEGIN "
        "UPDATE network_memberships SET member_area = NULL "
        "WHERE user_id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id; "
        f"UPDATE network_memberships SET member_area = {_AREA.format('NEW')} "
        "WHERE user_id = NEW.user_id; END",
        "CREATE TRIGGER network_memberships_tally_joined AFTER INSERT ON network_memberships "
        "FOR EACH ROW BEGIN "
        f"{_NEW_TALLY} "
        "UPDATE network_tallies SET members = members + 1, "
        "listed = listed + (NEW.is_listed IS 1) "
        f"WHERE network_id = NEW.network_id AND joined_month = {_MONTH.format('NEW')}; END",
        "CREATE TRIGGER network_memberships_tally_left AFTER DELETE ON network_memberships "
        "FOR EACH ROW BEGIN "
        "UPDATE network_tallies SET members = members - 1, "
        "listed = listed - (OLD.is_listed IS 1) "
        f"WHERE network_id = OLD.network_id AND joined_month = {_MONTH.format('OLD')}; END",
        "CREATE TRIGGER network_memberships_tally_moved "
        "AFTER UPDATE OF network_id, joined_at, is_listed ON network_memberships FOR EACH ROW "
        "WHEN OLD.network_id IS NOT NEW.network_id "
        f"OR {_MONTH.format('OLD')} IS NOT {_MONTH.format('NEW')} "
        "OR OLD.is_listed IS NOT NEW.is_listed BEGIN "
        "UPDATE network_tallies SET members = members - 1, "
        "listed = listed - (OLD.is_listed IS 1) "
        f"WHERE network_id = OLD.network_id AND joined_month = {_MONTH.format('OLD')}; "
        f"{_NEW_TALLY} "
        "UPDATE network_tallies SET members = members + 1, "
        "listed = listed + (NEW.is_listed IS 1) "
        f"WHERE network_id = NEW.network_id AND joined_month = {_MONTH.format('NEW')}; END",
    ],
}
_PG_TRIGGERS = {
    'network_memberships': ('network_memberships_area', 'network_memberships_tally_joined',
                            'network_memberships_tally_left', 'network_memberships_tally_moved'),
    'profiles': ('profiles_area_added', 'profiles_area_removed', 'profiles_area_changed'),
}
_SQLITE_TRIGGERS = ('network_memberships_area', 'network_memberships_area_moved',
                    'profiles_area_added', 'profiles_area_removed', 'profiles_area_changed',
                    'network_memberships_tally_joined', 'network_memberships_tally_left',
                    'network_memberships_tally_moved')
_PG_FUNCTIONS = ('netapp_membership_area', 'netapp_profiles_area_added',
                 'netapp_profiles_area_removed', 'netapp_profile_area_changed',
                 'netapp_tally_joined', 'netapp_tally_left', 'netapp_tally_moved')


def upgrade():
    dialect = op.get_bind().dialect.name
    # Added in place, not by rebuilding the table (batch mode on SQLite): the triggers of 0015
    # and 0017 name these tables, and SQLite refuses to drop a table they name.
    op.add_column('network_memberships', sa.Column('member_area', sa.String(), nullable=True))
    if dialect == 'postgresql':
        op.execute("UPDATE network_memberships SET member_area = profiles.visibility ->> 'area' "
                   "FROM profiles WHERE profiles.user_id = network_memberships.user_id "
                   "AND profiles.visibility ->> 'area' IS NOT NULL")
    else:
        op.execute(f"UPDATE network_memberships SET member_area = "
                   f"(SELECT {_AREA.format('profiles')} FROM profiles "
                   f"WHERE profiles.user_id = network_memberships.user_id)")
    op.drop_index('ix_network_memberships_by_name', table_name='network_memberships')
    op.create_index('ix_network_memberships_by_name', 'network_memberships',
                    ['network_id', 'member_name', 'user_id', 'is_listed', 'joined_at',
                     'member_area'], unique=False)
    op.create_table(
        'network_tallies',
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('joined_month', sa.DateTime(), nullable=False),
        sa.Column('members', sa.Integer(), server_default='0', nullable=False),
        sa.Column('listed', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'],
                                name=op.f('fk_network_tallies_network_id_networks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('network_id', 'joined_month', name=op.f('pk_network_tallies')),
    )
    if dialect == 'postgresql':
        op.execute("INSERT INTO network_tallies (network_id, joined_month, members, listed) "
                   "SELECT network_id, date_trunc('month', joined_at), count(*), "
                   "count(*) FILTER (WHERE is_listed) FROM network_memberships GROUP BY 1, 2")
        for function in FUNCTIONS:
            op.execute(function)
    else:
        op.execute("INSERT INTO network_tallies (network_id, joined_month, members, listed) "
                   f"SELECT network_id, {_MONTH.format('network_memberships')}, count(*), "
                   "sum(is_listed IS 1) FROM network_memberships GROUP BY 1, 2")
    for trigger in TRIGGERS.get(dialect, []):
        op.execute(trigger)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        for table, triggers in _PG_TRIGGERS.items():
            for trigger in triggers:
                op.execute(f'DROP TRIGGER IF EXISTS {trigger} ON {table}')
        for function in _PG_FUNCTIONS:
            op.execute(f'DROP FUNCTION IF EXISTS {function}()')
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    op.drop_table('network_tallies')
    op.drop_index('ix_network_memberships_by_name', table_name='network_memberships')
    op.create_index('ix_network_memberships_by_name', 'network_memberships',
                    ['network_id', 'member_name', 'user_id', 'is_listed'], unique=False)
    # In place on SQLite too (ALTER TABLE ... DROP COLUMN, SQLite 3.35 and later).
    op.execute('ALTER TABLE network_memberships DROP COLUMN member_area')
