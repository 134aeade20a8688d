"""The `cpd-api` commands an operator uses to run the service."""

from __future__ import annotations

import json
import os

import pytest
import yaml
from typer.testing import CliRunner

from cpd_api import cli
from cpd_api.core import config
from cpd_api.providers.rules import digest

runner = CliRunner()


@pytest.fixture
def run(db, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    config.get_settings.cache_clear()
    cli.database.cache_clear()

    def invoke(*args: str):
        return runner.invoke(cli.app, list(args))

    yield invoke
    config.get_settings.cache_clear()
    cli.database.cache_clear()


def test_every_command_has_help(run):
    for command in (
        [],
        ["db"],
        ["db", "upgrade"],
        ["providers", "create"],
        ["providers", "list"],
        ["tokens", "create"],
        ["tokens", "list"],
        ["tokens", "revoke"],
        ["serve"],
        ["export", "openapi"],
    ):
        result = run(*command, "--help")
        assert result.exit_code == 0, (command, result.output)
        assert "Usage" in result.output


def test_serve_with_several_workers_spreads_connections_across_them(run, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setenv("UV_TCP_SINGLE_ACCEPT", "unset below; restored to absent afterwards")
    monkeypatch.delenv("UV_TCP_SINGLE_ACCEPT")
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))

    single = run("serve", "--workers", "1")
    assert single.exit_code == 0, single.output
    assert "UV_TCP_SINGLE_ACCEPT" not in os.environ

    several = run("serve", "--workers", "3", "--port", "8123")
    assert several.exit_code == 0, several.output
    assert [call["workers"] for call in calls] == [1, 3]
    assert calls[1]["port"] == 8123
    assert os.environ["UV_TCP_SINGLE_ACCEPT"] == "1"


def test_provider_and_token_lifecycle(run):
    created = run("providers", "create", "Teach First", "--ecf", "--npq")
    assert created.exit_code == 0, created.output
    provider_id = created.output.strip().splitlines()[-1]

    listed = json.loads(run("providers", "list", "--json").stdout)
    assert listed[0]["id"] == provider_id
    assert listed[0]["ecf"] is True and listed[0]["npq"] is True
    assert listed[0]["tokens"] == 0

    issued = run("tokens", "create", "Teach First", "--description", "CRM")
    assert issued.exit_code == 0, issued.output
    plain = issued.stdout.strip().splitlines()[-1]
    assert len(plain) >= 32

    tokens = json.loads(run("tokens", "list", "--json").stdout)
    assert tokens[0]["description"] == "CRM"
    assert plain not in json.dumps(tokens)
    assert digest(plain) not in json.dumps(tokens)

    revoked = run("tokens", "revoke", tokens[0]["id"])
    assert revoked.exit_code == 0
    assert json.loads(run("tokens", "list", "--json").stdout) == []


def test_failures_are_one_line_and_non_zero(run):
    assert run("providers", "create", "Nobody").exit_code == 1
    run("providers", "create", "Twice", "--ecf")
    duplicate = run("providers", "create", "Twice", "--ecf")
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    missing = run("tokens", "create", "No Such Provider")
    assert missing.exit_code == 1
    assert "No provider" in missing.output
    assert "Traceback" not in missing.output
    assert run("tokens", "revoke", "not-a-uuid").exit_code == 1
    assert run("export", "openapi", "--version", "v9").exit_code == 1


def test_export_openapi_prints_the_published_yaml(run):
    result = run("export", "openapi", "--version", "v2")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["info"]["version"] == "2.0.0"


def test_db_upgrade_is_idempotent(run):
    first = run("db", "upgrade")
    assert first.exit_code == 0, first.output
    assert "cohorts" in first.output
    assert run("db", "upgrade").exit_code == 0
    status = json.loads(run("db", "status", "--json").stdout)
    assert status["current"] == status["head"]


def test_bad_configuration_is_one_clear_line(monkeypatch, capsys):
    monkeypatch.setenv("CPD_API_ENVIRONMENT", "staging")
    config.get_settings.cache_clear()
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    config.get_settings.cache_clear()
    assert exit_info.value.code == 1
    assert "CPD_API_ENVIRONMENT" in capsys.readouterr().err
