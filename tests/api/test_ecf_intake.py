"""`cpd-api import ecf-participants`: registration, transfer, school withdrawal, mentor
assignment and eligibility rows; validation with line numbers, all or nothing, and every
change moving the participant's `updated_at` so `filter[updated_since]` sees it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from cpd_api.core import clock
from cpd_api.core.audit import Actor
from cpd_api.core.intake import IntakeRejected, run_intake
from cpd_api.intake_kinds import intake_kinds
from cpd_api.participants.models import InductionRecord, Participant, ParticipantProfile
from tests import builders as b
from tests.factories import provider_with_token
from tests.factories_ecf_participants import E1_ID, M1_ID, fixture_f

OPERATOR = Actor.operator("tests")
HEADER = (
    "action,participant_id,participant_type,full_name,email,trn,school_urn,cohort,"
    "schedule_identifier,start_date,end_date,mentor_participant_id,eligibility_status,"
    "eligibility_reason\n"
)
NEW_ECT = uuid.UUID("eeeeeeee-0000-4000-8000-000000000001")
NEW_MENTOR = uuid.UUID("eeeeeeee-0000-4000-8000-000000000002")


def _import(db, text, *, fmt="csv", at="2025-01-10T09:00:00Z"):
    with clock.travel_to(b.at(at)), db.session() as session:
        return run_intake(
            session, intake_kinds()["ecf-participants"], text, fmt=fmt, actor=OPERATOR
        )


def _v3(client, provider, participant_id, now="2025-01-20T09:00:00Z"):
    response = client.get(
        f"/api/v3/participants/ecf/{participant_id}",
        headers={**provider.headers, "X-With-Server-Date": now},
    )
    return response


def _since(client, provider, instant):
    response = client.get(
        "/api/v3/participants/ecf",
        headers=provider.headers,
        params={"filter[updated_since]": instant},
    )
    return {item["id"] for item in response.json()["data"]}


def test_register_ect_and_mentor_then_assign(db, client):
    f = fixture_f(db)
    text = HEADER + (
        f"register,{NEW_MENTOR},mentor,Max Mentor,max@example.com,2222222,100001,2024,,"
        "2024-09-01,,,eligible,\n"
        f"register,{NEW_ECT},ect,Eve New,eve@example.com,3333333,100001,2024,"
        "ecf-extended-september,2024-09-01T08:00:00Z,,,manual_check,\n"
        f"assign-mentor,{NEW_ECT},,,,,,,,,,{NEW_MENTOR},,\n"
    )
    result = _import(db, text)
    assert (result.rows, result.created, result.updated) == (3, 2, 1)
    record = _v3(client, f.lp_a, NEW_ECT).json()["data"]["attributes"]
    [enrolment] = record["ecf_enrolments"]
    assert record["full_name"] == "Eve New"
    assert enrolment["school_urn"] == "100001"
    assert enrolment["cohort"] == "2024"
    assert enrolment["schedule_identifier"] == "ecf-extended-september"
    assert enrolment["mentor_id"] == str(NEW_MENTOR)
    assert enrolment["eligible_for_funding"] is None
    assert enrolment["delivery_partner_id"] == "11111111-0000-4000-8000-000000000001"
    mentor = _v3(client, f.lp_a, NEW_MENTOR).json()["data"]["attributes"]["ecf_enrolments"][0]
    assert mentor["eligible_for_funding"] is True
    assert mentor["schedule_identifier"] == "ecf-standard-september"
    # LP-B does not train at school 100001
    assert _v3(client, f.lp_b, NEW_ECT).status_code == 404


def test_register_at_a_school_without_partnership_is_school_led(db, client, session):
    f = fixture_f(db)
    b.school(session, urn="100009")
    session.commit()
    _import(db, HEADER + f"register,{NEW_ECT},ect,Eve,eve@example.com,,100009,2024,,,,,,\n")
    session.expire_all()
    [record] = session.scalars(
        select(InductionRecord)
        .join(ParticipantProfile, ParticipantProfile.id == InductionRecord.participant_profile_id)
        .where(ParticipantProfile.participant_id == NEW_ECT)
    ).all()
    assert record.partnership_id is None
    assert _v3(client, f.lp_a, NEW_ECT).status_code == 404


def test_a_bad_row_rejects_the_whole_file_with_line_numbers(db, session):
    fixture_f(db)
    text = HEADER + (
        f"register,{NEW_ECT},ect,Eve,eve@example.com,,100001,2024,,,,,,\n"
        "register,,ect,,,,100001,2024,,,,,,\n"
        f"register,{NEW_MENTOR},mentor,Max,max@example.com,,999999,2024,,,,,,\n"
        f"transfer,{uuid.uuid4()},ect,,,,100002,,,2025-04-02,,,,\n"
        "bogus,,,,,,,,,,,,,\n"
    )
    with pytest.raises(IntakeRejected) as rejected:
        _import(db, text)
    messages = [str(e) for e in rejected.value.errors]
    assert messages[0].startswith("line 3: ") and "full_name, email" in messages[0]
    assert messages[1].startswith("line 6: ") and "action" in messages[1]
    # database checks happen once the rows are well formed
    text = HEADER + (
        f"register,{NEW_ECT},ect,Eve,eve@example.com,,100001,2024,,,,,,\n"
        f"register,{NEW_MENTOR},mentor,Max,max@example.com,,999999,2024,,,,,,\n"
        f"transfer,{uuid.uuid4()},ect,,,,100002,,,2025-04-02,,,,\n"
        f"register,{E1_ID},ect,,,,100001,2024,,,,,,\n"
        f"register,{NEW_MENTOR},mentor,Max,max@example.com,,100001,2031,,,,,,\n"
    )
    with pytest.raises(IntakeRejected) as rejected:
        _import(db, text)
    assert [str(e) for e in rejected.value.errors] == [
        "line 3: no school with URN 999999",
        f"line 4: participant {text.splitlines()[3].split(',')[1]} has no ect record",
        f"line 5: participant {E1_ID} already has a ect record",
        "line 6: no cohort 2031",
    ]
    session.expire_all()
    assert session.get(Participant, NEW_ECT) is None
    assert session.scalar(select(func.count()).select_from(Participant)) == 2


def test_jsonl_rows_are_accepted(db, client):
    f = fixture_f(db)
    text = (
        f'{{"action": "register", "participant_id": "{NEW_ECT}", "participant_type": "ect", '
        '"full_name": "Eve", "email": "eve@example.com", "school_urn": "100001", '
        '"cohort": 2024}\n'
    )
    assert _import(db, text, fmt="jsonl").created == 1
    assert _v3(client, f.lp_a, NEW_ECT).status_code == 200


def test_transfer_to_another_providers_school(db, client, session):
    """S13 through intake: leaving for LP-A, joining for LP-B, both see the participant."""
    f = fixture_f(db)
    _import(
        db,
        HEADER + f"transfer,{E1_ID},ect,,,,100002,,,2025-04-02,2025-04-01,,,\n",
        at="2025-03-10T09:00:00Z",
    )
    a = _v3(client, f.lp_a, E1_ID, now="2025-03-15T09:00:00Z").json()["data"]["attributes"]
    assert a["ecf_enrolments"][0]["participant_status"] == "leaving"
    b_view = _v3(client, f.lp_b, E1_ID, now="2025-03-15T09:00:00Z").json()["data"]
    enrolment = b_view["attributes"]["ecf_enrolments"][0]
    assert enrolment["participant_status"] == "joining"
    assert enrolment["school_urn"] == "100002"
    assert enrolment["delivery_partner_id"] == "11111111-0000-4000-8000-000000000003"
    assert enrolment["mentor_id"] is None
    assert a["updated_at"] == "2025-03-10T09:00:00Z"
    assert str(E1_ID) in _since(client, f.lp_a, "2025-03-10T09:00:00Z")
    assert str(M1_ID) not in _since(client, f.lp_a, "2025-03-10T09:00:00Z")
    left = _v3(client, f.lp_a, E1_ID, now="2025-04-05T09:00:00Z").json()["data"]
    assert left["attributes"]["ecf_enrolments"][0]["participant_status"] == "left"


def test_school_withdrawal_shows_withdrawn_and_moves_updated_at(db, client):
    f = fixture_f(db)
    _import(db, HEADER + f"withdraw,{E1_ID},ect,,,,,,,,,,,\n", at="2025-01-12T09:00:00Z")
    enrolment = _v3(client, f.lp_a, E1_ID).json()["data"]["attributes"]["ecf_enrolments"][0]
    assert enrolment["participant_status"] == "withdrawn"
    assert enrolment["training_status"] == "active"
    v1 = client.get(f"/api/v1/participants/ecf/{E1_ID}", headers=f.lp_a.headers).json()
    assert v1["data"]["attributes"]["status"] == "withdrawn"
    assert _since(client, f.lp_a, "2025-01-12T09:00:00Z") >= {str(E1_ID)}
    with pytest.raises(IntakeRejected):
        _import(db, HEADER + f"withdraw,{E1_ID},ect,,,,,,,,,,,\n")


def test_mentor_assignment_moves_both_people(db, client, session):
    f = fixture_f(db)
    _import(
        db,
        HEADER + f"register,{NEW_MENTOR},mentor,Max,max@example.com,,100001,2024,,,,,,\n",
        at="2024-12-01T09:00:00Z",
    )
    session.execute(Participant.__table__.update().values(updated_at=b.at("2024-12-01T00:00:00Z")))
    session.commit()
    _import(
        db, HEADER + f"assign-mentor,{E1_ID},,,,,,,,,,{NEW_MENTOR},,\n", at="2025-01-12T09:00:00Z"
    )
    changed = _since(client, f.lp_a, "2025-01-12T09:00:00Z")
    assert changed == {str(E1_ID), str(NEW_MENTOR)}
    enrolment = _v3(client, f.lp_a, E1_ID).json()["data"]["attributes"]["ecf_enrolments"][0]
    assert enrolment["mentor_id"] == str(NEW_MENTOR)


def test_eligibility_row_changes_funding_and_validation(db, client, session):
    f = fixture_f(db)
    session.execute(Participant.__table__.update().values(updated_at=b.at("2024-12-01T00:00:00Z")))
    session.commit()
    _import(
        db,
        HEADER + f"eligibility,{E1_ID},ect,,,,,,,,,,ineligible,different_trn\n",
        at="2025-01-12T09:00:00Z",
    )
    enrolment = _v3(client, f.lp_a, E1_ID).json()["data"]["attributes"]["ecf_enrolments"][0]
    assert enrolment["eligible_for_funding"] is False
    assert enrolment["teacher_reference_number_validated"] is False
    assert _since(client, f.lp_a, "2025-01-12T09:00:00Z") == {str(E1_ID)}


def test_import_command_reports_line_numbers(db, tmp_path, database_url, monkeypatch):
    from typer.testing import CliRunner

    from cpd_api.cli import app

    provider_with_token(db, "Alpha", ecf=True, npq=False)
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "register,,ect,,,,100001,2024,,,,,,\n")
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["import", "ecf-participants", str(path)])
    assert result.exit_code == 1
    assert "line 2" in result.output + (result.stderr if result.stderr_bytes else "")
