"""The container files do what CI already does: the Dockerfile installs exactly as `.ci/run`
does, docker-compose runs the Dockerfile's start command with known variables, and that
command (migrations, then two workers) really serves the API against this test run's database
and Redis. No Docker engine is needed: the command itself is run here."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from cpd_api.core.config import Settings
from tests.factories import provider_with_token

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ".venv/bin/python -m pip install -q -e '.[test]'"


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _dockerfile_command() -> list[str]:
    line = next(line for line in _dockerfile().splitlines() if line.startswith("CMD "))
    return yaml.safe_load(line.removeprefix("CMD "))


def test_the_image_installs_exactly_as_ci_does():
    ci = (ROOT / ".ci" / "run").read_text()
    dockerfile = _dockerfile()
    assert "python3 -m venv --clear .venv" in ci
    assert "python3 -m venv --clear .venv" in dockerfile
    assert INSTALL in ci
    assert INSTALL in dockerfile
    assert "FROM python:3.11" in dockerfile


def test_compose_runs_postgres_redis_and_the_image_command():
    services = _compose()["services"]
    assert {"db", "redis", "api"} <= set(services)
    api = services["api"]
    assert api["build"] == "."
    assert api["command"] == _dockerfile_command()
    assert "--workers 2" in api["command"][-1]
    assert "cpd-api db upgrade" in api["command"][-1]
    known = {field.validation_alias for field in Settings.model_fields.values()}
    assert set(api["environment"]) <= known
    assert api["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert api["environment"]["REDIS_URL"].startswith("redis://")
    assert services["db"]["image"].startswith("postgres:")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_the_start_command_migrates_and_serves_with_two_workers(database_url, db):
    provider = provider_with_token(db)
    port = _free_port()
    script = _dockerfile_command()[-1].replace("--port 8000", f"--port {port}")
    script = script.replace("--host 0.0.0.0", "--host 127.0.0.1")
    bin_dir = str(Path(sys.executable).parent)
    environment = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": database_url,
        "CPD_API_ENVIRONMENT": "sandbox",
        "CPD_API_LOG_REQUESTS": "false",
    }
    process = subprocess.Popen(
        ["sh", "-c", script],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthcheck", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                pytest.fail(f"start command exited: {process.stderr.read()[-500:]!r}")
            time.sleep(0.3)
        else:
            pytest.fail(f"nothing answered on {base} running {shlex.quote(script)}")
        health = httpx.get(f"{base}/healthcheck", timeout=5).json()
        assert "database" in str(health).lower()
        listed = httpx.get(f"{base}/api/v3/participants/ecf", headers=provider.headers, timeout=5)
        assert listed.status_code == 200
        assert httpx.get(f"{base}/api/v3/participants/ecf", timeout=5).status_code == 401
        assert httpx.get(f"{base}/api-reference", timeout=5).status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
