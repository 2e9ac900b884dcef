"""360-degree feedback: colleagues rate a member on the framework through a private link."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.base import utcnow

COMMENT_MAX = 1000  # characters in a colleague's optional comment


class FeedbackRound(db.Model):
    __tablename__ = "feedback_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("frameworks.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    raters: Mapped[list[FeedbackRater]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="FeedbackRater.id"
    )


class FeedbackRater(db.Model):
    """One invited colleague. Only a hash of their link's token is stored."""

    __tablename__ = "feedback_raters"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_rounds.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    # The confirmed account that answered: one answer per person per round, never the requester.
    rater_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # Shown to the requester word for word, only with the other counted colleagues' comments,
    # in alphabetical order and never beside a score (services/feedback.py, comments()).
    comment: Mapped[str | None] = mapped_column(sa.String(COMMENT_MAX))

    round: Mapped[FeedbackRound] = relationship(back_populates="raters")
    scores: Mapped[list[FeedbackScore]] = relationship(
        back_populates="rater", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("round_id", "rater_user_id"),)


class FeedbackScore(db.Model):
    __tablename__ = "feedback_scores"

    rater_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_raters.id", ondelete="CASCADE"), primary_key=True
    )
    element_id: Mapped[int] = mapped_column(
        sa.ForeignKey("framework_elements.id"), primary_key=True
    )
    # None: the colleague said they haven't seen this, so it counts nowhere in the results.
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)

    rater: Mapped[FeedbackRater] = relationship(back_populates="scores")

    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 4", name="score_range"),)
