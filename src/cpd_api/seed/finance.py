"""Statements, declarations and their line items for the sandbox, following the finance
lifecycle of operations.md 3 as if it had run up to the generation day.

A statement is named after its payment month; its cut-off is the last day of the month
before. Statements whose cut-off has passed are paid, except the latest one of a cohort that
still has statements to come, which finance has closed but not yet paid (payable). So at any
time every open cohort shows statements open, payable and paid, and declarations land in
eligible, payable or paid according to the statement they attach to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cpd_api.declarations.rules import slot_for_state, slot_key

from .context import Row, SeedContext

LINE_STATE_OF_STATEMENT = {"open": "eligible", "payable": "payable", "paid": "paid"}


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def statement_months(cohort: int) -> list[tuple[int, int]]:
    """Payment months of a cohort: November of its start year to July three years later."""
    months = []
    year, month = cohort, 11
    while (year, month) <= (cohort + 3, 7):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class Claim:
    """What a provider declares; `story` says what happens to it afterwards."""

    provider_id: uuid.UUID
    participant_id: uuid.UUID
    profile_id: uuid.UUID
    cohort: int
    programme: str
    course: str
    declaration_type: str
    declared_at: datetime
    submitted_at: datetime
    fundable: bool
    evidence_held: str | None = None
    delivery_partner_id: uuid.UUID | None = None
    mentor_participant_id: uuid.UUID | None = None
    pupil_premium_uplift: bool | None = None
    sparsity_uplift: bool | None = None
    # The participant is not eligible for funding: the declaration is recorded as ineligible
    # (the API exposes a reason only for duplicates).
    participant_ineligible: bool = False
    story: str = "normal"  # normal, void, clawback, clawed_back, duplicate


class Ledger:
    def __init__(self, context: SeedContext) -> None:
        self.context = context
        self._statements: dict[tuple[uuid.UUID, int, str], list[Row]] = {}

    # --- statements ----------------------------------------------------------------------------

    def add_calendar(self, provider_id: uuid.UUID, cohort: int, programme: str) -> None:
        context = self.context
        rows = []
        for index, (year, month) in enumerate(statement_months(cohort)):
            deadline = _month_end(year, month - 1) if month > 1 else date(year - 1, 12, 31)
            created = context.at(date(cohort, 6, 1))
            rows.append(
                context.add(
                    "statements",
                    {
                        "id": context.uid(),
                        "lead_provider_id": provider_id,
                        "cohort_year": cohort,
                        "programme": programme,
                        "name": date(year, month, 1).strftime("%B %Y"),
                        "month": month,
                        "year": year,
                        "deadline_date": deadline,
                        "payment_date": date(year, month, 25),
                        # The first statement of a cohort pays service fees only.
                        "output_fee": index > 0,
                        "state": "open",
                        "contract_version": "0.0.1",
                        "created_at": created,
                        "updated_at": created,
                    },
                )
            )
        today = context.today
        past = [row for row in rows if row["deadline_date"] < today]
        still_open = len(past) < len(rows)
        for row in past:
            row["state"] = "paid"
            row["updated_at"] = context.at(row["payment_date"])
        if past and still_open:
            past[-1]["state"] = "payable"
            past[-1]["updated_at"] = context.at(past[-1]["deadline_date"] + timedelta(days=1))
        self._statements[(provider_id, cohort, programme)] = rows

    def statement_for(
        self, provider_id: uuid.UUID, cohort: int, programme: str, day: date
    ) -> Row | None:
        """The output-fee statement a declaration (or clawback) made on `day` attached to."""
        for row in self._statements.get((provider_id, cohort, programme), ()):
            if row["output_fee"] and row["deadline_date"] >= day:
                return row
        return None

    # --- declarations --------------------------------------------------------------------------

    def declare(self, claim: Claim, *, superseded: Row | None = None) -> Row | None:
        """Record a declaration and its lines; None when its cohort takes no more."""
        context = self.context
        statement = None
        if claim.fundable:
            statement = self.statement_for(
                claim.provider_id, claim.cohort, claim.programme, claim.submitted_at.date()
            )
            if statement is None:
                return None
        if superseded is not None or claim.participant_ineligible:
            state = "ineligible"
        elif statement is None:
            state = "submitted"
        else:
            state = LINE_STATE_OF_STATEMENT[statement["state"]]
        updated = claim.submitted_at
        if state == "payable":
            updated = context.at(statement["deadline_date"] + timedelta(days=1))  # type: ignore[index]
        elif state == "paid":
            updated = context.at(statement["payment_date"])  # type: ignore[index]
        row = context.add(
            "declarations",
            {
                "id": context.uid(),
                "lead_provider_id": claim.provider_id,
                "participant_id": claim.participant_id,
                "participant_profile_id": claim.profile_id,
                "cohort_year": claim.cohort,
                "course_identifier": claim.course,
                "declaration_type": claim.declaration_type,
                "declaration_date": claim.declared_at,
                "evidence_held": claim.evidence_held,
                "state": state,
                "delivery_partner_id": claim.delivery_partner_id,
                "mentor_participant_id": claim.mentor_participant_id,
                "pupil_premium_uplift": claim.pupil_premium_uplift,
                "sparsity_uplift": claim.sparsity_uplift,
                "ineligibility_reason": "duplicate_declaration" if superseded is not None else None,
                "superseded_by_id": None,
                "billable_slot": None,
                "voided_at": None,
                "created_at": claim.submitted_at,
                "updated_at": updated,
            },
        )
        line = None
        if statement is not None:
            line = self._line(statement, row, state, claim.submitted_at)
        if superseded is not None:
            # The duplicate points at the declaration that already holds the slot.
            row["superseded_by_id"] = superseded["id"]
        if claim.story == "void" and state in ("submitted", "eligible", "payable", "ineligible"):
            self._void(row, line)
        elif claim.story in ("clawback", "clawed_back") and state == "paid":
            self._claw_back(row, claim, statement, late=claim.story == "clawed_back")  # type: ignore[arg-type]
        row["billable_slot"] = slot_for_state(
            slot_key(claim.participant_id, claim.course, claim.declaration_type), row["state"]
        )
        return row

    def _line(self, statement: Row, declaration: Row, state: str, at: datetime) -> Row:
        return self.context.add(
            "statement_line_items",
            {
                "id": self.context.uid(),
                "statement_id": statement["id"],
                "declaration_id": declaration["id"],
                "state": state,
                "created_at": at,
                "updated_at": declaration["updated_at"],
            },
        )

    def _void(self, declaration: Row, line: Row | None) -> None:
        context = self.context
        start = declaration["created_at"].date() + timedelta(days=1)
        voided = context.at(context.day_between(start, context.past(start + timedelta(days=20))))
        voided = max(voided, declaration["created_at"])
        declaration.update(state="voided", voided_at=voided, updated_at=voided)
        if line is not None:
            line.update(state="voided", updated_at=voided)

    def _claw_back(self, declaration: Row, claim: Claim, paid_on: Row, *, late: bool) -> None:
        """Void a paid declaration: a refundable line on a later statement. `late` voids soon
        after payment so the clawback itself has been paid; otherwise it is voided recently
        and waits on the next open statement."""
        context = self.context
        if late:
            day = paid_on["payment_date"] + timedelta(days=3)
        else:
            day = context.today - timedelta(days=2)
        target = self.statement_for(claim.provider_id, claim.cohort, claim.programme, day)
        if target is None or target["id"] == paid_on["id"] or day >= context.today:
            return
        voided = context.at(day)
        state = "clawed_back" if target["state"] == "paid" else "awaiting_clawback"
        updated = context.at(target["payment_date"]) if state == "clawed_back" else voided
        declaration.update(state=state, voided_at=voided, updated_at=updated)
        context.add(
            "statement_line_items",
            {
                "id": context.uid(),
                "statement_id": target["id"],
                "declaration_id": declaration["id"],
                "state": state,
                "created_at": voided,
                "updated_at": updated,
            },
        )
