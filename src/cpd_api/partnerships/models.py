"""Partnerships: a school's agreement with a lead provider and delivery partner for a cohort."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin

CHALLENGE_REASONS = ("another_provider", "not_confirmed", "do_not_recognise", "no_ects", "mistake")


class Partnership(IdMixin, TimestampsMixin, Base):
    __tablename__ = "partnerships"

    school_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("schools.id", ondelete="CASCADE"), nullable=False
    )
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id", ondelete="CASCADE"), nullable=False
    )
    delivery_partner_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("delivery_partners.id"), nullable=False
    )
    challenged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    challenge_reason: Mapped[str | None] = mapped_column(String(32))
    challenge_deadline: Mapped[date | None] = mapped_column(Date)
    pending: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    relationship: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    @property
    def challenged(self) -> bool:
        return self.challenged_at is not None or self.challenge_reason is not None

    __table_args__ = (
        Index("ix_partnerships_provider_created", "lead_provider_id", "created_at", "id"),
        Index("ix_partnerships_provider_updated", "lead_provider_id", "updated_at"),
        Index("ix_partnerships_school_cohort", "school_id", "cohort_year"),
        Index(
            "uq_partnerships_school_cohort_provider",
            "school_id",
            "cohort_year",
            "lead_provider_id",
            unique=True,
            sqlite_where=text("relationship = 0"),
            postgresql_where=text("relationship = false"),
        ),
    )
