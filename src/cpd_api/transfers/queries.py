"""v3 participant transfers: two statements per page (the people, then every ECF induction
record of the people on the page with its school and provider)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session, aliased

from cpd_api.core.paging import Page
from cpd_api.participants.models import InductionRecord, Participant, ParticipantProfile
from cpd_api.partnerships.models import Partnership
from cpd_api.providers.models import LeadProvider
from cpd_api.schools.models import School

from .rules import InductionPeriod, Transfer, profile_transfers, transfers_updated_at

ECF_PROFILE_TYPES = ("ect", "mentor")


@dataclass(frozen=True, slots=True)
class ParticipantTransfers:
    id: uuid.UUID
    updated_at: datetime
    transfers: list[Transfer]


def _involves_provider(provider_id: uuid.UUID):
    """The person has a transfer-related record (leaving, or joining by transfer) in one of
    the provider's partnerships, and has left some school."""
    record, profile, partnership = (
        aliased(InductionRecord),
        aliased(ParticipantProfile),
        aliased(Partnership),
    )
    in_provider = (
        select(record.id)
        .join(profile, profile.id == record.participant_profile_id)
        .join(partnership, partnership.id == record.partnership_id)
        .where(
            profile.participant_id == Participant.id,
            partnership.lead_provider_id == provider_id,
            or_(record.school_transfer.is_(true()), record.induction_status == "leaving"),
        )
        .exists()
    )
    left_record, left_profile = aliased(InductionRecord), aliased(ParticipantProfile)
    has_left = (
        select(left_record.id)
        .join(left_profile, left_profile.id == left_record.participant_profile_id)
        .where(
            left_profile.participant_id == Participant.id,
            left_record.induction_status == "leaving",
        )
        .exists()
    )
    return and_(in_provider, has_left)


def _periods(session: Session, participant_ids: list[uuid.UUID]):
    """Every ECF induction record of these people, grouped by person and training record."""
    grouped: dict[uuid.UUID, dict[uuid.UUID, list[InductionPeriod]]] = defaultdict(
        lambda: defaultdict(list)
    )
    if not participant_ids:
        return grouped
    rows = session.execute(
        select(
            ParticipantProfile.participant_id,
            InductionRecord.id,
            InductionRecord.participant_profile_id,
            InductionRecord.school_id,
            School.urn,
            Partnership.lead_provider_id,
            LeadProvider.name,
            InductionRecord.induction_status,
            InductionRecord.school_transfer,
            InductionRecord.start_date,
            InductionRecord.end_date,
            InductionRecord.created_at,
            InductionRecord.updated_at,
        )
        .select_from(InductionRecord)
        .join(ParticipantProfile, ParticipantProfile.id == InductionRecord.participant_profile_id)
        .join(School, School.id == InductionRecord.school_id)
        .outerjoin(Partnership, Partnership.id == InductionRecord.partnership_id)
        .outerjoin(LeadProvider, LeadProvider.id == Partnership.lead_provider_id)
        .where(
            ParticipantProfile.participant_id.in_(participant_ids),
            ParticipantProfile.profile_type.in_(ECF_PROFILE_TYPES),
        )
        .order_by(ParticipantProfile.created_at, InductionRecord.created_at)
    )
    for participant_id, *fields in rows:
        period = InductionPeriod(*fields)
        grouped[participant_id][period.profile_id].append(period)
    return grouped


def _assemble(
    session: Session, provider_id: uuid.UUID, people, today: date
) -> list[ParticipantTransfers]:
    periods = _periods(session, [p.id for p in people])
    result = []
    for person in people:
        transfers: list[Transfer] = []
        for profile_periods in periods.get(person.id, {}).values():
            transfers.extend(profile_transfers(profile_periods, provider_id, today))
        result.append(
            ParticipantTransfers(
                person.id, transfers_updated_at(transfers, person.updated_at), transfers
            )
        )
    return result


def list_transfers(
    session: Session,
    provider_id: uuid.UUID,
    *,
    updated_since: datetime | None,
    page: Page,
    today: date,
) -> list[ParticipantTransfers]:
    query = select(Participant.id, Participant.updated_at).where(_involves_provider(provider_id))
    if updated_since is not None:
        query = query.where(Participant.updated_at >= updated_since).order_by(
            Participant.updated_at, Participant.id
        )
    else:
        query = query.order_by(Participant.created_at, Participant.id)
    people = session.execute(query.offset(page.offset).limit(page.limit)).all()
    return _assemble(session, provider_id, people, today)


def find_transfers(
    session: Session, provider_id: uuid.UUID, participant_id: uuid.UUID, *, today: date
) -> ParticipantTransfers | None:
    people = session.execute(
        select(Participant.id, Participant.updated_at).where(
            Participant.id == participant_id, _involves_provider(provider_id)
        )
    ).all()
    return _assemble(session, provider_id, people, today)[0] if people else None
