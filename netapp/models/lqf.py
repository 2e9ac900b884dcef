"""Leadership frameworks as data, members' self-assessments and learning resources."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.base import utcnow


class Framework(db.Model):
    """A leadership framework, such as the LQF (2012)."""

    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    dimensions: Mapped[list[Dimension]] = relationship(
        back_populates="framework", order_by="Dimension.position"
    )
    levels: Mapped[list[LevelDescriptor]] = relationship(
        back_populates="framework", order_by="LevelDescriptor.score",
        primaryjoin="and_(Framework.id == LevelDescriptor.framework_id, "
                    "LevelDescriptor.element_id.is_(None))",
        viewonly=True,
    )


class Dimension(db.Model):
    __tablename__ = "framework_dimensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("frameworks.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(sa.SmallInteger)
    is_senior: Mapped[bool] = mapped_column(default=False)

    framework: Mapped[Framework] = relationship(back_populates="dimensions")
    elements: Mapped[list[Element]] = relationship(
        back_populates="dimension", order_by="Element.position"
    )

    __table_args__ = (
        sa.UniqueConstraint("framework_id", "code", name="uq_framework_dimensions_code"),
    )


class Element(db.Model):
    __tablename__ = "framework_elements"

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_dimensions.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(sa.SmallInteger)

    dimension: Mapped[Dimension] = relationship(back_populates="elements")
    resources: Mapped[list[Resource]] = relationship(
        back_populates="element", order_by="Resource.title"
    )


class LevelDescriptor(db.Model):
    """What a point on the scale means: for the whole framework, or for one element."""

    __tablename__ = "framework_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("frameworks.id"), index=True)
    element_id: Mapped[int | None] = mapped_column(sa.ForeignKey("framework_elements.id"))
    score: Mapped[int] = mapped_column(sa.SmallInteger)
    label: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.String(300))

    framework: Mapped[Framework] = relationship(back_populates="levels")


class SelfAssessment(db.Model):
    """One run through the framework. Unfinished while completed_at is empty.

    user_id becomes NULL when the member erases their account: the scores stay as
    anonymous statistics.
    """

    __tablename__ = "self_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("frameworks.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(index=True)

    scores: Mapped[list[AssessmentScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    # A member's latest finished self-assessment of a framework, read from the index alone
    # (backwards) for each row of the coordinators' members list.
    __table_args__ = (sa.Index("ix_self_assessments_latest", "user_id", "framework_id",
                               "completed_at", "id",
                               postgresql_where=sa.text("completed_at IS NOT NULL"),
                               sqlite_where=sa.text("completed_at IS NOT NULL")),)


class AssessmentScore(db.Model):
    __tablename__ = "assessment_scores"

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("self_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    element_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_elements.id"), primary_key=True
    )
    score: Mapped[int] = mapped_column(sa.SmallInteger)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="scores")
    element: Mapped[Element] = relationship()

    # An assessment's strengths (scores of 4, netapp/services/directory.py STRONG) read from
    # the index alone, not its every score; a statement must write "score >= 4" as it stands
    # (not as a parameter) for PostgreSQL to use it.
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 4", name="score_range"),
                      sa.Index("ix_assessment_scores_strong", "assessment_id", "element_id",
                               postgresql_where=sa.text("score >= 4"),
                               sqlite_where=sa.text("score >= 4")))


class Resource(db.Model):
    """A learning resource for one framework element (admins keep the list)."""

    __tablename__ = "learning_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_elements.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(500))
    summary: Mapped[str] = mapped_column(sa.String(500), default="")  # what you'll learn
    time_needed: Mapped[str] = mapped_column(sa.String(80), default="", server_default="")
    cost: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    # The levels of leadership it suits (profiles.LEVELS, 1 front-line .. 4 strategic).
    level_from: Mapped[int] = mapped_column(sa.SmallInteger, default=1, server_default="1")
    level_to: Mapped[int] = mapped_column(sa.SmallInteger, default=4, server_default="4")

    element: Mapped[Element] = relationship(back_populates="resources")


class ResourceDone(db.Model):
    """A member marked a learning resource done (undoing it deletes the row)."""

    __tablename__ = "resources_done"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    resource_id: Mapped[int] = mapped_column(
        sa.ForeignKey("learning_resources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    done_at: Mapped[datetime] = mapped_column(default=utcnow)

    resource: Mapped[Resource] = relationship()


class RecruitmentQuestion(db.Model):
    """A values-based interview question for one framework element (admins edit them)."""

    __tablename__ = "recruitment_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_elements.id"), index=True)
    question: Mapped[str] = mapped_column(sa.String(500))
    good_answer: Mapped[str] = mapped_column(sa.String(1000), default="")
    position: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    element: Mapped[Element] = relationship()
