"""Health, metrics, request logs and the published OpenAPI documents."""

from __future__ import annotations

import json
import logging

import pytest
import yaml
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from cpd_api.app import create_app
from cpd_api.core.config import load_settings
from cpd_api.core.database import Database
from tests.factories import provider_with_token

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1"


def test_check_is_200(client):
    response = client.get("/check")
    assert response.status_code == 200
    assert response.content == b""


def test_healthcheck_reports_the_database(client):
    response = client.get("/healthcheck")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["connected"] is True
    assert body["database"]["populated"] is True
    assert body["database"]["migration_version"]
    assert body["environment"] == "sandbox"


def test_healthcheck_is_503_and_api_is_json_503_when_database_is_down():
    settings = load_settings(database_url=UNREACHABLE, log_requests=False)
    app = create_app(settings, database=Database(UNREACHABLE))
    with TestClient(app, raise_server_exceptions=False) as client:
        health = client.get("/healthcheck")
        assert health.status_code == 503
        assert health.json()["database"]["connected"] is False
        api = client.get(
            "/api/v3/participants/ecf", headers={"Authorization": "Bearer " + "x" * 43}
        )
        assert api.status_code == 503
        assert api.json()["errors"][0]["title"] == "Service unavailable"
        assert client.get("/check").status_code == 200


def test_metrics_count_requests_by_route_template(client, db):
    provider = provider_with_token(db)
    client.get("/api/v3/unknown", headers=provider.headers)
    client.get("/check")
    text = client.get("/metrics").text
    assert 'cpd_api_requests_total{method="GET",route="/check",status="200"}' in text
    client.get("/api/v1/participant-declarations", headers=provider.headers)
    client.get("/api/v3/participant-declarations", headers=provider.headers)
    text = client.get("/metrics").text
    for version in ("v1", "v3"):
        assert f'route="/api/{version}/participant-declarations",status="200"' in text, version
    assert "cpd_api_request_duration_seconds_bucket" in text


def test_one_json_log_line_per_request_without_the_token(database_url, db, caplog):
    settings = load_settings(database_url=database_url, log_requests=True)
    app = create_app(settings, database=db)
    provider = provider_with_token(db)
    with caplog.at_level(logging.INFO, logger="cpd_api.requests"), TestClient(app) as client:
        client.get("/api/v3/nothing", headers=provider.headers)
    records = [r for r in caplog.records if r.name == "cpd_api.requests"]
    assert len(records) == 1
    payload = records[0].payload
    assert payload["provider_id"] == str(provider.id)
    assert payload["status"] == 404
    assert payload["duration_ms"] >= 0
    assert provider.token not in json.dumps(payload)


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_published_yaml_is_valid_openapi_with_bearer_scheme(client, version):
    response = client.get(f"/lead-providers/api-docs/{version}/api_spec.yml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/yaml")
    document = yaml.safe_load(response.text)
    assert document["openapi"] == "3.0.1"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    validate(document)


def test_unknown_spec_version_is_404(client):
    assert client.get("/lead-providers/api-docs/v4/api_spec.yml").status_code == 404


def test_healthcheck_is_503_when_configured_redis_is_unreachable(database_url, db):
    settings = load_settings(
        database_url=database_url, redis_url="redis://127.0.0.1:1/0", log_requests=False
    )
    app = create_app(settings, database=db, limiters=(None, None))
    with TestClient(app) as client:
        response = client.get("/healthcheck")
    assert response.status_code == 503
    assert response.json()["redis"] == {"connected": False}
    assert response.json()["database"]["connected"] is True
