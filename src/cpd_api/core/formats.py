"""Wire formats of scalar values, in one place so every version renders them identically."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with whole seconds and a `Z` suffix: `2021-05-31T02:22:32Z`."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    # isoformat is about three times faster than strftime, and a 3000-record page formats
    # several timestamps per record.
    return value.isoformat(timespec="seconds")[:19] + "Z"


def timestamp_millis(value: datetime | None) -> str | None:
    """RFC 3339 with milliseconds (`2024-05-31T02:22:32.123Z`), used by partnership challenges."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def calendar_date(value: date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def midnight_offset(value: date | None) -> str | None:
    """A date shown as midnight with a numeric offset: `2021-05-31T00:00:00+00:00`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.isoformat()}T00:00:00+00:00"


def uuid_text(value: UUID | str | None) -> str | None:
    return None if value is None else str(value)


def cohort_text(start_year: int | None) -> str | None:
    return None if start_year is None else str(start_year)
