"""`filter[...]` parsing with the exact 400 errors providers' clients already handle."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from urllib.parse import unquote

from .errors import BadParameter, BadRequest
from .query import QueryParams

TRAINING_STATUSES = ("active", "deferred", "withdrawn")
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$"
)


def parse_timestamp(value: str) -> datetime | None:
    """A strict ISO 8601 date-time in any offset, as an aware UTC datetime, or None."""
    text = value.strip()
    # An unencoded `+` in an offset arrives as a space: restore it rather than reject.
    text = re.sub(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$", r"\1+\2", text)
    if not _DATE_TIME.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class Filters:
    """The `filter` group of one request."""

    __slots__ = ("_values",)

    def __init__(self, params: QueryParams) -> None:
        raw = params.nested("filter")
        if isinstance(raw, str):
            raise BadParameter("Filter must be a hash")
        self._values = raw

    def raw(self, name: str) -> str | None:
        value = self._values.get(name)
        return value if value is None else value.strip()

    def present(self, name: str) -> bool:
        return bool(self.raw(name))

    def require(self, name: str) -> str:
        value = self.raw(name)
        if not value:
            raise BadParameter(f"The filter '#/{name}' must be included in your request")
        return value

    def cohorts(self) -> list[int] | None:
        """Cohort start years asked for; None means every cohort after 2020."""
        value = self.raw("cohort")
        if not value:
            return None
        years: list[int] = []
        for part in value.split(","):
            part = part.strip()
            # Unknown or malformed years match nothing rather than failing the request.
            years.append(int(part) if part.isdigit() and len(part) <= 6 else -1)
        return years

    def timestamp(self, name: str) -> datetime | None:
        value = self.raw(name)
        if not value:
            return None
        parsed = parse_timestamp(value) or parse_timestamp(unquote(value))
        if parsed is None:
            raise BadRequest(f"The filter '#/{name}' must be a valid RCF3339 date")
        return parsed

    def updated_since(self) -> datetime | None:
        return self.timestamp("updated_since")

    def ids(self, name: str, *, multiple: bool = True) -> list[uuid.UUID] | None:
        """Ids asked for; malformed ids simply match nothing (an impossible id stands in)."""
        value = self.raw(name)
        if not value:
            return None
        parts = [p.strip() for p in value.split(",")] if multiple else [value]
        result = []
        for part in parts:
            try:
                result.append(uuid.UUID(part))
            except ValueError:
                result.append(uuid.UUID(int=0))
        return result

    def training_status(self) -> str | None:
        value = self.raw("training_status")
        if not value:
            return None
        if value not in TRAINING_STATUSES:
            raise BadRequest(
                'The filter \'#/training_status\' must be ["active", "deferred", "withdrawn"]'
            )
        return value

    def text(self, name: str) -> str | None:
        return self.raw(name) or None
