"""Recording an NPQ outcome (npq.md 5.4): append-only, and a replay of the latest outcome
returns it instead of adding a row.

The outcome attaches to the most recent completed declaration of the provider's enrolment
that still stands; that declaration's `has_passed` follows the new latest outcome, so its
`updated_at` moves too (spec README decision 9)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.database import lock_for_write
from cpd_api.core.errors import InvalidAction, UnprocessableEntity
from cpd_api.declarations.models import Declaration
from cpd_api.participants.models import ParticipantProfile
from cpd_api.participants.npq.service import resolve_person
from cpd_api.providers.authentication import CallingProvider

from . import rules
from .models import ParticipantOutcome


def _holds_npq_enrolment(session: Session, person_id: uuid.UUID, course: object) -> bool:
    """npq.md 5.4 O3: any NPQ identifier passes once the person holds an NPQ enrolment."""
    if not isinstance(course, str) or not course.startswith("npq-"):
        return False
    found = session.scalar(
        select(ParticipantProfile.id)
        .where(
            ParticipantProfile.participant_id == person_id,
            ParticipantProfile.profile_type == "npq",
            ParticipantProfile.status == "active",
        )
        .limit(1)
    )
    return found is not None


def _completed_declaration(
    session: Session, provider_id: uuid.UUID, person_id: uuid.UUID, course: object
) -> Declaration | None:
    """The latest standing completed declaration of the provider's enrolment for the course."""
    if not isinstance(course, str):
        return None
    return session.scalar(
        select(Declaration)
        .join(ParticipantProfile, ParticipantProfile.id == Declaration.participant_profile_id)
        .where(
            ParticipantProfile.participant_id == person_id,
            ParticipantProfile.profile_type == "npq",
            ParticipantProfile.course_identifier == course,
            ParticipantProfile.lead_provider_id == provider_id,
            Declaration.lead_provider_id == provider_id,
            Declaration.declaration_type == "completed",
            Declaration.state.not_in(rules.RETRACTED_STATES),
        )
        .order_by(Declaration.created_at.desc(), Declaration.id)
        .limit(1)
    )


def latest_outcome(session: Session, declaration_id: uuid.UUID) -> ParticipantOutcome | None:
    return session.scalar(
        select(ParticipantOutcome)
        .where(ParticipantOutcome.declaration_id == declaration_id)
        .order_by(ParticipantOutcome.created_at.desc(), ParticipantOutcome.updated_at.desc())
        .limit(1)
    )


def record_outcome(
    session: Session,
    provider: CallingProvider,
    participant_id: object,
    attributes: dict[str, Any],
) -> uuid.UUID:
    """The id of the outcome that is now the latest: a new one, or the replayed one."""
    completion_date, date_errors = rules.parse_completion_date(attributes.get("completion_date"))
    course = attributes.get("course_identifier")
    state = attributes.get("state")
    person = resolve_person(session, participant_id)
    declaration = None
    if person is not None:
        lock_for_write(session, f"npq-participant:{person.id}")
        declaration = _completed_declaration(session, provider.id, person.id, course)
    errors = rules.outcome_errors(
        rules.OutcomeRequest(
            date_errors=date_errors,
            person_known=person is not None,
            holds_course_kind=person is not None
            and _holds_npq_enrolment(session, person.id, course),
            course_identifier=course,
            state=state,
            has_completed_declaration=declaration is not None,
        )
    )
    if errors:
        raise UnprocessableEntity(errors)
    assert declaration is not None and completion_date is not None
    if rules.completion_date_in_future(completion_date, clock.today()):
        raise InvalidAction(rules.FUTURE_COMPLETION_DATE)

    latest = latest_outcome(session, declaration.id)
    if latest is not None and latest.state == state and latest.completion_date == completion_date:
        return latest.id
    outcome = ParticipantOutcome(
        participant_profile_id=declaration.participant_profile_id,
        declaration_id=declaration.id,
        lead_provider_id=provider.id,
        state=state,
        completion_date=completion_date,
    )
    session.add(outcome)
    declaration.updated_at = clock.now_seconds()
    session.flush()
    record_change(
        session,
        Actor.provider(provider.id, provider.name),
        "participant_outcome",
        outcome.id,
        "create",
        {"declaration_id": declaration.id, "state": state, "completion_date": completion_date},
    )
    session.commit()
    return outcome.id
