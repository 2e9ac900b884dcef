"""Who a mentoring round could take, kept by the database: a table of each open account
with a profile who asked for a mentor or is a mentor, with what the engine's rules read about
them (still waiting, free places, the latest LQF self-assessment complete, the organisation's
type of service), worked out again by triggers (PostgreSQL and SQLite) whenever any of the
tables it comes from changes. A round's pool and pairs pages read it instead of sorting out
about 3,500 candidates from eight tables on every request, and a page of a list in name order
from its index.

The SQL is written out here, as it was on the day, rather than imported from the app.

Revision ID: 0020_mentoring_pool
Revises: 0019_network_tallies
Create Date: 2026-11-27 13:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0020_mentoring_pool'
down_revision = '0019_network_tallies'
branch_labels = None
depends_on = None

BACKFILL = "INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (TRUE) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'))"

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_pool_refresh(ids integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    IF cardinality(ids) > 64 THEN
        LOCK TABLE mentoring_pool IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        LOCK TABLE mentoring_pool IN ROW EXCLUSIVE MODE;
        -- One lock for each of 256 groups of people, not one a person: a transaction that
        -- changes thousands of people one statement at a time (an import) holds at most 256
        -- of PostgreSQL's shared lock slots, not one a person.
        PERFORM pg_advisory_xact_lock(18180, part)
        FROM (SELECT DISTINCT mod(unnest(ids), 256) AS part ORDER BY 1) AS people;
    END IF;
    DELETE FROM mentoring_pool WHERE user_id = ANY(ids);
    INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id = ANY(ids)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'));
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_profiles_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM netapp_new));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_profiles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT n.user_id FROM netapp_new n LEFT JOIN netapp_old o ON o.user_id = n.user_id WHERE o.user_id IS NULL OR (n.wants_mentor, n.meets_online, n.mentoring_paused, n.mentor_capacity, n.local_authority_id, n.level, n.organisation_id) IS DISTINCT FROM (o.wants_mentor, o.meets_online, o.mentoring_paused, o.mentor_capacity, o.local_authority_id, o.level, o.organisation_id) UNION SELECT o.user_id FROM netapp_old o LEFT JOIN netapp_new n ON n.user_id = o.user_id WHERE n.user_id IS NULL OR (n.wants_mentor, n.meets_online, n.mentoring_paused, n.mentor_capacity, n.local_authority_id, n.level, n.organisation_id) IS DISTINCT FROM (o.wants_mentor, o.meets_online, o.mentoring_paused, o.mentor_capacity, o.local_authority_id, o.level, o.organisation_id)));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_profiles_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM netapp_old));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_user_roles_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM netapp_new));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_user_roles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM netapp_new UNION SELECT user_id FROM netapp_old));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_user_roles_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM netapp_old));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_mentorships_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT mentee_id FROM netapp_new UNION SELECT mentor_id FROM netapp_new));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_mentorships_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT n.mentee_id FROM netapp_new n LEFT JOIN netapp_old o ON o.id = n.id WHERE o.id IS NULL OR (n.status, n.mentee_id, n.mentor_id) IS DISTINCT FROM (o.status, o.mentee_id, o.mentor_id) UNION SELECT o.mentee_id FROM netapp_old o LEFT JOIN netapp_new n ON n.id = o.id WHERE n.id IS NULL OR (n.status, n.mentee_id, n.mentor_id) IS DISTINCT FROM (o.status, o.mentee_id, o.mentor_id) UNION SELECT n.mentor_id FROM netapp_new n LEFT JOIN netapp_old o ON o.id = n.id WHERE o.id IS NULL OR (n.status, n.mentee_id, n.mentor_id) IS DISTINCT FROM (o.status, o.mentee_id, o.mentor_id) UNION SELECT o.mentor_id FROM netapp_old o LEFT JOIN netapp_new n ON n.id = o.id WHERE n.id IS NULL OR (n.status, n.mentee_id, n.mentor_id) IS DISTINCT FROM (o.status, o.mentee_id, o.mentor_id)));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_mentorships_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT mentee_id FROM netapp_old UNION SELECT mentor_id FROM netapp_old));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_self_assessments_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM netapp_new WHERE user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_self_assessments_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM (SELECT n.user_id FROM netapp_new n LEFT JOIN netapp_old o ON o.id = n.id WHERE o.id IS NULL OR (n.user_id, n.framework_id, n.completed_at) IS DISTINCT FROM (o.user_id, o.framework_id, o.completed_at) UNION SELECT o.user_id FROM netapp_old o LEFT JOIN netapp_new n ON n.id = o.id WHERE n.id IS NULL OR (n.user_id, n.framework_id, n.completed_at) IS DISTINCT FROM (o.user_id, o.framework_id, o.completed_at)) AS changed WHERE user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_self_assessments_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT user_id FROM netapp_old WHERE user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_assessment_scores_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT a.user_id FROM netapp_new s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_assessment_scores_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT a.user_id FROM netapp_new s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL UNION SELECT a.user_id FROM netapp_old s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_assessment_scores_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT a.user_id FROM netapp_old s JOIN self_assessments a ON a.id = s.assessment_id WHERE a.user_id IS NOT NULL));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_organisations_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT p.user_id FROM profiles p JOIN netapp_new n ON n.id = p.organisation_id JOIN netapp_old o ON o.id = n.id WHERE n.service_type IS DISTINCT FROM o.service_type));
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_pool_user_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM netapp_pool_refresh(ARRAY(SELECT NEW.id));
    RETURN NULL;
END
$$
""",
]

TRIGGERS = {
    'postgresql': [
        'CREATE TRIGGER pool_profiles_added AFTER INSERT ON profiles REFERENCING NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_profiles_added()',
        'CREATE TRIGGER pool_profiles_changed AFTER UPDATE ON profiles REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_profiles_changed()',
        'CREATE TRIGGER pool_profiles_removed AFTER DELETE ON profiles REFERENCING OLD TABLE AS netapp_old FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_profiles_removed()',
        'CREATE TRIGGER pool_user_roles_added AFTER INSERT ON user_roles REFERENCING NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_user_roles_added()',
        'CREATE TRIGGER pool_user_roles_changed AFTER UPDATE ON user_roles REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_user_roles_changed()',
        'CREATE TRIGGER pool_user_roles_removed AFTER DELETE ON user_roles REFERENCING OLD TABLE AS netapp_old FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_user_roles_removed()',
        'CREATE TRIGGER pool_mentorships_added AFTER INSERT ON mentorships REFERENCING NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_mentorships_added()',
        'CREATE TRIGGER pool_mentorships_changed AFTER UPDATE ON mentorships REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_mentorships_changed()',
        'CREATE TRIGGER pool_mentorships_removed AFTER DELETE ON mentorships REFERENCING OLD TABLE AS netapp_old FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_mentorships_removed()',
        'CREATE TRIGGER pool_self_assessments_added AFTER INSERT ON self_assessments REFERENCING NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_self_assessments_added()',
        'CREATE TRIGGER pool_self_assessments_changed AFTER UPDATE ON self_assessments REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_self_assessments_changed()',
        'CREATE TRIGGER pool_self_assessments_removed AFTER DELETE ON self_assessments REFERENCING OLD TABLE AS netapp_old FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_self_assessments_removed()',
        'CREATE TRIGGER pool_assessment_scores_added AFTER INSERT ON assessment_scores REFERENCING NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_assessment_scores_added()',
        'CREATE TRIGGER pool_assessment_scores_changed AFTER UPDATE ON assessment_scores REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_assessment_scores_changed()',
        'CREATE TRIGGER pool_assessment_scores_removed AFTER DELETE ON assessment_scores REFERENCING OLD TABLE AS netapp_old FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_assessment_scores_removed()',
        'CREATE TRIGGER pool_organisations_changed AFTER UPDATE ON organisations REFERENCING OLD TABLE AS netapp_old NEW TABLE AS netapp_new FOR EACH STATEMENT EXECUTE FUNCTION netapp_pool_organisations_changed()',
        'CREATE TRIGGER pool_users_changed AFTER UPDATE OF display_name, is_active_account, email_verified_at ON users FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.is_active_account IS DISTINCT FROM NEW.is_active_account OR OLD.email_verified_at IS DISTINCT FROM NEW.email_verified_at) EXECUTE FUNCTION netapp_pool_user_changed()',
    ],
    'sqlite': [
        "CREATE TRIGGER pool_profiles_added AFTER INSERT ON profiles FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (NEW.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (NEW.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_profiles_changed AFTER UPDATE OF user_id, wants_mentor, meets_online, mentoring_paused, mentor_capacity, local_authority_id, level, organisation_id ON profiles FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.user_id, NEW.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.user_id, NEW.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_profiles_removed AFTER DELETE ON profiles FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_user_roles_added AFTER INSERT ON user_roles FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (NEW.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (NEW.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_user_roles_changed AFTER UPDATE ON user_roles FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.user_id, NEW.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.user_id, NEW.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_user_roles_removed AFTER DELETE ON user_roles FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_mentorships_added AFTER INSERT ON mentorships FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (NEW.mentee_id, NEW.mentor_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (NEW.mentee_id, NEW.mentor_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_mentorships_changed AFTER UPDATE OF status, mentee_id, mentor_id ON mentorships FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.mentee_id, OLD.mentor_id, NEW.mentee_id, NEW.mentor_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.mentee_id, OLD.mentor_id, NEW.mentee_id, NEW.mentor_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_mentorships_removed AFTER DELETE ON mentorships FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.mentee_id, OLD.mentor_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.mentee_id, OLD.mentor_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_self_assessments_added AFTER INSERT ON self_assessments FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (NEW.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (NEW.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_self_assessments_changed AFTER UPDATE OF user_id, framework_id, completed_at ON self_assessments FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.user_id, NEW.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.user_id, NEW.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_self_assessments_removed AFTER DELETE ON self_assessments FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (OLD.user_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (OLD.user_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_assessment_scores_added AFTER INSERT ON assessment_scores FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (SELECT user_id FROM self_assessments WHERE id = NEW.assessment_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (SELECT user_id FROM self_assessments WHERE id = NEW.assessment_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_assessment_scores_changed AFTER UPDATE OF assessment_id, element_id ON assessment_scores FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (SELECT user_id FROM self_assessments WHERE id IN (OLD.assessment_id, NEW.assessment_id)); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (SELECT user_id FROM self_assessments WHERE id IN (OLD.assessment_id, NEW.assessment_id))) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_assessment_scores_removed AFTER DELETE ON assessment_scores FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (SELECT user_id FROM self_assessments WHERE id = OLD.assessment_id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (SELECT user_id FROM self_assessments WHERE id = OLD.assessment_id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_organisations_changed AFTER UPDATE OF service_type ON organisations FOR EACH ROW WHEN OLD.service_type IS NOT NEW.service_type BEGIN DELETE FROM mentoring_pool WHERE user_id IN (SELECT user_id FROM profiles WHERE organisation_id = NEW.id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (SELECT user_id FROM profiles WHERE organisation_id = NEW.id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        "CREATE TRIGGER pool_users_changed AFTER UPDATE OF display_name, is_active_account, email_verified_at ON users FOR EACH ROW  BEGIN DELETE FROM mentoring_pool WHERE user_id IN (NEW.id); INSERT INTO mentoring_pool (user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, local_authority_id, level, service_type, assessed) SELECT p.user_id, u.display_name, lower(u.display_name), p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor'), p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, p.mentor_capacity - (SELECT count(*) FROM mentorships m WHERE m.mentor_id = p.user_id AND m.status IN ('offered', 'requested', 'accepted')), p.local_authority_id, p.level, o.service_type, (SELECT count(*) FROM assessment_scores s JOIN framework_elements e ON e.id = s.element_id WHERE s.assessment_id = (SELECT a.id FROM self_assessments a JOIN frameworks f ON f.id = a.framework_id WHERE a.user_id = p.user_id AND f.code = 'lqf-2012' AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) AND e.code IN ('PQ1', 'PQ2', 'PQ3', 'PQ4', 'WO1', 'WO2', 'WO3', 'WO4', 'MS1', 'MS2', 'MS3', 'MS4', 'IS1', 'IS2', 'IS3', 'IS4', 'SD1', 'SD2', 'SD3', 'SD4', 'CV1', 'CV2', 'CV3', 'CV4', 'DS1', 'DS2', 'DS3', 'DS4')) = 28 FROM profiles p JOIN users u ON u.id = p.user_id LEFT JOIN organisations o ON o.id = p.organisation_id WHERE (p.user_id IN (NEW.id)) AND u.is_active_account AND (p.wants_mentor OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id AND r.role = 'mentor')); END",
        'CREATE TRIGGER pool_users_removed AFTER DELETE ON users FOR EACH ROW BEGIN DELETE FROM mentoring_pool WHERE user_id = OLD.id; END',
    ],
}

TRIGGER_NAMES = {
    'postgresql': [
        ('pool_profiles_added', 'profiles'),
        ('pool_profiles_changed', 'profiles'),
        ('pool_profiles_removed', 'profiles'),
        ('pool_user_roles_added', 'user_roles'),
        ('pool_user_roles_changed', 'user_roles'),
        ('pool_user_roles_removed', 'user_roles'),
        ('pool_mentorships_added', 'mentorships'),
        ('pool_mentorships_changed', 'mentorships'),
        ('pool_mentorships_removed', 'mentorships'),
        ('pool_self_assessments_added', 'self_assessments'),
        ('pool_self_assessments_changed', 'self_assessments'),
        ('pool_self_assessments_removed', 'self_assessments'),
        ('pool_assessment_scores_added', 'assessment_scores'),
        ('pool_assessment_scores_changed', 'assessment_scores'),
        ('pool_assessment_scores_removed', 'assessment_scores'),
        ('pool_organisations_changed', 'organisations'),
        ('pool_users_changed', 'users'),
    ],
    'sqlite': [
        ('pool_profiles_added', 'profiles'),
        ('pool_profiles_changed', 'profiles'),
        ('pool_profiles_removed', 'profiles'),
        ('pool_user_roles_added', 'user_roles'),
        ('pool_user_roles_changed', 'user_roles'),
        ('pool_user_roles_removed', 'user_roles'),
        ('pool_mentorships_added', 'mentorships'),
        ('pool_mentorships_changed', 'mentorships'),
        ('pool_mentorships_removed', 'mentorships'),
        ('pool_self_assessments_added', 'self_assessments'),
        ('pool_self_assessments_changed', 'self_assessments'),
        ('pool_self_assessments_removed', 'self_assessments'),
        ('pool_assessment_scores_added', 'assessment_scores'),
        ('pool_assessment_scores_changed', 'assessment_scores'),
        ('pool_assessment_scores_removed', 'assessment_scores'),
        ('pool_organisations_changed', 'organisations'),
        ('pool_users_changed', 'users'),
        ('pool_users_removed', 'users'),
    ],
}

FUNCTION_NAMES = [
    'netapp_pool_refresh',
    'netapp_pool_profiles_added',
    'netapp_pool_profiles_changed',
    'netapp_pool_profiles_removed',
    'netapp_pool_user_roles_added',
    'netapp_pool_user_roles_changed',
    'netapp_pool_user_roles_removed',
    'netapp_pool_mentorships_added',
    'netapp_pool_mentorships_changed',
    'netapp_pool_mentorships_removed',
    'netapp_pool_self_assessments_added',
    'netapp_pool_self_assessments_changed',
    'netapp_pool_self_assessments_removed',
    'netapp_pool_assessment_scores_added',
    'netapp_pool_assessment_scores_changed',
    'netapp_pool_assessment_scores_removed',
    'netapp_pool_organisations_changed',
    'netapp_pool_user_changed',
]


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        'mentoring_pool',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('sort_name', sa.Text().with_variant(sa.Text(collation='C'), 'postgresql'),
                  nullable=False),
        sa.Column('wants', sa.Boolean(), nullable=False),
        sa.Column('mentor', sa.Boolean(), nullable=False),
        sa.Column('online', sa.Boolean(), nullable=False),
        sa.Column('unconfirmed', sa.Boolean(), nullable=False),
        sa.Column('paused', sa.Boolean(), nullable=False),
        sa.Column('free', sa.Integer(), nullable=False),
        sa.Column('local_authority_id', sa.Integer(), nullable=True),
        sa.Column('level', sa.SmallInteger(), nullable=True),
        sa.Column('service_type', sa.String(length=32), nullable=True),
        sa.Column('assessed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_mentoring_pool_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mentoring_pool')),
    )
    op.create_index('ix_mentoring_pool_by_name', 'mentoring_pool', ['sort_name', 'user_id'],
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
            arguments = '(integer[])' if function == 'netapp_pool_refresh' else '()'
            op.execute(f'DROP FUNCTION IF EXISTS {function}{arguments}')
    op.drop_index('ix_mentoring_pool_by_name', table_name='mentoring_pool')
    op.drop_table('mentoring_pool')
