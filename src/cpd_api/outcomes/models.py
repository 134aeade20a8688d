"""NPQ participant outcomes: an append-only history per enrolment."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cpd_api.core import clock
from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin

OUTCOME_STATES = ("passed", "failed", "voided")


class ParticipantOutcome(IdMixin, TimestampsMixin, Base):
    """Ordered by `created_at`: "the latest outcome" decides a declaration's `has_passed`, so
    rows keep microseconds (the API shows whole seconds) and two outcomes recorded within one
    second still come out in the order they were made."""

    __tablename__ = "participant_outcomes"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now, onupdate=clock.now
    )

    participant_profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participant_profiles.id", ondelete="CASCADE"), nullable=False
    )
    declaration_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("declarations.id"), nullable=False
    )
    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id"), nullable=False
    )
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    completion_date: Mapped[date] = mapped_column(Date, nullable=False)

    __table_args__ = (
        Index("ix_participant_outcomes_profile", "participant_profile_id", "created_at"),
        Index("ix_participant_outcomes_provider_created", "lead_provider_id", "created_at"),
    )
