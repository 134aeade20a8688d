"""Identifiers taken from URL paths."""

from __future__ import annotations

import uuid

from .errors import NotFound


def path_id(value: str) -> uuid.UUID:
    """The UUID a path names. Anything that is not a UUID names no resource, so it is the
    same 404 as an unknown or another provider's id (never a 400 that would tell them apart)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound() from None
