"""`cpd-api import schedules FILE`: a new cohort's calendar, so the service outlives the
calendar built into this release.

One row per milestone: `cohort`, `schedule_identifier`, `name`, `kind` (one of
SCHEDULE_KINDS), `declaration_type`, `start_date`, optional `milestone_date` (blank =
open-ended), `payment_date` and `identifier_alias`. A cohort that does not exist yet is
created from the first of its rows, which must then give `registration_start_date` (and may
give `mentor_funding`, `detailed_evidence_types`, `npq_funding_cap`, all false by default).

Schedules of the built-in calendar are refused: `db upgrade` reloads them on every deploy, so
an imported change to them would silently disappear. Importing the same schedule again
replaces its milestones with the file's."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError

from . import reference_data as ref
from .models import Cohort, Schedule
from .service import load_schedule


class ScheduleIntakeRow(BaseModel):
    cohort: int = Field(ge=2021, le=2100)
    schedule_identifier: str = Field(pattern=r"^(ecf|npq)-[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    name: str = Field(min_length=1, max_length=255)
    kind: str
    declaration_type: str
    start_date: date
    milestone_date: date | None = None
    payment_date: date | None = None
    identifier_alias: str | None = Field(None, max_length=64)
    registration_start_date: date | None = None
    mentor_funding: bool | None = None
    detailed_evidence_types: bool | None = None
    npq_funding_cap: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ScheduleIntakeRow:
        if self.kind not in ref.SCHEDULE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(ref.SCHEDULE_KINDS)}")
        if self.declaration_type not in allowed_declaration_types(self.kind):
            raise ValueError(
                f"declaration_type {self.declaration_type!r} does not belong on a "
                f"{self.kind} schedule"
            )
        if self.schedule_identifier.split("-")[0] != self.kind.split("-")[0]:
            raise ValueError("schedule_identifier and kind must be of the same programme")
        if self.milestone_date is not None and self.milestone_date < self.start_date:
            raise ValueError("milestone_date must not be before start_date")
        return self


def allowed_declaration_types(kind: str) -> tuple[str, ...]:
    """Which milestones a schedule of `kind` may have (only extended ECF ones go past
    `completed`; NPQ families have their own sets)."""
    if kind in ref.NPQ_DECLARATION_TYPES_BY_KIND:
        return ref.NPQ_DECLARATION_TYPES_BY_KIND[kind]
    if kind == "ecf-extended":
        return ref.DECLARATION_TYPES
    return ref.DECLARATION_TYPES[:6]


_BUILT_IN = {(spec.identifier, spec.cohort) for spec in ref.SCHEDULES}


def _group(
    rows: list[tuple[int, ScheduleIntakeRow]],
) -> dict[tuple[str, int], list[tuple[int, ScheduleIntakeRow]]]:
    groups: dict[tuple[str, int], list[tuple[int, ScheduleIntakeRow]]] = defaultdict(list)
    for line, row in rows:
        groups[(row.schedule_identifier, row.cohort)].append((line, row))
    return groups


def _check(
    groups: dict[tuple[str, int], list[tuple[int, ScheduleIntakeRow]]], known_cohorts: set[int]
) -> list[RowError]:
    errors: list[RowError] = []
    new_cohorts_described: set[int] = set()
    for (identifier, cohort), members in groups.items():
        first_line, first = members[0]
        if (identifier, cohort) in _BUILT_IN:
            errors.append(
                RowError(
                    first_line,
                    f"{identifier} {cohort} is part of the built-in calendar and cannot be "
                    "imported",
                )
            )
        seen: set[str] = set()
        for line, row in members:
            if (row.name, row.kind, row.identifier_alias) != (
                first.name,
                first.kind,
                first.identifier_alias,
            ):
                errors.append(
                    RowError(
                        line,
                        f"name, kind and alias differ from line {first_line} for the same schedule",
                    )
                )
            if row.declaration_type in seen:
                errors.append(RowError(line, f"{row.declaration_type} given twice"))
            seen.add(row.declaration_type)
            if cohort not in known_cohorts and row.registration_start_date is not None:
                new_cohorts_described.add(cohort)
    for (_, cohort), members in groups.items():
        if cohort not in known_cohorts and cohort not in new_cohorts_described:
            errors.append(
                RowError(
                    members[0][0],
                    f"cohort {cohort} does not exist: give its registration_start_date",
                )
            )
            new_cohorts_described.add(cohort)  # report once per cohort
    return sorted(errors, key=lambda error: error.line)


def _create_cohort(session: Session, year: int, rows: list[ScheduleIntakeRow]) -> Cohort:
    described = next(row for row in rows if row.registration_start_date is not None)
    cohort = Cohort(
        start_year=year,
        registration_start_date=described.registration_start_date,
        academic_year_start_date=date(year, 9, 1),
        payments_frozen_at=None,
        mentor_funding=bool(described.mentor_funding),
        detailed_evidence_types=bool(described.detailed_evidence_types),
        npq_funding_cap=bool(described.npq_funding_cap),
    )
    session.add(cohort)
    session.flush()
    return cohort


def apply_schedules(
    session: Session, rows: list[tuple[int, ScheduleIntakeRow]], actor: Actor
) -> IntakeResult:
    groups = _group(rows)
    known = set(session.scalars(select(Cohort.start_year)))
    errors = _check(groups, known)
    if errors:
        raise IntakeRejected(errors)
    result = IntakeResult("schedules", rows=len(rows))
    by_cohort: dict[int, list[ScheduleIntakeRow]] = defaultdict(list)
    for _, row in rows:
        by_cohort[row.cohort].append(row)
    for year in sorted(set(by_cohort) - known):
        _create_cohort(session, year, by_cohort[year])
        record_change(session, actor, "cohort", year, "created")
        result.notes.append(f"cohort {year} created")
    for (identifier, cohort), members in groups.items():
        first = members[0][1]
        spec = ref.ScheduleSpec(
            identifier=identifier,
            cohort=cohort,
            name=first.name,
            kind=first.kind,
            identifier_alias=first.identifier_alias,
            milestones=tuple(
                ref.MilestoneSpec(
                    declaration_type=row.declaration_type,
                    start_date=row.start_date,
                    milestone_date=row.milestone_date,
                    payment_date=row.payment_date,
                )
                for _, row in members
            ),
        )
        existed = session.scalar(
            select(Schedule.id).where(
                Schedule.identifier == identifier, Schedule.cohort_year == cohort
            )
        )
        schedule = load_schedule(session, spec)
        wanted = {m.declaration_type for m in spec.milestones}
        for milestone in list(schedule.milestones):
            if milestone.declaration_type not in wanted:
                schedule.milestones.remove(milestone)
        session.flush()
        record_change(
            session,
            actor,
            "schedule",
            schedule.id,
            "imported",
            {"identifier": identifier, "cohort": cohort, "milestones": sorted(wanted)},
        )
        if existed is not None:
            result.updated += 1
        else:
            result.created += 1
    return result


SCHEDULES = IntakeKind(
    name="schedules",
    row_model=ScheduleIntakeRow,
    apply=apply_schedules,
    description="a new cohort's schedules and milestones (one row per milestone)",
)
