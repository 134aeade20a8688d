"""ECF participant actions (withdraw, defer, resume, change-schedule): one transaction each.

Every action validates in the public service's order (rules.py), then records the provider's
training-status event, writes a new version of the provider's relevant induction record (the
history is never rewritten), mirrors the status on the profile, moves the participant's
`updated_at` and appends an audit event. Nothing is written when validation fails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.database import lock_for_write
from cpd_api.core.errors import UnprocessableEntity
from cpd_api.declarations.models import Declaration
from cpd_api.partnerships.models import Partnership
from cpd_api.providers.authentication import CallingProvider
from cpd_api.schedules.models import Cohort, Milestone, Schedule

from ..identity import EcfResolution, relevant_induction_record, resolve_ecf
from ..models import InductionRecord, ParticipantProfile, ParticipantProfileState
from ..timestamps import touch_participant
from . import rules


@dataclass(frozen=True, slots=True)
class ActionResult:
    """Who changed and which induction record now speaks for the provider."""

    participant_id: uuid.UUID
    profile_id: uuid.UUID
    record_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class _Target:
    resolution: EcfResolution
    record: InductionRecord | None

    @property
    def resolved(self) -> rules.Resolved:
        return rules.Resolved(
            participant_found=self.resolution.participant is not None,
            profile_found=self.resolution.profile is not None,
            has_relevant_record=self.record is not None,
        )


def _find(
    session: Session, provider: CallingProvider, participant_id: str, attributes: dict[str, Any]
) -> _Target:
    lock_for_write(session, f"ecf-participant:{participant_id}")
    course = rules.as_text(attributes.get("course_identifier"))
    resolution = resolve_ecf(session, participant_id, course)
    record = None
    if resolution.profile is not None:
        record = relevant_induction_record(session, resolution.profile.id, provider.id)
    return _Target(resolution, record)


def new_record_version(
    session: Session, record: InductionRecord, **changes: Any
) -> InductionRecord:
    """ecf.md 1.1 history rule: close the current record and open a changed copy from now;
    a record that has not started yet is simply edited."""
    now = clock.now_seconds()
    if record.start_date > now:
        for name, value in changes.items():
            setattr(record, name, value)
        session.flush()
        return record
    copy = InductionRecord(
        participant_profile_id=record.participant_profile_id,
        school_id=record.school_id,
        cohort_year=record.cohort_year,
        partnership_id=record.partnership_id,
        schedule_id=record.schedule_id,
        mentor_profile_id=record.mentor_profile_id,
        email=record.email,
        training_status=record.training_status,
        induction_status=record.induction_status,
        start_date=now,
        end_date=record.end_date,
        school_transfer=record.school_transfer,
    )
    for name, value in changes.items():
        setattr(copy, name, value)
    record.induction_status = "changed"
    if record.end_date is None:
        record.end_date = now
    session.add(copy)
    session.flush()
    return copy


def _set_training_status(
    session: Session,
    provider: CallingProvider,
    target: _Target,
    state: str,
    reason: str | None,
    action: str,
) -> ActionResult:
    profile = target.resolution.profile
    record = target.record
    assert profile is not None and record is not None  # guaranteed by the validations
    previous = record.training_status
    session.add(
        ParticipantProfileState(
            participant_profile_id=profile.id,
            lead_provider_id=provider.id,
            state=state,
            reason=reason,
            created_at=clock.now_seconds(),
        )
    )
    new_record = new_record_version(session, record, training_status=state)
    profile.training_status = state
    touch_participant(session, profile.participant_id)
    record_change(
        session,
        Actor.provider(provider.id, provider.name),
        "participant_profile",
        profile.id,
        action,
        {"training_status": [previous, state], "reason": reason},
    )
    session.commit()
    return ActionResult(profile.participant_id, profile.id, new_record.id)


def withdraw(
    session: Session, provider: CallingProvider, participant_id: str, attributes: dict[str, Any]
) -> ActionResult:
    target = _find(session, provider, participant_id, attributes)
    reason = attributes.get("reason")
    status = target.record.training_status if target.record else None
    errors = rules.withdraw_errors(
        attributes.get("course_identifier"), reason, target.resolved, status
    )
    if errors:
        raise UnprocessableEntity(errors)
    return _set_training_status(
        session, provider, target, "withdrawn", rules.as_text(reason), "withdraw"
    )


def defer(
    session: Session, provider: CallingProvider, participant_id: str, attributes: dict[str, Any]
) -> ActionResult:
    target = _find(session, provider, participant_id, attributes)
    reason = attributes.get("reason")
    status = target.record.training_status if target.record else None
    errors = rules.defer_errors(
        attributes.get("course_identifier"), reason, target.resolved, status
    )
    if errors:
        raise UnprocessableEntity(errors)
    return _set_training_status(
        session, provider, target, "deferred", rules.as_text(reason), "defer"
    )


def resume(
    session: Session, provider: CallingProvider, participant_id: str, attributes: dict[str, Any]
) -> ActionResult:
    target = _find(session, provider, participant_id, attributes)
    status = target.record.training_status if target.record else None
    errors = rules.resume_errors(attributes.get("course_identifier"), target.resolved, status)
    if errors:
        raise UnprocessableEntity(errors)
    return _set_training_status(session, provider, target, "active", None, "resume")


# ---------------------------------------------------------------------------------------------
# Change schedule
# ---------------------------------------------------------------------------------------------


def _frozen_cohorts(session: Session) -> frozenset[int]:
    now = clock.now()
    return frozenset(
        year
        for year, frozen_at in session.execute(select(Cohort.start_year, Cohort.payments_frozen_at))
        if frozen_at is not None and frozen_at <= now
    )


def _target_cohort(
    session: Session, requested: object, record: InductionRecord, profile: ParticipantProfile
) -> int | None:
    """The cohort asked for (unknown → None), else the relevant record's, else the profile's."""
    text = rules.as_text(requested)
    if text:
        year = int(text) if text.isdigit() and len(text) <= 6 else None
        return year if year is not None and session.get(Cohort, year) is not None else None
    if record.cohort_year is not None:
        return record.cohort_year
    if profile.schedule_id is not None:
        return session.get(Schedule, profile.schedule_id).cohort_year
    return clock.today().year if clock.today().month >= 9 else clock.today().year - 1


def _schedule(session: Session, identifier: str | None, cohort: int | None) -> Schedule | None:
    if not identifier or cohort is None:
        return None
    found = session.scalar(
        select(Schedule).where(Schedule.identifier == identifier, Schedule.cohort_year == cohort)
    )
    if found is None:
        found = session.scalar(
            select(Schedule).where(
                Schedule.identifier_alias == identifier, Schedule.cohort_year == cohort
            )
        )
    return found if found is not None and found.kind.startswith("ecf-") else None


def _active_partnership(
    session: Session,
    provider: CallingProvider,
    school_id: uuid.UUID,
    cohort: int,
    *,
    allow_relationship: bool,
) -> Partnership | None:
    query = select(Partnership).where(
        Partnership.school_id == school_id,
        Partnership.cohort_year == cohort,
        Partnership.lead_provider_id == provider.id,
        Partnership.challenged_at.is_(None),
        Partnership.challenge_reason.is_(None),
        Partnership.pending.is_(False),
    )
    if not allow_relationship:
        query = query.where(Partnership.relationship.is_(False))
    # A school's own partnership first, a relationship arrangement only as a fallback.
    return session.scalar(query.order_by(Partnership.relationship, Partnership.created_at).limit(1))


def change_schedule(
    session: Session, provider: CallingProvider, participant_id: str, attributes: dict[str, Any]
) -> ActionResult:
    target = _find(session, provider, participant_id, attributes)
    profile, record = target.resolution.profile, target.record
    course = attributes.get("course_identifier")
    if profile is None or record is None:
        raise UnprocessableEntity(rules.common_errors(course, target.resolved))

    identifier = rules.as_text(attributes.get("schedule_identifier"))
    cohort = _target_cohort(session, attributes.get("cohort"), record, profile)
    new_schedule = _schedule(session, identifier, cohort)
    current_cohort = session.get(Schedule, record.schedule_id).cohort_year
    frozen = _frozen_cohorts(session)
    profile_schedule_cohort = (
        session.get(Schedule, profile.schedule_id).cohort_year if profile.schedule_id else None
    )
    existing = [
        rules.ExistingDeclaration(d.declaration_type, d.declaration_date, d.state, d.cohort_year)
        for d in session.scalars(
            select(Declaration).where(Declaration.participant_profile_id == profile.id)
        )
    ]
    windows: dict[str, rules.Window] = {}
    if new_schedule is not None:
        for milestone in session.scalars(
            select(Milestone).where(Milestone.schedule_id == new_schedule.id)
        ):
            windows[milestone.declaration_type] = rules.Window(
                milestone.start_date, milestone.milestone_date
            )
    frozen_move = rules.is_frozen_cohort_move(
        profile_type=profile.profile_type,
        target_cohort=cohort,
        current_cohort=current_cohort,
        profile_schedule_cohort_frozen=profile_schedule_cohort in frozen,
        target_cohort_frozen=cohort in frozen,
        cohort_changed_after_payments_frozen=profile.cohort_changed_after_payments_frozen,
        declarations=existing,
    )
    partnership = None
    if cohort is not None:
        partnership = _active_partnership(
            session,
            provider,
            record.school_id,
            cohort,
            allow_relationship=cohort == current_cohort,
        )
    change = rules.ScheduleChange(
        schedule_identifier=identifier,
        course_identifier=rules.as_text(course),
        resolved=target.resolved,
        relevant_training_status=record.training_status,
        new_schedule_found=new_schedule is not None,
        new_schedule_is_replacement=new_schedule is not None
        and new_schedule.kind == "ecf-replacement",
        new_schedule_is_current=new_schedule is not None
        and new_schedule.id == profile.schedule_id
        and new_schedule.id == record.schedule_id,
        target_cohort=cohort,
        current_cohort=current_cohort,
        frozen_cohort_move=frozen_move,
        frozen_cohorts=frozen,
        cohort_changed_after_payments_frozen=profile.cohort_changed_after_payments_frozen,
        declarations=tuple((d, windows.get(d.declaration_type)) for d in existing),
        has_partnership_for_target=partnership is not None,
    )
    errors = rules.change_schedule_errors(change)
    if errors:
        raise UnprocessableEntity(errors)
    assert new_schedule is not None and partnership is not None and cohort is not None

    before = {"schedule_id": profile.schedule_id, "cohort": profile.cohort_year}
    if cohort != current_cohort and frozen_move:
        profile.cohort_changed_after_payments_frozen = not (
            profile.cohort_changed_after_payments_frozen
        )
    profile.cohort_year = cohort
    profile.schedule_id = new_schedule.id
    partnership_id = record.partnership_id if partnership.relationship else partnership.id
    new_record = new_record_version(
        session,
        record,
        schedule_id=new_schedule.id,
        cohort_year=cohort,
        partnership_id=partnership_id,
    )
    touch_participant(session, profile.participant_id)
    record_change(
        session,
        Actor.provider(provider.id, provider.name),
        "participant_profile",
        profile.id,
        "change-schedule",
        {
            "before": before,
            "after": {"schedule_id": new_schedule.id, "cohort": cohort},
            "schedule_identifier": new_schedule.identifier,
        },
    )
    session.commit()
    return ActionResult(profile.participant_id, profile.id, new_record.id)
