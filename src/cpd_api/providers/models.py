"""Lead providers and their API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin


class LeadProvider(IdMixin, TimestampsMixin, Base):
    """The organisation behind a token. `ecf`/`npq` say which programmes it delivers."""

    __tablename__ = "lead_providers"

    name: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    ecf: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    npq: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="lead_provider")


class ApiToken(IdMixin, Base):
    """A bearer token. Only the SHA-256 digest of the plain token is ever stored."""

    __tablename__ = "api_tokens"

    lead_provider_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("lead_providers.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False, default="lead_provider")
    hashed_token: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(String(255))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    lead_provider: Mapped[LeadProvider | None] = relationship(back_populates="tokens")

    __table_args__ = (Index("ix_api_tokens_lead_provider_id", "lead_provider_id"),)
