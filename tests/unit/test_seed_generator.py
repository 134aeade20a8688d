"""The sandbox generator without a database: deterministic, memorable tokens, and a finance
calendar that always has statements paid, payable and open for a cohort still running."""

from __future__ import annotations

import uuid
from datetime import date

from cpd_api.schedules.reference_data import SCHEDULES
from cpd_api.seed.context import SeedContext
from cpd_api.seed.finance import Ledger, statement_months
from cpd_api.seed.generator import SeedOptions, generate, provider_identities, sandbox_token

SCHEDULE_IDS = {
    (spec.identifier, spec.cohort): uuid.uuid5(
        uuid.NAMESPACE_URL, f"{spec.identifier}/{spec.cohort}"
    )
    for spec in SCHEDULES
}
TODAY = date(2026, 11, 27)


def test_same_seed_same_rows_other_seed_other_rows():
    options = SeedOptions(providers=2, participants=40, seed=9)
    first = generate(options, TODAY, SCHEDULE_IDS)
    second = generate(options, TODAY, SCHEDULE_IDS)
    assert first.tables == second.tables
    other = generate(SeedOptions(providers=2, participants=40, seed=10), TODAY, SCHEDULE_IDS)
    assert other.tables["participants"] != first.tables["participants"]


def test_tokens_are_memorable_unique_and_long_enough():
    identities = provider_identities(15)
    tokens = [sandbox_token(identity, n) for n, identity in enumerate(identities, start=1)]
    assert tokens[0] == "ambition-token-sandbox-0000000001"
    assert identities[-1].name == "Lead Provider 15"
    assert len(set(tokens)) == len(tokens)
    assert all(len(token) >= 32 for token in tokens)


def test_no_timestamp_is_after_the_generation_day_except_reported_future_dates():
    data = generate(SeedOptions(providers=1, participants=40, seed=2), TODAY, SCHEDULE_IDS)
    for table, rows in data.tables.items():
        for row in rows:
            for column in ("created_at", "updated_at", "declaration_date", "voided_at"):
                value = row.get(column)
                if value is not None:
                    assert value.date() <= TODAY, (table, column, value)


def _calendar(cohort: int) -> list[dict]:
    context = SeedContext(1, TODAY, SCHEDULE_IDS)
    ledger = Ledger(context)
    ledger.add_calendar(uuid.uuid4(), cohort, "ecf")
    return context.tables["statements"]


def test_a_running_cohort_has_paid_payable_and_open_statements():
    statements = _calendar(2025)
    assert {s["state"] for s in statements} == {"paid", "payable", "open"}
    payable = [s for s in statements if s["state"] == "payable"]
    assert len(payable) == 1
    assert payable[0]["deadline_date"] < TODAY
    assert all(s["deadline_date"] >= TODAY for s in statements if s["state"] == "open")


def test_a_finished_cohort_is_all_paid_and_statements_run_november_to_july():
    assert {s["state"] for s in _calendar(2022)} == {"paid"}
    months = statement_months(2024)
    assert months[0] == (2024, 11)
    assert months[-1] == (2027, 7)
    assert len(months) == 33
