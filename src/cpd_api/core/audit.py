"""Append-only audit trail of state changes, so an operator can answer "who did this, when".

Every service that changes state records one row per entity changed, naming the actor (a
provider through the API, an operator through the CLI or operator API, or the system)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import clock
from .database import UUID, Base, UTCDateTime, new_id


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str  # "provider", "operator" or "system"
    id: str | None = None
    name: str | None = None

    @classmethod
    def provider(cls, provider_id: uuid.UUID, name: str) -> Actor:
        return cls("provider", str(provider_id), name)

    @classmethod
    def operator(cls, name: str = "operator") -> Actor:
        return cls("operator", None, name)


SYSTEM = Actor("system", None, "cpd-api")


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=new_id)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_name: Mapped[str | None] = mapped_column(String(255))
    entity_type: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id", "occurred_at"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record_change(
    session: Session,
    actor: Actor,
    entity_type: str,
    entity_id: object,
    action: str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        entity_type=entity_type,
        entity_id=str(entity_id),
        action=action,
        changes=_plain(changes) if changes else None,
    )
    session.add(event)
    return event
