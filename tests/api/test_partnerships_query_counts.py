"""The v3 lists of schools, partnerships, delivery partners, statements, transfers and
unfunded mentors run a fixed handful of SQL statements per page: a page of 100 costs the
same as a page of 3 (no per-row queries)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from tests import builders as b
from tests.factories import provider_with_token

# Authentication (token lookup) plus the list query and at most one batch query.
MAX_STATEMENTS = 6


def _populate(session, provider_id, count: int) -> None:
    for index in range(count):
        partner = b.delivery_partner(session)
        partnership = b.partnership(session, provider_id, partner=partner)
        elsewhere = b.mentor(session, None, school_=b.school(session))
        b.ect(session, partnership, mentor=elsewhere)
        b.ect(
            session, partnership, induction_status="leaving", end_date=b.at("2025-04-01T00:00:00Z")
        )
        monthly = date(2020 + index // 12, index % 12 + 1, 28)
        b.statement(session, provider_id, cohort=2024, deadline=monthly)


def _count_statements(db, client, path, headers) -> int:
    executed: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        executed.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.get(path, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200, response.text
    return len(executed), len(response.json()["data"])


PATHS = [
    "/api/v3/schools/ecf?filter[cohort]=2024",
    "/api/v3/partnerships/ecf",
    "/api/v3/delivery-partners",
    "/api/v3/statements",
    "/api/v3/participants/ecf/transfers",
    "/api/v3/unfunded-mentors/ecf",
]


@pytest.mark.parametrize("path", PATHS)
def test_page_of_100_needs_a_fixed_handful_of_statements(db, client, path):
    small = provider_with_token(db, "Small", ecf=True, npq=False)
    large = provider_with_token(db, "Large", ecf=True, npq=False)
    with db.session() as session:
        _populate(session, small.id, 3)
        _populate(session, large.id, 105)
    # A request warms the token's last-used stamp so both measured requests do the same work.
    for provider in (small, large):
        client.get(path, headers=provider.headers)
    few, few_rows = _count_statements(db, client, path, small.headers)
    many, many_rows = _count_statements(db, client, path, large.headers)
    assert many_rows == 100 and few_rows >= 3
    assert many == few
    assert many <= MAX_STATEMENTS
