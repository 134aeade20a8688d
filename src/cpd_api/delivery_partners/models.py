"""Delivery partners and the cohorts in which each works with a lead provider."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cpd_api.core import clock
from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin


class DeliveryPartner(IdMixin, TimestampsMixin, Base):
    __tablename__ = "delivery_partners"

    name: Mapped[str] = mapped_column(String(255), nullable=False)

    __table_args__ = (Index("ix_delivery_partners_created_at", "created_at", "id"),)


class ProviderRelationship(IdMixin, Base):
    """A lead provider may use a delivery partner in a cohort only when this row exists."""

    __tablename__ = "provider_relationships"

    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id", ondelete="CASCADE"), nullable=False
    )
    delivery_partner_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("delivery_partners.id", ondelete="CASCADE"), nullable=False
    )
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now_seconds
    )

    __table_args__ = (
        UniqueConstraint("lead_provider_id", "delivery_partner_id", "cohort_year"),
        Index("ix_provider_relationships_delivery_partner_id", "delivery_partner_id"),
    )
