"""Every ECF participant operation of each reference document, called against fixture F with
rich data (a mentor and an ECT, a withdrawal, a deferral, a retired id, a completed mentor),
must answer with a body that validates against that operation's documented schema."""

from __future__ import annotations

import uuid

import pytest

from cpd_api.participants.models import Participant, ParticipantProfile
from tests import builders as b
from tests.contract.reference import assert_matches_contract, reference_operations
from tests.factories_ecf_participants import E1_ID, M1_ID, fixture_f

NOW = "2025-02-15T12:00:00Z"
ACTION_BODIES = {
    "withdraw": {"reason": "other"},
    "defer": {"reason": "career-break"},
    "resume": {},
    "change-schedule": {"schedule_identifier": "ecf-extended-september"},
}


def _participant_operations(version: str) -> list[tuple[str, str]]:
    operations = []
    for method, template in sorted(reference_operations(version)):
        relative = template.removeprefix(f"/api/{version}")
        if not relative.startswith("/participants/") or "transfers" in relative:
            continue
        if relative.startswith("/participants/npq") or "outcomes" in relative:
            continue
        operations.append((method, template))
    return operations


@pytest.fixture
def rich(db, session):
    f = fixture_f(db)
    b.retire_participant_id(session, session.get(Participant, E1_ID), uuid.uuid4())
    mentor = session.get(ParticipantProfile, f.m1_profile_id)
    mentor.mentor_completion_date = b.at("2025-01-25T00:00:00Z").date()
    mentor.mentor_ineligible_for_funding_reason = "completed_declaration_received"
    session.commit()
    return f


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_every_participant_operation_matches_its_schema(rich, client, version):
    operations = _participant_operations(version)
    assert operations, "the reference documents list participant operations"
    headers = {**rich.lp_a.headers, "X-With-Server-Date": NOW}
    walked = set()
    for method, template in operations:
        relative = template.removeprefix(f"/api/{version}")
        if method == "GET":
            path = template.replace("{id}", str(M1_ID))
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (template, response.text)
            if path.endswith(".csv"):
                assert response.headers["content-type"] == "text/csv"
                assert response.text.startswith("id,email,full_name,")
            else:
                assert_matches_contract(
                    version, "GET", path, 200, response.json(), strict_attributes=True
                )
            walked.add(relative)
            continue
        action = relative.rsplit("/", 1)[-1]
        # defer needs an active participant, resume one that is not
        if action == "resume":
            client.put(
                template.replace("{id}", str(E1_ID)).replace("resume", "defer"),
                headers=headers,
                json={
                    "data": {
                        "attributes": {"reason": "other", "course_identifier": "ecf-induction"}
                    }
                },
            )
        if action in ("withdraw", "change-schedule", "defer"):
            client.put(
                template.replace("{id}", str(E1_ID)).replace(action, "resume"),
                headers=headers,
                json={"data": {"attributes": {"course_identifier": "ecf-induction"}}},
            )
        if action == "change-schedule":
            # alternate between two schedules so every call is a real change
            current = client.get(f"/api/v1/participants/ecf/{E1_ID}", headers=headers).json()
            schedule = current["data"]["attributes"]["schedule_identifier"]
            target = (
                "ecf-standard-september"
                if schedule == "ecf-extended-september"
                else "ecf-extended-september"
            )
            attributes = {"schedule_identifier": target}
        else:
            attributes = dict(ACTION_BODIES[action])
        attributes["course_identifier"] = "ecf-induction"
        path = template.replace("{id}", str(E1_ID))
        response = client.put(
            path, headers=headers, json={"data": {"type": "participant", "attributes": attributes}}
        )
        assert response.status_code == 200, (template, response.text)
        # v1/v2 action documents omit training_record_id, which ecf.md 3.1 keeps (2.1 shape)
        assert_matches_contract(
            version, "PUT", path, 200, response.json(), strict_attributes=version == "v3"
        )
        walked.add(relative)
    expected = {t.removeprefix(f"/api/{version}") for _, t in operations}
    assert walked == expected
