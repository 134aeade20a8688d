"""The rolling window, driven by an injectable clock instead of sleeping."""

from __future__ import annotations

from types import SimpleNamespace

import limits.storage.memory as memory_storage
import pytest

from cpd_api.core import rate_limit
from cpd_api.core.rate_limit import RollingRateLimiter


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.value = start

    def time(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = FakeClock()
    fake_time = SimpleNamespace(time=clock.time)
    monkeypatch.setattr(memory_storage, "time", fake_time)
    monkeypatch.setattr(rate_limit, "time", fake_time)
    return clock


def test_allows_exactly_the_limit_then_refuses(fake_clock):
    limiter = RollingRateLimiter("1000/5 minutes")
    decisions = [limiter.hit("token:a") for _ in range(1000)]
    assert all(d.allowed for d in decisions)
    assert decisions[-1].remaining == 0
    refused = limiter.hit("token:a")
    assert not refused.allowed
    assert refused.headers()["Retry-After"] == "300"
    assert refused.headers()["RateLimit-Limit"] == "1000"
    assert refused.headers()["RateLimit-Remaining"] == "0"


def test_window_rolls_slots_free_as_requests_age(fake_clock):
    limiter = RollingRateLimiter("10/5 minutes")
    for _ in range(5):
        assert limiter.hit("k").allowed
    fake_clock.advance(200)
    for _ in range(5):
        assert limiter.hit("k").allowed
    assert not limiter.hit("k").allowed
    fake_clock.advance(99)
    refused = limiter.hit("k")
    assert not refused.allowed
    assert refused.reset_after == 1
    fake_clock.advance(2)  # the first five are now older than 300 s
    for _ in range(5):
        assert limiter.hit("k").allowed
    assert not limiter.hit("k").allowed


def test_keys_are_independent(fake_clock):
    limiter = RollingRateLimiter("2/5 minutes")
    assert limiter.hit("a").allowed and limiter.hit("a").allowed
    assert not limiter.hit("a").allowed
    assert limiter.hit("b").allowed


def test_remaining_counts_down(fake_clock):
    limiter = RollingRateLimiter("3/5 minutes")
    assert [limiter.hit("k").remaining for _ in range(3)] == [2, 1, 0]


def test_unreachable_storage_fails_open():
    limiter = RollingRateLimiter("1/5 minutes", "redis://127.0.0.1:1/0")
    assert limiter.hit("k").allowed
    assert limiter.ping() is False
