"""Reading a provider's financial statements (v3): one statement per page."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from cpd_api.core.paging import Page

from .models import Statement

PROGRAMMES = ("ecf", "npq")


@dataclass(frozen=True, slots=True)
class StatementRow:
    id: uuid.UUID
    name: str
    month: int
    year: int
    programme: str
    cohort: int
    deadline_date: date
    payment_date: date
    state: str
    created_at: datetime
    updated_at: datetime


_COLUMNS = (
    Statement.id,
    Statement.name,
    Statement.month,
    Statement.year,
    Statement.programme,
    Statement.cohort_year,
    Statement.deadline_date,
    Statement.payment_date,
    Statement.state,
    Statement.created_at,
    Statement.updated_at,
)


def programmes_for(type_filter: str | None) -> tuple[str, ...]:
    """`filter[type]`: absent means both programmes; an unknown type matches nothing."""
    if type_filter is None:
        return PROGRAMMES
    return (type_filter,) if type_filter in PROGRAMMES else ()


def list_statements(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohorts: list[int] | None,
    programmes: tuple[str, ...],
    updated_since: datetime | None,
    page: Page,
) -> list[StatementRow]:
    if not programmes:
        return []
    query = select(*_COLUMNS).where(
        Statement.lead_provider_id == provider_id,
        Statement.output_fee.is_(true()),
        Statement.programme.in_(programmes),
    )
    if cohorts is not None:
        query = query.where(Statement.cohort_year.in_(cohorts))
    else:
        query = query.where(Statement.cohort_year > 2020)
    if updated_since is not None:
        query = query.where(Statement.updated_at >= updated_since)
    query = query.order_by(
        Statement.payment_date, Statement.deadline_date, Statement.created_at, Statement.id
    )
    query = query.offset(page.offset).limit(page.limit)
    return [StatementRow(*row) for row in session.execute(query)]


def find_statement(
    session: Session, provider_id: uuid.UUID, statement_id: uuid.UUID
) -> StatementRow | None:
    """Any of the provider's statements, output-fee or not."""
    row = session.execute(
        select(*_COLUMNS).where(
            Statement.lead_provider_id == provider_id, Statement.id == statement_id
        )
    ).first()
    return None if row is None else StatementRow(*row)


_FIRST_NUMBER = re.compile(r"\d+")


def month_text(name: str, month: int) -> str:
    """The month word of the statement's name ("May 2025" → "May")."""
    words = name.split()
    return words[0] if words else date(2000, month, 1).strftime("%B")


def year_text(name: str, year: int) -> str:
    """The first number in the statement's name ("May 2025" → "2025")."""
    found = _FIRST_NUMBER.search(name)
    return found.group(0) if found else str(year)
