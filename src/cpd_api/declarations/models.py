"""Declarations (the events that trigger payment) and their statement line items."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin

DECLARATION_STATES = (
    "submitted",
    "eligible",
    "payable",
    "paid",
    "voided",
    "ineligible",
    "awaiting_clawback",
    "clawed_back",
)
LINE_ITEM_STATES = (
    "eligible",
    "payable",
    "paid",
    "voided",
    "ineligible",
    "awaiting_clawback",
    "clawed_back",
)


class Declaration(IdMixin, TimestampsMixin, Base):
    """`billable_slot` is set while the declaration counts towards payment and cleared when
    it stops counting; a unique index on it lets the database, not a check-then-insert,
    guarantee one counting declaration per participant, course and declaration type."""

    __tablename__ = "declarations"

    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id"), nullable=False
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participants.id"), nullable=False
    )
    participant_profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participant_profiles.id"), nullable=False
    )
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    course_identifier: Mapped[str] = mapped_column(String(64), nullable=False)
    declaration_type: Mapped[str] = mapped_column(String(32), nullable=False)
    declaration_date: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    evidence_held: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24), nullable=False)
    delivery_partner_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("delivery_partners.id")
    )
    mentor_participant_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("participants.id")
    )
    pupil_premium_uplift: Mapped[bool | None] = mapped_column()
    sparsity_uplift: Mapped[bool | None] = mapped_column()
    ineligibility_reason: Mapped[str | None] = mapped_column(String(64))
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(UUID, ForeignKey("declarations.id"))
    billable_slot: Mapped[str | None] = mapped_column(String(200), unique=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_declarations_provider_created", "lead_provider_id", "created_at", "id"),
        Index("ix_declarations_provider_updated", "lead_provider_id", "updated_at"),
        Index("ix_declarations_participant", "participant_id", "course_identifier"),
        Index("ix_declarations_profile", "participant_profile_id", "declaration_type"),
    )


class StatementLineItem(IdMixin, TimestampsMixin, Base):
    """Links a declaration to a statement. A declaration has at most one billable line
    (eligible, payable, paid) and at most one refundable line (awaiting/clawed back)."""

    __tablename__ = "statement_line_items"

    statement_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("statements.id", ondelete="CASCADE"), nullable=False
    )
    declaration_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("declarations.id", ondelete="CASCADE"), nullable=False
    )
    state: Mapped[str] = mapped_column(String(24), nullable=False)

    __table_args__ = (
        Index("ix_statement_line_items_statement", "statement_id", "state"),
        Index("ix_statement_line_items_declaration", "declaration_id"),
    )


class SharedProfile(Base):
    """Derived: training records that more than one lead provider has trained (an induction
    record in its partnership) or declared for.

    Another provider's declarations can only be visible to a provider (ecf.md 1.5 (b), (c))
    for such a record, and they are a few percent of all records: listing declarations
    looks those up instead of testing every record the provider trains. Written only by
    database triggers (`cpd_api.declarations.sharing`)."""

    __tablename__ = "shared_profiles"

    participant_profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participant_profiles.id", ondelete="CASCADE"), primary_key=True
    )
