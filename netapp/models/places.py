"""Regions, local authorities and the care providers members work for."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.base import utcnow

if TYPE_CHECKING:
    from netapp.models.profiles import Profile


class ServiceType(enum.Enum):
    """Kinds of adult social care service (codes match the CSV formats)."""

    CARE_HOME = "care_home"
    NURSING_HOME = "nursing_home"
    HOME_CARE = "home_care"
    SUPPORTED_LIVING = "supported_living"
    EXTRA_CARE_HOUSING = "extra_care_housing"
    SHARED_LIVES = "shared_lives"
    DAY_SERVICE = "day_service"

    @property
    def label(self) -> str:
        return SERVICE_TYPE_LABELS[self]


SERVICE_TYPE_LABELS = {
    ServiceType.CARE_HOME: "Care home",
    ServiceType.NURSING_HOME: "Care home with nursing",
    ServiceType.HOME_CARE: "Home care",
    ServiceType.SUPPORTED_LIVING: "Supported living",
    ServiceType.EXTRA_CARE_HOUSING: "Extra care housing",
    ServiceType.SHARED_LIVES: "Shared Lives",
    ServiceType.DAY_SERVICE: "Day service",
}


class Region(db.Model):
    """One of the nine English regions."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)

    local_authorities: Mapped[list[LocalAuthority]] = relationship(
        back_populates="region", order_by="LocalAuthority.name"
    )

    def __repr__(self) -> str:
        return f"<Region {self.name}>"


class LocalAuthority(db.Model):
    """A council with adult social care duties; each sits in one region."""

    __tablename__ = "local_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="local_authorities")

    def __repr__(self) -> str:
        return f"<LocalAuthority {self.name}>"


class Organisation(db.Model):
    """A care provider that employs members."""

    __tablename__ = "organisations"
    # The admins' list: by name ignoring case, and copies of a name in a council (ignoring
    # case and spaces) counted from an index (migration 0018).
    __table_args__ = (
        sa.Index("ix_organisations_name_lower", sa.func.lower(sa.text("name"))),
        sa.Index("ix_organisations_council_name", "local_authority_id",
                 sa.func.lower(sa.func.ltrim(sa.func.rtrim(sa.text("name"))))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    service_type: Mapped[ServiceType] = mapped_column(
        sa.Enum(ServiceType, native_enum=False, length=32,
                values_callable=lambda e: [m.value for m in e])
    )
    local_authority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("local_authorities.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    local_authority: Mapped[LocalAuthority | None] = relationship()
    profiles: Mapped[list[Profile]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
