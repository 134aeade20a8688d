"""v3 /participants/ecf/transfers and /participants/ecf/{id}/transfers: school moves seen by
the leaving and the joining provider (ecf.md 8.2 and scenario S13)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from cpd_api.core import clock
from cpd_api.participants.models import InductionRecord, Participant
from tests import builders as b
from tests.contract.reference import (
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories import provider_with_token
from tests.factories_ecf_other import E1_ID, fixture_f

PATH = "/api/v3/participants/ecf/transfers"


def _ok(response):
    assert response.status_code == 200, response.text
    assert_matches_contract(
        "v3", "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    return response.json()["data"]


def _at(now):
    return {"X-With-Server-Date": now}


def _s13(db):
    """E1 leaves S1 (LP-A) on 2025-04-01 and joins S2 (LP-B) on 2025-04-02."""
    f = fixture_f(db)
    with db.session() as session:
        leaving = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == f.e1.id)
        )
        leaving.induction_status = "leaving"
        leaving.end_date = b.at("2025-04-01T00:00:00Z")
        joining = InductionRecord(
            participant_profile_id=f.e1.id,
            school_id=f.s2.id,
            cohort_year=2024,
            partnership_id=f.pb2.id,
            schedule_id=leaving.schedule_id,
            email=leaving.email,
            start_date=b.at("2025-04-02T00:00:00Z"),
            school_transfer=True,
            created_at=leaving.created_at + timedelta(seconds=1),
        )
        session.add(joining)
    return f


def test_s13_both_providers_see_the_transfer(db, client):
    f = _s13(db)
    for provider in (f.lp_a, f.lp_b):
        data = _ok(client.get(PATH, headers={**provider.headers, **_at("2025-03-15T10:00:00Z")}))
        assert [d["id"] for d in data] == [str(E1_ID)]
        item = data[0]
        assert item["type"] == "participant-transfer"
        assert list(item["attributes"]) == attribute_names("v3", "ECFParticipantTransferAttributes")
        transfers = item["attributes"]["transfers"]
        assert len(transfers) == 1
        transfer = transfers[0]
        assert transfer["training_record_id"] == str(f.e1.id)
        assert transfer["transfer_type"] == "new_provider"
        assert transfer["status"] == "incomplete"
        assert transfer["leaving"] == {
            "school_urn": "100001",
            "provider": "Alpha Institute",
            "date": "2025-04-01",
        }
        assert transfer["joining"] == {
            "school_urn": "100002",
            "provider": "Beta Learning",
            "date": "2025-04-02",
        }
        assert transfer["created_at"].endswith("Z")
    later = _ok(client.get(PATH, headers={**f.lp_a.headers, **_at("2025-04-05T10:00:00Z")}))
    assert later[0]["attributes"]["transfers"][0]["status"] == "complete"
    shown = _ok(
        client.get(
            f"/api/v3/participants/ecf/{E1_ID}/transfers",
            headers={**f.lp_b.headers, **_at("2025-03-15T10:00:00Z")},
        )
    )
    assert shown["attributes"]["transfers"][0]["transfer_type"] == "new_provider"


def test_leaver_without_joiner_is_unknown_and_only_for_the_leaving_provider(db, client):
    f = fixture_f(db)
    with db.session() as session:
        record = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == f.e1.id)
        )
        record.induction_status = "leaving"
        record.end_date = b.at("2025-04-01T00:00:00Z")
    data = _ok(client.get(PATH, headers={**f.lp_a.headers, **_at("2025-03-15T10:00:00Z")}))
    transfer = data[0]["attributes"]["transfers"][0]
    assert transfer["transfer_type"] == "unknown"
    assert transfer["status"] == "incomplete"
    assert transfer["joining"] is None
    assert _ok(client.get(PATH, headers=f.lp_b.headers)) == []
    response = client.get(f"/api/v3/participants/ecf/{E1_ID}/transfers", headers=f.lp_b.headers)
    assert response.status_code == 404
    assert_not_found_document(response.json())


def test_move_between_schools_with_the_same_provider_is_new_school(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    old = b.partnership(session, lp.id)
    new = b.partnership(session, lp.id)
    profile = b.ect(session, old, induction_status="leaving", end_date=b.at("2024-12-31T00:00:00Z"))
    first = session.scalar(
        select(InductionRecord).where(InductionRecord.participant_profile_id == profile.id)
    )
    session.add(
        InductionRecord(
            participant_profile_id=profile.id,
            school_id=new.school_id,
            cohort_year=2024,
            partnership_id=new.id,
            schedule_id=first.schedule_id,
            start_date=b.at("2025-01-01T00:00:00Z"),
            school_transfer=True,
            created_at=first.created_at + timedelta(seconds=5),
            updated_at=first.updated_at + timedelta(days=1),
        )
    )
    session.commit()
    data = _ok(client.get(PATH, headers={**lp.headers, **_at("2025-02-01T00:00:00Z")}))
    transfer = data[0]["attributes"]["transfers"][0]
    assert transfer["transfer_type"] == "new_school"
    assert transfer["status"] == "complete"
    # updated_at is that of the latest record forming the transfer.
    assert data[0]["attributes"]["updated_at"] == (first.updated_at + timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_people_without_transfers_are_not_listed(db, client):
    f = fixture_f(db)
    assert _ok(client.get(PATH, headers=f.lp_a.headers)) == []
    for participant_id in (E1_ID, uuid.uuid4(), "nope"):
        response = client.get(
            f"/api/v3/participants/ecf/{participant_id}/transfers", headers=f.lp_a.headers
        )
        assert response.status_code == 404


def test_updated_since_orders_by_person_updated_at_and_paging(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    partnership = b.partnership(session, lp.id)
    base = clock.now_seconds() - timedelta(days=10)
    people = []
    for index in range(3):
        profile = b.ect(
            session, partnership, induction_status="leaving", end_date=b.at("2025-04-01T00:00:00Z")
        )
        person = session.get(Participant, profile.participant_id)
        person.created_at = base + timedelta(days=index)
        person.updated_at = base + timedelta(days=5 - index)
        people.append(str(person.id))
    session.commit()
    assert [d["id"] for d in _ok(client.get(PATH, headers=lp.headers))] == people
    since = (base + timedelta(days=3, hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = _ok(client.get(f"{PATH}?filter[updated_since]={since}", headers=lp.headers))
    assert [d["id"] for d in data] == [people[1], people[0]]
    since = base.strftime("%Y-%m-%dT%H:%M:%SZ")
    data = _ok(client.get(f"{PATH}?filter[updated_since]={since}", headers=lp.headers))
    assert [d["id"] for d in data] == people[::-1]
    data = _ok(client.get(f"{PATH}?page[page]=2&page[per_page]=2", headers=lp.headers))
    assert [d["id"] for d in data] == people[2:]
