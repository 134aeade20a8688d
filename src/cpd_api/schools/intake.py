"""`cpd-api import schools FILE`: establishments (GIAS data) and, optionally, each school's
induction programme choice per cohort.

One row per school, or per school and cohort when `cohort` is given (the school's own
columns must then agree on every row of that URN). Funding eligibility and "CIP-only" are
decided here from the establishment type and status, so reads never re-derive them. A
change moves `updated_at` of the school and of everything that shows it: its partnerships
(URN, induction tutor) and, when the URN changes, the participants trained there."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError
from cpd_api.participants.models import InductionRecord, Participant, ParticipantProfile
from cpd_api.partnerships.models import Partnership
from cpd_api.schedules.models import Cohort

from . import rules
from .models import INDUCTION_PROGRAMME_CHOICES, School, SchoolCohort

SCHOOL_FIELDS = (
    "name",
    "ukprn",
    "establishment_type_code",
    "establishment_status_code",
    "in_england",
    "section_41_approved",
    "induction_tutor_name",
    "induction_tutor_email",
)


class SchoolIntakeRow(BaseModel):
    id: uuid.UUID | None = None
    urn: str = Field(pattern=r"^\d{6}$", description="six digits")
    name: str = Field(min_length=1, max_length=255)
    ukprn: str | None = Field(None, max_length=16)
    establishment_type_code: str | None = Field(None, max_length=8)
    establishment_status_code: str | None = Field(None, max_length=8)
    in_england: bool | None = None
    section_41_approved: bool | None = None
    induction_tutor_name: str | None = Field(None, max_length=255)
    induction_tutor_email: str | None = Field(None, max_length=255)
    cohort: int | None = None
    induction_programme_choice: Literal[INDUCTION_PROGRAMME_CHOICES] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _choice_needs_cohort(self) -> SchoolIntakeRow:
        if self.induction_programme_choice is not None and self.cohort is None:
            raise ValueError("induction_programme_choice needs a cohort")
        return self

    def school_values(self) -> dict:
        in_england = True if self.in_england is None else self.in_england
        section_41 = bool(self.section_41_approved)
        flags = {"in_england": in_england, "section_41_approved": section_41}
        return {
            "name": self.name.strip(),
            "ukprn": self.ukprn,
            "establishment_type_code": self.establishment_type_code,
            "establishment_status_code": self.establishment_status_code,
            **flags,
            "induction_tutor_name": self.induction_tutor_name,
            "induction_tutor_email": self.induction_tutor_email,
            "funding_eligible": rules.is_funding_eligible(
                self.establishment_type_code, self.establishment_status_code, **flags
            ),
            "cip_only": rules.is_cip_only(
                self.establishment_type_code, self.establishment_status_code, **flags
            ),
        }


def _check(
    session: Session, rows: list[tuple[int, SchoolIntakeRow]]
) -> tuple[dict[str, School], dict[uuid.UUID, School]]:
    """Every problem that needs the database or other rows, before anything is written."""
    problems: list[RowError] = []
    first_line: dict[str, tuple[int, SchoolIntakeRow]] = {}
    seen_cohorts: set[tuple[str, int]] = set()
    id_owner: dict[uuid.UUID, str] = {}
    for line, row in rows:
        if row.urn in first_line:
            other_line, other = first_line[row.urn]
            if row.school_values() != other.school_values() or row.id != other.id:
                problems.append(
                    RowError(line, f"school {row.urn} differs from its row on line {other_line}")
                )
        else:
            first_line[row.urn] = (line, row)
        if row.cohort is not None:
            if (row.urn, row.cohort) in seen_cohorts:
                problems.append(RowError(line, f"school {row.urn} cohort {row.cohort} repeated"))
            seen_cohorts.add((row.urn, row.cohort))
        if row.id is not None and id_owner.setdefault(row.id, row.urn) != row.urn:
            problems.append(RowError(line, f"id {row.id} is given to two URNs"))
    known_cohorts = set(session.scalars(select(Cohort.start_year)))
    for line, row in rows:
        if row.cohort is not None and row.cohort not in known_cohorts:
            problems.append(RowError(line, f"no cohort {row.cohort}"))
    by_urn = {
        s.urn: s for s in session.scalars(select(School).where(School.urn.in_(list(first_line))))
    }
    ids = [row.id for _, row in first_line.values() if row.id is not None]
    by_id = {s.id: s for s in session.scalars(select(School).where(School.id.in_(ids)))}
    for line, row in first_line.values():
        holder = by_urn.get(row.urn)
        if row.id is not None and holder is not None and holder.id != row.id:
            problems.append(
                RowError(line, f"URN {row.urn} belongs to another school ({holder.id})")
            )
    if problems:
        raise IntakeRejected(sorted(problems, key=lambda e: e.line))
    return by_urn, by_id


def _touch_dependants(session: Session, school_id: uuid.UUID, urn_changed: bool, now) -> None:
    session.execute(
        update(Partnership)
        .where(Partnership.school_id == school_id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if urn_changed:
        people = (
            select(ParticipantProfile.participant_id)
            .join(InductionRecord, InductionRecord.participant_profile_id == ParticipantProfile.id)
            .where(InductionRecord.school_id == school_id)
        )
        session.execute(
            update(Participant)
            .where(Participant.id.in_(people))
            .values(updated_at=now)
            .execution_options(synchronize_session=False)
        )


def apply_schools(
    session: Session, rows: list[tuple[int, SchoolIntakeRow]], actor: Actor
) -> IntakeResult:
    by_urn, by_id = _check(session, rows)
    result = IntakeResult("schools", len(rows))
    now = clock.now_seconds()
    schools: dict[str, School] = {}
    for _line, row in rows:
        if row.urn in schools:
            continue
        values = row.school_values()
        school = by_id.get(row.id) if row.id is not None else None
        school = school or by_urn.get(row.urn)
        if school is None:
            school = School(id=row.id or uuid.uuid4(), urn=row.urn, **values)
            session.add(school)
            result.created += 1
            record_change(session, actor, "school", school.id, "created", {"urn": row.urn})
        else:
            changes = {k: v for k, v in values.items() if getattr(school, k) != v}
            urn_changed = school.urn != row.urn
            if urn_changed:
                changes["urn"] = row.urn
            if changes:
                for key, value in changes.items():
                    setattr(school, key, value)
                school.updated_at = now
                session.flush()
                _touch_dependants(session, school.id, urn_changed, now)
                result.updated += 1
                record_change(session, actor, "school", school.id, "updated", changes)
        schools[row.urn] = school
    session.flush()
    _apply_cohorts(session, rows, schools, now, result)
    session.flush()
    return result


def _apply_cohorts(session, rows, schools: dict[str, School], now, result: IntakeResult) -> None:
    wanted = [(row, schools[row.urn]) for _, row in rows if row.cohort is not None]
    if not wanted:
        return
    existing = {
        (sc.school_id, sc.cohort_year): sc
        for sc in session.scalars(
            select(SchoolCohort).where(
                SchoolCohort.school_id.in_({school.id for _, school in wanted})
            )
        )
    }
    changed = 0
    for row, school in wanted:
        choice = row.induction_programme_choice or "not_yet_known"
        current = existing.get((school.id, row.cohort))
        if current is None:
            session.add(
                SchoolCohort(
                    school_id=school.id, cohort_year=row.cohort, induction_programme_choice=choice
                )
            )
        elif row.induction_programme_choice is None or current.induction_programme_choice == choice:
            continue
        else:
            current.induction_programme_choice = choice
            current.updated_at = now
        # The school's listing shows the cohort's choice: the school has changed too.
        school.updated_at = now
        changed += 1
    if changed:
        result.notes.append(f"{changed} school cohort choice(s) set")


SCHOOLS = IntakeKind(
    name="schools",
    row_model=SchoolIntakeRow,
    apply=apply_schools,
    description=(
        "Schools: urn, name, establishment_type_code, establishment_status_code, in_england, "
        "section_41_approved, induction tutor; optional cohort and induction_programme_choice"
    ),
)
