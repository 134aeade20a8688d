"""v3 /statements: a provider's output-fee statements of both programmes, their filters and
attributes; any of its statements by id."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from cpd_api.core import clock
from tests import builders as b
from tests.contract.reference import (
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories import provider_with_token
from tests.factories_ecf_other import fixture_f

PATH = "/api/v3/statements"


def _ok(response):
    assert response.status_code == 200, response.text
    assert_matches_contract(
        "v3", "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    return response.json()["data"]


def test_list_in_payment_date_order_with_exact_attributes(db, client):
    f = fixture_f(db)
    data = _ok(client.get(PATH, headers=f.lp_a.headers))
    order = ["ST-OCT24", "ST-FEB25", "ST-MAR25", "ST-APR25", "ST-SEP25"]
    assert [d["id"] for d in data] == [str(f.statements_a[k].id) for k in order]
    first = data[0]
    assert first["type"] == "statement"
    assert list(first["attributes"]) == attribute_names("v3", "StatementAttributes")
    statement = f.statements_a["ST-OCT24"]
    assert first["attributes"] == {
        "month": "October",
        "year": "2024",
        "type": "ecf",
        "cohort": "2024",
        "cut_off_date": "2024-10-31",
        "payment_date": "2024-11-25",
        "paid": False,
        "created_at": statement.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updated_at": statement.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert {d["id"] for d in _ok(client.get(PATH, headers=f.lp_b.headers))} == {
        str(s.id) for s in f.statements_b.values()
    }


def test_filters_cohort_type_and_updated_since(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=True)
    ecf_2024 = b.statement(session, lp.id, cohort=2024, deadline=date(2024, 10, 31))
    ecf_2025 = b.statement(session, lp.id, cohort=2025, deadline=date(2025, 10, 31))
    npq_2024 = b.statement(
        session, lp.id, cohort=2024, programme="npq", deadline=date(2024, 11, 30)
    )
    paid = b.statement(session, lp.id, cohort=2023, deadline=date(2024, 1, 31), state="paid")
    not_output = b.statement(
        session, lp.id, cohort=2024, deadline=date(2024, 12, 31), output_fee=False
    )
    old = clock.now_seconds() - timedelta(days=30)
    for statement in (ecf_2024, npq_2024, paid):
        statement.updated_at = old
    session.commit()

    def ids(query=""):
        return {d["id"] for d in _ok(client.get(f"{PATH}?{query}", headers=lp.headers))}

    assert ids() == {str(s.id) for s in (ecf_2024, ecf_2025, npq_2024, paid)}
    assert ids("filter[type]=ecf") == {str(s.id) for s in (ecf_2024, ecf_2025, paid)}
    assert ids("filter[type]=npq") == {str(npq_2024.id)}
    assert ids("filter[type]=other") == set()
    assert ids("filter[cohort]=2024") == {str(ecf_2024.id), str(npq_2024.id)}
    assert ids("filter[cohort]=2023,2025&filter[type]=ecf") == {str(paid.id), str(ecf_2025.id)}
    since = (clock.now_seconds() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"filter[updated_since]={since}") == {str(ecf_2025.id)}
    shown = _ok(client.get(f"{PATH}/{paid.id}", headers=lp.headers))
    assert shown["attributes"]["paid"] is True
    npq = _ok(client.get(f"{PATH}/{npq_2024.id}", headers=lp.headers))
    assert npq["attributes"]["type"] == "npq"
    # Statements without output fees are not listed, but can be read by id.
    assert _ok(client.get(f"{PATH}/{not_output.id}", headers=lp.headers))["id"] == str(
        not_output.id
    )
    response = client.get(f"{PATH}?filter[updated_since]=nope", headers=lp.headers)
    assert response.status_code == 400


def test_month_and_year_come_from_the_statement_name(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    statement = b.statement(session, lp.id, deadline=date(2025, 1, 31))
    statement.name = "January 2025 (extension)"
    session.commit()
    data = _ok(client.get(f"{PATH}/{statement.id}", headers=lp.headers))
    assert (data["attributes"]["month"], data["attributes"]["year"]) == ("January", "2025")


def test_paging(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    made = [
        b.statement(session, lp.id, deadline=date(2024, month, 1) + timedelta(days=27))
        for month in range(1, 6)
    ]
    session.commit()
    data = _ok(client.get(f"{PATH}?page[page]=2&page[per_page]=2", headers=lp.headers))
    assert [d["id"] for d in data] == [str(s.id) for s in made[2:4]]


def test_other_providers_statements_are_404(db, client):
    f = fixture_f(db)
    for statement_id in (f.statements_b["ST-OCT24"].id, uuid.uuid4(), "nope"):
        response = client.get(f"{PATH}/{statement_id}", headers=f.lp_a.headers)
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_npq_only_provider_reads_its_statements(db, client, session):
    lp = provider_with_token(db, "NPQ Only", ecf=False, npq=True)
    statement = b.statement(session, lp.id, programme="npq", deadline=date(2024, 12, 31))
    session.commit()
    assert [d["id"] for d in _ok(client.get(PATH, headers=lp.headers))] == [str(statement.id)]
