"""Networks members belong to, and the support topics for needs and offers."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.base import utcnow
from netapp.models.places import LocalAuthority


class NetworkKind(enum.Enum):
    LOCAL = "local"
    AFFINITY = "affinity"
    NATIONAL = "national"


class Network(db.Model):
    """A network. Local networks are one per council; affinity networks need consent to join."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NetworkKind] = mapped_column(
        sa.Enum(NetworkKind, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        index=True,
    )
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    local_authority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("local_authorities.id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    local_authority: Mapped[LocalAuthority | None] = relationship()

    @property
    def is_affinity(self) -> bool:
        return self.kind is NetworkKind.AFFINITY


class NetworkMembership(db.Model):
    """A member in a network. For affinity networks, the consent they gave and when."""

    __tablename__ = "network_memberships"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_text_version: Mapped[str | None] = mapped_column(sa.String(32))
    consent_given_at: Mapped[datetime | None]
    # Whether other members of the network may see this member on its list. Off until the
    # member turns it on; it matters for affinity networks, where being listed says who is in it.
    is_listed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    network: Mapped[Network] = relationship()


class Topic(db.Model):
    """Something a member wants help with or can offer. Coordinators may add more."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_support_area: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(sa.SmallInteger, default=100)


member_needs = sa.Table(
    "member_needs",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

member_offers = sa.Table(
    "member_offers",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)
