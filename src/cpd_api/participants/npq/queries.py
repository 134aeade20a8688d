"""Reading NPQ participants for the list, show and CSV endpoints.

A page costs a fixed number of statements whatever its size: one for the people, one for
their enrolments (with application and schedule), and in v3 one for withdrawal/deferral
history and one for participant id changes. Never one query per row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from cpd_api.core.paging import Page
from cpd_api.core.sorting import order_by, parse_sort
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.schedules.models import Schedule

from ..models import Participant, ParticipantIdChange, ParticipantProfile, ParticipantProfileState

SORT_COLUMNS = {"created_at": Participant.created_at, "updated_at": Participant.updated_at}


@dataclass(slots=True)
class Enrolment:
    profile: ParticipantProfile
    application: NpqApplication
    schedule_identifier: str | None
    cohort: int | None
    withdrawal: ParticipantProfileState | None = None
    deferral: ParticipantProfileState | None = None


@dataclass(slots=True)
class ParticipantView:
    participant: Participant
    enrolments: list[Enrolment] = field(default_factory=list)
    id_changes: list[ParticipantIdChange] = field(default_factory=list)


def _is_participant_of(provider_id: uuid.UUID, training_status: str | None = None):
    conditions = [
        ParticipantProfile.participant_id == Participant.id,
        ParticipantProfile.profile_type == "npq",
        ParticipantProfile.lead_provider_id == provider_id,
    ]
    if training_status is not None:
        conditions.append(ParticipantProfile.training_status == training_status)
    return exists().where(and_(*conditions))


def participants_query(
    provider_id: uuid.UUID,
    *,
    updated_since: datetime | None = None,
    inclusive_since: bool = False,
    training_status: str | None = None,
    from_participant_id: uuid.UUID | None = None,
) -> Select:
    query = select(Participant).where(_is_participant_of(provider_id))
    if training_status is not None:
        query = query.where(_is_participant_of(provider_id, training_status))
    if updated_since is not None:
        query = query.where(
            Participant.updated_at >= updated_since
            if inclusive_since
            else Participant.updated_at > updated_since
        )
    if from_participant_id is not None:
        query = query.where(
            exists().where(
                ParticipantIdChange.participant_id == Participant.id,
                ParticipantIdChange.from_participant_id == from_participant_id,
            )
        )
    return query


def participants_page(
    session: Session, query: Select, page: Page, sort: str | None = None
) -> list[Participant]:
    order = order_by(parse_sort(sort, SORT_COLUMNS), SORT_COLUMNS)
    order = order or [Participant.created_at.asc()]
    query = query.order_by(*order, Participant.id).offset(page.offset).limit(page.limit)
    return list(session.scalars(query))


def participant_of_provider(
    session: Session, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> Participant | None:
    return session.scalar(participants_query(provider_id).where(Participant.id == participant_id))


def _enrolment_query(provider_id: uuid.UUID) -> Select:
    return (
        select(ParticipantProfile, NpqApplication, Schedule.identifier, Schedule.cohort_year)
        .join(NpqApplication, NpqApplication.id == ParticipantProfile.npq_application_id)
        .outerjoin(Schedule, Schedule.id == ParticipantProfile.schedule_id)
        .where(
            ParticipantProfile.profile_type == "npq",
            ParticipantProfile.lead_provider_id == provider_id,
        )
    )


def load_views(
    session: Session,
    provider_id: uuid.UUID,
    participants: Sequence[Participant],
    *,
    with_history: bool,
) -> list[ParticipantView]:
    """Views of the people with this provider's enrolments; `with_history` also loads what
    only v3 shows (withdrawal/deferral details and participant id changes)."""
    views = {p.id: ParticipantView(p) for p in participants}
    if not views:
        return []
    ids = list(views)
    rows = session.execute(
        _enrolment_query(provider_id)
        .where(ParticipantProfile.participant_id.in_(ids))
        .order_by(ParticipantProfile.created_at, ParticipantProfile.id)
    )
    by_profile: dict[uuid.UUID, Enrolment] = {}
    for profile, application, identifier, cohort in rows:
        enrolment = Enrolment(profile, application, identifier, cohort)
        views[profile.participant_id].enrolments.append(enrolment)
        by_profile[profile.id] = enrolment
    if with_history:
        _attach_history(session, provider_id, by_profile)
        changes = session.scalars(
            select(ParticipantIdChange)
            .where(ParticipantIdChange.participant_id.in_(ids))
            .order_by(ParticipantIdChange.created_at, ParticipantIdChange.id)
        )
        for change in changes:
            views[change.participant_id].id_changes.append(change)
    return [views[p.id] for p in participants]


def _attach_history(
    session: Session, provider_id: uuid.UUID, by_profile: dict[uuid.UUID, Enrolment]
) -> None:
    """The latest withdrawn and deferred rows of this provider per enrolment."""
    if not by_profile:
        return
    states = session.scalars(
        select(ParticipantProfileState)
        .where(
            ParticipantProfileState.participant_profile_id.in_(list(by_profile)),
            ParticipantProfileState.lead_provider_id == provider_id,
            ParticipantProfileState.state.in_(("withdrawn", "deferred")),
        )
        .order_by(ParticipantProfileState.created_at, ParticipantProfileState.id)
    )
    latest: dict[tuple[uuid.UUID, str], ParticipantProfileState] = {}
    for state in states:
        latest[(state.participant_profile_id, state.state)] = state
    for profile_id, enrolment in by_profile.items():
        enrolment.withdrawal = latest.get((profile_id, "withdrawn"))
        enrolment.deferral = latest.get((profile_id, "deferred"))


def enrolments_for_csv(
    session: Session, provider_id: uuid.UUID, updated_since: datetime | None
) -> list[Enrolment]:
    """Every enrolment of the provider, oldest change first (v2 `npq-enrolments.csv`)."""
    query = _enrolment_query(provider_id)
    if updated_since is not None:
        query = query.where(ParticipantProfile.updated_at > updated_since)
    query = query.order_by(ParticipantProfile.updated_at, ParticipantProfile.id)
    return [Enrolment(*row) for row in session.execute(query)]
