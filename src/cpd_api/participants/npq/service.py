"""NPQ participant actions (npq.md 3.4 to 3.8): withdraw, defer, resume, change schedule.

Each use case is one transaction: it locks the person, gathers the facts, lets `rules`
decide, writes, moves every `updated_at` that the change shows through, records an audit
event and commits. A refused request raises before anything is written."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.database import lock_for_write
from cpd_api.core.errors import UnprocessableEntity
from cpd_api.declarations.models import Declaration
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.providers.authentication import CallingProvider
from cpd_api.schedules.models import Milestone, Schedule

from ..identity import as_uuid
from ..models import Participant, ParticipantIdChange, ParticipantProfile, ParticipantProfileState
from ..timestamps import touch_participants
from . import rules
from .funding import capping_context, has_any_contract


@dataclass(frozen=True, slots=True)
class Target:
    person: Participant
    profile: ParticipantProfile
    application: NpqApplication


def _actor(provider: CallingProvider) -> Actor:
    return Actor.provider(provider.id, provider.name)


def resolve_person(session: Session, participant_id: object) -> Participant | None:
    """The person a participant id in a request means. A retired id (merged by TRN
    de-duplication) means its survivor even though the retired record itself remains."""
    wanted = as_uuid(participant_id)
    if wanted is None:
        return None
    survivor_id = session.scalar(
        select(ParticipantIdChange.participant_id)
        .where(ParticipantIdChange.from_participant_id == wanted)
        .order_by(ParticipantIdChange.created_at.desc())
        .limit(1)
    )
    return session.get(Participant, survivor_id or wanted)


def _holds_kind(session: Session, person_id: uuid.UUID, kind: str | None) -> bool:
    if kind is None:
        return False
    found = session.scalar(
        select(ParticipantProfile.id)
        .where(
            ParticipantProfile.participant_id == person_id,
            ParticipantProfile.profile_type == kind,
            ParticipantProfile.status == "active",
        )
        .limit(1)
    )
    return found is not None


def _enrolment(
    session: Session, provider_id: uuid.UUID, person_id: uuid.UUID, course: str
) -> ParticipantProfile | None:
    return session.scalar(
        select(ParticipantProfile)
        .where(
            ParticipantProfile.participant_id == person_id,
            ParticipantProfile.profile_type == "npq",
            ParticipantProfile.course_identifier == course,
            ParticipantProfile.lead_provider_id == provider_id,
        )
        .order_by(ParticipantProfile.created_at.desc(), ParticipantProfile.id)
        .limit(1)
    )


def resolve_target(
    session: Session,
    provider: CallingProvider,
    participant_id: object,
    course_identifier: object,
) -> tuple[list[rules.Error], Target | None]:
    """npq.md 3.4: the enrolment an action is about, or the errors saying why there is none.

    Locks the person first so that two actions on the same person run one after the other."""
    person = resolve_person(session, participant_id)
    if person is not None:
        lock_for_write(session, f"npq-participant:{person.id}")
    course = course_identifier if isinstance(course_identifier, str) else None
    holds = person is not None and _holds_kind(session, person.id, rules.course_kind(course))
    profile = None
    if person is not None and holds and course:
        profile = _enrolment(session, provider.id, person.id, course)
    errors = rules.resolution_errors(
        person_known=person is not None,
        course_identifier=course_identifier,
        holds_course_kind=holds,
        enrolment_found=profile is not None,
    )
    if profile is None or person is None:
        return errors, None
    application = session.get(NpqApplication, profile.npq_application_id)
    if application is None:
        return [*errors, ("participant_id", rules.PARTICIPANT_NOT_RECOGNISED)], None
    return errors, Target(person, profile, application)


def _declaration_types(session: Session, profile_id: uuid.UUID, provider_id: uuid.UUID):
    return set(
        session.scalars(
            select(Declaration.declaration_type).where(
                Declaration.participant_profile_id == profile_id,
                Declaration.lead_provider_id == provider_id,
            )
        )
    )


def _set_training_status(
    session: Session,
    provider: CallingProvider,
    target: Target,
    status: str,
    reason: str | None,
    action: str,
) -> None:
    now = clock.now_seconds()
    previous = target.profile.training_status
    session.add(
        ParticipantProfileState(
            participant_profile_id=target.profile.id,
            lead_provider_id=provider.id,
            state=status,
            reason=reason,
            created_at=now,
        )
    )
    target.profile.training_status = status
    target.profile.updated_at = now
    touch_participants(session, [target.person.id])
    record_change(
        session,
        _actor(provider),
        "npq_enrolment",
        target.profile.id,
        action,
        {"training_status": [previous, status], "reason": reason},
    )
    session.commit()


def _fail_if(errors: list[rules.Error]) -> None:
    if errors:
        raise UnprocessableEntity(errors)


def withdraw(
    session: Session, provider: CallingProvider, participant_id: object, attributes: dict
) -> uuid.UUID:
    errors, target = resolve_target(
        session, provider, participant_id, attributes.get("course_identifier")
    )
    reason = attributes.get("reason")
    errors += rules.reason_errors(reason, rules.WITHDRAWAL_REASONS)
    if target is not None:
        types = _declaration_types(session, target.profile.id, provider.id)
        errors += rules.withdraw_errors(target.profile.training_status, "started" in types)
    _fail_if(errors)
    assert target is not None
    _set_training_status(session, provider, target, "withdrawn", reason, "withdraw")
    return target.person.id


def defer(
    session: Session, provider: CallingProvider, participant_id: object, attributes: dict
) -> uuid.UUID:
    errors, target = resolve_target(
        session, provider, participant_id, attributes.get("course_identifier")
    )
    reason = attributes.get("reason")
    errors += rules.reason_errors(reason, rules.DEFERRAL_REASONS)
    if target is not None:
        types = _declaration_types(session, target.profile.id, provider.id)
        errors += rules.defer_errors(target.profile.training_status, bool(types))
    _fail_if(errors)
    assert target is not None
    _set_training_status(session, provider, target, "deferred", reason, "defer")
    return target.person.id


def resume(
    session: Session, provider: CallingProvider, participant_id: object, attributes: dict
) -> uuid.UUID:
    errors, target = resolve_target(
        session, provider, participant_id, attributes.get("course_identifier")
    )
    if target is not None:
        errors += rules.resume_errors(target.profile.training_status)
    _fail_if(errors)
    assert target is not None
    _set_training_status(session, provider, target, "active", None, "resume")
    return target.person.id


def _plan(session: Session, schedule: Schedule) -> rules.SchedulePlan:
    starts = {
        m.declaration_type: m.start_date
        for m in session.scalars(select(Milestone).where(Milestone.schedule_id == schedule.id))
    }
    return rules.SchedulePlan(
        schedule.id, schedule.identifier, schedule.cohort_year, schedule.kind, starts
    )


def find_schedule(session: Session, identifier: object, cohort: int) -> Schedule | None:
    """A schedule of one cohort by identifier, or by alias when no identifier matches."""
    if not isinstance(identifier, str) or not identifier.strip():
        return None
    in_cohort = list(
        session.scalars(
            select(Schedule).where(
                Schedule.cohort_year == cohort,
                (Schedule.identifier == identifier) | (Schedule.identifier_alias == identifier),
            )
        )
    )
    for schedule in in_cohort:
        if schedule.identifier == identifier:
            return schedule
    return in_cohort[0] if in_cohort else None


def touch_course_applications(
    session: Session, participant_id: uuid.UUID, course_identifier: str
) -> None:
    """Mark every application of the person for the course (rebranded alternatives too) as
    changed: their `eligible_for_funding` depends on each other's status and funded place."""
    session.execute(
        update(NpqApplication)
        .where(
            NpqApplication.participant_id == participant_id,
            NpqApplication.course_identifier.in_(rules.same_course_identifiers(course_identifier)),
        )
        .values(updated_at=clock.now_seconds())
        .execution_options(synchronize_session="fetch")
    )


def change_schedule(
    session: Session,
    provider: CallingProvider,
    participant_id: object,
    attributes: dict[str, Any],
    *,
    capping_on: bool,
) -> uuid.UUID:
    errors, target = resolve_target(
        session, provider, participant_id, attributes.get("course_identifier")
    )
    identifier = attributes.get("schedule_identifier")
    if target is None:
        if rules.blank(identifier):
            errors.append(("schedule_identifier", rules.SCHEDULE_MISSING))
        _fail_if(errors)
        raise AssertionError("an unresolved target always has errors")
    _fail_if(errors)

    profile, application = target.profile, target.application
    current_schedule = session.get(Schedule, profile.schedule_id)
    assert current_schedule is not None
    current = _plan(session, current_schedule)
    wanted_cohort = rules.requested_cohort(attributes.get("cohort"))
    target_cohort = current.cohort if wanted_cohort is None else wanted_cohort
    schedule = (
        None if target_cohort == "invalid" else find_schedule(session, identifier, target_cohort)
    )
    today = clock.today()
    course = profile.course_identifier
    current_context = capping_context(session, provider.id, application.cohort_year, course, today)
    target_context = (
        capping_context(session, provider.id, schedule.cohort_year, course, today)
        if schedule is not None
        else None
    )
    billable = [
        rules.BillableDeclaration(t, d)
        for t, d in session.execute(
            select(Declaration.declaration_type, Declaration.declaration_date).where(
                Declaration.participant_profile_id == profile.id,
                Declaration.state.in_(rules.BILLABLE_STATES),
            )
        )
    ]
    facts = rules.ScheduleChange(
        schedule_identifier=identifier,
        course_identifier=course,
        training_status=profile.training_status,
        current=current,
        target=_plan(session, schedule) if schedule is not None else None,
        target_cohort=target_cohort if isinstance(target_cohort, int) else -1,
        billable_declarations=billable,
        capping_on=capping_on,
        current_contract_data_ok=current_context.contract_data_ok,
        target_contract_exists=schedule is not None
        and has_any_contract(session, provider.id, schedule.cohort_year, course),
        current_capped=current_context.capped if current_context.contract else None,
        target_capped=(
            target_context.capped if target_context and target_context.contract else None
        ),
    )
    _fail_if(rules.change_schedule_errors(facts))
    assert schedule is not None and target_context is not None

    changes: dict[str, Any] = {"schedule": [current.identifier, schedule.identifier]}
    profile.schedule_id = schedule.id
    profile.cohort_year = schedule.cohort_year
    profile.updated_at = clock.now_seconds()
    application.schedule_id = schedule.id
    if schedule.cohort_year != application.cohort_year:
        changes["cohort"] = [application.cohort_year, schedule.cohort_year]
        if capping_on and target_context.capped and not current_context.capped:
            changes["funded_place"] = [application.funded_place, application.eligible_for_funding]
            application.funded_place = application.eligible_for_funding
        application.cohort_year = schedule.cohort_year
    application.updated_at = clock.now_seconds()
    if "funded_place" in changes:
        touch_course_applications(session, target.person.id, course)
    touch_participants(session, [target.person.id])
    record_change(
        session, _actor(provider), "npq_enrolment", profile.id, "change_schedule", changes
    )
    session.commit()
    return target.person.id
