"""NPQ application use cases (npq.md 2.6 to 2.8): accept, reject, change funded place.

Each is one transaction that locks the applicant (so competing accepts for the same person
run one after the other), gathers facts, lets `rules` decide and then writes everything the
change shows through: the application, its enrolment, the person, and every application
of the person for the course (their `eligible_for_funding` depends on each other)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.database import lock_for_write
from cpd_api.core.errors import Forbidden, NotFound, UnprocessableEntity
from cpd_api.declarations.models import Declaration
from cpd_api.participants.identity import as_uuid
from cpd_api.participants.models import (
    Participant,
    ParticipantIdChange,
    ParticipantProfile,
    ParticipantProfileState,
)
from cpd_api.participants.npq.funding import capping_context
from cpd_api.participants.npq.rules import BILLABLE_STATES, same_course_identifiers
from cpd_api.participants.npq.service import find_schedule, touch_course_applications
from cpd_api.participants.timestamps import touch_participants
from cpd_api.providers.authentication import CallingProvider
from cpd_api.schedules.models import Schedule
from cpd_api.schedules.rules import automatic_npq_schedule_identifier, schedule_kind_fits_course

from . import rules
from .models import NpqApplication


def _actor(provider: CallingProvider) -> Actor:
    return Actor.provider(provider.id, provider.name)


def _locked_application(
    session: Session, provider: CallingProvider, application_id: object
) -> NpqApplication:
    """The provider's application, read again after taking the applicant's lock; another
    provider's application is as unknown as a missing one."""
    wanted = as_uuid(application_id)
    if wanted is None:
        raise NotFound()
    participant_id = session.scalar(
        select(NpqApplication.participant_id).where(
            NpqApplication.id == wanted, NpqApplication.lead_provider_id == provider.id
        )
    )
    if participant_id is None:
        raise NotFound()
    lock_for_write(session, f"npq-participant:{participant_id}")
    application = session.get(NpqApplication, wanted, populate_existing=True)
    assert application is not None
    return application


def _trn_for_matching(session: Session, application: NpqApplication) -> str | None:
    if application.trn_validated and application.trn:
        return application.trn
    person = session.get(Participant, application.participant_id)
    return person.trn if person is not None else None


def other_accepted_for_course(session: Session, application: NpqApplication) -> bool:
    """A5: another accepted application for the course (ASO and EHCO as one) of the same
    person, or of the earliest other person holding the same TRN; any provider, any cohort."""
    people = [application.participant_id]
    trn = _trn_for_matching(session, application)
    if trn:
        twin = session.scalar(
            select(Participant.id)
            .where(Participant.trn == trn, Participant.id != application.participant_id)
            .order_by(Participant.created_at, Participant.id)
            .limit(1)
        )
        if twin is not None:
            people.append(twin)
    found = session.scalar(
        select(NpqApplication.id)
        .where(
            NpqApplication.participant_id.in_(people),
            NpqApplication.course_identifier.in_(
                same_course_identifiers(application.course_identifier)
            ),
            NpqApplication.status == "accepted",
            NpqApplication.id != application.id,
        )
        .limit(1)
    )
    return found is not None


def _requested_schedule(
    session: Session, application: NpqApplication, attributes: dict[str, Any]
) -> tuple[bool, Schedule | None]:
    requested = "schedule_identifier" in attributes and attributes["schedule_identifier"] not in (
        None,
        "",
    )
    if not requested:
        return False, None
    schedule = find_schedule(session, attributes["schedule_identifier"], application.cohort_year)
    if schedule is not None and not schedule_kind_fits_course(
        schedule.kind, application.course_identifier
    ):
        schedule = None
    return True, schedule


def accept(
    session: Session,
    provider: CallingProvider,
    application_id: object,
    attributes: dict[str, Any],
    *,
    capping_on: bool,
) -> uuid.UUID:
    application = _locked_application(session, provider, application_id)
    today = clock.today()
    context = capping_context(
        session, provider.id, application.cohort_year, application.course_identifier, today
    )
    capped = capping_on and context.capped
    schedule_requested, schedule = _requested_schedule(session, application, attributes)
    errors = rules.accept_errors(
        rules.Acceptance(
            status=application.status,
            capping_on=capping_on,
            contract_data_ok=context.contract_data_ok,
            capped=capped,
            funded_place=attributes.get("funded_place"),
            raw_eligible=application.eligible_for_funding,
            other_accepted_for_course=other_accepted_for_course(session, application),
            schedule_requested=schedule_requested,
            requested_schedule_valid=schedule is not None,
        )
    )
    if errors:
        raise UnprocessableEntity(errors)
    if schedule is None:
        identifier = automatic_npq_schedule_identifier(
            application.course_identifier, application.cohort_year, today
        )
        schedule = find_schedule(session, identifier, application.cohort_year)
        if schedule is None:
            raise UnprocessableEntity([("schedule", rules.SCHEDULE_UNDETERMINED)])

    now = clock.now_seconds()
    person = session.get(Participant, application.participant_id)
    assert person is not None
    if application.trn_validated and application.trn and person.trn != application.trn:
        person.trn = application.trn
    session.add(
        ParticipantProfile(
            id=application.id,
            participant_id=person.id,
            profile_type="npq",
            course_identifier=application.course_identifier,
            lead_provider_id=provider.id,
            cohort_year=schedule.cohort_year,
            schedule_id=schedule.id,
            npq_application_id=application.id,
            training_status="active",
            trn_validated=application.trn_validated,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    # The initial history row has no provider, so it never counts as "this provider's".
    session.add(
        ParticipantProfileState(
            participant_profile_id=application.id, state="active", created_at=now
        )
    )
    application.status = "accepted"
    application.accepted_at = now
    application.schedule_id = schedule.id
    application.funded_place = attributes["funded_place"] if capped else None
    rejected = _reject_siblings(session, application)
    touch_course_applications(session, person.id, application.course_identifier)
    touch_participants(session, [person.id])
    survivor = _merge_into_trn_twin(session, application, person)
    record_change(
        session,
        _actor(provider),
        "npq_application",
        application.id,
        "accept",
        {
            "schedule": schedule.identifier,
            "funded_place": application.funded_place,
            "auto_rejected": [str(i) for i in rejected],
            "participant_id_change": (
                [str(person.id), str(survivor.id)] if survivor is not None else None
            ),
        },
    )
    session.commit()
    return application.id


def _merge_into_trn_twin(
    session: Session, application: NpqApplication, person: Participant
) -> Participant | None:
    """npq.md 1.6 de-duplication: when the accepted application's TRN is validated and an
    earlier person record holds the same TRN, the NPQ records (applications, enrolments and
    their declarations) move to that record and the retired id is kept as a participant id
    change, so providers can follow it."""
    if not (application.trn_validated and application.trn):
        return None
    survivor = session.scalar(
        select(Participant)
        .where(Participant.trn == application.trn, Participant.id != person.id)
        .order_by(Participant.created_at, Participant.id)
        .limit(1)
    )
    if survivor is None:
        return None
    now = clock.now_seconds()
    enrolments = list(
        session.scalars(
            select(ParticipantProfile.id).where(
                ParticipantProfile.participant_id == person.id,
                ParticipantProfile.profile_type == "npq",
            )
        )
    )
    moves = (
        update(NpqApplication)
        .where(NpqApplication.participant_id == person.id)
        .values(participant_id=survivor.id, updated_at=now),
        update(ParticipantProfile)
        .where(ParticipantProfile.id.in_(enrolments))
        .values(participant_id=survivor.id, updated_at=now),
        update(Declaration)
        .where(Declaration.participant_profile_id.in_(enrolments))
        .values(participant_id=survivor.id, updated_at=now),
        update(ParticipantIdChange)
        .where(ParticipantIdChange.participant_id == person.id)
        .values(participant_id=survivor.id, to_participant_id=survivor.id),
    )
    for statement in moves:
        session.execute(statement.execution_options(synchronize_session="fetch"))
    session.add(
        ParticipantIdChange(
            participant_id=survivor.id,
            from_participant_id=person.id,
            to_participant_id=survivor.id,
            created_at=now,
        )
    )
    touch_participants(session, [person.id, survivor.id])
    return survivor


def _reject_siblings(session: Session, application: NpqApplication) -> list[uuid.UUID]:
    """Every other application of the person for the same course and cohort is rejected,
    whichever provider it was made to."""
    siblings = list(
        session.scalars(
            select(NpqApplication.id).where(
                NpqApplication.participant_id == application.participant_id,
                NpqApplication.course_identifier == application.course_identifier,
                NpqApplication.cohort_year == application.cohort_year,
                NpqApplication.id != application.id,
                NpqApplication.status != "rejected",
            )
        )
    )
    if siblings:
        session.execute(
            update(NpqApplication)
            .where(NpqApplication.id.in_(siblings))
            .values(
                status="rejected",
                reason_for_rejection="other_application_in_this_cohort_accepted",
                updated_at=clock.now_seconds(),
            )
            .execution_options(synchronize_session="fetch")
        )
    return siblings


def reject(session: Session, provider: CallingProvider, application_id: object) -> uuid.UUID:
    application = _locked_application(session, provider, application_id)
    errors = rules.reject_errors(application.status)
    if errors:
        raise UnprocessableEntity(errors)
    application.status = "rejected"
    application.reason_for_rejection = "rejected_by_provider"
    application.updated_at = clock.now_seconds()
    record_change(session, _actor(provider), "npq_application", application.id, "reject")
    session.commit()
    return application.id


def _has_billable_declarations(session: Session, enrolment_id: uuid.UUID) -> bool:
    found = session.scalar(
        select(Declaration.id)
        .where(
            Declaration.participant_profile_id == enrolment_id,
            Declaration.state.in_(BILLABLE_STATES),
        )
        .limit(1)
    )
    return found is not None


def change_funded_place(
    session: Session,
    provider: CallingProvider,
    application_id: object,
    attributes: dict[str, Any],
    *,
    capping_on: bool,
) -> uuid.UUID:
    if not capping_on:
        raise Forbidden()
    application = _locked_application(session, provider, application_id)
    context = capping_context(
        session,
        provider.id,
        application.cohort_year,
        application.course_identifier,
        clock.today(),
    )
    value = attributes.get("funded_place")
    errors = rules.change_funded_place_errors(
        rules.FundedPlaceChange(
            funded_place=value,
            status=application.status,
            raw_eligible=application.eligible_for_funding,
            has_billable_declarations=_has_billable_declarations(session, application.id),
            contract_exists=context.contract is not None,
            capped=context.capped,
        )
    )
    if errors:
        raise UnprocessableEntity(errors)
    previous = application.funded_place
    now = clock.now_seconds()
    application.funded_place = value
    application.updated_at = now
    enrolment = session.get(ParticipantProfile, application.id)
    if enrolment is not None:
        enrolment.updated_at = now
    touch_course_applications(session, application.participant_id, application.course_identifier)
    touch_participants(session, [application.participant_id])
    record_change(
        session,
        _actor(provider),
        "npq_application",
        application.id,
        "change_funded_place",
        {"funded_place": [previous, value]},
    )
    session.commit()
    return application.id
