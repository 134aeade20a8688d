"""The one clock every rule, default and timestamp reads.

A request may shift it (sandbox `X-With-Server-Date`): the shift lives in a context variable,
so it applies to exactly that request, keeps ticking from the given instant, and never leaks
into another request or thread."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

_offset: contextvars.ContextVar[timedelta] = contextvars.ContextVar(
    "clock_offset", default=timedelta(0)
)
_source: Callable[[], float] = time.time


def now() -> datetime:
    """Current instant in UTC, shifted when the request travelled in time."""
    return datetime.fromtimestamp(_source(), UTC) + _offset.get()


def today() -> date:
    return now().date()


def now_seconds() -> datetime:
    """`now()` truncated to whole seconds: the precision the API shows and stores."""
    return now().replace(microsecond=0)


@contextmanager
def travel_to(instant: datetime) -> Iterator[None]:
    """Run the enclosed block as if "now" were `instant` (and ticking from there)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    token = _offset.set(instant - datetime.fromtimestamp(_source(), UTC))
    try:
        yield
    finally:
        _offset.reset(token)


def set_offset(offset: timedelta) -> contextvars.Token[timedelta]:
    return _offset.set(offset)


def reset_offset(token: contextvars.Token[timedelta]) -> None:
    _offset.reset(token)


def offset_to(instant: datetime) -> timedelta:
    return instant - datetime.fromtimestamp(_source(), UTC)


@contextmanager
def use_source(source: Callable[[], float]) -> Iterator[None]:
    """Replace the underlying time source (tests): every reader of this clock follows it."""
    global _source
    previous = _source
    _source = source
    try:
        yield
    finally:
        _source = previous
