"""Stored responses for `Idempotency-Key` replay: a client that retries a POST after a
timeout gets the first answer back instead of a duplicate error or a second record."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Index, Integer, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import clock
from .database import UUID, Base, UTCDateTime, new_id

RETENTION = timedelta(hours=24)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(String(64), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    method: Mapped[str] = mapped_column(String(8), nullable=False)
    path: Mapped[str] = mapped_column(String(512), nullable=False)
    request_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int] = mapped_column(Integer, nullable=False)
    response_body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("owner", "key"),
        Index("ix_idempotency_records_created_at", "created_at"),
    )


def request_digest(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def find(session: Session, owner: str, key: str) -> IdempotencyRecord | None:
    cutoff = clock.now() - RETENTION
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
        )
    )
    if record is not None and record.created_at < cutoff:
        return None
    return record


def remember(
    session: Session,
    *,
    owner: str,
    key: str,
    method: str,
    path: str,
    digest: str,
    status_code: int,
    body: bytes,
) -> None:
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
        )
    )
    session.add(
        IdempotencyRecord(
            owner=owner,
            key=key,
            method=method,
            path=path,
            request_digest=digest,
            status_code=status_code,
            response_body=body,
            created_at=clock.now(),
        )
    )


def purge_expired(session: Session) -> int:
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < clock.now() - RETENTION)
    )
    return result.rowcount or 0
