"""Which statement a declaration lands on, and when statements may be closed and paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cpd_api.statements import rules


@dataclass
class FakeStatement:
    deadline_date: date
    state: str = "open"
    output_fee: bool = True


OCT = FakeStatement(date(2024, 10, 31))
FEB = FakeStatement(date(2025, 2, 28))
MAR = FakeStatement(date(2025, 3, 31))


def test_next_statement_is_the_earliest_cut_off_on_or_after_today():
    statements = [MAR, OCT, FEB]
    assert rules.next_output_statement(statements, date(2024, 10, 15)) is OCT
    assert rules.next_output_statement(statements, date(2024, 10, 31)) is OCT
    assert rules.next_output_statement(statements, date(2024, 11, 1)) is FEB
    assert rules.next_output_statement(statements, date(2025, 3, 1)) is MAR
    assert rules.next_output_statement(statements, date(2025, 4, 1)) is None


def test_closed_and_non_output_statements_receive_nothing():
    closed = FakeStatement(date(2024, 10, 31), state="payable")
    service_fee = FakeStatement(date(2024, 11, 30), output_fee=False)
    assert rules.next_output_statement([closed, service_fee, FEB], date(2024, 10, 1)) is FEB


def test_close_only_after_the_cut_off_and_only_once():
    assert rules.close_refusal("open", date(2024, 10, 31), date(2024, 10, 31)) is not None
    assert rules.close_refusal("open", date(2024, 10, 31), date(2024, 11, 1)) is None
    assert rules.close_refusal("payable", date(2024, 10, 31), date(2024, 11, 1)) == (
        "the statement is already payable"
    )


def test_pay_only_a_closed_statement():
    assert rules.pay_refusal("open") is not None
    assert rules.pay_refusal("payable") is None
    assert rules.pay_refusal("paid") == "the statement is already paid"


def test_totals_net_subtracts_clawbacks():
    totals = rules.totals([("eligible", 2), ("paid", 3), ("awaiting_clawback", 1), ("voided", 4)])
    assert totals.billable == 5
    assert totals.refundable == 1
    assert totals.net == 4
    assert totals.count("voided") == 4
    assert totals.count("payable") == 0
