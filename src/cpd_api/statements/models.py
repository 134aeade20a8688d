"""Monthly financial statements per provider, cohort and programme."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cpd_api.core.database import UUID, Base
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin

STATEMENT_STATES = ("open", "payable", "paid")


class Statement(IdMixin, TimestampsMixin, Base):
    __tablename__ = "statements"

    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id", ondelete="CASCADE"), nullable=False
    )
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    programme: Mapped[str] = mapped_column(String(8), nullable=False)  # "ecf" or "npq"
    name: Mapped[str] = mapped_column(String(32), nullable=False)
    month: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    deadline_date: Mapped[date] = mapped_column(Date, nullable=False)
    payment_date: Mapped[date] = mapped_column(Date, nullable=False)
    output_fee: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    contract_version: Mapped[str] = mapped_column(String(16), nullable=False, default="0.0.1")

    @property
    def paid(self) -> bool:
        return self.state == "paid"

    __table_args__ = (
        UniqueConstraint("lead_provider_id", "cohort_year", "programme", "year", "month"),
        Index(
            "ix_statements_next_open",
            "lead_provider_id",
            "cohort_year",
            "programme",
            "state",
            "deadline_date",
        ),
        Index("ix_statements_provider_payment_date", "lead_provider_id", "payment_date"),
    )
