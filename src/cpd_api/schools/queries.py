"""The v3 schools listing: one statement per page, whatever the page size.

A school is listed for a cohort when it is eligible for funded training (and not CIP-only)
or when it has an unchallenged, non-relationship partnership in that cohort with any
provider. Visibility is the same for every provider."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from cpd_api.core.paging import Page
from cpd_api.core.sorting import order_by, parse_sort
from cpd_api.partnerships.models import Partnership
from cpd_api.schedules.models import Cohort

from .models import School, SchoolCohort

SORT_COLUMNS = {"created_at": School.created_at, "updated_at": School.updated_at}


@dataclass(frozen=True, slots=True)
class SchoolRow:
    id: uuid.UUID
    name: str
    urn: str
    cohort: int
    in_partnership: bool
    induction_programme_choice: str | None
    created_at: datetime
    updated_at: datetime
    school_cohort_updated_at: datetime | None


def _unchallenged(cohort: int):
    return and_(
        Partnership.school_id == School.id,
        Partnership.cohort_year == cohort,
        Partnership.challenged_at.is_(None),
        Partnership.challenge_reason.is_(None),
    )


def _visible(cohort: int):
    partnered = exists().where(_unchallenged(cohort), Partnership.relationship.is_(false()))
    return or_(and_(School.funding_eligible.is_(true()), School.cip_only.is_(false())), partnered)


def _select(cohort: int):
    in_partnership = exists().where(_unchallenged(cohort)).label("in_partnership")
    return (
        select(
            School.id,
            School.name,
            School.urn,
            in_partnership,
            SchoolCohort.induction_programme_choice,
            School.created_at,
            School.updated_at,
            SchoolCohort.updated_at.label("school_cohort_updated_at"),
        )
        .select_from(School)
        .outerjoin(
            SchoolCohort,
            and_(SchoolCohort.school_id == School.id, SchoolCohort.cohort_year == cohort),
        )
        .where(_visible(cohort))
    )


def _row(cohort: int, row) -> SchoolRow:
    return SchoolRow(
        id=row.id,
        name=row.name,
        urn=row.urn,
        cohort=cohort,
        in_partnership=bool(row.in_partnership),
        induction_programme_choice=row.induction_programme_choice,
        created_at=row.created_at,
        updated_at=row.updated_at,
        school_cohort_updated_at=row.school_cohort_updated_at,
    )


def parse_single_cohort(value: str) -> int | None:
    """`filter[cohort]` on schools names one start year; anything else matches nothing."""
    text = value.strip()
    return int(text) if text.isdigit() and len(text) <= 6 else None


def _cohort_exists(session: Session, cohort: int | None) -> bool:
    return cohort is not None and session.get(Cohort, cohort) is not None


def list_schools(
    session: Session,
    *,
    cohort: int | None,
    urn: str | None,
    updated_since: datetime | None,
    sort: str | None,
    page: Page,
) -> list[SchoolRow]:
    if not _cohort_exists(session, cohort):
        return []
    assert cohort is not None
    query = _select(cohort)
    if urn is not None:
        query = query.where(School.urn == urn)
    if updated_since is not None:
        any_cohort = aliased(SchoolCohort)
        changed_cohort = exists().where(
            any_cohort.school_id == School.id, any_cohort.updated_at >= updated_since
        )
        query = query.where(or_(School.updated_at >= updated_since, changed_cohort))
    ordering = order_by(parse_sort(sort, SORT_COLUMNS), SORT_COLUMNS)
    query = query.order_by(*ordering, School.created_at, School.id)
    query = query.offset(page.offset).limit(page.limit)
    return [_row(cohort, row) for row in session.execute(query)]


def find_school(session: Session, school_id: uuid.UUID, *, cohort: int | None) -> SchoolRow | None:
    if not _cohort_exists(session, cohort):
        return None
    assert cohort is not None
    row = session.execute(_select(cohort).where(School.id == school_id)).first()
    return None if row is None else _row(cohort, row)
