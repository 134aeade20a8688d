"""The v3 `sort` parameter: `sort=-updated_at,created_at`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def parse_sort(value: str | None, columns: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """Known fields with their direction (True = descending); unknown fields are ignored."""
    if not value:
        return []
    order: list[tuple[str, bool]] = []
    for part in value.split(","):
        part = part.strip(" ")
        descending = part.startswith("-")
        name = part.lstrip("+- ")
        if name in columns and name not in {n for n, _ in order}:
            order.append((name, descending))
    return order


def order_by(order: Sequence[tuple[str, bool]], columns: Mapping[str, Any]) -> list[Any]:
    return [columns[name].desc() if desc else columns[name].asc() for name, desc in order]
