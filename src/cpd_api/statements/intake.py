"""`cpd-api import statements FILE`: replaces the finance calendar of the providers, cohorts
and programmes the file names.

One row per statement: `lead_provider` (name or id), `cohort`, `type` (`ecf` or `npq`),
`deadline_date` (the cut-off), `payment_date`, optional `name` ("May 2025"; by default the
cut-off's month), `output_fee` (default true), `contract_version` and `state` (`open`,
`payable`, `paid`). For every (provider, cohort, type) in the file, the stored calendar
becomes exactly the file's rows: statements are matched by month and year and updated in
place (their ids, and the declarations on them, stay), and statements missing from the
file are removed. A statement that carries declarations cannot be removed, nor moved to
another state here (that is `cpd-api finance`'s job), so such a file is rejected whole."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError
from cpd_api.declarations.models import StatementLineItem
from cpd_api.delivery_partners.intake import provider_lookup
from cpd_api.schedules.models import Cohort

from .models import STATEMENT_STATES, Statement

_MONTHS = {date(2000, m, 1).strftime("%B").lower(): m for m in range(1, 13)}
_NAME = re.compile(r"^\s*([A-Za-z]+)\s+(\d{4})\b")


class StatementIntakeRow(BaseModel):
    lead_provider: str = Field(min_length=1)
    cohort: int
    type: Literal["ecf", "npq"]
    deadline_date: date
    payment_date: date
    name: str | None = Field(None, max_length=32)
    output_fee: bool | None = None
    contract_version: str | None = Field(None, max_length=16)
    state: Literal[STATEMENT_STATES] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _name_is_a_month(self) -> StatementIntakeRow:
        if self.name is not None:
            match = _NAME.match(self.name)
            if match is None or match.group(1).lower() not in _MONTHS:
                raise ValueError("name must start with a month and a year, e.g. 'May 2025'")
        return self

    @property
    def display_name(self) -> str:
        return self.name.strip() if self.name else self.deadline_date.strftime("%B %Y")

    @property
    def month_year(self) -> tuple[int, int]:
        match = _NAME.match(self.display_name)
        assert match is not None
        return _MONTHS[match.group(1).lower()], int(match.group(2))


Group = tuple[uuid.UUID, int, str]


def _check(session: Session, rows: list[tuple[int, StatementIntakeRow]]):
    problems: list[RowError] = []
    providers = provider_lookup(session)
    cohorts = set(session.scalars(select(Cohort.start_year)))
    seen: dict[tuple, int] = {}
    resolved: list[tuple[int, StatementIntakeRow, Group]] = []
    for line, row in rows:
        provider = providers.get(row.lead_provider.strip().lower())
        if provider is None:
            problems.append(RowError(line, f"no lead provider {row.lead_provider!r}"))
            continue
        if row.cohort not in cohorts:
            problems.append(RowError(line, f"no cohort {row.cohort}"))
            continue
        if row.payment_date < row.deadline_date:
            problems.append(RowError(line, "payment_date is before deadline_date"))
        group: Group = (provider.id, row.cohort, row.type)
        key = (*group, *row.month_year)
        if key in seen:
            problems.append(RowError(line, f"repeats the statement on line {seen[key]}"))
        seen.setdefault(key, line)
        resolved.append((line, row, group))
    if problems:
        raise IntakeRejected(problems)
    return resolved


def _stored(session: Session, groups: set[Group]) -> dict[Group, list[Statement]]:
    stored: dict[Group, list[Statement]] = defaultdict(list)
    query = select(Statement).where(
        tuple_(Statement.lead_provider_id, Statement.cohort_year, Statement.programme).in_(
            list(groups)
        )
    )
    for statement in session.scalars(query):
        stored[(statement.lead_provider_id, statement.cohort_year, statement.programme)].append(
            statement
        )
    return stored


def _with_declarations(session: Session, statement_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not statement_ids:
        return set()
    return set(
        session.scalars(
            select(StatementLineItem.statement_id)
            .where(StatementLineItem.statement_id.in_(statement_ids))
            .group_by(StatementLineItem.statement_id)
            .having(func.count() > 0)
        )
    )


def apply_statements(
    session: Session, rows: list[tuple[int, StatementIntakeRow]], actor: Actor
) -> IntakeResult:
    resolved = _check(session, rows)
    groups = {group for _, _, group in resolved}
    stored = _stored(session, groups)
    busy = _with_declarations(session, [s.id for group in stored.values() for s in group])
    matched: dict[uuid.UUID, tuple[int, StatementIntakeRow]] = {}
    by_key = {
        (group, (s.month, s.year)): s for group, statements in stored.items() for s in statements
    }
    problems: list[RowError] = []
    first_line = {}
    for line, row, group in resolved:
        first_line.setdefault(group, line)
        statement = by_key.get((group, row.month_year))
        if statement is None:
            continue
        matched[statement.id] = (line, row)
        if row.state is not None and row.state != statement.state and statement.id in busy:
            problems.append(
                RowError(line, f"{statement.name} has declarations: change its state with finance")
            )
    removed = [s for group in stored.values() for s in group if s.id not in matched]
    for statement in removed:
        if statement.id in busy:
            group = (statement.lead_provider_id, statement.cohort_year, statement.programme)
            problems.append(
                RowError(
                    first_line[group],
                    f"{statement.name} ({statement.id}) has declarations and is not in the file",
                )
            )
    if problems:
        raise IntakeRejected(sorted(problems, key=lambda e: e.line))
    result = IntakeResult("statements", len(rows))
    now = clock.now_seconds()
    for statement in removed:
        record_change(
            session, actor, "statement", statement.id, "removed", {"name": statement.name}
        )
        session.delete(statement)
    session.flush()
    for _line, row, group in resolved:
        provider_id, cohort, programme = group
        month, year = row.month_year
        values = {
            "name": row.display_name,
            "deadline_date": row.deadline_date,
            "payment_date": row.payment_date,
        }
        if row.output_fee is not None:
            values["output_fee"] = row.output_fee
        if row.contract_version is not None:
            values["contract_version"] = row.contract_version
        if row.state is not None:
            values["state"] = row.state
        statement = by_key.get((group, (month, year)))
        if statement is None:
            statement = Statement(
                lead_provider_id=provider_id,
                cohort_year=cohort,
                programme=programme,
                month=month,
                year=year,
                **values,
            )
            session.add(statement)
            session.flush()
            result.created += 1
            record_change(session, actor, "statement", statement.id, "created", values)
            continue
        changes = {k: v for k, v in values.items() if getattr(statement, k) != v}
        if changes:
            for key, value in changes.items():
                setattr(statement, key, value)
            statement.updated_at = now
            result.updated += 1
            record_change(session, actor, "statement", statement.id, "updated", changes)
    session.flush()
    if removed:
        result.notes.append(f"{len(removed)} statement(s) no longer in the calendar removed")
    return result


STATEMENTS = IntakeKind(
    name="statements",
    row_model=StatementIntakeRow,
    apply=apply_statements,
    description=(
        "Statements (replaces the calendar of each provider, cohort and type in the file): "
        "lead_provider, cohort, type, deadline_date, payment_date; optional name, output_fee, "
        "contract_version, state"
    ),
)
