"""The operator API: its own token only, absent when unconfigured, the same all-or-nothing
intake as `cpd-api import`, partnership challenges and statement totals — and what an
operator feeds in is what a provider then sees."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cpd_api.app import create_app
from cpd_api.core.config import load_settings
from cpd_api.schools.models import School
from tests import builders
from tests.contract.reference import assert_matches_contract
from tests.factories import provider_with_token

OPERATOR_TOKEN = "operator-token-for-tests-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


@pytest.fixture
def operator(database_url, db):
    settings = load_settings(
        database_url=database_url,
        environment="sandbox",
        log_requests=False,
        operator_token=OPERATOR_TOKEN,
    )
    with TestClient(create_app(settings, database=db), raise_server_exceptions=False) as client:
        yield client


def _schools(count: int = 1, start: int = 0) -> list[dict]:
    return [
        {"urn": f"{140001 + start + n}", "name": f"Harrogate Oak Academy {n}", "cohort": 2025}
        for n in range(count)
    ]


def test_without_a_configured_token_every_operator_path_is_absent(client):
    for method, path in (
        ("GET", "/operator"),
        ("GET", "/operator/statements"),
        ("POST", "/operator/schools"),
        ("GET", "/operator/anything"),
    ):
        response = client.request(method, path, headers=AUTH)
        assert response.status_code == 404
        assert response.json()["errors"][0]["title"] == "Resource not found"


def test_only_the_operator_token_opens_it(operator, db):
    provider = provider_with_token(db)
    for headers in ({}, {"Authorization": "Bearer wrong"}, provider.headers):
        response = operator.get("/operator/statements", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": "HTTP Token: Access denied"}
    assert operator.get("/operator/statements", headers=AUTH).status_code == 200
    assert operator.get(f"/operator/statements?token={OPERATOR_TOKEN}").status_code == 401


def test_the_operator_token_does_not_open_the_provider_api(operator):
    response = operator.get("/api/v3/participants/ecf", headers=AUTH)
    assert response.status_code == 401


def test_operator_paths_are_not_in_the_provider_specifications(operator):
    for version in ("v1", "v2", "v3"):
        text = operator.get(f"/lead-providers/api-docs/{version}/api_spec.yml").text
        assert "/operator" not in text


def test_index_lists_every_intake_kind(operator):
    body = operator.get("/operator", headers=AUTH).json()
    kinds = {item["id"] for item in body["data"]}
    assert {"schools", "delivery-partners", "partnerships", "ecf-participants"} <= kinds
    schools = next(item for item in body["data"] if item["id"] == "schools")
    assert "urn" in schools["attributes"]["fields"]


def test_json_intake_is_all_or_nothing_with_row_numbers(operator, db):
    rows = [*_schools(2), {"urn": "12", "name": "Bad URN School"}]
    response = operator.post("/operator/schools", json={"data": rows}, headers=AUTH)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["title"] for e in errors] == ["row 3"]
    assert "urn" in errors[0]["detail"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(School)) == 0

    response = operator.post("/operator/schools", json={"data": _schools(2)}, headers=AUTH)
    assert response.status_code == 200
    attributes = response.json()["data"]["attributes"]
    assert attributes["kind"] == "schools"
    assert attributes["rows"] == 2
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(School)) == 2


def test_csv_intake_reports_line_numbers(operator, db):
    text = "urn,name\n140101,Leeds Meadow Primary School\nabc,Broken\n"
    response = operator.post(
        "/operator/schools", content=text, headers={**AUTH, "Content-Type": "text/csv"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["title"] == "line 3"
    good = "urn,name\n140101,Leeds Meadow Primary School\n"
    response = operator.post(
        "/operator/schools", content=good, headers={**AUTH, "Content-Type": "text/csv"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["rows"] == 1


def test_bad_bodies_and_unknown_kinds(operator):
    response = operator.post(
        "/operator/schools",
        content=b"{not json",
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert operator.post("/operator/schools", json={"rows": []}, headers=AUTH).status_code == 400
    response = operator.post("/operator/schools", json={"data": []}, headers=AUTH)
    assert response.status_code == 422
    assert operator.post("/operator/teachers", json={"data": []}, headers=AUTH).status_code == 404


def test_round_trip_operator_intake_then_the_provider_sees_the_participant(operator, db):
    provider = provider_with_token(db, "Teach First")
    post = lambda kind, rows: operator.post(f"/operator/{kind}", json={"data": rows}, headers=AUTH)  # noqa: E731
    assert post("schools", _schools(1, start=50)).status_code == 200
    urn = _schools(1, start=50)[0]["urn"]
    response = post(
        "delivery-partners",
        [{"name": "Leeds Teaching School Hub", "lead_provider": "Teach First", "cohorts": [2025]}],
    )
    assert response.status_code == 200, response.text
    response = post(
        "partnerships",
        [
            {
                "school_urn": urn,
                "cohort": 2025,
                "lead_provider": "Teach First",
                "delivery_partner": "Leeds Teaching School Hub",
            }
        ],
    )
    assert response.status_code == 200, response.text
    response = post(
        "ecf-participants",
        [
            {
                "action": "register",
                "participant_type": "ect",
                "full_name": "Priya Shah",
                "email": "priya.shah@example.com",
                "trn": "1234567",
                "school_urn": urn,
                "cohort": 2025,
                "start_date": "2025-09-01T08:00:00Z",
                "eligibility_status": "eligible",
            }
        ],
    )
    assert response.status_code == 200, response.text

    seen = operator.get("/api/v3/participants/ecf", headers=provider.headers)
    assert seen.status_code == 200
    people = seen.json()["data"]
    assert [p["attributes"]["full_name"] for p in people] == ["Priya Shah"]
    enrolment = people[0]["attributes"]["ecf_enrolments"][0]
    assert enrolment["school_urn"] == urn
    assert enrolment["cohort"] == "2025"
    assert_matches_contract(
        "v3", "GET", "/api/v3/participants/ecf", 200, seen.json(), strict_attributes=True
    )


def test_challenging_a_partnership_hides_it_from_the_providers_participants(operator, db):
    provider = provider_with_token(db)
    with db.session() as session:
        partnership = builders.partnership(session, provider.id, cohort=2024)
        builders.ect(session, partnership)
        partnership_id = partnership.id
    listed = operator.get("/api/v3/participants/ecf", headers=provider.headers).json()["data"]
    assert len(listed) == 1
    path = f"/operator/partnerships/{partnership_id}/challenge"
    response = operator.post(
        path, json={"data": {"attributes": {"reason": "mistake"}}}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["challenged_reason"] == "mistake"
    assert operator.get("/api/v3/participants/ecf", headers=provider.headers).json()["data"] == []
    shown = operator.get(f"/api/v3/partnerships/ecf/{partnership_id}", headers=provider.headers)
    assert shown.json()["data"]["attributes"]["status"] == "challenged"
    again = operator.post(path, json={"data": {"attributes": {"reason": "mistake"}}}, headers=AUTH)
    assert again.status_code == 422
    missing = operator.post(
        "/operator/partnerships/00000000-0000-4000-8000-000000000000/challenge",
        json={"data": {"attributes": {"reason": "mistake"}}},
        headers=AUTH,
    )
    assert missing.status_code == 404


def test_statements_come_with_line_totals(operator, db):
    provider = provider_with_token(db)
    with db.session() as session:
        builders.statement(session, provider.id, cohort=2024, deadline=date(2025, 1, 31))
    body = operator.get("/operator/statements?cohort=2024", headers=AUTH).json()
    assert len(body["data"]) == 1
    statement = body["data"][0]
    attributes = statement["attributes"]
    assert attributes["lead_provider_name"] == provider.name
    assert attributes["cut_off_date"] == "2025-01-31"
    assert attributes["totals"] == {"lines": {}, "billable": 0, "refundable": 0, "net": 0}
    one = operator.get(f"/operator/statements/{statement['id']}", headers=AUTH)
    assert one.status_code == 200
    assert one.json()["data"]["id"] == statement["id"]
    assert operator.get("/operator/statements/not-an-id", headers=AUTH).status_code == 404
    assert operator.get("/operator/statements?cohort=soon", headers=AUTH).status_code == 400


def test_statement_totals_add_up_the_seeded_lines(operator, db):
    from cpd_api.core.audit import Actor
    from cpd_api.declarations.models import StatementLineItem
    from cpd_api.seed.generator import SeedOptions
    from cpd_api.seed.writer import seed_database

    with db.session() as session:
        data = seed_database(
            session,
            SeedOptions(providers=1, participants=40, seed=8),
            actor=Actor.operator("tests"),
            production=False,
            today=date.today(),
        )
    provider = data.providers[0]
    body = operator.get(f"/operator/statements?provider={provider.id}", headers=AUTH).json()
    statements = body["data"]
    assert {s["attributes"]["state"] for s in statements} == {"open", "payable", "paid"}
    lines = sum(sum(s["attributes"]["totals"]["lines"].values()) for s in statements)
    with db.session() as session:
        assert lines == session.scalar(select(func.count()).select_from(StatementLineItem))
    paid = [s for s in statements if s["attributes"]["paid"]]
    assert any(s["attributes"]["totals"]["billable"] for s in paid)
    npq = operator.get(
        f"/operator/statements?provider={provider.id}&programme=npq", headers=AUTH
    ).json()["data"]
    assert npq and all(s["attributes"]["programme"] == "npq" for s in npq)
