"""Each member's strengths kept by the database: a table of the elements each member's
latest finished self-assessment (per framework, latest by completed_at then id) scores 4
(STRONG) or more, filled from the assessments already there and worked out again by triggers
(PostgreSQL and SQLite) whenever a member's self-assessments or scores change. The member
directory's strength filter reads it by its key instead of checking every strong score for a
newer assessment on every search.

The SQL is written out here, as it was on the day, rather than imported from the app.

Revision ID: 0023_member_strengths
Revises: 0022_audit_targets
Create Date: 2026-11-28 01:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0023_member_strengths'
down_revision = '0022_audit_targets'
branch_labels = None
depends_on = None

BACKFILL = 'INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (TRUE) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id)))'

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_strengths_refresh(ids integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    IF cardinality(ids) > 64 THEN
        LOCK TABLE member_strengths IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        LOCK TABLE member_strengths IN ROW EXCLUSIVE MODE;
        -- One lock for each of 256 groups of people, not one a person (as the mentoring
        -- pool's, under its own key).
        PERFORM pg_advisory_xact_lock(18181, part)
        FROM (SELECT DISTINCT mod(unnest(ids), 256) AS part ORDER BY 1) AS people;
    END IF;
    DELETE FROM member_strengths WHERE user_id = ANY(ids);
    INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (a.user_id = ANY(ids)) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id)));
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_strengths_self_assessments_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_strengths_refresh(ARRAY(SELECT user_id FROM netapp_new WHERE user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_strengths_self_assessments_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_strengths_refresh(ARRAY(SELECT user_id FROM (SELECT n.user_id FROM netapp_new n LEFT JOIN netapp_old o ON o.id = n.id WHERE o.id IS NULL OR (n.user_id, n.framework_id, n.completed_at) IS DISTINCT FROM (o.user_id, o.framework_id, o.completed_at) UNION SELECT o.user_id FROM netapp_old o LEFT JOIN netapp_new n ON n.id = o.id WHERE n.id IS NULL OR (n.user_id, n.framework_id, n.completed_at) IS DISTINCT FROM (o.user_id, o.framework_id, o.completed_at)) AS changed WHERE user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_strengths_self_assessments_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_strengths_refresh(ARRAY(SELECT user_id FROM netapp_old WHERE user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_strengths_assessment_scores_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_strengths_refresh(ARRAY(SELECT a.user_id FROM netapp_new s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_strengths_assessment_scores_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_strengths_refresh(ARRAY(SELECT a.user_id FROM netapp_new s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL UNION SELECT a.user_id FROM netapp_old s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_strengths_assessment_scores_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_strengths_refresh(ARRAY(SELECT a.user_id FROM netapp_old s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
]

TRIGGERS = {
    'postgresql': [
        'CREATE TRIGGER strengths_self_assessments_added AFTER INSERT ON self_assessments REFERENCING NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_strengths_self_assessments_added()',
        'CREATE TRIGGER strengths_self_assessments_changed AFTER UPDATE ON self_assessments REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_strengths_self_assessments_changed()',
        'CREATE TRIGGER strengths_self_assessments_removed AFTER DELETE ON self_assessments REFERENCING OLD TABLE AS netapp_old FOR EACH STATEMENT EXECUTE FUNCTION netapp_strengths_self_assessments_removed()',
        'CREATE TRIGGER strengths_assessment_scores_added AFTER INSERT ON assessment_scores REFERENCING NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_strengths_assessment_scores_added()',
        'CREATE TRIGGER strengths_assessment_scores_changed AFTER UPDATE ON assessment_scores REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_strengths_assessment_scores_changed()',
        'CREATE TRIGGER strengths_assessment_scores_removed AFTER DELETE ON assessment_scores REFERENCING OLD TABLE AS netapp_old FOR EACH STATEMENT EXECUTE FUNCTION netapp_strengths_assessment_scores_removed()',
    ],
    'sqlite': [
        'CREATE TRIGGER strengths_self_assessments_added AFTER INSERT ON self_assessments FOR EACH ROW BEGIN DELETE FROM member_strengths WHERE user_id IN (NEW.user_id); INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (a.user_id IN (NEW.user_id)) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id))); END',
        'CREATE TRIGGER strengths_self_assessments_changed AFTER UPDATE OF user_id, framework_id, completed_at ON self_assessments FOR EACH ROW BEGIN DELETE FROM member_strengths WHERE user_id IN (OLD.user_id, NEW.user_id); INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (a.user_id IN (OLD.user_id, NEW.user_id)) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id))); END',
        'CREATE TRIGGER strengths_self_assessments_removed AFTER DELETE ON self_assessments FOR EACH ROW BEGIN DELETE FROM member_strengths WHERE user_id IN (OLD.user_id); INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (a.user_id IN (OLD.user_id)) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id))); END',
        'CREATE TRIGGER strengths_assessment_scores_added AFTER INSERT ON assessment_scores FOR EACH ROW BEGIN DELETE FROM member_strengths WHERE user_id IN (SELECT user_id FROM self_assessments WHERE id = NEW.assessment_id); INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (a.user_id IN (SELECT user_id FROM self_assessments WHERE id = NEW.assessment_id)) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id))); END',
        'CREATE TRIGGER strengths_assessment_scores_changed AFTER UPDATE ON assessment_scores FOR EACH ROW BEGIN DELETE FROM member_strengths WHERE user_id IN (SELECT user_id FROM self_assessments WHERE id IN (OLD.assessment_id, NEW.assessment_id)); INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (a.user_id IN (SELECT user_id FROM self_assessments WHERE id IN (OLD.assessment_id, NEW.assessment_id))) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id))); END',
        'CREATE TRIGGER strengths_assessment_scores_removed AFTER DELETE ON assessment_scores FOR EACH ROW BEGIN DELETE FROM member_strengths WHERE user_id IN (SELECT user_id FROM self_assessments WHERE id = OLD.assessment_id); INSERT INTO member_strengths (element_id, user_id) SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a JOIN assessment_scores s ON s.assessment_id = a.id WHERE (a.user_id IN (SELECT user_id FROM self_assessments WHERE id = OLD.assessment_id)) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL AND s.score >= 4 AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL AND (l.completed_at > a.completed_at OR (l.completed_at = a.completed_at AND l.id > a.id))); END',
        'CREATE TRIGGER strengths_users_removed AFTER DELETE ON users FOR EACH ROW BEGIN DELETE FROM member_strengths WHERE user_id = OLD.id; END',
    ],
}

FUNCTION_NAMES = [
    'netapp_strengths_refresh',
    'netapp_strengths_self_assessments_added',
    'netapp_strengths_self_assessments_changed',
    'netapp_strengths_self_assessments_removed',
    'netapp_strengths_assessment_scores_added',
    'netapp_strengths_assessment_scores_changed',
    'netapp_strengths_assessment_scores_removed',
]

TRIGGER_NAMES = {
    'postgresql': [
        ('strengths_self_assessments_added', 'self_assessments'),
        ('strengths_self_assessments_changed', 'self_assessments'),
        ('strengths_self_assessments_removed', 'self_assessments'),
        ('strengths_assessment_scores_added', 'assessment_scores'),
        ('strengths_assessment_scores_changed', 'assessment_scores'),
        ('strengths_assessment_scores_removed', 'assessment_scores'),
    ],
    'sqlite': [
        ('strengths_self_assessments_added', 'self_assessments'),
        ('strengths_self_assessments_changed', 'self_assessments'),
        ('strengths_self_assessments_removed', 'self_assessments'),
        ('strengths_assessment_scores_added', 'assessment_scores'),
        ('strengths_assessment_scores_changed', 'assessment_scores'),
        ('strengths_assessment_scores_removed', 'assessment_scores'),
        ('strengths_users_removed', 'users'),
    ],
}


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        'member_strengths',
        sa.Column('element_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['element_id'], ['framework_elements.id'],
                                name=op.f('fk_member_strengths_element_id_framework_elements'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_member_strengths_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('element_id', 'user_id', name=op.f('pk_member_strengths')),
    )
    op.create_index('ix_member_strengths_user_id', 'member_strengths', ['user_id'],
                    unique=False)
    op.execute(BACKFILL)
    if dialect == 'postgresql':
        for function in FUNCTIONS:
            op.execute(function)
    for trigger in TRIGGERS.get(dialect, []):
        op.execute(trigger)


def downgrade():
    dialect = op.get_bind().dialect.name
    for trigger, table in TRIGGER_NAMES.get(dialect, []):
        if dialect == 'postgresql':
            op.execute(f'DROP TRIGGER IF EXISTS {trigger} ON {table}')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    if dialect == 'postgresql':
        for function in FUNCTION_NAMES:
            arguments = '(integer[])' if function == 'netapp_strengths_refresh' else '()'
            op.execute(f'DROP FUNCTION IF EXISTS {function}{arguments}')
    op.drop_index('ix_member_strengths_user_id', table_name='member_strengths')
    op.drop_table('member_strengths')
