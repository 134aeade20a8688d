"""The documentation site, the sandbox landing page, the site root and legacy redirects."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cpd_api.app import create_app
from cpd_api.core.config import load_settings
from cpd_api.schedules import reference_data as ref

PAGES = (
    "/api-reference",
    "/api-reference/get-started.html",
    "/api-reference/ecf/guidance.html",
    "/api-reference/ecf/definitions-and-states.html",
    "/api-reference/ecf/schedules-and-milestone-dates.html",
    "/api-reference/npq/guidance.html",
    "/api-reference/npq/definitions-and-states.html",
    "/api-reference/npq/schedules-and-milestone-dates.html",
    "/api-reference/release-notes.html",
    "/api-reference/help.html",
    "/api-reference/reference-v1.html",
    "/api-reference/reference-v2.html",
    "/api-reference/reference-v3.html",
)


@pytest.fixture
def production_client(database_url, db):
    settings = load_settings(
        database_url=database_url, environment="production", log_requests=False
    )
    with TestClient(create_app(settings, database=db)) as client:
        yield client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_html_with_the_shared_navigation(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert html.startswith("<!DOCTYPE html>")
    assert "<h1" in html
    for link in ("get-started.html", "ecf/guidance.html", "npq/guidance.html", "help.html"):
        assert f'href="{link}"' in html


def test_internal_links_all_resolve(client):
    broken = []
    for path in PAGES:
        html = client.get(path).text
        for href in re.findall(r'href="([^"#]+)"', html):
            if href.startswith(("http", "mailto:")):
                continue
            target = href if href.startswith("/") else f"/api-reference/{href}"
            status = client.get(target, follow_redirects=True).status_code
            if status != 200:
                broken.append(f"{path} -> {href} ({status})")
    assert not broken


def test_ecf_schedules_page_shows_the_milestone_dates_the_rules_use(client):
    html = client.get("/api-reference/ecf/schedules-and-milestone-dates.html").text
    spec = ref.schedule_spec("ecf-standard-september", 2024)
    retained_2 = spec.milestone("retained-2")
    assert retained_2.start_date.strftime("%-d %B %Y") in html
    assert retained_2.milestone_date.strftime("%-d %B %Y") in html
    for identifier in ref.ECF_SCHEDULE_IDENTIFIERS:
        assert identifier in html


def test_npq_schedules_page_shows_every_schedule_start_date(client):
    html = client.get("/api-reference/npq/schedules-and-milestone-dates.html").text
    for spec in ref.NPQ_SCHEDULES:
        assert spec.identifier in html
        assert spec.milestones[0].start_date.strftime("%-d %B %Y") in html


def test_npq_definitions_list_every_course(client):
    html = client.get("/api-reference/npq/definitions-and-states.html").text
    for course in ref.NPQ_COURSES:
        assert course.identifier in html


def test_reference_pages_load_swagger_ui_locally_and_point_at_the_yaml(client):
    for version in ("v1", "v2", "v3"):
        html = client.get(f"/api-reference/reference-{version}.html").text
        assert f"/lead-providers/api-docs/{version}/api_spec.yml" in html
        assert 'src="swagger-ui/swagger-ui-bundle.js"' in html
        assert "https://" not in html.split("<main")[1].split("</main>")[0].replace(
            "https://sb.", ""
        )
    script = client.get("/api-reference/swagger-ui/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert client.get("/api-reference/swagger-ui/swagger-ui.css").status_code == 200
    assert client.get("/api-reference/swagger-ui/index.html").status_code == 404
    assert client.get("/api-reference/reference-v4.html").status_code == 404


def test_unknown_pages_are_404(client):
    assert client.get("/api-reference/nothing.html").status_code == 404
    assert client.get("/api-reference/..%2F..%2Fapp.py").status_code == 404


def test_legacy_guidance_urls_redirect(client):
    expected = {
        "/lead-providers/guidance/home": "/api-reference",
        "/lead-providers/guidance/ecf-usage": "/api-reference/ecf-usage",
        "/lead-providers/guidance/reference": "/api-reference/reference",
        "/lead-providers/guidance/release-notes": "/api-reference/release-notes",
        "/lead-providers/guidance/help": "/api-reference/help",
    }
    for source, target in expected.items():
        response = client.get(source, follow_redirects=False)
        assert response.status_code == 301
        assert response.headers["location"] == target
        assert client.get(source).status_code == 200


def test_sandbox_root_redirects_to_the_landing_page(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/sandbox"
    landing = client.get("/sandbox")
    assert landing.status_code == 200
    assert 'href="/api-reference"' in landing.text
    assert "X-With-Server-Date" in landing.text
    assert "SANDBOX" in landing.text


def test_production_has_a_start_page_and_no_sandbox(production_client):
    root = production_client.get("/", follow_redirects=False)
    assert root.status_code == 200
    assert 'href="/api-reference"' in root.text
    assert production_client.get("/sandbox").status_code == 404
    docs = production_client.get("/api-reference/get-started.html")
    assert docs.status_code == 200
    assert "PRODUCTION" in docs.text


def test_docs_are_not_behind_the_api_gate(client):
    response = client.get("/api-reference")
    assert response.status_code == 200
    assert "RateLimit-Limit" not in response.headers
