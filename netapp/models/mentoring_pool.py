"""Who a mentoring round could take, kept by the database (migration 0018_mentoring_pool).

One row per open account with a profile who asked for a mentor or holds the mentor role, with
what the engine's rules read about them (``matching_bridge.PROFILE_RULES`` and ``load_pool``),
each worked out from its own tables: whether they still wait (no mentor, offer or request under
way), a mentor's free places, whether their latest finished LQF self-assessment scores every
element the engine reads, their organisation's type of service. The council area's region is
not kept: pages join it (two small tables). The app never writes these rows: triggers on every
table they come from (PostgreSQL and SQLite) work out a person's row again whenever one of
those changes, so a round's pool pages read about 3,500 short rows instead of sorting out the
candidates from eight tables on every request.

On PostgreSQL two transactions changing the same person wait for each other (an advisory lock
for each of 256 groups of people, or the whole table for a large change), so each works the row
out from what the other committed. The framework's element codes are reference data, changed
by migrations only.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from netapp.data.lqf import LQF_CODE
from netapp.extensions import db
from netapp.models.kept_tables import (
    ASSESSMENT_TRIGGERS,
    REFERENCING,
    changed_rows,
    create_with_tables,
    refresh_function,
    trigger_function,
    users_removed_trigger,
)


class MentoringPoolRow(db.Model):
    __tablename__ = "mentoring_pool"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    #: the name in lower case, compared by character on PostgreSQL too (as SQLite's own), so
    #: its index gives the pool's lists in name order (``mentoring_rounds._by_name``)
    sort_name: Mapped[str] = mapped_column(
        sa.Text().with_variant(sa.Text(collation="C"), "postgresql"))
    #: asked for a mentor and has no mentor, offer or request under way
    wants: Mapped[bool]
    #: holds the mentor role
    mentor: Mapped[bool]
    online: Mapped[bool]
    unconfirmed: Mapped[bool]
    paused: Mapped[bool]
    #: the mentor's capacity less accepted mentees and open offers and requests
    free: Mapped[int]
    local_authority_id: Mapped[int | None]
    level: Mapped[int | None] = mapped_column(sa.SmallInteger)
    service_type: Mapped[str | None] = mapped_column(sa.String(32))
    #: the latest finished LQF self-assessment scores every element the engine reads
    assessed: Mapped[bool]

    __table_args__ = (
        sa.Index("ix_mentoring_pool_by_name", "sort_name", "user_id"),
        # A round's pick lists (``mentoring_rounds._pick_columns``): the first thousand mentees
        # and mentors by name, read in order from these instead of sorting every row that
        # qualifies (2,660 mentors on the demo data). Each holds only the rows the list's
        # conditions, less the council areas', keep (``matching_bridge._pool_checks``);
        # tests/test_mentoring_pool.py checks that PostgreSQL can use them for those lists.
        *(sa.Index(name, "sort_name", "user_id", postgresql_include=include,
                   postgresql_where=sa.text(where), sqlite_where=sa.text(where))
          for name, include, where in (
              ("ix_mentoring_pool_mentees", ["name", "local_authority_id"],
               "wants AND NOT unconfirmed AND level IS NOT NULL AND service_type IS NOT NULL"
               " AND assessed"),
              ("ix_mentoring_pool_mentors", ["name", "local_authority_id", "online"],
               "mentor AND NOT unconfirmed AND level IS NOT NULL AND service_type IS NOT NULL"
               " AND assessed AND NOT paused AND free > 0"))),
    )


def _element_codes() -> tuple[str, ...]:
    from matching.lqf import ELEMENT_CODES

    return ELEMENT_CODES


BUSY = "('offered', 'requested', 'accepted')"
_COLUMNS = ("user_id, name, sort_name, wants, mentor, online, unconfirmed, paused, free, "
            "local_authority_id, level, service_type, assessed")


def pool_rows_sql(who: str) -> str:
    """The ``mentoring_pool`` rows of the people ``who`` (a condition on ``p``, the profile)
    picks, as an INSERT ... SELECT (the same on both databases)."""
    codes = ", ".join(f"'{code}'" for code in _element_codes())
    mentor = ("EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = p.user_id "
              "AND r.role = 'mentor')")
    return (
        f"INSERT INTO mentoring_pool ({_COLUMNS}) "
        "SELECT p.user_id, u.display_name, lower(u.display_name), "
        "p.wants_mentor AND NOT EXISTS (SELECT 1 FROM mentorships m "
        f"WHERE m.mentee_id = p.user_id AND m.status IN {BUSY}), "
        f"{mentor}, p.meets_online, u.email_verified_at IS NULL, p.mentoring_paused, "
        "p.mentor_capacity - (SELECT count(*) FROM mentorships m "
        f"WHERE m.mentor_id = p.user_id AND m.status IN {BUSY}), "
        "p.local_authority_id, p.level, o.service_type, "
        "(SELECT count(*) FROM assessment_scores s "
        "JOIN framework_elements e ON e.id = s.element_id "
        "WHERE s.assessment_id = (SELECT a.id FROM self_assessments a "
        "JOIN frameworks f ON f.id = a.framework_id "
        f"WHERE a.user_id = p.user_id AND f.code = '{LQF_CODE}' "
        "AND a.completed_at IS NOT NULL ORDER BY a.completed_at DESC, a.id DESC LIMIT 1) "
        f"AND e.code IN ({codes})) = {len(_element_codes())} "
        "FROM profiles p JOIN users u ON u.id = p.user_id "
        "LEFT JOIN organisations o ON o.id = p.organisation_id "
        f"WHERE ({who}) AND u.is_active_account AND (p.wants_mentor OR {mentor})"
    )


_REFRESH = refresh_function("netapp_pool_refresh", "mentoring_pool", 18180,
                            pool_rows_sql("p.user_id = ANY(ids)"))


def _function(name: str, ids: str) -> str:
    return trigger_function(name, "netapp_pool_refresh", ids)


_PROFILE_COLUMNS = ("wants_mentor, meets_online, mentoring_paused, mentor_capacity, "
                    "local_authority_id, level, organisation_id")
# (table, name, event, the people it changed, as a SELECT of ids over the transition tables
# ``netapp_new`` and ``netapp_old``)
_PG_TRIGGERS = [
    ("profiles", "added", "INSERT", "SELECT user_id FROM netapp_new"),
    ("profiles", "changed", "UPDATE", changed_rows("user_id", _PROFILE_COLUMNS, "{t}.user_id")),
    ("profiles", "removed", "DELETE", "SELECT user_id FROM netapp_old"),
    ("user_roles", "added", "INSERT", "SELECT user_id FROM netapp_new"),
    ("user_roles", "changed", "UPDATE",
     "SELECT user_id FROM netapp_new UNION SELECT user_id FROM netapp_old"),
    ("user_roles", "removed", "DELETE", "SELECT user_id FROM netapp_old"),
    ("mentorships", "added", "INSERT",
     "SELECT mentee_id FROM netapp_new UNION SELECT mentor_id FROM netapp_new"),
    ("mentorships", "changed", "UPDATE",
     changed_rows("id", "status, mentee_id, mentor_id", "{t}.mentee_id") + " UNION "
     + changed_rows("id", "status, mentee_id, mentor_id", "{t}.mentor_id")),
    ("mentorships", "removed", "DELETE",
     "SELECT mentee_id FROM netapp_old UNION SELECT mentor_id FROM netapp_old"),
    *ASSESSMENT_TRIGGERS,
    ("organisations", "changed", "UPDATE",
     "SELECT p.user_id FROM profiles p JOIN netapp_new n ON n.id = p.organisation_id "
     "JOIN netapp_old o ON o.id = n.id WHERE n.service_type IS DISTINCT FROM o.service_type"),
]
POOL_FUNCTIONS = [_REFRESH] + [
    _function(f"netapp_pool_{table}_{name}", ids) for table, name, _, ids in _PG_TRIGGERS
] + [_function("netapp_pool_user_changed", "SELECT NEW.id")]


def _sqlite_refresh(ids: str) -> str:
    return (f"DELETE FROM mentoring_pool WHERE user_id IN ({ids}); "
            + pool_rows_sql(f"p.user_id IN ({ids})") + ";")


_USER_COLUMNS = ("display_name", "is_active_account", "email_verified_at")
_SQLITE = [
    ("profiles", "added", "INSERT", "", "NEW.user_id"),
    ("profiles", "changed", f"UPDATE OF user_id, {_PROFILE_COLUMNS}", "",
     "OLD.user_id, NEW.user_id"),
    ("profiles", "removed", "DELETE", "", "OLD.user_id"),
    ("user_roles", "added", "INSERT", "", "NEW.user_id"),
    ("user_roles", "changed", "UPDATE", "", "OLD.user_id, NEW.user_id"),
    ("user_roles", "removed", "DELETE", "", "OLD.user_id"),
    ("mentorships", "added", "INSERT", "", "NEW.mentee_id, NEW.mentor_id"),
    ("mentorships", "changed", "UPDATE OF status, mentee_id, mentor_id", "",
     "OLD.mentee_id, OLD.mentor_id, NEW.mentee_id, NEW.mentor_id"),
    ("mentorships", "removed", "DELETE", "", "OLD.mentee_id, OLD.mentor_id"),
    ("self_assessments", "added", "INSERT", "", "NEW.user_id"),
    ("self_assessments", "changed", "UPDATE OF user_id, framework_id, completed_at", "",
     "OLD.user_id, NEW.user_id"),
    ("self_assessments", "removed", "DELETE", "", "OLD.user_id"),
    ("assessment_scores", "added", "INSERT", "",
     "SELECT user_id FROM self_assessments WHERE id = NEW.assessment_id"),
    ("assessment_scores", "changed", "UPDATE OF assessment_id, element_id", "",
     "SELECT user_id FROM self_assessments WHERE id IN (OLD.assessment_id, NEW.assessment_id)"),
    ("assessment_scores", "removed", "DELETE", "",
     "SELECT user_id FROM self_assessments WHERE id = OLD.assessment_id"),
    ("organisations", "changed", "UPDATE OF service_type",
     "WHEN OLD.service_type IS NOT NEW.service_type",
     "SELECT user_id FROM profiles WHERE organisation_id = NEW.id"),
    ("users", "changed", f"UPDATE OF {', '.join(_USER_COLUMNS)}", "", "NEW.id"),
]

POOL_TRIGGERS = {
    "postgresql": [
        f"CREATE TRIGGER pool_{table}_{name} AFTER {event} ON {table} "
        f"REFERENCING {REFERENCING[event]} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION netapp_pool_{table}_{name}()"
        for table, name, event, _ in _PG_TRIGGERS
    ] + [
        "CREATE TRIGGER pool_users_changed AFTER UPDATE OF "
        f"{', '.join(_USER_COLUMNS)} ON users FOR EACH ROW WHEN ("
        + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _USER_COLUMNS)
        + ") EXECUTE FUNCTION netapp_pool_user_changed()",
    ],
    "sqlite": [
        f"CREATE TRIGGER pool_{table}_{name} AFTER {event} ON {table} FOR EACH ROW {when} "
        f"BEGIN {_sqlite_refresh(ids)} END"
        for table, name, event, when, ids in _SQLITE
    ] + [
        users_removed_trigger("pool_users_removed", "mentoring_pool"),
    ],
}
POOL_TRIGGER_NAMES = [(f"pool_{table}_{name}", table) for table, name, *_ in _SQLITE] + [
    ("pool_users_removed", "users")]


create_with_tables(POOL_FUNCTIONS, POOL_TRIGGERS)
