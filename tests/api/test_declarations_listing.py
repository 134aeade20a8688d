"""Listing and showing declarations: visibility across providers (ecf.md 1.5), each version's
filters, ordering, paging, CSV, and 404 for what a provider may not see."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from cpd_api.declarations.models import Declaration
from cpd_api.participants.models import InductionRecord
from tests import builders
from tests.factories_declarations import (
    DP1_ID,
    E1_ID,
    body,
    ect_on,
    errors,
    fixture_f,
    post,
    show,
    still_clock,  # noqa: F401  (fixture)
    void,
)

pytestmark = pytest.mark.usefixtures("still_clock")

NOW = "2025-02-15T12:00:00Z"


def _list(client, provider, version="v3", query="", now=NOW):
    response = client.get(
        f"/api/{version}/participant-declarations{query}",
        headers={**provider.headers, "X-With-Server-Date": now},
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _ids(data):
    return [item["id"] for item in data]


def _started(client, f, participant_id, provider=None, when="2024-10-01T10:00:00Z", now=NOW):
    response = post(client, provider or f.lp_a, body(participant_id, "started", when), now)
    assert response.status_code == 200, response.text
    return response.json()["data"]["id"]


def _move_to_b(db, f, *, status="active", end_date=None, leaving_old=False):
    """E1 joins LP-B's school; the old LP-A record optionally becomes `leaving`."""
    with db.session() as session:
        old = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == f.e1_profile_id)
        )
        if leaving_old:
            old.induction_status = "leaving"
            old.end_date = end_date
        session.add(
            InductionRecord(
                participant_profile_id=f.e1_profile_id,
                school_id=f.s2_id,
                cohort_year=2024,
                partnership_id=f.pb2_id,
                schedule_id=old.schedule_id,
                start_date=builders.at("2025-02-01T00:00:00Z"),
                induction_status=status,
                school_transfer=True,
            )
        )


def test_own_declarations_in_every_state_and_others_only_when_counting(client, db):
    f = fixture_f(db)
    started = _started(client, f, E1_ID)
    retained = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T10:00:00Z", evidence_held="other"),
        "2025-02-15T12:00:30Z",
    ).json()["data"]["id"]
    void(client, f.lp_a, retained, "2025-02-15T12:00:30Z")
    assert _ids(_list(client, f.lp_a)) == [started, retained]
    assert _list(client, f.lp_b) == []
    _move_to_b(db, f)
    for version in ("v1", "v2", "v3"):
        assert _ids(_list(client, f.lp_b, version)) == [started], version


def test_leaving_participant_declarations_visible_in_v3_only_up_to_leaving_date(client, db):
    f = fixture_f(db)
    e_b = ect_on(db, f.pb2_id, start_date=builders.at("2024-09-01T00:00:00Z"))
    before = _started(client, f, e_b.participant_id, provider=f.lp_b)
    with db.session() as session:
        record = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == e_b.id)
        )
        record.induction_status = "leaving"
        record.end_date = builders.at("2025-01-15T00:00:00Z")
        # The same participant is now with LP-A: LP-A's partnership holds the leaving record.
        record.partnership_id = f.pa1_id
    # LP-A sees LP-B's declaration dated before the leaving date in v3 only.
    assert _ids(_list(client, f.lp_a, "v3")) == [before]
    assert _list(client, f.lp_a, "v2") == []
    assert _list(client, f.lp_a, "v1") == []
    with db.session() as session:
        session.get(Declaration, uuid.UUID(before)).declaration_date = builders.at(
            "2025-01-20T10:00:00Z"
        )
    assert _list(client, f.lp_a, "v3") == []


def test_show_follows_the_same_visibility_and_404s_otherwise(client, db):
    f = fixture_f(db)
    declaration_id = _started(client, f, E1_ID)
    assert show(client, f.lp_b, declaration_id).status_code == 404
    _move_to_b(db, f)
    assert show(client, f.lp_b, declaration_id).status_code == 200
    assert show(client, f.lp_b, "not-a-uuid").status_code == 404
    assert show(client, f.lp_a, uuid.uuid4()).json()["error"] == "Resource not Found"


def test_v3_filters(client, db):
    f = fixture_f(db)
    first = _started(client, f, E1_ID)
    e2 = ect_on(db, f.pa1_id)
    second = _started(client, f, e2.participant_id, now="2025-02-15T12:00:30Z")
    assert _ids(
        _list(client, f.lp_a, query=f"?filter[participant_id]={E1_ID},{e2.participant_id}")
    ) == [
        first,
        second,
    ]
    assert _ids(_list(client, f.lp_a, query=f"?filter[participant_id]={e2.participant_id}")) == [
        second
    ]
    assert _ids(_list(client, f.lp_a, query="?filter[cohort]=2024")) == [first, second]
    assert _list(client, f.lp_a, query="?filter[cohort]=2023") == []
    assert _ids(_list(client, f.lp_a, query=f"?filter[delivery_partner_id]={DP1_ID}")) == [
        first,
        second,
    ]
    assert _list(client, f.lp_a, query=f"?filter[delivery_partner_id]={uuid.uuid4()}") == []
    assert _ids(_list(client, f.lp_a, query="?filter[updated_since]=2025-02-15T12:00:00Z")) == [
        first,
        second,
    ]
    assert _ids(_list(client, f.lp_a, query="?filter[updated_since]=2025-02-15T12:00:30Z")) == [
        second
    ]
    assert _list(client, f.lp_a, query="?filter[updated_since]=2025-02-15T12:01:00Z") == []
    assert _ids(_list(client, f.lp_a, query="?page[per_page]=1&page[page]=2")) == [second]


def test_v1_v2_updated_since_is_strict_and_participant_filter_single(client, db):
    f = fixture_f(db)
    first = _started(client, f, E1_ID)
    updated_at = show(client, f.lp_a, first).json()["data"]["attributes"]["updated_at"]
    for version in ("v1", "v2"):
        assert _list(client, f.lp_a, version, f"?filter[updated_since]={updated_at}") == []
        assert _ids(
            _list(client, f.lp_a, version, "?filter[updated_since]=2025-02-15T11:59:59Z")
        ) == [first]
        assert _ids(_list(client, f.lp_a, version, f"?filter[participant_id]={E1_ID}")) == [first]
        # v1/v2 ignore the v3-only cohort filter
        assert _ids(_list(client, f.lp_a, version, "?filter[cohort]=2023")) == [first]


def test_bad_filters_and_paging_are_400(client, db):
    f = fixture_f(db)
    response = client.get(
        "/api/v3/participant-declarations?filter[updated_since]=yesterday", headers=f.lp_a.headers
    )
    assert response.status_code == 400
    assert errors(response) == [
        {
            "title": "Bad request",
            "detail": "The filter '#/updated_since' must be a valid RCF3339 date",
        }
    ]
    scalar = client.get("/api/v3/participant-declarations?filter=abc", headers=f.lp_a.headers)
    assert errors(scalar) == [{"title": "Bad parameter", "detail": "Filter must be a hash"}]
    paging = client.get("/api/v1/participant-declarations?page[page]=0", headers=f.lp_a.headers)
    assert paging.status_code == 400


def test_csv_in_v1_and_v2(client, db):
    f = fixture_f(db)
    empty = client.get("/api/v1/participant-declarations.csv", headers=f.lp_a.headers)
    assert (empty.status_code, empty.text) == (200, "")
    declaration_id = _started(client, f, E1_ID)
    v1 = client.get("/api/v1/participant-declarations.csv", headers=f.lp_a.headers)
    assert v1.headers["content-type"].startswith("text/csv")
    assert v1.text.splitlines() == [
        "id,participant_id,declaration_type,course_identifier,eligible_for_payment,"
        "declaration_date,updated_at,voided,state,has_passed",
        f"{declaration_id},{E1_ID},started,ecf-induction,true,2024-10-01T10:00:00Z,"
        "2025-02-15T12:00:00Z,false,eligible,",
    ]
    v2 = client.get(
        "/api/v2/participant-declarations", headers={**f.lp_a.headers, "Accept": "text/csv"}
    )
    assert v2.text.splitlines()[0] == (
        "id,participant_id,declaration_type,course_identifier,declaration_date,updated_at,"
        "state,has_passed"
    )
    v3 = client.get("/api/v3/participant-declarations.csv", headers=f.lp_a.headers)
    assert (v3.status_code, v3.content) == (406, b"")


def test_states_are_hyphenated_on_the_wire(client, db):
    from tests.factories_declarations import set_state

    f = fixture_f(db)
    declaration_id = _started(client, f, E1_ID)
    set_state(db, declaration_id, "paid")
    void(client, f.lp_a, declaration_id, "2025-03-05T09:00:00Z")
    assert _list(client, f.lp_a)[0]["attributes"]["state"] == "awaiting-clawback"
    v1 = _list(client, f.lp_a, "v1")[0]["attributes"]
    assert (v1["state"], v1["eligible_for_payment"], v1["voided"]) == (
        "awaiting-clawback",
        False,
        False,
    )


def test_unauthenticated_is_401(client, db):
    response = client.get("/api/v3/participant-declarations")
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


def test_cohort_filter_reads_the_declarations_own_cohort(client, db):
    """A participant moved to another cohort keeps their declarations in the old one."""
    from cpd_api.participants.models import ParticipantProfile

    f = fixture_f(db)
    declared = _started(client, f, E1_ID)
    with db.session() as session:
        profile = session.get(ParticipantProfile, f.e1_profile_id)
        profile.schedule_id = builders.schedule(session, "ecf-extended-september", 2025).id
        profile.cohort_year = 2025
    assert _ids(_list(client, f.lp_a, query="?filter[cohort]=2024")) == [declared]
    assert _list(client, f.lp_a, query="?filter[cohort]=2025") == []
