"""NPQ participants: list and show in every version, filters, sort, the v2 enrolments CSV and
the fixed number of SQL statements per page (npq.md 3.2, 3.3, 3.9)."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import event

from cpd_api.participants.models import ParticipantProfileState
from tests import builders
from tests.contract.reference import (
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories_npq import arranged, npq_world

VERSIONS = ("v1", "v2", "v3")


@pytest.fixture
def world(db):
    return npq_world(db)


def _enrolment(db, provider_id, when="2025-02-10T12:00:00Z", **fields):
    fields.setdefault("funded_place", True)
    with arranged(db, when) as session:
        return builders.npq_enrolment(session, provider_id, **fields)


@pytest.mark.parametrize("version", VERSIONS)
def test_list_and_show_in_each_versions_shape(client, db, world, version):
    application, _ = _enrolment(db, world.p.id, course="npq-headship")
    _enrolment(db, world.q.id)

    response = client.get(f"/api/{version}/participants/npq", headers=world.h(world.p))
    assert response.status_code == 200
    body = response.json()
    assert_matches_contract(
        version, "GET", response.request.url.path, 200, body, strict_attributes=True
    )
    assert [item["id"] for item in body["data"]] == [str(application.participant_id)]
    assert body["data"][0]["type"] == "npq-participant"
    attributes = body["data"][0]["attributes"]
    assert list(attributes) == attribute_names(version, "NPQParticipantAttributes")

    response = client.get(
        f"/api/{version}/participants/npq/{application.participant_id}", headers=world.h(world.p)
    )
    assert response.status_code == 200
    assert_matches_contract(
        version, "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    assert response.json()["data"]["attributes"] == attributes


def test_sc15_v1_participant_is_flat(client, db, world):
    application, _ = _enrolment(db, world.p.id, course="npq-headship")
    response = client.get(
        f"/api/v1/participants/npq/{application.participant_id}", headers=world.h(world.p)
    )
    attributes = response.json()["data"]["attributes"]
    assert attributes == {
        "participant_id": str(application.participant_id),
        "email": application.email,
        "full_name": application.full_name,
        "npq_courses": ["npq-headship"],
        "funded_places": [
            {
                "npq_course": "npq-headship",
                "funded_place": True,
                "npq_application_id": str(application.id),
            }
        ],
        "teacher_reference_number": application.trn,
        "updated_at": "2025-02-10T12:00:00Z",
    }


def test_v2_and_v3_enrolments_show_only_the_callers_enrolments(client, db, world):
    with arranged(db) as session:
        person = builders.participant(session)
        mine, _ = builders.npq_enrolment(
            session,
            world.p.id,
            person=person,
            course="npq-senco",
            funded_place=True,
            targeted_delivery_funding_eligibility=True,
            eligible_for_funding=False,
        )
        builders.npq_enrolment(
            session, world.q.id, person=person, course="npq-headship", funded_place=True
        )
    v2 = client.get(f"/api/v2/participants/npq/{person.id}", headers=world.h(world.p)).json()
    assert v2["data"]["attributes"]["npq_enrolments"] == [
        {
            "course_identifier": "npq-senco",
            "schedule_identifier": "npq-leadership-autumn",
            "cohort": "2024",
            "npq_application_id": str(mine.id),
            "eligible_for_funding": False,
            "training_status": "active",
            "school_urn": "123456",
            "targeted_delivery_funding_eligibility": True,
            "funded_place": True,
        }
    ]
    v3 = client.get(f"/api/v3/participants/npq/{person.id}", headers=world.h(world.q)).json()
    assert [e["course_identifier"] for e in v3["data"]["attributes"]["npq_enrolments"]] == [
        "npq-headship"
    ]


def test_show_of_unknown_or_other_providers_participant_is_not_found(client, db, world):
    theirs, _ = _enrolment(db, world.q.id)
    with arranged(db) as session:
        pending = builders.npq_application(session, world.p.id)
    for missing in (theirs.participant_id, pending.participant_id, uuid.uuid4(), "nope"):
        response = client.get(f"/api/v3/participants/npq/{missing}", headers=world.h(world.p))
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_v3_withdrawal_deferral_and_participant_id_changes(client, db, world):
    with arranged(db) as session:
        withdrawn_app, withdrawn = builders.npq_enrolment(
            session, world.p.id, training_status="withdrawn", funded_place=True
        )
        session.add(
            ParticipantProfileState(
                participant_profile_id=withdrawn.id,
                lead_provider_id=world.p.id,
                state="withdrawn",
                reason="other",
                created_at=builders.at("2025-01-02T03:04:05Z"),
            )
        )
        person = session.get(
            type(withdrawn).participant.property.mapper.class_, withdrawn.participant_id
        )
        change = builders.retire_participant_id(session, person)
    response = client.get(
        f"/api/v3/participants/npq/{withdrawn_app.participant_id}", headers=world.h(world.p)
    )
    assert_matches_contract(
        "v3", "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    attributes = response.json()["data"]["attributes"]
    assert attributes["npq_enrolments"][0]["withdrawal"] == {
        "reason": "other",
        "date": "2025-01-02T03:04:05Z",
    }
    assert attributes["npq_enrolments"][0]["deferral"] is None
    assert attributes["participant_id_changes"] == [
        {
            "from_participant_id": str(change.from_participant_id),
            "to_participant_id": str(person.id),
            "changed_at": "2025-02-10T12:00:00Z",
        }
    ]
    response = client.get(
        f"/api/v3/participants/npq?filter[from_participant_id]={change.from_participant_id}",
        headers=world.h(world.p),
    )
    assert [item["id"] for item in response.json()["data"]] == [str(person.id)]
    response = client.get(
        f"/api/v3/participants/npq?filter[from_participant_id]={uuid.uuid4()}",
        headers=world.h(world.p),
    )
    assert response.json()["data"] == []


def test_v3_training_status_filter(client, db, world):
    active, _ = _enrolment(db, world.p.id)
    deferred, _ = _enrolment(db, world.p.id, training_status="deferred")

    def ids(status):
        response = client.get(
            f"/api/v3/participants/npq?filter[training_status]={status}", headers=world.h(world.p)
        )
        assert response.status_code == 200
        return [item["id"] for item in response.json()["data"]]

    assert ids("active") == [str(active.participant_id)]
    assert ids("deferred") == [str(deferred.participant_id)]
    assert ids("withdrawn") == []
    response = client.get(
        "/api/v3/participants/npq?filter[training_status]=paused", headers=world.h(world.p)
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "The filter '#/training_status' must be "
                '["active", "deferred", "withdrawn"]',
            }
        ]
    }


def test_updated_since_sort_and_paging(client, db, world):
    first, _ = _enrolment(db, world.p.id, when="2025-01-01T00:00:00Z")
    second, _ = _enrolment(db, world.p.id, when="2025-01-02T00:00:00Z")
    third, _ = _enrolment(db, world.p.id, when="2025-01-03T00:00:00Z")

    def ids(version, query):
        response = client.get(f"/api/{version}/participants/npq?{query}", headers=world.h(world.p))
        assert response.status_code == 200
        return [item["id"] for item in response.json()["data"]]

    people = [str(a.participant_id) for a in (first, second, third)]
    assert ids("v1", "") == people
    assert ids("v1", "filter[updated_since]=2025-01-02T00:00:00Z") == people[2:]
    assert ids("v3", "filter[updated_since]=2025-01-02T00:00:00Z") == people[1:]
    assert ids("v3", "sort=-created_at") == people[::-1]
    assert ids("v2", "sort=-created_at") == people
    assert ids("v2", "page[per_page]=2&page[page]=2") == people[2:]
    assert ids("v3", "page[per_page]=2&page[page]=3") == []


def test_list_costs_a_fixed_number_of_statements_whatever_the_page_size(client, db, world):
    def count_statements(path):
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            response = client.get(path, headers=world.h(world.p))
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        assert response.status_code == 200
        return len(statements), len(response.json()["data"])

    _enrolment(db, world.p.id)
    # The first request of a token records its use; warm it up so only the list is counted.
    client.get("/api/v3/participants/npq", headers=world.h(world.p))
    paths = (
        "/api/v3/participants/npq",
        "/api/v1/npq-applications",
        "/api/v3/npq-applications",
        "/api/v2/participants/npq",
        "/api/v3/participants/npq/outcomes",
    )
    small = {path: count_statements(path) for path in paths}
    for _ in range(12):
        _enrolment(db, world.p.id)
    large = {path: count_statements(path) for path in paths}
    for path in paths:
        assert large[path][0] == small[path][0], path
        assert small[path][0] <= 8
    assert large["/api/v3/participants/npq"][1] == 13


def test_v2_enrolments_csv(client, db, world):
    old, _ = _enrolment(
        db, world.p.id, when="2025-01-01T00:00:00Z", course="npq-headship", school_urn=None
    )
    new, _ = _enrolment(db, world.p.id, when="2025-01-05T00:00:00Z", funded_place=False)
    response = client.get("/api/v2/npq-enrolments.csv", headers=world.h(world.p))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "participant_id",
        "course_identifier",
        "schedule_identifier",
        "cohort",
        "npq_application_id",
        "eligible_for_funding",
        "funded_place",
        "training_status",
        "school_urn",
    ]
    assert rows[1] == [
        str(old.participant_id),
        "npq-headship",
        "npq-leadership-autumn",
        "2024",
        str(old.id),
        "true",
        "true",
        "active",
        "",
    ]
    assert [r[4] for r in rows[1:]] == [str(old.id), str(new.id)]
    response = client.get(
        "/api/v2/npq-enrolments.csv?filter[updated_since]=2025-01-01T00:00:00Z",
        headers=world.h(world.p),
    )
    assert [r[4] for r in list(csv.reader(io.StringIO(response.text)))[1:]] == [str(new.id)]
    response = client.get("/api/v2/npq-enrolments.csv", headers=world.h(world.q))
    assert len(response.text.splitlines()) == 1
    assert client.get("/api/v2/npq-enrolments", headers=world.h(world.p)).status_code == 406
    assert client.get("/api/v3/npq-enrolments.csv", headers=world.h(world.p)).status_code == 404
