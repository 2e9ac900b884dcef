"""Each member's strengths, kept by the database (migration 0023_member_strengths).

One row per element a member's latest finished self-assessment of its framework (latest by
``completed_at``, then id) scores STRONG (4) or more. The app never writes these rows: triggers
on self-assessments and their scores (PostgreSQL and SQLite) work out a member's rows again
whenever one of theirs changes, so the directory's strength filter reads the few thousand
people strong in an element from this table's key instead of checking every strong score for
a newer assessment on every search.

On PostgreSQL two transactions changing the same member wait for each other (an advisory lock
for each of 256 groups of people, or the whole table for a large change), so each works the
rows out from what the other committed.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from netapp.extensions import db
from netapp.models.kept_tables import (
    ASSESSMENT_TRIGGERS,
    REFERENCING,
    create_with_tables,
    refresh_function,
    trigger_function,
    users_removed_trigger,
)

# netapp/services/directory.py STRONG, written as it stands so that PostgreSQL can read the
# strong scores from ix_assessment_scores_strong.
STRONG = 4


class MemberStrength(db.Model):
    __tablename__ = "member_strengths"

    element_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_elements.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    # The triggers replace one member's rows at a time.
    __table_args__ = (sa.Index("ix_member_strengths_user_id", "user_id"),)


def strength_rows_sql(who: str) -> str:
    """The ``member_strengths`` rows of the people ``who`` (a condition on ``a``, a
    self-assessment) picks, as an INSERT ... SELECT (the same on both databases). DISTINCT:
    a member's latest assessments of two frameworks could score the same element."""
    return (
        "INSERT INTO member_strengths (element_id, user_id) "
        "SELECT DISTINCT s.element_id, a.user_id FROM self_assessments a "
        "JOIN assessment_scores s ON s.assessment_id = a.id "
        f"WHERE ({who}) AND a.user_id IS NOT NULL AND a.completed_at IS NOT NULL "
        f"AND s.score >= {STRONG} "
        "AND NOT EXISTS (SELECT 1 FROM self_assessments l WHERE l.user_id = a.user_id "
        "AND l.framework_id = a.framework_id AND l.completed_at IS NOT NULL "
        "AND (l.completed_at > a.completed_at "
        "OR (l.completed_at = a.completed_at AND l.id > a.id)))"
    )


_REFRESH = refresh_function("netapp_strengths_refresh", "member_strengths", 18181,
                            strength_rows_sql("a.user_id = ANY(ids)"))
# (table, name, event, the people it changed): a self-assessment or its scores.
_PG_TRIGGERS = ASSESSMENT_TRIGGERS


def _function(name: str, ids: str) -> str:
    return trigger_function(name, "netapp_strengths_refresh", ids)


STRENGTH_FUNCTIONS = [_REFRESH] + [
    _function(f"netapp_strengths_{table}_{name}", ids) for table, name, _, ids in _PG_TRIGGERS
]


def _sqlite_refresh(ids: str) -> str:
    return (f"DELETE FROM member_strengths WHERE user_id IN ({ids}); "
            + strength_rows_sql(f"a.user_id IN ({ids})") + ";")


_SQLITE = [
    ("self_assessments", "added", "INSERT", "NEW.user_id"),
    ("self_assessments", "changed", "UPDATE OF user_id, framework_id, completed_at",
     "OLD.user_id, NEW.user_id"),
    ("self_assessments", "removed", "DELETE", "OLD.user_id"),
    ("assessment_scores", "added", "INSERT",
     "SELECT user_id FROM self_assessments WHERE id = NEW.assessment_id"),
    ("assessment_scores", "changed", "UPDATE",
     "SELECT user_id FROM self_assessments WHERE id IN (OLD.assessment_id, NEW.assessment_id)"),
    ("assessment_scores", "removed", "DELETE",
     "SELECT user_id FROM self_assessments WHERE id = OLD.assessment_id"),
]

STRENGTH_TRIGGERS = {
    "postgresql": [
        f"CREATE TRIGGER strengths_{table}_{name} AFTER {event} ON {table} "
        f"REFERENCING {REFERENCING[event]} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION netapp_strengths_{table}_{name}()"
        for table, name, event, _ in _PG_TRIGGERS
    ],
    "sqlite": [
        f"CREATE TRIGGER strengths_{table}_{name} AFTER {event} ON {table} FOR EACH ROW "
        f"BEGIN {_sqlite_refresh(ids)} END"
        for table, name, event, ids in _SQLITE
    ] + [
        users_removed_trigger("strengths_users_removed", "member_strengths"),
    ],
}
STRENGTH_TRIGGER_NAMES = [(f"strengths_{table}_{name}", table) for table, name, *_ in _SQLITE] + [
    ("strengths_users_removed", "users")]


create_with_tables(STRENGTH_FUNCTIONS, STRENGTH_TRIGGERS)
