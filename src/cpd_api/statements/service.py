"""Statement use cases: finding the statement a declaration attaches to, attaching lines,
and the finance lifecycle (`close_statement`, `pay_statement`) that moves declarations to
payable, paid and clawed back. Every declaration moved gets an audit row naming the actor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, AuditEvent
from cpd_api.core.database import lock_for_write, new_id
from cpd_api.declarations.models import Declaration, StatementLineItem
from cpd_api.providers.models import LeadProvider

from . import rules
from .models import Statement


class StatementError(Exception):
    """A finance command that cannot be carried out, with the reason for the operator."""


def next_output_statement(
    session: Session, provider_id: uuid.UUID, cohort_year: int, programme: str, today: date
) -> Statement | None:
    """The open output-fee statement with the earliest cut-off on or after `today`."""
    return session.scalar(
        select(Statement)
        .where(
            Statement.lead_provider_id == provider_id,
            Statement.cohort_year == cohort_year,
            Statement.programme == programme,
            Statement.state == "open",
            Statement.output_fee.is_(True),
            Statement.deadline_date >= today,
        )
        .order_by(Statement.deadline_date)
        .limit(1)
    )


def attach(
    session: Session, declaration_id: uuid.UUID, statement_id: uuid.UUID, state: str
) -> StatementLineItem:
    line = StatementLineItem(statement_id=statement_id, declaration_id=declaration_id, state=state)
    session.add(line)
    return line


def _audit_rows(
    session: Session, actor: Actor, declaration_ids: list[uuid.UUID], action: str, extra: dict
) -> None:
    if not declaration_ids:
        return
    now = clock.now()
    session.execute(
        insert(AuditEvent),
        [
            {
                "id": new_id(),
                "occurred_at": now,
                "actor_kind": actor.kind,
                "actor_id": actor.id,
                "actor_name": actor.name,
                "entity_type": "declaration",
                "entity_id": str(declaration_id),
                "action": action,
                "changes": extra,
            }
            for declaration_id in declaration_ids
        ],
    )


def _move(session: Session, statement: Statement, source: str, target: str) -> list[uuid.UUID]:
    """Move the statement's lines and their declarations from `source` to `target`.

    The declaration UPDATE re-checks the state row by row (a concurrent void holding the row
    wins), and only the declarations it actually moved have their line moved."""
    on_statement = select(StatementLineItem.declaration_id).where(
        StatementLineItem.statement_id == statement.id, StatementLineItem.state == source
    )
    now = clock.now_seconds()
    moved = list(
        session.scalars(
            update(Declaration)
            .where(Declaration.state == source, Declaration.id.in_(on_statement))
            .values(state=target, updated_at=now)
            .returning(Declaration.id)
        )
    )
    if moved:
        session.execute(
            update(StatementLineItem)
            .where(
                StatementLineItem.statement_id == statement.id,
                StatementLineItem.state == source,
                StatementLineItem.declaration_id.in_(moved),
            )
            .values(state=target, updated_at=now)
        )
    return moved


def _locked_statement(session: Session, statement_id: str) -> Statement:
    try:
        key = uuid.UUID(str(statement_id))
    except ValueError:
        raise StatementError(f"no statement with id {statement_id!r}") from None
    lock_for_write(session, f"statement:{key}")
    statement = session.get(Statement, key, with_for_update={"key_share": True})
    if statement is None:
        raise StatementError(f"no statement with id {statement_id!r}")
    return statement


@dataclass(frozen=True)
class LifecycleResult:
    statement_id: uuid.UUID
    name: str
    state: str
    moved: dict[str, int]

    def summary(self) -> str:
        parts = ", ".join(f"{n} {s}" for s, n in self.moved.items()) or "no declarations"
        return f"Statement {self.name} ({self.statement_id}) is now {self.state}: {parts}."


def close_statement(session: Session, statement_id: str, actor: Actor) -> LifecycleResult:
    """After its cut-off: the statement's eligible declarations become payable."""
    statement = _locked_statement(session, statement_id)
    refusal = rules.close_refusal(statement.state, statement.deadline_date, clock.today())
    if refusal:
        raise StatementError(f"cannot close {statement.name}: {refusal}")
    payable = _move(session, statement, "eligible", "payable")
    _audit_rows(
        session,
        actor,
        payable,
        "payable",
        {"state": ["eligible", "payable"], "statement_id": str(statement.id)},
    )
    statement.state = "payable"
    _audit_statement(session, actor, statement, "open", "payable")
    session.commit()
    return LifecycleResult(statement.id, statement.name, "payable", {"payable": len(payable)})


def pay_statement(session: Session, statement_id: str, actor: Actor) -> LifecycleResult:
    """Payable declarations become paid and clawbacks on the statement are recovered."""
    statement = _locked_statement(session, statement_id)
    refusal = rules.pay_refusal(statement.state)
    if refusal:
        raise StatementError(f"cannot pay {statement.name}: {refusal}")
    paid = _move(session, statement, "payable", "paid")
    clawed_back = _move(session, statement, "awaiting_clawback", "clawed_back")
    change = {"statement_id": str(statement.id)}
    _audit_rows(session, actor, paid, "paid", {**change, "state": ["payable", "paid"]})
    _audit_rows(
        session,
        actor,
        clawed_back,
        "clawed_back",
        {**change, "state": ["awaiting_clawback", "clawed_back"]},
    )
    statement.state = "paid"
    _audit_statement(session, actor, statement, "payable", "paid")
    session.commit()
    return LifecycleResult(
        statement.id, statement.name, "paid", {"paid": len(paid), "clawed_back": len(clawed_back)}
    )


def _audit_statement(
    session: Session, actor: Actor, statement: Statement, before: str, after: str
) -> None:
    from cpd_api.core.audit import record_change

    record_change(session, actor, "statement", statement.id, after, {"state": [before, after]})


@dataclass(frozen=True)
class StatementSummary:
    statement: Statement
    provider_name: str
    totals: rules.StatementTotals


def statement_summaries(
    session: Session, *, provider: str | None = None, cohort: int | None = None
) -> list[StatementSummary]:
    """Every statement (optionally one provider's, by id or name, and one cohort's) with its
    line counts per state, in two queries."""
    query = select(Statement, LeadProvider.name).join(
        LeadProvider, LeadProvider.id == Statement.lead_provider_id
    )
    if provider:
        try:
            query = query.where(Statement.lead_provider_id == uuid.UUID(provider))
        except ValueError:
            query = query.where(LeadProvider.name == provider)
    if cohort is not None:
        query = query.where(Statement.cohort_year == cohort)
    query = query.order_by(LeadProvider.name, Statement.programme, Statement.deadline_date)
    rows = session.execute(query).all()
    ids = [statement.id for statement, _ in rows]
    counts: dict[uuid.UUID, list[tuple[str, int]]] = {}
    if ids:
        for statement_id, state, number in session.execute(
            select(StatementLineItem.statement_id, StatementLineItem.state, func.count())
            .where(StatementLineItem.statement_id.in_(ids))
            .group_by(StatementLineItem.statement_id, StatementLineItem.state)
        ):
            counts.setdefault(statement_id, []).append((state, number))
    return [
        StatementSummary(statement, name, rules.totals(counts.get(statement.id, [])))
        for statement, name in rows
    ]
