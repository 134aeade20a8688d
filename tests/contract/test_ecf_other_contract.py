"""Every v3 operation of schools, partnerships, delivery partners, unfunded mentors,
transfers and statements answers with a body that validates against the reference
document's schema for that operation, with exactly the documented attributes, on data that
fills every optional branch (challenged partnership, transfer with and without joiner,
unfunded mentor, paid statement)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from cpd_api.core.audit import Actor
from cpd_api.participants.models import InductionRecord
from cpd_api.partnerships.service import challenge_partnership
from tests import builders as b
from tests.contract.reference import assert_matches_contract, reference_operations
from tests.factories_ecf_other import DP2_ID, E1_ID, fixture_f

OPERATIONS = {
    ("GET", "/api/v3/schools/ecf"),
    ("GET", "/api/v3/schools/ecf/{id}"),
    ("GET", "/api/v3/partnerships/ecf"),
    ("POST", "/api/v3/partnerships/ecf"),
    ("GET", "/api/v3/partnerships/ecf/{id}"),
    ("PUT", "/api/v3/partnerships/ecf/{id}"),
    ("GET", "/api/v3/delivery-partners"),
    ("GET", "/api/v3/delivery-partners/{id}"),
    ("GET", "/api/v3/unfunded-mentors/ecf"),
    ("GET", "/api/v3/unfunded-mentors/ecf/{id}"),
    ("GET", "/api/v3/participants/ecf/transfers"),
    ("GET", "/api/v3/participants/ecf/{id}/transfers"),
    ("GET", "/api/v3/statements"),
    ("GET", "/api/v3/statements/{id}"),
}


def _world(db):
    f = fixture_f(db)
    with db.session() as session:
        leaving = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == f.e1.id)
        )
        leaving.induction_status = "leaving"
        leaving.end_date = b.at("2025-04-01T00:00:00Z")
        session.add(
            InductionRecord(
                participant_profile_id=f.e1.id,
                school_id=f.s2.id,
                cohort_year=2024,
                partnership_id=f.pb2.id,
                schedule_id=leaving.schedule_id,
                start_date=b.at("2025-04-02T00:00:00Z"),
                school_transfer=True,
                created_at=leaving.created_at + timedelta(seconds=1),
            )
        )
        m1_only_leaving = b.ect(
            session, f.pa1, induction_status="leaving", end_date=b.at("2025-05-01T00:00:00Z")
        )
        outsider = b.mentor(session, f.pb2)
        b.ect(session, f.pa1, mentor=outsider)
        challenged_school = b.school(session)
        challenged = b.partnership(session, f.lp_a.id, school_=challenged_school, partner=f.dp1)
        new_school = b.school(session)
        b.school_cohort(session, new_school, 2024)
        b.statement(session, f.lp_a.id, cohort=2023, deadline=date(2024, 1, 31), state="paid")
        ids = challenged.id, outsider.participant_id, new_school.id, m1_only_leaving.id
    with db.session() as session:
        challenge_partnership(session, ids[0], "mistake", Actor.operator("school"))
    return f, ids


def test_every_operation_is_in_the_reference_document():
    assert reference_operations("v3") >= OPERATIONS


def test_every_operation_matches_the_contract(db, client):
    f, (challenged_id, outsider_id, new_school_id, _) = _world(db)
    headers = {**f.lp_a.headers, "X-With-Server-Date": "2025-03-15T10:00:00Z"}
    covered: set[tuple[str, str]] = set()

    def check(method, path, template, response):
        assert response.status_code == 200, (path, response.text)
        body = response.json()
        assert_matches_contract("v3", method, path, 200, body, strict_attributes=True)
        data = body["data"]
        assert data if isinstance(data, list) else data["attributes"], path
        covered.add((method, template))
        return data

    def get(path, template):
        return check("GET", path, template, client.get(path, headers=headers))

    get("/api/v3/schools/ecf?filter[cohort]=2024", "/api/v3/schools/ecf")
    get(f"/api/v3/schools/ecf/{f.s1.id}?filter[cohort]=2024", "/api/v3/schools/ecf/{id}")
    listed = get("/api/v3/partnerships/ecf", "/api/v3/partnerships/ecf")
    assert {p["attributes"]["status"] for p in listed} == {"active", "challenged"}
    get(f"/api/v3/partnerships/ecf/{challenged_id}", "/api/v3/partnerships/ecf/{id}")
    body = {
        "data": {
            "type": "ecf-partnership",
            "attributes": {
                "cohort": "2024",
                "school_id": str(new_school_id),
                "delivery_partner_id": str(DP2_ID),
            },
        }
    }
    path = "/api/v3/partnerships/ecf"
    check("POST", path, path, client.post(path, json=body, headers=headers))
    update = {
        "data": {
            "type": "ecf-partnership-update",
            "attributes": {"delivery_partner_id": str(DP2_ID)},
        }
    }
    path = f"/api/v3/partnerships/ecf/{f.pa1.id}"
    check(
        "PUT", path, "/api/v3/partnerships/ecf/{id}", client.put(path, json=update, headers=headers)
    )
    get("/api/v3/delivery-partners", "/api/v3/delivery-partners")
    get(f"/api/v3/delivery-partners/{DP2_ID}", "/api/v3/delivery-partners/{id}")
    get("/api/v3/unfunded-mentors/ecf", "/api/v3/unfunded-mentors/ecf")
    get(f"/api/v3/unfunded-mentors/ecf/{outsider_id}", "/api/v3/unfunded-mentors/ecf/{id}")
    transfers = get("/api/v3/participants/ecf/transfers", "/api/v3/participants/ecf/transfers")
    assert {t["attributes"]["transfers"][0]["transfer_type"] for t in transfers} == {
        "new_provider",
        "unknown",
    }
    get(f"/api/v3/participants/ecf/{E1_ID}/transfers", "/api/v3/participants/ecf/{id}/transfers")
    statements = get("/api/v3/statements", "/api/v3/statements")
    assert any(s["attributes"]["paid"] for s in statements)
    get(f"/api/v3/statements/{f.statements_a['ST-OCT24'].id}", "/api/v3/statements/{id}")
    assert covered == OPERATIONS
