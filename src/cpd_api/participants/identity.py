"""Which person and which training record a `participant_id` in a request means, and which of
a profile's induction records a provider is talking about (ecf.md 1.3 and 1.4).

Write requests (declarations, participant actions) and read endpoints share these answers, so
they live in one place: a retired id must resolve to the same survivor everywhere, and the
"relevant" record must be the same one the declaration rules and the action rules look at."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from cpd_api.partnerships.models import Partnership

from .models import InductionRecord, Participant, ParticipantIdChange, ParticipantProfile

ECF_PROFILE_TYPES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}


def as_uuid(value: object) -> uuid.UUID | None:
    """A UUID from request text; malformed text is simply an id that matches nothing."""
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class EcfResolution:
    """`participant` None: the id is not recognised. `profile` None: the course does not fit."""

    participant: Participant | None
    profile: ParticipantProfile | None


def _active_ecf_profile(
    session: Session, participant_id: uuid.UUID, course_identifier: str | None
) -> ParticipantProfile | None:
    profile_type = ECF_PROFILE_TYPES.get(course_identifier or "")
    if profile_type is None:
        return None
    return session.scalar(
        select(ParticipantProfile)
        .where(
            ParticipantProfile.participant_id == participant_id,
            ParticipantProfile.profile_type == profile_type,
            ParticipantProfile.status == "active",
        )
        .order_by(ParticipantProfile.created_at, ParticipantProfile.id)
        .limit(1)
    )


def resolve_participant(session: Session, participant_id: object) -> Participant | None:
    """The person a participant id means: the person with that id, else the survivor of a
    merge that retired it."""
    wanted = as_uuid(participant_id)
    if wanted is None:
        return None
    person = session.get(Participant, wanted)
    if person is not None:
        return person
    survivor_id = session.scalar(
        select(ParticipantIdChange.participant_id)
        .where(ParticipantIdChange.from_participant_id == wanted)
        .order_by(ParticipantIdChange.created_at.desc())
        .limit(1)
    )
    return None if survivor_id is None else session.get(Participant, survivor_id)


def resolve_ecf(
    session: Session, participant_id: object, course_identifier: str | None
) -> EcfResolution:
    """ecf.md 1.3: the person (own id first, then a retired id) and their active ECT or mentor
    profile for the course. A person found by their own id whose course does not fit is
    still reported as found, so callers can say "course" rather than "participant"."""
    person = resolve_participant(session, participant_id)
    if person is None:
        return EcfResolution(None, None)
    return EcfResolution(person, _active_ecf_profile(session, person.id, course_identifier))


def resolve_ecf_profile(
    session: Session, participant_id: object, course_identifier: str | None
) -> ParticipantProfile | None:
    """The active ECF profile a (participant_id, course_identifier) pair names, or None."""
    return resolve_ecf(session, participant_id, course_identifier).profile


def _latest_first(*, end_date_tiebreak: bool) -> list:
    order = [
        case((InductionRecord.end_date.is_(None), 0), else_=1),
        InductionRecord.start_date.desc(),
    ]
    if end_date_tiebreak:
        order.append(InductionRecord.end_date.desc())
    order.extend([InductionRecord.created_at.desc(), InductionRecord.id.desc()])
    return order


def relevant_induction_record(
    session: Session,
    profile_id: uuid.UUID,
    lead_provider_id: uuid.UUID,
    *,
    schedule_id: uuid.UUID | None = None,
) -> InductionRecord | None:
    """ecf.md 1.4: the latest of the profile's records in any partnership of the provider
    (challenged or not, relationship or not). Action and declaration rules use this one."""
    query = (
        select(InductionRecord)
        .join(Partnership, Partnership.id == InductionRecord.partnership_id)
        .where(
            InductionRecord.participant_profile_id == profile_id,
            Partnership.lead_provider_id == lead_provider_id,
        )
    )
    if schedule_id is not None:
        query = query.where(InductionRecord.schedule_id == schedule_id)
    return session.scalar(query.order_by(*_latest_first(end_date_tiebreak=True)).limit(1))


def visible_induction_record(
    session: Session, profile_id: uuid.UUID, lead_provider_id: uuid.UUID
) -> InductionRecord | None:
    """ecf.md 1.4, listing variant: the latest record in an unchallenged partnership of the
    provider; a profile without one is invisible to that provider."""
    query = (
        select(InductionRecord)
        .join(
            Partnership,
            and_(
                Partnership.id == InductionRecord.partnership_id,
                Partnership.lead_provider_id == lead_provider_id,
                Partnership.challenged_at.is_(None),
                Partnership.challenge_reason.is_(None),
            ),
        )
        .where(InductionRecord.participant_profile_id == profile_id)
    )
    return session.scalar(query.order_by(*_latest_first(end_date_tiebreak=False)).limit(1))
