"""Pure rules of the finance calendar: which statement a declaration lands on, when a
statement may be closed and paid, and how its lines add up.

A statement is *open* until finance closes it (`payable`), then `paid`. Declarations and
clawbacks only ever attach to open output-fee statements, so a closed statement's contents
are frozen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

LINE_STATES = (
    "eligible",
    "payable",
    "paid",
    "voided",
    "ineligible",
    "awaiting_clawback",
    "clawed_back",
)
BILLABLE_LINE_STATES = ("eligible", "payable", "paid")
REFUNDABLE_LINE_STATES = ("awaiting_clawback", "clawed_back")


class StatementLike(Protocol):
    deadline_date: date
    state: str
    output_fee: bool


def accepts_declarations(statement: StatementLike, today: date) -> bool:
    """Open output-fee statements whose cut-off is today or later receive declarations."""
    return statement.output_fee and statement.state == "open" and statement.deadline_date >= today


S = TypeVar("S", bound=StatementLike)


def next_output_statement(statements: Iterable[S], today: date) -> S | None:
    """The earliest cut-off among the statements still accepting declarations (ecf.md 1.7)."""
    candidates = [s for s in statements if accepts_declarations(s, today)]
    return min(candidates, key=lambda s: s.deadline_date, default=None)


def close_refusal(state: str, deadline_date: date, today: date) -> str | None:
    """Why a statement cannot be closed (made payable) now, or None when it can."""
    if state != "open":
        return f"the statement is already {state}"
    if today <= deadline_date:
        return (
            f"the statement's cut-off date {deadline_date.isoformat()} has not passed yet "
            "(declarations can still attach to it)"
        )
    return None


def pay_refusal(state: str) -> str | None:
    if state == "paid":
        return "the statement is already paid"
    if state != "payable":
        return "the statement must be closed (made payable) before it is paid"
    return None


@dataclass(frozen=True)
class StatementTotals:
    """Line counts per state; `net` is what the statement pays for, clawbacks subtracted."""

    counts: Mapping[str, int]

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def billable(self) -> int:
        return sum(self.count(s) for s in BILLABLE_LINE_STATES)

    @property
    def refundable(self) -> int:
        return sum(self.count(s) for s in REFUNDABLE_LINE_STATES)

    @property
    def net(self) -> int:
        return self.billable - self.refundable


def totals(line_states: Iterable[tuple[str, int]]) -> StatementTotals:
    counts: dict[str, int] = {}
    for state, number in line_states:
        counts[state] = counts.get(state, 0) + number
    return StatementTotals(counts)
