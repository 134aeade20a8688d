"""`cpd-api import eligibility`: decisions for ECF training records and NPQ applications, and
the waiting `submitted` declarations they make eligible."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cpd_api import cli
from cpd_api.core import clock, config
from cpd_api.core.audit import AuditEvent
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.participants.models import Participant, ParticipantProfile
from tests import builders
from tests.factories import provider_with_token
from tests.factories_declarations import (
    body,
    ect_on,
    fixture_f,
    person,
    post,
    show,
    still_clock,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.usefixtures("still_clock")

runner = CliRunner()


@pytest.fixture
def import_file(db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    config.get_settings.cache_clear()
    cli.database.cache_clear()

    def invoke(now: str, text: str, suffix: str = ".csv"):
        path = tmp_path / f"eligibility{suffix}"
        path.write_text(text)
        with clock.travel_to(builders.at(now)):
            return runner.invoke(cli.app, ["import", "eligibility", str(path)])

    yield invoke
    config.get_settings.cache_clear()
    cli.database.cache_clear()


def test_ecf_eligibility_promotes_waiting_declarations(client, db, import_file):
    f = fixture_f(db)
    waiting = ect_on(db, f.pa1_id, eligibility="manual_check")
    declared = post(
        client,
        f.lp_a,
        body(waiting.participant_id, "started", "2024-10-01T10:00:00Z"),
        "2024-10-15T09:00:00Z",
    ).json()["data"]
    assert declared["attributes"]["state"] == "submitted"
    result = import_file(
        "2024-11-05T09:00:00Z",
        f"training_record_id,eligibility_status,eligibility_reason\n{waiting.id},eligible,\n",
    )
    assert result.exit_code == 0, result.output
    assert "1 waiting declaration(s) became eligible" in result.output
    attributes = show(client, f.lp_a, declared["id"]).json()["data"]["attributes"]
    assert attributes["state"] == "eligible"
    assert attributes["statement_id"] == str(f.statements_a["ST-FEB25"])
    with db.session() as session:
        profile = session.get(ParticipantProfile, waiting.id)
        assert profile.eligibility_status == "eligible"
        assert session.get(Participant, waiting.participant_id).updated_at == builders.at(
            "2024-11-05T09:00:00Z"
        )
        actors = session.scalars(
            select(AuditEvent.actor_kind).where(
                AuditEvent.entity_id == declared["id"], AuditEvent.action == "eligible"
            )
        ).all()
        assert actors == ["operator"]


def test_ineligible_decision_leaves_declarations_waiting(client, db, import_file):
    f = fixture_f(db)
    waiting = ect_on(db, f.pa1_id, eligibility="manual_check")
    declared = post(
        client,
        f.lp_a,
        body(waiting.participant_id, "started", "2024-10-01T10:00:00Z"),
        "2024-10-15T09:00:00Z",
    ).json()["data"]
    result = import_file(
        "2024-11-05T09:00:00Z",
        f"training_record_id,eligibility_status,eligibility_reason\n"
        f"{waiting.id},ineligible,previous_participation\n",
    )
    assert result.exit_code == 0, result.output
    assert show(client, f.lp_a, declared["id"]).json()["data"]["attributes"]["state"] == (
        "submitted"
    )


def test_npq_eligibility_promotes_waiting_declarations(client, db, import_file):
    provider = provider_with_token(db, "Provider P", ecf=False, npq=True)
    with db.session() as session:
        builders.npq_contract(session, provider.id, cohort=2024, course="npq-headship")
        statement = builders.statement(
            session, provider.id, cohort=2024, programme="npq", deadline=date(2025, 6, 30)
        )
        statement_id = statement.id
        owner = person(session, uuid.uuid4(), trn="7777777")
        application, _ = builders.npq_enrolment(
            session, provider.id, person=owner, course="npq-headship", eligible_for_funding=False
        )
        application_id, owner_id = application.id, owner.id
    declared = post(
        client,
        provider,
        body(owner_id, "started", "2024-10-15T09:00:00Z", course="npq-headship"),
        "2025-02-10T12:00:00Z",
    ).json()["data"]
    assert declared["attributes"]["state"] == "submitted"
    result = import_file(
        "2025-02-11T09:00:00Z",
        f'{{"npq_application_id": "{application_id}", "eligible_for_funding": true}}\n',
        ".jsonl",
    )
    assert result.exit_code == 0, result.output
    attributes = show(client, provider, declared["id"]).json()["data"]["attributes"]
    assert (attributes["state"], attributes["statement_id"]) == ("eligible", str(statement_id))
    with db.session() as session:
        assert session.get(NpqApplication, application_id).eligible_for_funding is True


def test_bad_rows_are_reported_by_line_and_nothing_is_written(db, import_file):
    f = fixture_f(db)
    unknown = uuid.uuid4()
    result = import_file(
        "2024-11-05T09:00:00Z",
        "training_record_id,eligibility_status\n"
        f"{f.e1_profile_id},ineligible\n"
        f"{unknown},eligible\n"
        f"{f.e1_profile_id},sometimes\n",
    )
    assert result.exit_code == 1
    assert "line 4" in result.output
    with db.session() as session:
        assert session.get(ParticipantProfile, f.e1_profile_id).eligibility_status == "eligible"
    second = import_file(
        "2024-11-05T09:00:00Z",
        f"training_record_id,eligibility_status\n{f.e1_profile_id},ineligible\n{unknown},eligible\n",
    )
    assert second.exit_code == 1
    assert "line 3" in second.output and str(unknown) in second.output
    with db.session() as session:
        assert session.get(ParticipantProfile, f.e1_profile_id).eligibility_status == "eligible"


def test_a_row_needs_exactly_one_kind_of_decision(db, import_file):
    result = import_file(
        "2024-11-05T09:00:00Z",
        f"training_record_id,npq_application_id,eligibility_status\n{uuid.uuid4()},{uuid.uuid4()},eligible\n",
    )
    assert result.exit_code == 1
    assert "exactly one" in result.output


def test_npq_decision_moves_the_enrolment_and_sibling_applications(db, import_file):
    provider = provider_with_token(db, "Provider P", ecf=False, npq=True)
    other = provider_with_token(db, "Provider Q", ecf=False, npq=True)
    with db.session() as session, clock.travel_to(builders.at("2024-09-01T09:00:00Z")):
        owner = person(session, uuid.uuid4(), trn="7777778")
        application, enrolment = builders.npq_enrolment(
            session, provider.id, person=owner, course="npq-headship", eligible_for_funding=False
        )
        sibling = builders.npq_application(
            session, other.id, person=owner, course="npq-headship", status="rejected"
        )
        ids = (application.id, enrolment.id, sibling.id)
    result = import_file(
        "2025-02-11T09:00:00Z",
        f'{{"npq_application_id": "{ids[0]}", "eligible_for_funding": true}}\n',
        ".jsonl",
    )
    assert result.exit_code == 0, result.output
    moved = builders.at("2025-02-11T09:00:00Z")
    with db.session() as session:
        assert session.get(NpqApplication, ids[0]).updated_at >= moved
        assert session.get(ParticipantProfile, ids[1]).updated_at >= moved
        assert session.get(NpqApplication, ids[2]).updated_at >= moved
