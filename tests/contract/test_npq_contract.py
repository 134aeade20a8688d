"""Every NPQ operation of every version, answered successfully and checked against the
reference document of its version (attributes exactly as documented, null never omitted)."""

from __future__ import annotations

import pytest

from cpd_api.participants.models import Participant
from tests import builders
from tests.contract.reference import assert_matches_contract, reference_operations
from tests.factories_npq import arranged, npq_declaration, npq_outcome, npq_world

VERSIONS = ("v1", "v2", "v3")


def _npq_operations(version: str) -> set[tuple[str, str]]:
    return {
        (method.lower(), path) for method, path in reference_operations(version) if "npq" in path
    }


@pytest.fixture
def world(db):
    return npq_world(db)


def _dataset(db, world):
    """One person with an accepted, funded, started and completed headship enrolment (with
    an outcome and a retired participant id), and pending applications to act on."""
    with arranged(db) as session:
        person = builders.participant(session)
        app, profile = builders.npq_enrolment(
            session,
            world.p.id,
            person=person,
            course="npq-headship",
            funded_place=True,
            schedule_identifier="npq-leadership-autumn",
        )
        npq_declaration(session, profile, declaration_type="started")
        completed = npq_declaration(
            session, profile, declaration_type="completed", declaration_date="2025-02-01T10:00:00Z"
        )
        npq_outcome(session, completed, "passed")
        builders.retire_participant_id(session, session.get(Participant, person.id))
        pending = [
            builders.npq_application(session, world.p.id, course="npq-senco", funded_place=False)
            for _ in range(6)
        ]
    return person, app, pending


def _check(version, response, status=200):
    assert response.status_code == status, (response.request.url.path, response.text)
    if response.headers["content-type"] == "text/csv":
        return
    assert_matches_contract(
        version,
        response.request.method,
        response.request.url.path,
        status,
        response.json(),
        strict_attributes=True,
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_every_npq_operation_conforms(client, db, world, version):
    person, app, pending = _dataset(db, world)
    h = world.h(world.p)
    base = f"/api/{version}"
    served: set[tuple[str, str]] = set()

    def call(method, template, path, body=None):
        response = client.request(method, base + path, json=body, headers=h)
        _check(version, response)
        served.add((method.lower(), f"/api/{version}{template}"))
        return response

    call("GET", "/npq-applications", "/npq-applications")
    call("GET", "/npq-applications/{id}", f"/npq-applications/{app.id}")
    if version != "v3":
        response = call("GET", "/npq-applications.csv", "/npq-applications.csv")
        assert response.text.startswith("id,participant_id,")
    if version == "v2":
        response = call("GET", "/npq-enrolments.csv", "/npq-enrolments.csv")
        assert response.text.startswith("participant_id,course_identifier,")
    accept = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": False}}}
    call(
        "POST", "/npq-applications/{id}/accept", f"/npq-applications/{pending[0].id}/accept", accept
    )
    call("POST", "/npq-applications/{id}/reject", f"/npq-applications/{pending[1].id}/reject")
    change = {
        "data": {
            "type": "npq-application-change-funded-place",
            "attributes": {"funded_place": True},
        }
    }
    call(
        "PUT",
        "/npq-applications/{id}/change-funded-place",
        f"/npq-applications/{app.id}/change-funded-place",
        change,
    )
    call("GET", "/participants/npq", "/participants/npq")
    call("GET", "/participants/npq/{id}", f"/participants/npq/{person.id}")
    headship = {"course_identifier": "npq-headship"}
    call(
        "PUT",
        "/participants/npq/{id}/defer",
        f"/participants/npq/{person.id}/defer",
        {"data": {"type": "participant-defer", "attributes": {**headship, "reason": "other"}}},
    )
    call(
        "PUT",
        "/participants/npq/{id}/resume",
        f"/participants/npq/{person.id}/resume",
        {"data": {"type": "participant-resume", "attributes": headship}},
    )
    call(
        "PUT",
        "/participants/npq/{id}/withdraw",
        f"/participants/npq/{person.id}/withdraw",
        {"data": {"type": "participant-withdraw", "attributes": {**headship, "reason": "other"}}},
    )
    response = client.get(base + f"/participants/npq/{person.id}", headers=h)
    _check(version, response)
    call("GET", "/participants/npq/outcomes", "/participants/npq/outcomes")
    call(
        "GET",
        "/participants/npq/{participant_id}/outcomes",
        f"/participants/npq/{person.id}/outcomes",
    )
    outcome = {
        "data": {
            "type": "npq-outcome-confirmation",
            "attributes": {**headship, "state": "failed", "completion_date": "2025-02-05"},
        }
    }
    call(
        "POST",
        "/participants/npq/{participant_id}/outcomes",
        f"/participants/npq/{person.id}/outcomes",
        outcome,
    )

    # change-schedule on an enrolment without declarations (withdrawn ones cannot move).
    with arranged(db) as session:
        mover, _ = builders.npq_enrolment(
            session, world.p.id, course="npq-senco", funded_place=True
        )
    call(
        "PUT",
        "/participants/npq/{id}/change-schedule",
        f"/participants/npq/{mover.participant_id}/change-schedule",
        {
            "data": {
                "type": "participant-change-schedule",
                "attributes": {
                    "course_identifier": "npq-senco",
                    "schedule_identifier": "npq-leadership-spring",
                },
            }
        },
    )
    assert served == _npq_operations(version)
