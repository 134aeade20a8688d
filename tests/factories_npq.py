"""Data for the NPQ tests: the common fixtures of npq.md section 6 (providers P and Q with NPQ,
E with ECF only; 2024 contracts capped at 10, 2023 contracts uncapped; a future NPQ output-fee
statement for 2023 and 2024 per provider; server date 2025-02-10T12:00:00Z), plus builders
for declarations and outcomes written straight into the tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.database import Database
from cpd_api.declarations.models import Declaration
from cpd_api.outcomes.models import ParticipantOutcome
from cpd_api.participants.models import ParticipantProfile
from cpd_api.schedules.reference_data import NPQ_COURSE_IDENTIFIERS
from tests import builders
from tests.builders import at
from tests.factories import ProviderWithToken, provider_with_token

SERVER_DATE = "2025-02-10T12:00:00Z"


def headers(provider: ProviderWithToken, server_date: str | None = SERVER_DATE) -> dict[str, str]:
    result = dict(provider.headers)
    if server_date is not None:
        result["X-With-Server-Date"] = server_date
    return result


@contextmanager
def arranged(db: Database, when: str = SERVER_DATE) -> Iterator[Session]:
    """A committed session whose timestamps read `when` (default: the scenario date)."""
    with clock.travel_to(at(when)), db.session() as session:
        yield session


@dataclass(frozen=True)
class NpqWorld:
    p: ProviderWithToken
    q: ProviderWithToken
    e: ProviderWithToken

    def h(self, provider: ProviderWithToken, server_date: str | None = SERVER_DATE):
        return headers(provider, server_date)


def contracts_and_statements(
    session: Session,
    provider_id: uuid.UUID,
    *,
    capped_2024: bool = True,
    statement_deadline: date = date(2025, 3, 31),
) -> None:
    for course in NPQ_COURSE_IDENTIFIERS:
        builders.npq_contract(
            session, provider_id, cohort=2024, course=course, funding_cap=10 if capped_2024 else 0
        )
        builders.npq_contract(session, provider_id, cohort=2023, course=course, funding_cap=0)
    for cohort in (2023, 2024):
        builders.statement(
            session,
            provider_id,
            cohort=cohort,
            programme="npq",
            deadline=statement_deadline,
            payment=date(2025, 4, 25),
        )


def npq_world(db: Database) -> NpqWorld:
    p = provider_with_token(db, "Provider P", ecf=False, npq=True)
    q = provider_with_token(db, "Provider Q", ecf=False, npq=True)
    e = provider_with_token(db, "Provider E", ecf=True, npq=False)
    with arranged(db) as session:
        contracts_and_statements(session, p.id)
        contracts_and_statements(session, q.id)
    return NpqWorld(p, q, e)


def npq_declaration(
    session: Session,
    profile: ParticipantProfile,
    *,
    declaration_type: str = "started",
    declaration_date: str = "2024-10-15T09:00:00Z",
    state: str = "eligible",
    provider_id: uuid.UUID | None = None,
) -> Declaration:
    declaration = Declaration(
        lead_provider_id=provider_id or profile.lead_provider_id,
        participant_id=profile.participant_id,
        participant_profile_id=profile.id,
        cohort_year=profile.cohort_year,
        course_identifier=profile.course_identifier,
        declaration_type=declaration_type,
        declaration_date=at(declaration_date),
        state=state,
    )
    session.add(declaration)
    session.flush()
    return declaration


def npq_outcome(
    session: Session, declaration: Declaration, state: str = "passed", completion: str | None = None
) -> ParticipantOutcome:
    outcome = ParticipantOutcome(
        participant_profile_id=declaration.participant_profile_id,
        declaration_id=declaration.id,
        lead_provider_id=declaration.lead_provider_id,
        state=state,
        completion_date=date.fromisoformat(completion)
        if completion
        else declaration.declaration_date.date(),
    )
    session.add(outcome)
    session.flush()
    return outcome
