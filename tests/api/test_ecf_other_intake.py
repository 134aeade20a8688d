"""`cpd-api import schools | delivery-partners | partnerships | statements`: every row is
validated first, nothing is written when one is bad (errors carry line numbers), and what
is written moves `updated_at` of everything that shows it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cpd_api import cli
from cpd_api.core import clock, config
from cpd_api.core.intake import IntakeRejected, run_intake
from cpd_api.delivery_partners.models import DeliveryPartner, ProviderRelationship
from cpd_api.intake_kinds import intake_kinds
from cpd_api.participants.models import Participant
from cpd_api.partnerships.models import Partnership
from cpd_api.schools.models import School, SchoolCohort
from cpd_api.statements.models import Statement
from tests import builders as b
from tests.factories import TEST_ACTOR, provider_with_token

runner = CliRunner()


def _import(db, kind: str, text: str, fmt: str = "csv"):
    with db.session() as session:
        return run_intake(session, intake_kinds()[kind], text, fmt=fmt, actor=TEST_ACTOR)


def _rejected(db, kind: str, text: str, fmt: str = "csv") -> list[str]:
    with pytest.raises(IntakeRejected) as caught:
        _import(db, kind, text, fmt)
    return [str(e) for e in caught.value.errors]


def _count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- schools --------------------------------------------------------------------------------

SCHOOLS_HEADER = (
    "urn,name,establishment_type_code,establishment_status_code,in_england,"
    "section_41_approved,induction_tutor_name,induction_tutor_email,cohort,"
    "induction_programme_choice\n"
)
SCHOOLS_CSV = (
    SCHOOLS_HEADER
    + """\
100001,Community,1,1,true,false,Ann Tutor,ann@school.example,2024,full_induction_programme
100001,Community,1,1,true,false,Ann Tutor,ann@school.example,2023,core_induction_programme
100002,Independent School,11,1,true,false,,,,
100003,Independent S41 School,11,1,true,true,,,,
100004,Closed School,1,2,true,false,,,,
100005,Welsh School,30,1,false,false,,,,
"""
)


def test_schools_import_decides_eligibility_and_cohort_choices(db):
    result = _import(db, "schools", SCHOOLS_CSV)
    assert (result.rows, result.created, result.updated) == (6, 5, 0)
    with db.session() as session:
        schools = {s.urn: s for s in session.scalars(select(School))}
        flags = {urn: (s.funding_eligible, s.cip_only) for urn, s in schools.items()}
        choices = {
            sc.cohort_year: sc.induction_programme_choice
            for sc in session.scalars(select(SchoolCohort))
        }
    assert flags == {
        "100001": (True, False),
        "100002": (False, True),
        "100003": (True, False),
        "100004": (False, False),
        "100005": (False, True),
    }
    assert choices == {2024: "full_induction_programme", 2023: "core_induction_programme"}
    assert schools["100001"].induction_tutor_email == "ann@school.example"
    again = _import(db, "schools", SCHOOLS_CSV)
    assert (again.created, again.updated) == (0, 0)


def test_school_change_moves_school_partnership_and_participant_timestamps(db):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    past = clock.now_seconds() - timedelta(days=5)
    with db.session() as session:
        school = b.school(session, urn="100001")
        partnership = b.partnership(session, lp.id, school_=school)
        ect = b.ect(session, partnership)
        for row in (school, partnership, session.get(Participant, ect.participant_id)):
            row.updated_at = past
        ids = school.id, partnership.id, ect.participant_id
    _import(
        db,
        "schools",
        f'{{"id": "{ids[0]}", "urn": "100009", "name": "Renamed", '
        '"induction_tutor_name": "New"}\n',
        fmt="jsonl",
    )
    with db.session() as session:
        assert session.get(School, ids[0]).urn == "100009"
        assert session.get(School, ids[0]).updated_at > past
        assert session.get(Partnership, ids[1]).updated_at > past
        assert session.get(Participant, ids[2]).updated_at > past


def test_bad_school_rows_are_all_reported_and_nothing_is_written(db):
    text = """urn,name,cohort,induction_programme_choice
12345,Too Short,,
100001,Good School,2031,
100002,,2024,
100003,Choice Without Cohort,,provider_led
100004,Dup,2024,full_induction_programme
100004,Dup,2024,full_induction_programme
100005,Clash,,
100005,Clash Renamed,,
"""
    errors = _rejected(db, "schools", text)
    assert [e.split(":")[0] for e in errors] == [
        "line 2",
        "line 4",
        "line 5",
    ]
    assert _count(db, School) == 0
    errors = _rejected(
        db,
        "schools",
        text.replace("12345", "123456")
        .replace("100002,,2024", "100002,Named,2024")
        .replace("provider_led", ""),
    )
    assert errors == [
        "line 3: no cohort 2031",
        "line 7: school 100004 cohort 2024 repeated",
        "line 9: school 100005 differs from its row on line 8",
    ]
    assert _count(db, School) == 0


# --- delivery partners ----------------------------------------------------------------------


def test_delivery_partners_and_relationships(db):
    lp = provider_with_token(db, "Alpha Institute", ecf=True, npq=False)
    partner_id = uuid.uuid4()
    text = f"""id,name,lead_provider,cohorts
{partner_id},North Partners,alpha institute,"2024,2025"
,South Partners,{lp.id},2024
,South Partners,,
"""
    result = _import(db, "delivery-partners", text)
    assert (result.created, result.updated) == (2, 0)
    assert result.notes == ["3 provider relationship(s) added"]
    with db.session() as session:
        north = session.get(DeliveryPartner, partner_id)
        assert north.name == "North Partners"
        years = sorted(
            r.cohort_year
            for r in session.scalars(
                select(ProviderRelationship).where(
                    ProviderRelationship.delivery_partner_id == partner_id
                )
            )
        )
        assert years == [2024, 2025]
    again = _import(db, "delivery-partners", text)
    assert (again.created, again.updated, again.notes) == (0, 0, [])


def test_renaming_a_partner_moves_its_partnerships(db):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    with db.session() as session:
        partner = b.delivery_partner(session, "Old Name")
        partnership = b.partnership(session, lp.id, partner=partner)
        partnership.updated_at = clock.now_seconds() - timedelta(days=3)
        ids = partner.id, partnership.id, partnership.updated_at
    result = _import(db, "delivery-partners", f"id,name\n{ids[0]},New Name\n")
    assert result.updated == 1
    with db.session() as session:
        assert session.get(DeliveryPartner, ids[0]).name == "New Name"
        assert session.get(Partnership, ids[1]).updated_at > ids[2]


def test_bad_delivery_partner_rows(db):
    provider_with_token(db, "Alpha", ecf=True, npq=False)
    # Rows are checked on their own first; references are checked once every row is sound.
    errors = _rejected(
        db,
        "delivery-partners",
        "name,lead_provider,cohorts\nA,Nobody,2024\nB,Alpha,2031\nC,,2024\n,Alpha,2024\n",
    )
    assert errors == [
        "line 4: row: Value error, cohorts need a lead_provider",
        "line 5: name: Input should be a valid string",
    ]
    errors = _rejected(
        db, "delivery-partners", "name,lead_provider,cohorts\nA,Nobody,2024\nB,Alpha,2031\n"
    )
    assert errors == ["line 2: no lead provider 'Nobody'", "line 3: no cohort 2031"]
    assert _count(db, DeliveryPartner) == 0


# --- partnerships ---------------------------------------------------------------------------


def _partnership_world(db):
    alpha = provider_with_token(db, "Alpha", ecf=True, npq=False)
    beta = provider_with_token(db, "Beta", ecf=True, npq=False)
    with db.session() as session:
        partner = b.delivery_partner(session, "Partner One")
        b.provider_relationship(session, alpha.id, partner, 2024)
        b.provider_relationship(session, beta.id, partner, 2024)
        unrelated = b.delivery_partner(session, "Partner Two")
        school = b.school(session, urn="100001")
        other = b.school(session, urn="100002")
        waiting = b.ect(session, None, school_=school, cohort=2024)
        b.school_cohort(session, school, 2024, "full_induction_programme")
        return alpha, beta, partner.id, unrelated.id, school.id, other.id, waiting.id


def test_partnerships_import_creates_updates_and_challenges(db):
    alpha, beta, partner_id, _, _, _, waiting_id = _partnership_world(db)
    result = _import(
        db,
        "partnerships",
        f"school_urn,cohort,lead_provider,delivery_partner_id\n100001,2024,Alpha,{partner_id}\n",
    )
    assert result.created == 1
    with db.session() as session:
        partnership = session.scalar(select(Partnership))
        from cpd_api.participants.models import InductionRecord

        record = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == waiting_id)
        )
        assert record.partnership_id == partnership.id
    result = _import(
        db,
        "partnerships",
        "school_urn,cohort,lead_provider,delivery_partner,challenge_reason\n"
        "100001,2024,Alpha,Partner One,no_ects\n"
        "100001,2024,Beta,Partner One,\n",
    )
    assert (result.created, result.updated) == (1, 1)
    with db.session() as session:
        rows = {p.lead_provider_id: p for p in session.scalars(select(Partnership))}
        assert rows[alpha.id].challenge_reason == "no_ects"
        assert rows[alpha.id].challenged_at is not None
        assert rows[beta.id].challenge_reason is None


def test_bad_partnership_rows_name_their_lines(db):
    _, _, partner_id, unrelated_id, *_ = _partnership_world(db)
    errors = _rejected(
        db,
        "partnerships",
        "school_urn,cohort,lead_provider,delivery_partner_id\n"
        f"999999,2024,Alpha,{partner_id}\n"
        f"100001,2031,Alpha,{partner_id}\n"
        f"100001,2024,Nobody,{partner_id}\n"
        f"100001,2024,Alpha,{unrelated_id}\n"
        f"100001,2024,Alpha,{uuid.uuid4()}\n",
    )
    assert errors[0] == "line 2: no school 999999"
    assert errors[1] == "line 3: no cohort 2031"
    assert errors[2] == "line 4: no lead provider 'Nobody'"
    assert errors[3] == (
        "line 5: Partner Two does not work with Alpha in cohort 2024 "
        "(import the relationship with delivery-partners first)"
    )
    assert errors[4].startswith("line 6: no delivery partner")
    errors = _rejected(
        db, "partnerships", "school_urn,cohort,lead_provider,delivery_partner_id\n,2024,Alpha,\n"
    )
    assert errors == ["line 2: row: Value error, give exactly one of school_urn and school_id"]
    errors = _rejected(
        db,
        "partnerships",
        "school_urn,cohort,lead_provider,delivery_partner_id\n"
        f"100001,2024,Alpha,{partner_id}\n"
        f"100001,2024,Beta,{partner_id}\n"
        f"100002,2024,Alpha,{partner_id}\n"
        f"100002,2024,Alpha,{partner_id}\n",
    )
    assert errors == [
        "line 3: school 100001 already has a confirmed partnership for cohort 2024 with "
        "another provider (line 2)",
        "line 5: repeats the partnership on line 4",
    ]
    assert _count(db, Partnership) == 0


# --- statements -----------------------------------------------------------------------------


def test_statements_import_replaces_the_calendar_of_the_groups_in_the_file(db):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=True)
    with db.session() as session:
        kept = b.statement(session, lp.id, cohort=2024, deadline=date(2024, 10, 31))
        dropped = b.statement(session, lp.id, cohort=2024, deadline=date(2024, 11, 30))
        other_group = b.statement(session, lp.id, cohort=2023, deadline=date(2024, 11, 30))
        ids = kept.id, dropped.id, other_group.id
    result = _import(
        db,
        "statements",
        "lead_provider,cohort,type,name,deadline_date,payment_date,output_fee\n"
        "Alpha,2024,ecf,October 2024,2024-10-31,2024-11-25,true\n"
        "Alpha,2024,ecf,,2025-01-31,2025-02-25,false\n"
        "Alpha,2024,npq,December 2024,2024-12-31,2025-01-25,\n",
    )
    assert (result.created, result.updated) == (2, 1)
    assert result.notes == ["1 statement(s) no longer in the calendar removed"]
    with db.session() as session:
        assert session.get(Statement, ids[0]).payment_date == date(2024, 11, 25)
        assert session.get(Statement, ids[1]) is None
        assert session.get(Statement, ids[2]) is not None
        january = session.scalar(select(Statement).where(Statement.name == "January 2025"))
        assert (january.month, january.year, january.output_fee) == (1, 2025, False)
        npq = session.scalar(select(Statement).where(Statement.programme == "npq"))
        assert npq.output_fee is True and npq.state == "open"


def test_statements_with_declarations_cannot_be_dropped(db):
    from cpd_api.declarations.models import Declaration, StatementLineItem

    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    with db.session() as session:
        statement = b.statement(session, lp.id, cohort=2024, deadline=date(2024, 10, 31))
        ect = b.ect(session, b.partnership(session, lp.id))
        declaration = Declaration(
            lead_provider_id=lp.id,
            participant_id=ect.participant_id,
            participant_profile_id=ect.id,
            cohort_year=2024,
            course_identifier="ecf-induction",
            declaration_type="started",
            declaration_date=b.at("2024-10-01T10:00:00Z"),
            state="eligible",
        )
        session.add(declaration)
        session.flush()
        session.add(
            StatementLineItem(
                statement_id=statement.id, declaration_id=declaration.id, state="eligible"
            )
        )
        statement_id = statement.id
    errors = _rejected(
        db,
        "statements",
        "lead_provider,cohort,type,deadline_date,payment_date\n"
        "Alpha,2024,ecf,2024-11-30,2024-12-25\n",
    )
    assert errors == [
        f"line 2: October 2024 ({statement_id}) has declarations and is not in the file"
    ]
    errors = _rejected(
        db,
        "statements",
        "lead_provider,cohort,type,deadline_date,payment_date,state\n"
        "Alpha,2024,ecf,2024-10-31,2024-11-25,paid\n"
        "Nobody,2024,ecf,2024-10-31,2024-11-25,\n",
    )
    assert errors == ["line 3: no lead provider 'Nobody'"]
    errors = _rejected(
        db,
        "statements",
        "lead_provider,cohort,type,deadline_date,payment_date,state\n"
        "Alpha,2024,ecf,2024-10-31,2024-11-25,paid\n",
    )
    assert errors == ["line 2: October 2024 has declarations: change its state with finance"]
    with db.session() as session:
        assert session.get(Statement, statement_id).state == "open"


def test_bad_statement_rows(db):
    provider_with_token(db, "Alpha", ecf=True, npq=False)
    errors = _rejected(
        db,
        "statements",
        "lead_provider,cohort,type,name,deadline_date,payment_date\n"
        "Alpha,2024,tea,,2024-10-31,2024-11-25\n"
        "Alpha,2024,ecf,Smarch 2024,2024-10-31,2024-11-25\n"
        "Alpha,2024,ecf,,2024-13-31,2024-11-25\n",
    )
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4"]
    errors = _rejected(
        db,
        "statements",
        "lead_provider,cohort,type,deadline_date,payment_date\n"
        "Alpha,2024,ecf,2024-10-31,2024-10-01\n"
        "Alpha,2024,ecf,2024-10-31,2024-11-25\n"
        "Alpha,2031,ecf,2024-10-31,2024-11-25\n",
    )
    assert errors == [
        "line 2: payment_date is before deadline_date",
        "line 3: repeats the statement on line 2",
        "line 4: no cohort 2031",
    ]
    assert _count(db, Statement) == 0


# --- the command line -----------------------------------------------------------------------


def test_cli_import_reports_line_numbers_and_writes_nothing(
    db, database_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    config.get_settings.cache_clear()
    cli.database.cache_clear()
    try:
        bad = tmp_path / "schools.csv"
        bad.write_text("urn,name\n100001,Fine\n12,Bad\n")
        result = runner.invoke(cli.app, ["import", "schools", str(bad)])
        assert result.exit_code == 1
        assert "schools.csv: line 3: urn" in result.output
        assert _count(db, School) == 0
        good = tmp_path / "partners.jsonl"
        good.write_text('{"name": "Partner"}\n')
        result = runner.invoke(cli.app, ["import", "delivery-partners", str(good)])
        assert result.exit_code == 0, result.output
        assert "delivery-partners: 1 row(s) read, 1 created, 0 updated" in result.output
    finally:
        config.get_settings.cache_clear()
        cli.database.cache_clear()
