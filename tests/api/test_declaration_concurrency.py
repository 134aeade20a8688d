"""No double payment, ever (spec decision 6): identical billable declarations sent one after
the other or at the same instant from many clients yield exactly one that counts, and every
other request gets the public service's duplicate 422 (never a 400 or 500). Plus
Idempotency-Key replay."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx
import pytest
from sqlalchemy import func, select

from cpd_api.declarations.models import Declaration
from tests.factories_declarations import E1_ID, body, errors, fixture_f, post

BASE = "A declaration has already been submitted that will be, or has been, paid for this event"
NOW = "2024-10-15T09:00:00Z"
STARTED = body(E1_ID, "started", "2024-10-01T10:00:00Z")


def _counting(db) -> int:
    with db.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(Declaration)
            .where(Declaration.state.in_(("submitted", "eligible", "payable", "paid")))
        )


def test_sequential_duplicate_gets_422_and_one_declaration_counts(client, db):
    f = fixture_f(db)
    first = post(client, f.lp_a, STARTED, NOW)
    assert first.status_code == 200
    second = post(client, f.lp_a, STARTED, NOW)
    assert second.status_code == 422
    assert errors(second) == [{"title": "base", "detail": BASE}]
    assert _counting(db) == 1


def test_idempotency_key_replays_the_first_answer(client, db):
    f = fixture_f(db)
    headers = {**f.lp_a.headers, "X-With-Server-Date": NOW, "Idempotency-Key": "retry-1"}
    first = client.post("/api/v3/participant-declarations", json=STARTED, headers=headers)
    replay = client.post("/api/v3/participant-declarations", json=STARTED, headers=headers)
    assert first.status_code == replay.status_code == 200
    assert replay.content == first.content
    assert _counting(db) == 1
    different = client.post(
        "/api/v3/participant-declarations",
        json=body(E1_ID, "started", "2024-10-02T10:00:00Z"),
        headers=headers,
    )
    assert different.status_code == 422
    assert errors(different)[0]["title"] == "Idempotency-Key"
    fresh_key = client.post(
        "/api/v3/participant-declarations",
        json=STARTED,
        headers={**headers, "Idempotency-Key": "retry-2"},
    )
    assert errors(fresh_key) == [{"title": "base", "detail": BASE}]


def test_idempotency_key_expires_after_24_hours(client, db):
    f = fixture_f(db)
    headers = {**f.lp_a.headers, "Idempotency-Key": "retry-1"}
    first = client.post(
        "/api/v3/participant-declarations",
        json=STARTED,
        headers={**headers, "X-With-Server-Date": NOW},
    )
    assert first.status_code == 200
    later = client.post(
        "/api/v3/participant-declarations",
        json=STARTED,
        headers={**headers, "X-With-Server-Date": "2024-10-16T09:00:01Z"},
    )
    assert errors(later) == [{"title": "base", "detail": BASE}]


def test_idempotency_key_is_per_provider(client, db):
    f = fixture_f(db)
    headers = {"X-With-Server-Date": NOW, "Idempotency-Key": "same"}
    assert (
        client.post(
            "/api/v3/participant-declarations", json=STARTED, headers={**f.lp_a.headers, **headers}
        ).status_code
        == 200
    )
    other = client.post(
        "/api/v3/participant-declarations", json=STARTED, headers={**f.lp_b.headers, **headers}
    )
    assert other.status_code == 422
    assert errors(other)[0]["title"] == "base"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def running_server(database_url, is_postgres):
    if not is_postgres:
        pytest.skip(
            "SQLite has one writer at a time, so nothing can race; the concurrency guarantee "
            "is exercised against PostgreSQL (set DATABASE_URL)"
        )
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CPD_API_ENVIRONMENT": "sandbox",
        "CPD_API_LOG_REQUESTS": "false",
    }
    environment.pop("CPD_API_RATE_LIMIT", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "cpd_api.app:create_app_from_environment",
            "--factory",
            "--port",
            str(port),
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/check", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=15)


def _fire(url: str, headers: dict, payload: dict, count: int) -> list[httpx.Response]:
    barrier = Barrier(count)

    def one(_: int) -> httpx.Response:
        with httpx.Client(timeout=30) as http:
            barrier.wait()
            return http.post(
                f"{url}/api/v3/participant-declarations", json=payload, headers=headers
            )

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.slow
def test_50_concurrent_identical_posts_yield_exactly_one_declaration(db, running_server):
    f = fixture_f(db)
    headers = {**f.lp_a.headers, "X-With-Server-Date": NOW}
    responses = _fire(running_server, headers, STARTED, 50)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [422] * 49, statuses
    for response in responses:
        if response.status_code == 422:
            assert response.json() == {"errors": [{"title": "base", "detail": BASE}]}
    assert _counting(db) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Declaration)) == 1


@pytest.mark.slow
def test_concurrent_retries_with_one_idempotency_key_all_get_the_same_answer(db, running_server):
    f = fixture_f(db)
    headers = {**f.lp_a.headers, "X-With-Server-Date": NOW, "Idempotency-Key": "burst"}
    responses = _fire(running_server, headers, STARTED, 20)
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert _counting(db) == 1
