"""The rate limit as a provider meets it over HTTP, and shared across processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient

from cpd_api.app import create_app
from cpd_api.core.config import load_settings
from cpd_api.core.rate_limit import RollingRateLimiter
from tests.api import probe
from tests.factories import provider_with_token

REDIS_URL = os.environ.get("REDIS_URL")


def limited_app(database_url, db, limit="1000/5 minutes", anonymous="300/5 minutes"):
    settings = load_settings(
        database_url=database_url, environment="production", log_requests=False
    )
    namespace = uuid.uuid4().hex
    limiters = (
        RollingRateLimiter(limit, namespace=f"t{namespace}"),
        RollingRateLimiter(anonymous, namespace=f"a{namespace}"),
    )
    app = create_app(settings, database=db, limiters=limiters)
    probe.mount(app)
    return app


def test_exactly_1000_requests_then_429_with_body_and_headers(database_url, db):
    provider = provider_with_token(db)
    with TestClient(limited_app(database_url, db)) as client:
        for number in range(1, 1001):
            response = client.get("/api/v3/probe/list", headers=provider.headers)
            assert response.status_code == 200, number
        assert response.headers["RateLimit-Limit"] == "1000"
        assert response.headers["RateLimit-Remaining"] == "0"
        throttled = client.get("/api/v3/probe/list", headers=provider.headers)
    assert throttled.status_code == 429
    assert throttled.headers["content-type"] == "application/vnd.api+json"
    body = throttled.json()
    assert body["errors"][0]["title"] == "Too many requests"
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.headers["RateLimit-Remaining"] == "0"


def test_each_token_has_its_own_window(database_url, db):
    first = provider_with_token(db, "First")
    second = provider_with_token(db, "Second")
    with TestClient(limited_app(database_url, db, limit="3/5 minutes")) as client:
        for _ in range(3):
            assert client.get("/api/v3/probe/list", headers=first.headers).status_code == 200
        assert client.get("/api/v3/probe/list", headers=first.headers).status_code == 429
        assert client.get("/api/v3/probe/list", headers=second.headers).status_code == 200


def test_unauthenticated_requests_are_limited_per_address(database_url, db):
    with TestClient(limited_app(database_url, db, anonymous="5/5 minutes")) as client:
        statuses = [client.get("/api/v3/probe/list").status_code for _ in range(6)]
        assert statuses == [401] * 5 + [429]
        other = client.get("/api/v3/probe/list", headers={"X-Real-IP": "203.0.113.9"})
        assert other.status_code == 401


def test_sandbox_without_configured_limit_is_not_limited(app, client, db):
    probe.mount(app)
    provider = provider_with_token(db)
    response = client.get("/api/v3/probe/list", headers=provider.headers)
    assert "RateLimit-Limit" not in response.headers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/check", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"server on port {port} did not start")


@pytest.mark.slow
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no shared storage to test")
def test_two_processes_share_one_window_through_redis(database_url, db):
    provider = provider_with_token(db)
    redis_db = f"{REDIS_URL.rstrip('/')}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_db,
        "CPD_API_ENVIRONMENT": "production",
        "CPD_API_RATE_LIMIT": "20/5 minutes",
        "CPD_API_LOG_REQUESTS": "false",
    }
    import redis

    redis.Redis.from_url(redis_db).flushdb()
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "cpd_api.app:create_app_from_environment",
                "--factory",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 30
        for port in ports:
            _wait_for(port, deadline)
        statuses = []
        for number in range(22):
            port = ports[number % 2]
            response = httpx.get(
                f"http://127.0.0.1:{port}/api/v3/nothing-here",
                headers=provider.headers,
                timeout=5,
            )
            statuses.append(response.status_code)
        assert statuses[:20] == [404] * 20
        assert statuses[20:] == [429, 429]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
