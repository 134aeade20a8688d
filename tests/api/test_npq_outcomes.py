"""NPQ outcomes: the provider's list, one participant's history and recording an outcome
(npq.md 5, scenarios SC-09 and SC-10)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from cpd_api.declarations.models import Declaration
from cpd_api.outcomes.models import ParticipantOutcome
from tests import builders
from tests.contract.reference import assert_error_document, assert_matches_contract
from tests.factories_npq import arranged, npq_declaration, npq_outcome, npq_world

VERSIONS = ("v1", "v2", "v3")
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. Check "
    "details and try again."
)
NO_COMPLETED = (
    "The participant has not had a 'completed' declaration submitted for them. Therefore you "
    "cannot update their outcome."
)


@pytest.fixture
def world(db):
    return npq_world(db)


def _completed(db, world, provider=None, course="npq-headship", **fields):
    provider = provider or world.p
    with arranged(db) as session:
        app, profile = builders.npq_enrolment(
            session, provider.id, course=course, funded_place=True, **fields
        )
        declaration = npq_declaration(
            session, profile, declaration_type="completed", declaration_date="2025-02-01T10:00:00Z"
        )
        outcome = npq_outcome(session, declaration, "passed")
    return app, declaration, outcome


def _post(client, world, person_id, attributes, version="v3", server_date="2025-02-10T12:00:00Z"):
    return client.post(
        f"/api/{version}/participants/npq/{person_id}/outcomes",
        json={"data": {"type": "npq-outcome-confirmation", "attributes": attributes}},
        headers=world.h(world.p, server_date),
    )


def _errors(response) -> list[dict]:
    assert response.status_code == 422, response.text
    assert_error_document(response.json())
    return response.json()["errors"]


@pytest.mark.parametrize("version", VERSIONS)
def test_list_and_participant_history_in_each_version(client, db, world, version):
    app, _declaration, outcome = _completed(db, world)
    _completed(db, world, provider=world.q)

    response = client.get(f"/api/{version}/participants/npq/outcomes", headers=world.h(world.p))
    assert response.status_code == 200
    body = response.json()
    assert_matches_contract(
        version, "GET", response.request.url.path, 200, body, strict_attributes=True
    )
    expected = {
        "participant_id": str(app.participant_id),
        "course_identifier": "npq-headship",
        "state": "passed",
        "completion_date": "2025-02-01T00:00:00+00:00",
        "created_at": "2025-02-10T12:00:00Z",
    }
    if version == "v3":
        expected["updated_at"] = "2025-02-10T12:00:00Z"
    assert body["data"] == [
        {"id": str(outcome.id), "type": "participant-outcome", "attributes": expected}
    ]

    response = client.get(
        f"/api/{version}/participants/npq/{app.participant_id}/outcomes", headers=world.h(world.p)
    )
    assert_matches_contract(
        version, "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    assert response.json() == body
    for unknown in (uuid.uuid4(), "nobody"):
        response = client.get(
            f"/api/{version}/participants/npq/{unknown}/outcomes", headers=world.h(world.p)
        )
        assert response.status_code == 200
        assert response.json() == {"data": []}


def test_created_since_filter_and_paging(client, db, world):
    _, declaration, first = _completed(db, world)
    with arranged(db, "2025-02-12T00:00:00Z") as session:
        second = npq_outcome(session, session.get(Declaration, declaration.id), "failed")

    def ids(query):
        response = client.get(
            f"/api/v1/participants/npq/outcomes?{query}", headers=world.h(world.p)
        )
        assert response.status_code == 200
        return [item["id"] for item in response.json()["data"]]

    assert ids("") == [str(first.id), str(second.id)]
    assert ids("filter[created_since]=2025-02-12T00:00:00Z") == [str(second.id)]
    assert ids("page[per_page]=1&page[page]=2") == [str(second.id)]
    response = client.get(
        "/api/v3/participants/npq/outcomes?filter[created_since]=bad", headers=world.h(world.p)
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "The filter '#/created_since' must be a valid RCF3339 date",
            }
        ]
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_record_an_outcome_then_replay_returns_it(client, db, world, version):
    app, declaration, _ = _completed(db, world)
    attributes = {
        "course_identifier": "npq-headship",
        "state": "failed",
        "completion_date": "2025-02-05",
    }
    # Minutes after the arranged outcome: the sandbox clock ticks on from each request's
    # header, so steps a second apart could swap order on a busy machine.
    response = _post(client, world, app.participant_id, attributes, version, "2025-02-10T12:05:00Z")
    assert response.status_code == 200, response.text
    assert_matches_contract(
        version, "POST", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    created = response.json()["data"]
    assert created["attributes"]["state"] == "failed"
    assert created["attributes"]["completion_date"] == "2025-02-05T00:00:00+00:00"

    replay = _post(client, world, app.participant_id, attributes, version, "2025-02-11T00:00:00Z")
    assert replay.status_code == 200
    assert replay.json()["data"]["id"] == created["id"]
    with arranged(db) as session:
        rows = session.scalars(
            select(ParticipantOutcome).where(ParticipantOutcome.declaration_id == declaration.id)
        ).all()
        assert sorted(r.state for r in rows) == ["failed", "passed"]
        assert session.get(Declaration, declaration.id).updated_at == builders.at(
            "2025-02-10T12:05:00Z"
        )


def test_completion_date_rules(client, db, world):
    app, _, _ = _completed(db, world)
    base = {"course_identifier": "npq-headship", "state": "passed"}
    missing = (
        "The '#/completion_date' is missing from your request. Please include a completion_date "
        "value and try again., The '#/completion_date' value must be in the following format: "
        "'yyyy-mm-dd'"
    )
    for value in (None, "", "soon", "2025-02-30"):
        response = _post(client, world, app.participant_id, {**base, "completion_date": value})
        assert _errors(response) == [{"title": "completion_date", "detail": missing}]
    response = _post(client, world, app.participant_id, {**base, "completion_date": "2025/02/05"})
    assert _errors(response) == [
        {
            "title": "completion_date",
            "detail": "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'",
        }
    ]
    response = _post(client, world, app.participant_id, {**base, "completion_date": "2025-02-11"})
    assert _errors(response) == [
        {
            "title": "Invalid action",
            "detail": "Validation failed: Completion date The attribute '#/completion_date' "
            "cannot contain a future date. Resubmit the outcome update with a valid date.",
        }
    ]


def test_course_and_state_rules(client, db, world):
    app, _, _ = _completed(db, world)
    person = app.participant_id
    response = _post(client, world, person, {"state": "passed", "completion_date": "2025-02-05"})
    assert _errors(response) == [
        {
            "title": "course_identifier",
            "detail": COURSE_NOT_RECOGNISED + ", Enter a '#/course_identifier' value for this "
            "participant.",
        }
    ]
    response = _post(client, world, person, {"state": "passed"})
    assert [e["title"] for e in _errors(response)] == ["completion_date", "course_identifier"]
    assert (
        _errors(response)[1]["detail"]
        == "Enter a '#/course_identifier' value for this participant."
    )
    response = _post(
        client,
        world,
        uuid.uuid4(),
        {"course_identifier": "npq-headship", "state": "passed", "completion_date": "2025-02-05"},
    )
    assert _errors(response) == [{"title": "course_identifier", "detail": COURSE_NOT_RECOGNISED}]
    response = _post(
        client,
        world,
        person,
        {"course_identifier": "npq-headship", "completion_date": "2025-02-05"},
    )
    assert _errors(response) == [
        {
            "title": "state",
            "detail": "The '#/state' is missing from your request. Please include a 'passed' or "
            "'failed' value and try again., The attribute '#/state' can only include 'passed' or "
            "'failed' values. If you need to void an outcome, you will need to void the "
            "associated 'completed' declaration.",
        }
    ]
    response = _post(
        client,
        world,
        person,
        {"course_identifier": "npq-headship", "state": "voided", "completion_date": "2025-02-05"},
    )
    assert [e["title"] for e in _errors(response)] == ["state"]
    # Another NPQ course of the person passes the course check but has no completed declaration.
    response = _post(
        client,
        world,
        person,
        {"course_identifier": "npq-senco", "state": "passed", "completion_date": "2025-02-05"},
    )
    assert _errors(response) == [{"title": "base", "detail": NO_COMPLETED}]


def test_sc10_ehco_has_no_outcomes(client, db, world):
    with arranged(db) as session:
        app, profile = builders.npq_enrolment(
            session,
            world.p.id,
            course="npq-early-headship-coaching-offer",
            schedule_identifier="npq-ehco-november",
            funded_place=True,
        )
        npq_declaration(
            session, profile, declaration_type="completed", declaration_date="2024-12-01T00:00:00Z"
        )
    response = _post(
        client,
        world,
        app.participant_id,
        {
            "course_identifier": "npq-early-headship-coaching-offer",
            "state": "passed",
            "completion_date": "2025-01-05",
        },
    )
    assert _errors(response) == [{"title": "course_identifier", "detail": COURSE_NOT_RECOGNISED}]


def test_no_outcome_without_a_standing_completed_declaration(client, db, world):
    app, declaration, _ = _completed(db, world)
    with arranged(db) as session:
        session.get(Declaration, declaration.id).state = "voided"
    response = _post(
        client,
        world,
        app.participant_id,
        {"course_identifier": "npq-headship", "state": "passed", "completion_date": "2025-02-05"},
    )
    assert _errors(response) == [{"title": "base", "detail": NO_COMPLETED}]
    theirs, _, _ = _completed(db, world, provider=world.q)
    response = _post(
        client,
        world,
        theirs.participant_id,
        {"course_identifier": "npq-headship", "state": "passed", "completion_date": "2025-02-05"},
    )
    assert _errors(response) == [{"title": "base", "detail": NO_COMPLETED}]
    response = client.post(
        f"/api/v3/participants/npq/{app.participant_id}/outcomes", json={}, headers=world.h(world.p)
    )
    assert response.status_code == 400


def test_sc09_completed_outcome_update_and_void(client, db, world):
    """Runs through the declarations endpoints: the outcome list follows every step. Steps are
    minutes apart because the sandbox clock ticks on from each request's header."""
    with arranged(db) as session:
        app, profile = builders.npq_enrolment(
            session,
            world.p.id,
            course="npq-headship",
            funded_place=True,
            schedule_identifier="npq-leadership-autumn",
        )
        npq_declaration(session, profile, declaration_date="2024-10-15T09:00:00Z")
    person = str(app.participant_id)
    completed = client.post(
        "/api/v3/participant-declarations",
        json={
            "data": {
                "type": "participant-declaration",
                "attributes": {
                    "participant_id": person,
                    "declaration_type": "completed",
                    "declaration_date": "2025-02-01T10:00:00Z",
                    "course_identifier": "npq-headship",
                    "has_passed": True,
                },
            }
        },
        headers=world.h(world.p, "2025-02-10T12:00:00Z"),
    )
    assert completed.status_code == 200, completed.text
    declaration_id = completed.json()["data"]["id"]
    outcomes = client.get(f"/api/v3/participants/npq/{person}/outcomes", headers=world.h(world.p))
    assert [
        (o["attributes"]["state"], o["attributes"]["completion_date"])
        for o in outcomes.json()["data"]
    ] == [("passed", "2025-02-01T00:00:00+00:00")]
    failed = _post(
        client,
        world,
        person,
        {"course_identifier": "npq-headship", "state": "failed", "completion_date": "2025-02-05"},
        server_date="2025-02-10T12:05:00Z",
    )
    assert failed.status_code == 200
    again = _post(
        client,
        world,
        person,
        {"course_identifier": "npq-headship", "state": "failed", "completion_date": "2025-02-05"},
        server_date="2025-02-10T12:10:00Z",
    )
    assert again.json()["data"]["id"] == failed.json()["data"]["id"]
    shown = client.get(
        f"/api/v3/participant-declarations/{declaration_id}", headers=world.h(world.p)
    )
    assert shown.json()["data"]["attributes"]["has_passed"] is False

    voided = client.put(
        f"/api/v3/participant-declarations/{declaration_id}/void",
        headers=world.h(world.p, "2025-02-10T12:15:00Z"),
    )
    assert voided.status_code == 200, voided.text
    outcomes = client.get(f"/api/v3/participants/npq/{person}/outcomes", headers=world.h(world.p))
    states = [o["attributes"]["state"] for o in outcomes.json()["data"]]
    assert states == ["passed", "failed", "voided"]
    assert (
        outcomes.json()["data"][-1]["attributes"]["completion_date"] == "2025-02-01T00:00:00+00:00"
    )
    response = _post(
        client,
        world,
        person,
        {"course_identifier": "npq-headship", "state": "passed", "completion_date": "2025-02-05"},
        server_date="2025-02-10T12:20:00Z",
    )
    assert _errors(response) == [{"title": "base", "detail": NO_COMPLETED}]
