"""Loading the built-in calendar (cohorts, schedules, milestones, NPQ courses) into the
database. Idempotent: existing rows are updated in place, so `db upgrade` can run on every
deploy and later corrections to the calendar reach existing databases."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import reference_data as ref
from .models import Cohort, Milestone, NpqCourse, Schedule


@dataclass(frozen=True)
class ReferenceDataSummary:
    cohorts: int
    schedules: int
    milestones: int
    npq_courses: int


def _load_cohorts(session: Session) -> None:
    existing = {c.start_year: c for c in session.scalars(select(Cohort))}
    for spec in ref.COHORTS:
        cohort = existing.get(spec.start_year) or Cohort(start_year=spec.start_year)
        cohort.registration_start_date = spec.registration_start_date
        cohort.academic_year_start_date = spec.academic_year_start_date
        cohort.payments_frozen_at = spec.payments_frozen_at
        cohort.mentor_funding = spec.mentor_funding
        cohort.detailed_evidence_types = spec.detailed_evidence_types
        cohort.npq_funding_cap = spec.npq_funding_cap
        session.add(cohort)
    session.flush()


def load_schedule(session: Session, spec: ref.ScheduleSpec) -> Schedule:
    schedule = session.scalar(
        select(Schedule).where(
            Schedule.identifier == spec.identifier, Schedule.cohort_year == spec.cohort
        )
    )
    if schedule is None:
        schedule = Schedule(identifier=spec.identifier, cohort_year=spec.cohort)
        session.add(schedule)
    schedule.name = spec.name
    schedule.kind = spec.kind
    schedule.identifier_alias = spec.identifier_alias
    session.flush()
    milestones = {m.declaration_type: m for m in schedule.milestones}
    for milestone_spec in spec.milestones:
        milestone = milestones.get(milestone_spec.declaration_type)
        if milestone is None:
            milestone = Milestone(declaration_type=milestone_spec.declaration_type)
            schedule.milestones.append(milestone)
        milestone.start_date = milestone_spec.start_date
        milestone.milestone_date = milestone_spec.milestone_date
        milestone.payment_date = milestone_spec.payment_date
    return schedule


def _load_courses(session: Session) -> None:
    existing = {c.identifier: c for c in session.scalars(select(NpqCourse))}
    for spec in ref.NPQ_COURSES:
        course = existing.get(spec.identifier) or NpqCourse(identifier=spec.identifier)
        course.name = spec.name
        course.group = spec.group
        course.qualification_code = spec.qualification_code
        course.has_outcomes = spec.has_outcomes
        course.uplift_possible = spec.uplift_possible
        session.add(course)


def load_reference_data(session: Session) -> ReferenceDataSummary:
    _load_cohorts(session)
    for spec in ref.SCHEDULES:
        load_schedule(session, spec)
    _load_courses(session)
    session.flush()
    return ReferenceDataSummary(
        cohorts=len(ref.COHORTS),
        schedules=len(ref.SCHEDULES),
        milestones=sum(len(s.milestones) for s in ref.SCHEDULES),
        npq_courses=len(ref.NPQ_COURSES),
    )
