"""`cpd-api import npq-applications`: applications from the registration service, creating
participants as needed, all or nothing with line-numbered errors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cpd_api import cli
from cpd_api.core import config
from cpd_api.core.intake import IntakeRejected, run_intake
from cpd_api.npq_applications.intake import NPQ_APPLICATIONS
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.participants.models import Participant
from tests import builders
from tests.factories import TEST_ACTOR
from tests.factories_npq import arranged, npq_world

HEADER = (
    "lead_provider,course_identifier,cohort,full_name,email,trn,trn_validated,"
    "eligible_for_funding,school_urn,headteacher_status,funding_choice,teacher_catchment\n"
)


@pytest.fixture
def world(db):
    return npq_world(db)


@pytest.fixture
def run(db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    config.get_settings.cache_clear()
    cli.database.cache_clear()

    def invoke(text: str, name: str = "applications.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return CliRunner().invoke(cli.app, ["import", "npq-applications", str(path)])

    yield invoke
    config.get_settings.cache_clear()
    cli.database.cache_clear()


def _count(db, model) -> int:
    with arranged(db) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_import_creates_applications_and_participants(run, client, db, world):
    text = HEADER + (
        "Provider P,npq-headship,2024,Ada Lovelace,ada@example.com,1234567,true,true,100001,"
        "no,school,england\n"
        "provider q,npq-senco,2023,Ada Lovelace,ADA@example.com,,false,false,,,,\n"
        f"{world.p.id},npq-leading-literacy,2024,Bob Brown,bob@example.com,,,true,,,,\n"
    )
    result = run(text)
    assert result.exit_code == 0, result.output
    assert "3 row(s) read, 3 created, 0 updated" in result.output
    assert _count(db, Participant) == 2

    listed = client.get("/api/v3/npq-applications", headers=world.h(world.p)).json()["data"]
    assert sorted(a["attributes"]["course_identifier"] for a in listed) == [
        "npq-headship",
        "npq-leading-literacy",
    ]
    headship = next(a for a in listed if a["attributes"]["course_identifier"] == "npq-headship")
    assert headship["attributes"]["status"] == "pending"
    assert headship["attributes"]["teacher_reference_number"] == "1234567"
    assert headship["attributes"]["school_urn"] == "100001"
    assert headship["attributes"]["teacher_catchment"] is True
    theirs = client.get("/api/v3/npq-applications", headers=world.h(world.q)).json()["data"]
    assert theirs[0]["attributes"]["participant_id"] == headship["attributes"]["participant_id"]


def test_one_bad_row_rejects_the_whole_file_with_line_numbers(run, db, world):
    text = HEADER + (
        "Provider P,npq-headship,2024,Ada Lovelace,ada@example.com,,,true,,,,\n"
        "Provider P,ecf-induction,2024,Bob,bob@example.com,,,true,,,,\n"
        "Nobody Ltd,npq-headship,2024,Cy,cy@example.com,,,true,,,,\n"
        "Provider E,npq-headship,2019,Di,di@example.com,,,true,,maybe,,\n"
    )
    result = run(text)
    assert result.exit_code == 1
    assert "2 bad row(s); nothing was written" in result.output
    with pytest.raises(IntakeRejected) as rejected, arranged(db) as session:
        run_intake(session, NPQ_APPLICATIONS, text, fmt="csv", actor=TEST_ACTOR)
    assert [(e.line, e.message.split(":")[0]) for e in rejected.value.errors] == [
        (3, "course_identifier"),
        (5, "headteacher_status"),
    ]
    assert _count(db, NpqApplication) == 0
    text = HEADER + (
        "Nobody Ltd,npq-headship,2024,Cy,cy@example.com,,,true,,,,\n"
        "Provider E,npq-headship,2019,Di,di@example.com,,,true,,,,\n"
    )
    with pytest.raises(IntakeRejected) as rejected, arranged(db) as session:
        run_intake(session, NPQ_APPLICATIONS, text, fmt="csv", actor=TEST_ACTOR)
    assert [str(e) for e in rejected.value.errors] == [
        "line 2: unknown lead_provider 'Nobody Ltd'",
        "line 3: lead provider 'Provider E' does not offer NPQ",
        "line 3: unknown cohort 2019",
    ]
    assert _count(db, NpqApplication) == 0
    assert _count(db, Participant) == 0


def test_reimporting_an_application_updates_its_answers_and_its_timestamps(run, client, db, world):
    with arranged(db, "2025-01-01T00:00:00Z") as session:
        application, _ = builders.npq_enrolment(
            session,
            world.p.id,
            course="npq-headship",
            funded_place=True,
            eligible_for_funding=True,
        )
        person = session.get(Participant, application.participant_id)
        rows = (
            "id,participant_id,lead_provider,course_identifier,cohort,full_name,email,"
            "eligible_for_funding,school_urn\n"
            f"{application.id},{person.id},Provider P,npq-headship,2024,{person.full_name},"
            f"new@example.com,false,999999\n"
        )
    result = run(rows)
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated" in result.output
    since = "filter[updated_since]=2024-12-31T00:00:00Z"
    enrolment = client.get(f"/api/v3/participants/npq?{since}", headers=world.h(world.p)).json()[
        "data"
    ][0]["attributes"]["npq_enrolments"][0]
    assert enrolment["email"] == "new@example.com"
    assert enrolment["eligible_for_funding"] is False
    assert enrolment["school_urn"] == "999999"
    shown = client.get(f"/api/v1/npq-applications/{application.id}", headers=world.h(world.p))
    assert shown.json()["data"]["attributes"]["eligible_for_funding"] is False
    assert shown.json()["data"]["attributes"]["status"] == "accepted"
    assert shown.json()["data"]["attributes"]["updated_at"] != "2025-01-01T00:00:00Z"


def test_reimport_cannot_move_an_application_to_another_provider(run, db, world):
    with arranged(db) as session:
        application = builders.npq_application(session, world.p.id, course="npq-headship")
    text = (
        "id,lead_provider,course_identifier,cohort,full_name,email\n"
        f"{application.id},Provider Q,npq-headship,2024,A B,ab@example.com\n"
    )
    assert run(text).exit_code == 1
    with pytest.raises(IntakeRejected) as rejected, arranged(db) as session:
        run_intake(session, NPQ_APPLICATIONS, text, fmt="csv", actor=TEST_ACTOR)
    assert str(rejected.value.errors[0]).startswith(f"line 2: application {application.id} exists")
    with arranged(db) as session:
        assert session.get(NpqApplication, application.id).lead_provider_id == world.p.id


def test_jsonl_import(run, db, world):
    result = run(
        '{"lead_provider": "Provider P", "course_identifier": "npq-senco", "cohort": 2024, '
        '"full_name": "Jo", "email": "jo@example.com", "lead_mentor": true}\n',
        name="applications.jsonl",
    )
    assert result.exit_code == 0, result.output
    with arranged(db) as session:
        application = session.scalars(select(NpqApplication)).one()
        assert application.lead_mentor is True and application.status == "pending"
