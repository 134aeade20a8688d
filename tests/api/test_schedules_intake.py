"""`cpd-api import schedules`: a new cohort's calendar from a file, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from cpd_api import cli
from cpd_api.core import config
from cpd_api.core.audit import AuditEvent
from cpd_api.schedules.models import Cohort, Milestone, Schedule

runner = CliRunner()
BUILT_IN_LAST_COHORT = 2025
HEADER = (
    "cohort,schedule_identifier,name,kind,declaration_type,start_date,milestone_date,"
    "payment_date,registration_start_date,mentor_funding\n"
)


@pytest.fixture
def import_schedules(db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    config.get_settings.cache_clear()
    cli.database.cache_clear()

    def invoke(text: str):
        path = tmp_path / "schedules.csv"
        path.write_text(HEADER + text)
        return runner.invoke(cli.app, ["import", "schedules", str(path)])

    yield invoke
    config.get_settings.cache_clear()
    cli.database.cache_clear()
    # Cohorts and schedules survive the per-test cleanup (they are reference data), so the
    # imported ones are removed here.
    with db.session() as session:
        imported = select(Schedule.id).where(Schedule.cohort_year > BUILT_IN_LAST_COHORT)
        session.execute(delete(Milestone).where(Milestone.schedule_id.in_(imported)))
        session.execute(delete(Schedule).where(Schedule.cohort_year > BUILT_IN_LAST_COHORT))
        session.execute(delete(Cohort).where(Cohort.start_year > BUILT_IN_LAST_COHORT))


def _counts(db):
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Cohort)),
            session.scalar(select(func.count()).select_from(Schedule)),
            session.scalar(select(func.count()).select_from(Milestone)),
        )


def test_a_new_cohort_and_its_schedule_are_created(db, import_schedules):
    before = _counts(db)
    result = import_schedules(
        "2026,ecf-standard-september,ECF Standard September,ecf-standard,started,"
        "2026-07-01,,2026-07-31,2026-04-01,true\n"
        "2026,ecf-standard-september,ECF Standard September,ecf-standard,completed,"
        "2026-07-01,2028-07-31,2028-08-31,,\n"
    )
    assert result.exit_code == 0, result.output
    assert "cohort 2026 created" in result.output
    assert _counts(db) == (before[0] + 1, before[1] + 1, before[2] + 2)
    with db.session() as session:
        cohort = session.get(Cohort, 2026)
        assert cohort.registration_start_date == date(2026, 4, 1)
        assert cohort.academic_year_start_date == date(2026, 9, 1)
        assert cohort.mentor_funding is True
        schedule = session.scalar(select(Schedule).where(Schedule.cohort_year == 2026))
        milestones = {m.declaration_type: m for m in schedule.milestones}
        assert milestones["started"].milestone_date is None
        assert milestones["completed"].milestone_date == date(2028, 7, 31)
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.entity_type == "schedule")
            )
            == 1
        )


def test_reimport_replaces_the_milestones(db, import_schedules):
    row = "2026,npq-leadership-autumn,NPQ Leadership Autumn,npq-leadership,{t},2026-10-01,,,{r},\n"
    first = import_schedules(
        row.format(t="started", r="2026-04-01") + row.format(t="completed", r="")
    )
    assert first.exit_code == 0, first.output
    second = import_schedules(row.format(t="started", r=""))
    assert second.exit_code == 0, second.output
    assert "1 updated" in second.output
    with db.session() as session:
        schedule = session.scalar(
            select(Schedule).where(
                Schedule.cohort_year == 2026, Schedule.identifier == "npq-leadership-autumn"
            )
        )
        assert [m.declaration_type for m in schedule.milestones] == ["started"]


def test_bad_rows_are_reported_by_line_and_nothing_is_written(db, import_schedules):
    before = _counts(db)
    result = import_schedules(
        "2026,ecf-standard-september,ECF Standard,ecf-standard,started,2026-07-01,,,2026-04-01,\n"
        "2026,ecf-standard-september,ECF Standard,ecf-standard,extended-1,2026-07-01,,,,\n"
        "2026,npq-specialist-autumn,NPQ Specialist,npq-specialist,retained-2,2026-10-01,,,,\n"
        "2026,ecf-standard-january,ECF Standard,ecf-standard,started,2027-01-01,2026-12-01,,,\n"
    )
    assert result.exit_code == 1
    assert "line 3:" in result.output and "extended-1" in result.output
    assert "line 4:" in result.output and "retained-2" in result.output
    assert "line 5:" in result.output and "milestone_date" in result.output
    assert _counts(db) == before


def test_the_built_in_calendar_cannot_be_overwritten(db, import_schedules):
    result = import_schedules(
        "2024,ecf-standard-september,ECF Standard,ecf-standard,started,2024-06-01,,,,\n"
    )
    assert result.exit_code == 1
    assert "built-in calendar" in result.output


def test_a_new_cohort_needs_its_registration_start_date(db, import_schedules):
    result = import_schedules(
        "2027,ecf-reduced-april,ECF Reduced April,ecf-reduced,started,2028-04-01,,,,\n"
    )
    assert result.exit_code == 1
    assert "cohort 2027 does not exist" in result.output
