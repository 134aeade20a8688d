"""Reading NPQ outcomes: every row of the append-only history, oldest first, joined with its
declaration for the participant and course (one statement per page)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cpd_api.core.paging import Page
from cpd_api.declarations.models import Declaration

from .models import ParticipantOutcome

OutcomeRow = tuple[ParticipantOutcome, uuid.UUID, str]


def _outcomes(provider_id: uuid.UUID) -> Select:
    return (
        select(ParticipantOutcome, Declaration.participant_id, Declaration.course_identifier)
        .join(Declaration, Declaration.id == ParticipantOutcome.declaration_id)
        .where(ParticipantOutcome.lead_provider_id == provider_id)
        .order_by(ParticipantOutcome.created_at, ParticipantOutcome.id)
    )


def list_outcomes(
    session: Session, provider_id: uuid.UUID, created_since: datetime | None, page: Page
) -> list[OutcomeRow]:
    query = _outcomes(provider_id)
    if created_since is not None:
        query = query.where(ParticipantOutcome.created_at >= created_since)
    rows = session.execute(query.offset(page.offset).limit(page.limit))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def participant_outcomes(
    session: Session, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> list[OutcomeRow]:
    rows = session.execute(
        _outcomes(provider_id).where(Declaration.participant_id == participant_id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def outcome_row(session: Session, outcome_id: uuid.UUID) -> OutcomeRow:
    row = session.execute(
        select(ParticipantOutcome, Declaration.participant_id, Declaration.course_identifier)
        .join(Declaration, Declaration.id == ParticipantOutcome.declaration_id)
        .where(ParticipantOutcome.id == outcome_id)
    ).one()
    return tuple(row)  # type: ignore[return-value]
