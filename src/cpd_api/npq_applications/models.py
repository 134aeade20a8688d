"""NPQ applications (from the registration service) and the provider contracts that gate
declarations and funded places."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin

APPLICATION_STATUSES = ("pending", "accepted", "rejected")


class NpqApplication(IdMixin, TimestampsMixin, Base):
    __tablename__ = "npq_applications"

    participant_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
    )
    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id"), nullable=False
    )
    course_identifier: Mapped[str] = mapped_column(String(64), nullable=False)
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    reason_for_rejection: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(255), nullable=False)
    email: Mapped[str] = mapped_column(String(255), nullable=False)
    trn: Mapped[str | None] = mapped_column(String(16))
    trn_validated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    school_urn: Mapped[str | None] = mapped_column(String(16))
    school_ukprn: Mapped[str | None] = mapped_column(String(16))
    private_childcare_provider_urn: Mapped[str | None] = mapped_column(String(16))
    headteacher_status: Mapped[str | None] = mapped_column(String(32))
    funding_choice: Mapped[str | None] = mapped_column(String(16))
    works_in_school: Mapped[bool | None] = mapped_column(Boolean)
    employer_name: Mapped[str | None] = mapped_column(String(255))
    employment_role: Mapped[str | None] = mapped_column(String(255))
    eligible_for_funding: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    funded_place: Mapped[bool | None] = mapped_column(Boolean)
    targeted_delivery_funding_eligibility: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False
    )
    teacher_catchment: Mapped[str | None] = mapped_column(String(64))
    teacher_catchment_country: Mapped[str | None] = mapped_column(String(128))
    teacher_catchment_iso_country_code: Mapped[str | None] = mapped_column(String(3))
    itt_provider: Mapped[str | None] = mapped_column(String(255))
    lead_mentor: Mapped[bool | None] = mapped_column(Boolean)
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(UUID, ForeignKey("schedules.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_npq_applications_provider_created", "lead_provider_id", "created_at", "id"),
        Index("ix_npq_applications_provider_updated", "lead_provider_id", "updated_at"),
        Index("ix_npq_applications_participant_course", "participant_id", "course_identifier"),
    )


class NpqContract(IdMixin, TimestampsMixin, Base):
    """What DfE agreed to fund for a provider, cohort and course; `funding_cap` > 0 means
    funded places are capped and providers must say which places are funded."""

    __tablename__ = "npq_contracts"

    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id", ondelete="CASCADE"), nullable=False
    )
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    course_identifier: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[str] = mapped_column(String(16), nullable=False, default="0.0.1")
    funding_cap: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    recruitment_target: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (
        UniqueConstraint("lead_provider_id", "cohort_year", "course_identifier", "version"),
    )
