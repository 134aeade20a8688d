"""v3 unfunded mentors: mentors assigned to ECTs the provider trains who are not themselves
participants the provider can see (they train, or trained, elsewhere). Two statements per
page: the mentors, then the latest induction record of each for their email."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session, aliased

from cpd_api.core.paging import Page
from cpd_api.core.sorting import order_by, parse_sort
from cpd_api.participants.models import (
    InductionRecord,
    Participant,
    ParticipantProfile,
    VisibleEnrolment,
)

SORT_COLUMNS = {"created_at": Participant.created_at, "updated_at": Participant.updated_at}


@dataclass(frozen=True, slots=True)
class UnfundedMentorRow:
    id: uuid.UUID
    full_name: str
    email: str
    trn: str | None
    created_at: datetime
    updated_at: datetime


def _unfunded_mentor_people(provider_id: uuid.UUID):
    """Ids of the people behind the unfunded mentor set of the provider.

    `visible_enrolments` already holds each profile's visible record for the provider
    (ecf.md 1.4), so the mentors named on the ECTs' visible records, minus the mentors with
    a visible record of their own, are two index lookups rather than a ranking of every
    induction record in the provider's partnerships."""
    ect_profile = aliased(ParticipantProfile)
    assigned_mentors = (
        select(InductionRecord.mentor_profile_id)
        .join(
            VisibleEnrolment,
            and_(
                VisibleEnrolment.induction_record_id == InductionRecord.id,
                VisibleEnrolment.lead_provider_id == provider_id,
            ),
        )
        .join(ect_profile, ect_profile.id == VisibleEnrolment.participant_profile_id)
        .where(ect_profile.profile_type == "ect", InductionRecord.mentor_profile_id.is_not(None))
    )
    own = aliased(VisibleEnrolment)
    visible_themselves = (
        select(own.participant_profile_id)
        .where(
            own.lead_provider_id == provider_id, own.participant_profile_id == ParticipantProfile.id
        )
        .exists()
    )
    return select(ParticipantProfile.participant_id).where(
        ParticipantProfile.id.in_(assigned_mentors), ~visible_themselves
    )


def _latest_emails(session: Session, participant_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The email on each mentor's own latest induction record, with any provider."""
    if not participant_ids:
        return {}
    rows = session.execute(
        select(ParticipantProfile.participant_id, InductionRecord.email)
        .join(ParticipantProfile, ParticipantProfile.id == InductionRecord.participant_profile_id)
        .where(
            ParticipantProfile.participant_id.in_(participant_ids),
            ParticipantProfile.profile_type == "mentor",
        )
        .order_by(
            ParticipantProfile.participant_id,
            case((InductionRecord.end_date.is_(None), 0), else_=1),
            InductionRecord.start_date.desc(),
            InductionRecord.created_at.desc(),
        )
    )
    emails: dict[uuid.UUID, str] = {}
    for participant_id, email in rows:
        if participant_id not in emails and email:
            emails[participant_id] = email
    return emails


def _rows(session: Session, people) -> list[UnfundedMentorRow]:
    emails = _latest_emails(session, [p.id for p in people])
    return [
        UnfundedMentorRow(
            p.id, p.full_name, emails.get(p.id, p.email), p.trn, p.created_at, p.updated_at
        )
        for p in people
    ]


_COLUMNS = (
    Participant.id,
    Participant.full_name,
    Participant.email,
    Participant.trn,
    Participant.created_at,
    Participant.updated_at,
)


def list_unfunded_mentors(
    session: Session,
    provider_id: uuid.UUID,
    *,
    updated_since: datetime | None,
    sort: str | None,
    page: Page,
) -> list[UnfundedMentorRow]:
    query = select(*_COLUMNS).where(Participant.id.in_(_unfunded_mentor_people(provider_id)))
    if updated_since is not None:
        query = query.where(Participant.updated_at >= updated_since)
    ordering = order_by(parse_sort(sort, SORT_COLUMNS), SORT_COLUMNS)
    query = query.order_by(*ordering, Participant.created_at, Participant.id)
    people = session.execute(query.offset(page.offset).limit(page.limit)).all()
    return _rows(session, people)


def find_unfunded_mentor(
    session: Session, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> UnfundedMentorRow | None:
    people = session.execute(
        select(*_COLUMNS).where(
            Participant.id == participant_id,
            Participant.id.in_(_unfunded_mentor_people(provider_id)),
        )
    ).all()
    return _rows(session, people)[0] if people else None
