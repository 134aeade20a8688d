"""The finance lifecycle (operations.md 3): statement attachment across cut-off dates, and
`cpd-api finance close | pay | statements` moving and reporting declaration states."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cpd_api import cli
from cpd_api.core import clock, config
from cpd_api.core.audit import AuditEvent
from tests import builders
from tests.factories_declarations import (
    E1_ID,
    body,
    ect_on,
    fixture_f,
    post,
    show,
    still_clock,  # noqa: F401  (fixture)
    void,
)

pytestmark = pytest.mark.usefixtures("still_clock")

runner = CliRunner()


@pytest.fixture
def finance(db, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    config.get_settings.cache_clear()
    cli.database.cache_clear()

    def invoke(now: str, *args: str):
        with clock.travel_to(builders.at(now)):
            return runner.invoke(cli.app, ["finance", *args])

    yield invoke
    config.get_settings.cache_clear()
    cli.database.cache_clear()


def _started(client, f, participant_id, now):
    response = post(client, f.lp_a, body(participant_id, "started", "2024-10-01T10:00:00Z"), now)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _attributes(client, f, declaration_id):
    return show(client, f.lp_a, declaration_id).json()["data"]["attributes"]


def test_attachment_follows_the_submission_date_across_cut_offs(client, db):
    f = fixture_f(db)
    on_cut_off = _started(client, f, E1_ID, "2024-10-31T23:00:00Z")
    assert on_cut_off["attributes"]["statement_id"] == str(f.statements_a["ST-OCT24"])
    e2 = ect_on(db, f.pa1_id)
    day_after = _started(client, f, e2.participant_id, "2024-11-01T00:30:00Z")
    assert day_after["attributes"]["statement_id"] == str(f.statements_a["ST-FEB25"])


def test_close_then_pay_moves_declarations_and_records_who(client, db, finance):
    f = fixture_f(db)
    first = _started(client, f, E1_ID, "2024-10-15T09:00:00Z")["id"]
    e2 = ect_on(db, f.pa1_id)
    other = _started(client, f, e2.participant_id, "2024-11-15T09:00:00Z")["id"]
    october = str(f.statements_a["ST-OCT24"])

    early = finance("2024-10-31T12:00:00Z", "close", october)
    assert early.exit_code == 1
    assert "has not passed yet" in early.output

    closed = finance("2024-11-01T09:00:00Z", "close", october)
    assert closed.exit_code == 0, closed.output
    assert "1 payable" in closed.output
    assert _attributes(client, f, first)["state"] == "payable"
    assert _attributes(client, f, other)["state"] == "eligible"  # on ST-FEB25

    assert finance("2024-11-01T09:00:00Z", "close", october).exit_code == 1
    paid = finance("2024-11-25T09:00:00Z", "pay", october)
    assert paid.exit_code == 0, paid.output
    assert _attributes(client, f, first)["state"] == "paid"
    assert finance("2024-11-25T09:00:00Z", "pay", october).exit_code == 1

    with db.session() as session:
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.actor_kind)
            .where(AuditEvent.entity_id == first)
            .order_by(AuditEvent.occurred_at)
        ).all()
    assert [tuple(a) for a in actions] == [
        ("created", "provider"),
        ("eligible", "provider"),
        ("payable", "operator"),
        ("paid", "operator"),
    ]


def test_clawback_is_recovered_when_its_statement_is_paid(client, db, finance):
    f = fixture_f(db)
    declaration_id = _started(client, f, E1_ID, "2024-10-15T09:00:00Z")["id"]
    october = str(f.statements_a["ST-OCT24"])
    finance("2024-11-01T09:00:00Z", "close", october)
    finance("2024-11-25T09:00:00Z", "pay", october)
    clawback = void(client, f.lp_a, declaration_id, "2025-02-20T09:00:00Z").json()["data"]
    assert clawback["attributes"]["clawback_statement_id"] == str(f.statements_a["ST-FEB25"])
    february = str(f.statements_a["ST-FEB25"])
    assert finance("2025-03-01T09:00:00Z", "close", february).exit_code == 0
    result = finance("2025-03-25T09:00:00Z", "pay", february)
    assert "1 clawed_back" in result.output
    attributes = _attributes(client, f, declaration_id)
    assert attributes["state"] == "clawed-back"
    assert attributes["statement_id"] == october
    assert attributes["clawback_statement_id"] == february


def test_a_closed_statement_receives_nothing_more(client, db, finance):
    f = fixture_f(db)
    with db.session() as session:
        late = builders.statement(
            session, f.lp_a.id, cohort=2024, deadline=builders.at("2024-12-31T00:00:00Z").date()
        )
        late_id = str(late.id)
    finance("2024-11-01T09:00:00Z", "close", str(f.statements_a["ST-OCT24"]))
    # A provider that jumped the clock back still cannot land on the closed October statement.
    landed = _started(client, f, E1_ID, "2024-10-20T09:00:00Z")
    assert landed["attributes"]["statement_id"] == late_id


def test_voiding_a_payable_declaration_voids_its_line(client, db, finance):
    f = fixture_f(db)
    declaration_id = _started(client, f, E1_ID, "2024-10-15T09:00:00Z")["id"]
    finance("2024-11-01T09:00:00Z", "close", str(f.statements_a["ST-OCT24"]))
    voided = void(client, f.lp_a, declaration_id, "2024-11-02T09:00:00Z").json()["data"]
    assert voided["attributes"]["state"] == "voided"
    assert voided["attributes"]["statement_id"] is None
    report = json.loads(finance("2024-11-02T09:00:00Z", "statements", "--json").output)
    october = next(r for r in report if r["id"] == str(f.statements_a["ST-OCT24"]))
    assert october["counts"]["voided"] == 1
    assert october["net"] == 0


def test_statements_report_counts_per_state(client, db, finance):
    f = fixture_f(db)
    _started(client, f, E1_ID, "2024-10-15T09:00:00Z")
    result = finance(
        "2024-10-16T09:00:00Z", "statements", "--provider", "Alpha Institute", "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["provider"] for r in rows} == {"Alpha Institute"}
    october = next(r for r in rows if r["name"] == "October 2024")
    assert (october["counts"]["eligible"], october["net"], october["state"]) == (1, 1, "open")
    cohort = json.loads(
        finance("2024-10-16T09:00:00Z", "statements", "--cohort", "2025", "--json").output
    )
    assert [r["name"] for r in cohort] == ["September 2025"]
    table = finance("2024-10-16T09:00:00Z", "statements")
    assert table.exit_code == 0
    assert "October 2024" in table.output


def test_unknown_statement_is_one_clear_line(finance, db):
    result = finance("2024-10-16T09:00:00Z", "close", "not-a-statement")
    assert result.exit_code == 1
    assert "no statement with id" in result.output
