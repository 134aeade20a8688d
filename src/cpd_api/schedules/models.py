"""Cohorts, schedules with their milestones, and NPQ courses: the reference calendar."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin


class Cohort(TimestampsMixin, Base):
    __tablename__ = "cohorts"

    start_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    registration_start_date: Mapped[date] = mapped_column(Date, nullable=False)
    academic_year_start_date: Mapped[date] = mapped_column(Date, nullable=False)
    payments_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentor_funding: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    detailed_evidence_types: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    npq_funding_cap: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Schedule(IdMixin, TimestampsMixin, Base):
    __tablename__ = "schedules"

    identifier: Mapped[str] = mapped_column(String(64), nullable=False)
    cohort_year: Mapped[int] = mapped_column(ForeignKey("cohorts.start_year"), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    identifier_alias: Mapped[str | None] = mapped_column(String(64))

    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="schedule", order_by="Milestone.start_date", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("identifier", "cohort_year"),)


class Milestone(IdMixin, Base):
    __tablename__ = "milestones"

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("schedules.id", ondelete="CASCADE"), nullable=False
    )
    declaration_type: Mapped[str] = mapped_column(String(32), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    milestone_date: Mapped[date | None] = mapped_column(Date)
    payment_date: Mapped[date | None] = mapped_column(Date)

    schedule: Mapped[Schedule] = relationship(back_populates="milestones")

    __table_args__ = (UniqueConstraint("schedule_id", "declaration_type"),)


class NpqCourse(IdMixin, Base):
    __tablename__ = "npq_courses"

    identifier: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    group: Mapped[str] = mapped_column(String(32), nullable=False)
    qualification_code: Mapped[str | None] = mapped_column(String(16))
    has_outcomes: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    uplift_possible: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
