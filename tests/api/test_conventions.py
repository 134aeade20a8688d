"""JSON:API conventions shared by every endpoint: paging, filters, bodies, the clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from cpd_api.app import create_app
from cpd_api.core.config import load_settings
from tests.api import probe
from tests.factories import provider_with_token

PAGING_ERROR = {
    "errors": [
        {
            "title": "Bad request",
            "detail": "The '#/page[page]' and '#/page[per_page]' parameter values must be a "
            "valid number (equal and more than 1)",
        }
    ]
}
BAD_JSON = {
    "errors": [
        {
            "title": "Bad request",
            "detail": "correct json data structure required. See API docs for reference",
        }
    ]
}


@pytest.fixture
def provider(db):
    return provider_with_token(db)


@pytest.fixture
def probed(app, client):
    probe.mount(app)
    return client


def test_paging_defaults_and_cap(probed, provider):
    body = probed.get("/api/v3/probe/list", headers=provider.headers).json()
    assert (body["page"], body["per_page"]) == (1, 100)
    body = probed.get(
        "/api/v3/probe/list?page[page]=3&page[per_page]=5000", headers=provider.headers
    ).json()
    assert (body["page"], body["per_page"]) == (3, 3000)


@pytest.mark.parametrize(
    "query",
    [
        "page[page]=0",
        "page[per_page]=0",
        "page[page]=-1",
        "page[page]=abc",
        "page[per_page]=x",
        "page=2",
    ],
)
def test_bad_paging_is_400_with_the_exact_body(probed, provider, query):
    response = probed.get(f"/api/v3/probe/list?{query}", headers=provider.headers)
    assert response.status_code == 400
    assert response.json() == PAGING_ERROR


def test_filter_must_be_a_hash(probed, provider):
    response = probed.get("/api/v3/probe/list?filter=abc", headers=provider.headers)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"title": "Bad parameter", "detail": "Filter must be a hash"}]
    }


def test_required_filter_missing(probed, provider):
    response = probed.get("/api/v3/probe/schools", headers=provider.headers)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad parameter",
                "detail": "The filter '#/cohort' must be included in your request",
            }
        ]
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-11-13T11:21:55Z", "2020-11-13T11:21:55Z"),
        ("2020-11-13T11:21:55%2B01:00", "2020-11-13T10:21:55Z"),
        ("2020-11-13T11:21:55.123Z", "2020-11-13T11:21:55Z"),
        ("1980-01-01T00%253A00%253A00%252B01%253A00", "1979-12-31T23:00:00Z"),
        ("2020-11-13T11:21:55+01:00", "2020-11-13T10:21:55Z"),
    ],
)
def test_updated_since_parsing_including_double_encoding(probed, provider, raw, expected):
    response = probed.get(
        f"/api/v3/probe/list?filter[updated_since]={raw}", headers=provider.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["updated_since"] == expected


@pytest.mark.parametrize("raw", ["yesterday", "2020-13-45T00:00:00Z", "2020-11-13", "12345"])
def test_bad_updated_since_is_400(probed, provider, raw):
    response = probed.get(
        f"/api/v3/probe/list?filter[updated_since]={raw}", headers=provider.headers
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "The filter '#/updated_since' must be a valid RCF3339 date",
            }
        ]
    }


def test_bad_training_status_is_400(probed, provider):
    response = probed.get(
        "/api/v3/probe/list?filter[training_status]=paused", headers=provider.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        'The filter \'#/training_status\' must be ["active", "deferred", "withdrawn"]'
    )


def test_cohort_filter_is_a_comma_list(probed, provider):
    body = probed.get(
        "/api/v3/probe/list?filter[cohort]=2022,2023", headers=provider.headers
    ).json()
    assert body["cohorts"] == [2022, 2023]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2", "application/vnd.api+json"),
        (b"{}", "application/json"),
        (b'{"data": "x"}', "application/json"),
        (b'{"data": {"attributes": []}}', "application/json"),
        (b"data=1", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
    ],
)
def test_malformed_bodies_get_the_correct_json_400(probed, provider, content, content_type):
    response = probed.post(
        "/api/v3/probe/body",
        content=content,
        headers={**provider.headers, "Content-Type": content_type},
    )
    assert response.status_code == 400
    assert response.json() == BAD_JSON


def test_well_formed_body_is_read(probed, provider):
    response = probed.post(
        "/api/v3/probe/body",
        json={"data": {"type": "x", "attributes": {"a": 1}}},
        headers=provider.headers,
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"attributes": {"a": 1}}}


def test_oversize_body_is_413_json(probed, provider):
    big = b'{"data": {"attributes": {"x": "' + b"a" * (1024 * 1024 + 10) + b'"}}}'
    response = probed.post(
        "/api/v3/probe/body",
        content=big,
        headers={**provider.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["title"] == "Payload too large"


def test_sandbox_honours_x_with_server_date(probed, provider):
    response = probed.get(
        "/api/v3/probe/now",
        headers={**provider.headers, "X-With-Server-Date": "2025-01-10T10:42:00Z"},
    )
    assert response.json()["now"].startswith("2025-01-10T10:4")
    plain = probed.get("/api/v3/probe/now", headers=provider.headers).json()["now"]
    assert plain.startswith(str(datetime.now(UTC).year))


def test_sandbox_rejects_unparseable_server_date(probed, provider):
    response = probed.get(
        "/api/v3/probe/now", headers={**provider.headers, "X-With-Server-Date": "2025-13-45"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        "The header 'X-With-Server-Date' must be a valid RFC 3339 date-time"
    )


def test_production_ignores_x_with_server_date(database_url, db):
    settings = load_settings(
        database_url=database_url, environment="production", log_requests=False
    )
    app = create_app(settings, database=db, limiters=(None, None))
    probe.mount(app)
    provider = provider_with_token(db)
    with TestClient(app) as client:
        for value in ("2025-01-10T10:42:00Z", "garbage"):
            response = client.get(
                "/api/v3/probe/now", headers={**provider.headers, "X-With-Server-Date": value}
            )
            assert response.status_code == 200
            assert response.json()["now"].startswith(str(datetime.now(UTC).year))


def test_api_responses_carry_security_headers(probed, provider):
    response = probed.get("/api/v3/probe/list", headers=provider.headers)
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
