"""NPQ applications: list, CSV, show and their attributes in every version (npq.md 2.2 to 2.5)."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from cpd_api.npq_applications.models import NpqApplication
from tests import builders
from tests.contract.reference import (
    assert_documented_status,
    assert_matches_contract,
    assert_not_found_document,
)
from tests.factories_npq import arranged, npq_world

VERSIONS = ("v1", "v2", "v3")


@pytest.fixture
def world(db):
    return npq_world(db)


def _application(db, provider_id, **fields) -> NpqApplication:
    with arranged(db, fields.pop("when", "2025-02-10T12:00:00Z")) as session:
        return builders.npq_application(session, provider_id, **fields)


@pytest.mark.parametrize("version", VERSIONS)
def test_list_shows_only_the_callers_applications_with_every_attribute(client, db, world, version):
    mine = _application(db, world.p.id, course="npq-headship", funded_place=True)
    _application(db, world.q.id, course="npq-headship")

    response = client.get(f"/api/{version}/npq-applications", headers=world.h(world.p))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.api+json"
    body = response.json()
    assert [item["id"] for item in body["data"]] == [str(mine.id)]
    assert_matches_contract(
        version, "GET", response.request.url.path, 200, body, strict_attributes=True
    )
    attributes = body["data"][0]["attributes"]
    assert body["data"][0]["type"] == "npq_application"
    assert attributes["participant_id"] == str(mine.participant_id)
    assert attributes["status"] == "pending"
    assert attributes["cohort"] == "2024"
    assert attributes["email_validated"] is True
    assert attributes["eligible_for_funding"] is True
    assert attributes["ineligible_for_funding_reason"] is None
    assert attributes["teacher_catchment"] is True
    assert attributes["funded_place"] is True
    assert attributes["created_at"] == "2025-02-10T12:00:00Z"
    assert ("schedule_identifier" in attributes) is (version == "v3")


def test_v3_attribute_order_follows_the_reference_document(client, db, world):
    from tests.contract.reference import attribute_names

    _application(db, world.p.id, funded_place=False)
    for version in VERSIONS:
        body = client.get(f"/api/{version}/npq-applications", headers=world.h(world.p)).json()
        names = list(body["data"][0]["attributes"])
        assert names == attribute_names(version, "NPQApplicationAttributes")


@pytest.mark.parametrize("version", VERSIONS)
def test_show_and_another_providers_application_is_not_found(client, db, world, version):
    mine = _application(db, world.p.id, funded_place=True)
    theirs = _application(db, world.q.id)

    response = client.get(f"/api/{version}/npq-applications/{mine.id}", headers=world.h(world.p))
    assert response.status_code == 200
    assert response.json()["data"]["id"] == str(mine.id)
    assert_matches_contract(
        version, "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )

    for missing in (theirs.id, uuid.uuid4(), "not-a-uuid"):
        response = client.get(
            f"/api/{version}/npq-applications/{missing}", headers=world.h(world.p)
        )
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_ecf_only_provider_is_forbidden_on_every_npq_endpoint(client, db, world):
    application = _application(db, world.p.id)
    some_id = application.participant_id
    calls = []
    for version in VERSIONS:
        base = f"/api/{version}"
        calls += [
            ("GET", f"{base}/npq-applications"),
            ("GET", f"{base}/npq-applications/{application.id}"),
            ("POST", f"{base}/npq-applications/{application.id}/accept"),
            ("POST", f"{base}/npq-applications/{application.id}/reject"),
            ("PUT", f"{base}/npq-applications/{application.id}/change-funded-place"),
            ("GET", f"{base}/participants/npq"),
            ("GET", f"{base}/participants/npq/{some_id}"),
            ("PUT", f"{base}/participants/npq/{some_id}/withdraw"),
            ("PUT", f"{base}/participants/npq/{some_id}/defer"),
            ("PUT", f"{base}/participants/npq/{some_id}/resume"),
            ("PUT", f"{base}/participants/npq/{some_id}/change-schedule"),
            ("GET", f"{base}/participants/npq/outcomes"),
            ("GET", f"{base}/participants/npq/{some_id}/outcomes"),
            ("POST", f"{base}/participants/npq/{some_id}/outcomes"),
        ]
        if version != "v3":
            calls.append(("GET", f"{base}/npq-applications.csv"))
    calls.append(("GET", "/api/v2/npq-enrolments.csv"))
    for method, path in calls:
        response = client.request(method, path, headers=world.h(world.e), json={"data": {}})
        assert response.status_code == 403, (method, path)
        assert response.content == b""
    assert_documented_status("v3", "GET", "/api/v3/npq-applications", 403)
    with arranged(db) as session:
        assert session.get(NpqApplication, application.id).status == "pending"


def test_cohort_filter_single_year_in_v1_v2_and_list_in_v3(client, db, world):
    a2023 = _application(db, world.p.id, cohort=2023, when="2025-01-01T00:00:00Z")
    a2024 = _application(db, world.p.id, cohort=2024, when="2025-01-02T00:00:00Z")

    def ids(version, query):
        response = client.get(f"/api/{version}/npq-applications?{query}", headers=world.h(world.p))
        assert response.status_code == 200
        return [item["id"] for item in response.json()["data"]]

    assert ids("v1", "filter[cohort]=2023") == [str(a2023.id)]
    assert ids("v2", "filter[cohort]=2024,2023") == [str(a2024.id)]
    assert ids("v3", "filter[cohort]=2023,2024") == [str(a2023.id), str(a2024.id)]
    assert ids("v3", "filter[cohort]=2019") == []
    assert ids("v3", "") == [str(a2023.id), str(a2024.id)]


def test_v3_participant_id_filter_and_sort(client, db, world):
    first = _application(db, world.p.id, when="2025-01-01T00:00:00Z")
    second = _application(db, world.p.id, when="2025-01-02T00:00:00Z")
    with arranged(db, "2025-01-03T00:00:00Z") as session:
        session.get(NpqApplication, first.id).employer_name = "Changed Ltd"

    def ids(query):
        response = client.get(f"/api/v3/npq-applications?{query}", headers=world.h(world.p))
        assert response.status_code == 200
        return [item["id"] for item in response.json()["data"]]

    assert ids(f"filter[participant_id]={second.participant_id}") == [str(second.id)]
    assert ids(f"filter[participant_id]={first.participant_id},{second.participant_id}") == [
        str(first.id),
        str(second.id),
    ]
    assert ids("filter[participant_id]=nonsense") == []
    assert ids("sort=-created_at") == [str(second.id), str(first.id)]
    assert ids("sort=-updated_at") == [str(first.id), str(second.id)]
    assert ids("sort=unknown") == [str(first.id), str(second.id)]


def test_updated_since_is_strict_in_v1_v2_and_inclusive_in_v3(client, db, world):
    old = _application(db, world.p.id, when="2025-01-01T00:00:00Z")
    new = _application(db, world.p.id, when="2025-01-05T00:00:00Z")

    def ids(version, since):
        response = client.get(
            f"/api/{version}/npq-applications?filter[updated_since]={since}",
            headers=world.h(world.p),
        )
        assert response.status_code == 200
        return [item["id"] for item in response.json()["data"]]

    assert ids("v1", "2025-01-05T00:00:00Z") == []
    assert ids("v2", "2025-01-04T23:59:59Z") == [str(new.id)]
    assert ids("v3", "2025-01-05T00:00:00Z") == [str(new.id)]
    assert ids("v3", "2025-01-01T00%3A00%3A00%2B00%3A00") == [str(old.id), str(new.id)]

    response = client.get(
        "/api/v3/npq-applications?filter[updated_since]=yesterday", headers=world.h(world.p)
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "The filter '#/updated_since' must be a valid RCF3339 date",
            }
        ]
    }


def test_filter_that_is_not_a_hash_and_bad_paging(client, db, world):
    response = client.get("/api/v3/npq-applications?filter=2024", headers=world.h(world.p))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"title": "Bad parameter", "detail": "Filter must be a hash"}]
    }
    response = client.get("/api/v1/npq-applications?page[page]=0", headers=world.h(world.p))
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"] == "Bad request"


def test_paging_returns_pages_in_creation_order(client, db, world):
    made = [_application(db, world.p.id, when=f"2025-01-0{day}T00:00:00Z") for day in range(1, 6)]
    pages = []
    for number in (1, 2, 3, 4):
        response = client.get(
            f"/api/v2/npq-applications?page[page]={number}&page[per_page]=2",
            headers=world.h(world.p),
        )
        pages.append([item["id"] for item in response.json()["data"]])
    assert pages == [
        [str(made[0].id), str(made[1].id)],
        [str(made[2].id), str(made[3].id)],
        [str(made[4].id)],
        [],
    ]


def test_previously_funded_applicant_is_not_eligible_for_funding(client, db, world):
    with arranged(db) as session:
        person = builders.participant(session)
        builders.npq_enrolment(
            session,
            world.q.id,
            person=person,
            course="npq-additional-support-offer",
            cohort=2021,
            schedule_identifier="npq-aso-december",
            funded_place=None,
        )
        later = builders.npq_application(
            session, world.p.id, person=person, course="npq-early-headship-coaching-offer"
        )
        ineligible = builders.npq_application(
            session,
            world.p.id,
            course="npq-headship",
            eligible_for_funding=False,
            teacher_catchment="another",
        )
    body = client.get("/api/v3/npq-applications", headers=world.h(world.p)).json()
    by_id = {item["id"]: item["attributes"] for item in body["data"]}
    assert by_id[str(later.id)]["eligible_for_funding"] is False
    assert by_id[str(later.id)]["ineligible_for_funding_reason"] == "previously-funded"
    assert by_id[str(ineligible.id)]["eligible_for_funding"] is False
    assert by_id[str(ineligible.id)]["ineligible_for_funding_reason"] == "establishment-ineligible"
    assert by_id[str(ineligible.id)]["teacher_catchment"] is False


def test_unfunded_earlier_place_does_not_count_as_previously_funded(client, db, world):
    with arranged(db) as session:
        person = builders.participant(session)
        builders.npq_enrolment(
            session, world.q.id, person=person, course="npq-headship", funded_place=False
        )
        later = builders.npq_application(session, world.p.id, person=person, course="npq-headship")
    response = client.get(f"/api/v1/npq-applications/{later.id}", headers=world.h(world.p))
    assert response.json()["data"]["attributes"]["eligible_for_funding"] is True


@pytest.mark.parametrize("version", ("v1", "v2"))
def test_csv_export_has_the_versions_columns_and_values(client, db, world, version):
    application = _application(
        db, world.p.id, funded_place=True, employer_name=None, school_urn="654321"
    )
    response = client.get(f"/api/{version}/npq-applications.csv", headers=world.h(world.p))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ["id", "participant_id", "full_name"]
    assert ("teacher_catchment" in header) is (version == "v1")
    assert header[-2:] == ["itt_provider", "lead_mentor"]
    assert header[12] == "funded_place"
    assert first["id"] == str(application.id)
    assert first["email_validated"] == "true"
    assert first["funded_place"] == "true"
    assert first["employer_name"] == ""
    assert first["school_urn"] == "654321"
    assert first["created_at"] == "2025-02-10T12:00:00Z"
    assert len(rows) == 2


def test_csv_with_no_rows_still_has_its_header_and_v3_has_no_csv(client, db, world):
    response = client.get("/api/v1/npq-applications.csv", headers=world.h(world.p))
    assert response.text.splitlines()[0].startswith("id,participant_id,full_name,email,")
    assert len(response.text.splitlines()) == 1
    response = client.get("/api/v3/npq-applications.csv", headers=world.h(world.p))
    assert response.headers["content-type"] != "text/csv"


def test_csv_without_the_funded_place_feature_has_no_funded_place_column(db, world, settings):
    from fastapi.testclient import TestClient

    from cpd_api.app import create_app

    _application(db, world.p.id)
    app = create_app(settings.model_copy(update={"funded_place": False}), database=db)
    with TestClient(app) as client:
        response = client.get("/api/v2/npq-applications.csv", headers=world.h(world.p))
    assert "funded_place" not in response.text.splitlines()[0]
