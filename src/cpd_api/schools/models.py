"""Schools and their per-cohort induction programme choice."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpd_api.core.database import UUID, Base
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin

INDUCTION_PROGRAMME_CHOICES = (
    "full_induction_programme",
    "core_induction_programme",
    "design_our_own",
    "school_funded_fip",
    "no_early_career_teachers",
    "not_yet_known",
)


class School(IdMixin, TimestampsMixin, Base):
    """An establishment. `funding_eligible` and `cip_only` are decided at intake from the
    establishment data (type, status, in England, section 41) so reads need no rules."""

    __tablename__ = "schools"

    urn: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    ukprn: Mapped[str | None] = mapped_column(String(16))
    establishment_type_code: Mapped[str | None] = mapped_column(String(8))
    establishment_status_code: Mapped[str | None] = mapped_column(String(8))
    in_england: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    section_41_approved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    funding_eligible: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    cip_only: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    induction_tutor_name: Mapped[str | None] = mapped_column(String(255))
    induction_tutor_email: Mapped[str | None] = mapped_column(String(255))

    cohorts: Mapped[list[SchoolCohort]] = relationship(back_populates="school")

    __table_args__ = (Index("ix_schools_updated_at", "updated_at", "id"),)


class SchoolCohort(IdMixin, TimestampsMixin, Base):
    __tablename__ = "school_cohorts"

    school_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("schools.id", ondelete="CASCADE"), nullable=False
    )
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    induction_programme_choice: Mapped[str] = mapped_column(
        String(40), nullable=False, default="not_yet_known"
    )

    school: Mapped[School] = relationship(back_populates="cohorts")

    __table_args__ = (
        UniqueConstraint("school_id", "cohort_year"),
        Index("ix_school_cohorts_cohort_year_updated_at", "cohort_year", "updated_at"),
    )
