"""Contract and statement lookups that gate NPQ actions (npq.md 1.7.3 and 1.8).

Accepting an application, changing a funded place and changing a schedule all ask the same
questions: is there an open output-fee statement for the cohort, which contract version does
it point at, and is that contract capped. They live here, beneath both NPQ applications and
NPQ participants, so both ask them the same way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cpd_api.npq_applications.models import NpqContract
from cpd_api.statements.models import Statement

CONTRACT_DATA_DETAIL = (
    "There’s an issue with your contract data. Contact us so we can rectify this for you"
)
CONTRACT_DATA_TITLE = "Unprocessable request"


@dataclass(frozen=True, slots=True)
class CappingContext:
    """What the funding cap means for one provider, cohort and course today.

    `contract` is the contract of the version named by the next output-fee statement; None
    when there is no such statement or no such contract ("contract data" problem)."""

    statement: Statement | None
    contract: NpqContract | None

    @property
    def contract_data_ok(self) -> bool:
        return self.statement is not None and self.contract is not None

    @property
    def capped(self) -> bool:
        return self.contract is not None and self.contract.funding_cap > 0


def next_output_fee_statement(
    session: Session, provider_id: uuid.UUID, cohort: int, today: date
) -> Statement | None:
    """The provider's open NPQ output-fee statement for the cohort with the earliest cut-off
    on or after today: the one new payments land on."""
    return session.scalar(
        select(Statement)
        .where(
            Statement.lead_provider_id == provider_id,
            Statement.cohort_year == cohort,
            Statement.programme == "npq",
            Statement.output_fee.is_(True),
            Statement.state == "open",
            Statement.deadline_date >= today,
        )
        .order_by(Statement.deadline_date, Statement.id)
        .limit(1)
    )


def capping_context(
    session: Session, provider_id: uuid.UUID, cohort: int, course_identifier: str, today: date
) -> CappingContext:
    statement = next_output_fee_statement(session, provider_id, cohort, today)
    if statement is None:
        return CappingContext(None, None)
    contract = session.scalar(
        select(NpqContract).where(
            NpqContract.lead_provider_id == provider_id,
            NpqContract.cohort_year == cohort,
            NpqContract.course_identifier == course_identifier,
            NpqContract.version == statement.contract_version,
        )
    )
    return CappingContext(statement, contract)


def has_any_contract(
    session: Session, provider_id: uuid.UUID, cohort: int, course_identifier: str
) -> bool:
    """Whether the provider has a contract of any version for the cohort and course."""
    found = session.scalar(
        select(NpqContract.id)
        .where(
            NpqContract.lead_provider_id == provider_id,
            NpqContract.cohort_year == cohort,
            NpqContract.course_identifier == course_identifier,
        )
        .limit(1)
    )
    return found is not None
