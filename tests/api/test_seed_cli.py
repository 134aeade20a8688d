"""`cpd-api seed` and `cpd-api demo` from the command line: what a person trying the service
first runs."""

from __future__ import annotations

import shlex

import pytest
from typer.testing import CliRunner

from cpd_api import cli
from cpd_api.core import config

runner = CliRunner()


@pytest.fixture
def run(db, database_url, monkeypatch):
    def invoke(*args: str, environment: str = "sandbox"):
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("CPD_API_ENVIRONMENT", environment)
        config.get_settings.cache_clear()
        cli.database.cache_clear()
        return runner.invoke(cli.app, list(args))

    yield invoke
    config.get_settings.cache_clear()
    cli.database.cache_clear()


def test_seed_prints_a_token_per_provider_and_refuses_a_second_run(run):
    result = run("seed", "--providers", "2", "--participants", "30", "--seed", "4")
    assert result.exit_code == 0, result.output
    assert "Seeded 2 providers" in result.output
    assert "ambition-token-sandbox-0000000001" in result.output
    assert "best-practice-token-sandbox-0000000002" in result.output

    again = run("seed", "--providers", "2", "--participants", "30")
    assert again.exit_code == 1
    assert "--force" in again.output

    forced = run("seed", "--providers", "1", "--participants", "30", "--force")
    assert forced.exit_code == 0, forced.output
    assert "Seeded 1 providers" in forced.output


def test_seed_and_demo_explain_themselves(run):
    for command in (["seed"], ["demo"]):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_seed_refuses_production(run):
    result = run("seed", environment="production")
    assert result.exit_code == 1
    assert "production" in result.output


def test_demo_seeds_an_empty_database_and_prints_a_working_curl_line(run, client):
    result = run("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    curl = next(line for line in result.output.splitlines() if line.startswith("curl "))
    assert "/api-reference" in result.output
    words = shlex.split(curl)
    header = words[words.index("-H") + 1]
    url = words[-1]
    assert header == "Authorization: Bearer ambition-token-sandbox-0000000001"
    response = client.get(
        url.removeprefix("http://127.0.0.1:8000"), headers={"Authorization": header[15:]}
    )
    assert response.status_code == 200
    assert response.json()["data"], "the demo's curl line returns participants"

    # A second run reuses the seeded sandbox and its token.
    again = run("demo", "--no-serve")
    assert again.exit_code == 0
    assert "ambition-token-sandbox-0000000001" in again.output
    assert "Seeded" not in again.output
