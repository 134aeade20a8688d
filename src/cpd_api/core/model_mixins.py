"""Column sets repeated by many tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .database import UUID, UTCDateTime, new_id


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=new_id)


class TimestampsMixin:
    """`created_at`/`updated_at` read the request clock, so sandbox time travel stamps them."""

    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now_seconds
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now_seconds, onupdate=clock.now_seconds
    )
