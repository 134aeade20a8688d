"""v3 GET /schools/ecf and /schools/ecf/{id}: the required cohort filter, visibility (6.2),
the attributes of each school, filters, sort and paging."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cpd_api.core import clock
from cpd_api.schools.models import School
from tests import builders as b
from tests.contract.reference import (
    assert_error_document,
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories import provider_with_token
from tests.factories_ecf_other import fixture_f

COHORT_REQUIRED = [
    {"title": "Bad parameter", "detail": "The filter '#/cohort' must be included in your request"}
]


def _schools(client, provider, query="filter[cohort]=2024"):
    response = client.get(f"/api/v3/schools/ecf?{query}", headers=provider.headers)
    assert response.status_code == 200, response.text
    assert_matches_contract(
        "v3", "GET", "/api/v3/schools/ecf", 200, response.json(), strict_attributes=True
    )
    return response.json()["data"]


def test_cohort_filter_is_required_for_list_and_show(db, client):
    f = fixture_f(db)
    for path in ("/api/v3/schools/ecf", f"/api/v3/schools/ecf/{f.s1.id}"):
        response = client.get(path, headers=f.lp_a.headers)
        assert response.status_code == 400
        assert response.json() == {"errors": COHORT_REQUIRED}
        assert_error_document(response.json(), title="Bad parameter")
    response = client.get("/api/v3/schools/ecf?filter[cohort]=", headers=f.lp_a.headers)
    assert response.status_code == 400


def test_school_attributes_in_reference_order(db, client):
    f = fixture_f(db)
    data = _schools(client, f.lp_a, "filter[cohort]=2024&filter[urn]=100002")
    assert len(data) == 1
    school = data[0]
    assert school["id"] == str(f.s2.id)
    assert school["type"] == "school"
    assert list(school["attributes"]) == attribute_names("v3", "ECFSchoolAttributes")
    attributes = school["attributes"]
    assert attributes["name"] == "School Two"
    assert attributes["urn"] == "100002"
    assert attributes["cohort"] == "2024"
    assert attributes["in_partnership"] is True
    assert attributes["induction_programme_choice"] == "provider_led"
    assert attributes["created_at"].endswith("Z")


def test_unknown_cohort_is_an_empty_list(db, client):
    f = fixture_f(db)
    assert _schools(client, f.lp_a, "filter[cohort]=2031") == []
    assert _schools(client, f.lp_a, "filter[cohort]=abc") == []
    response = client.get(
        f"/api/v3/schools/ecf/{f.s1.id}?filter[cohort]=2031", headers=f.lp_a.headers
    )
    assert response.status_code == 404


def test_visibility_is_eligible_schools_plus_partnered_ones(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    other = provider_with_token(db, "Beta", ecf=True, npq=False)
    eligible = b.school(session, urn="200001")
    ineligible = b.school(session, urn="200002", funding_eligible=False)
    cip_only = b.school(session, urn="200003", funding_eligible=False, cip_only=True)
    partnered_ineligible = b.school(session, urn="200004", funding_eligible=False)
    b.partnership(session, other.id, cohort=2024, school_=partnered_ineligible)
    challenged_ineligible = b.school(session, urn="200005", funding_eligible=False)
    b.partnership(
        session, other.id, cohort=2024, school_=challenged_ineligible, challenged_reason="mistake"
    )
    relationship_ineligible = b.school(session, urn="200006", funding_eligible=False)
    b.partnership(
        session, other.id, cohort=2024, school_=relationship_ineligible, relationship=True
    )
    session.commit()
    urns = {s["attributes"]["urn"] for s in _schools(client, lp)}
    assert urns == {eligible.urn, partnered_ineligible.urn}
    # Partnered in 2024 only: in 2023 the ineligible school is not listed.
    assert {s["attributes"]["urn"] for s in _schools(client, lp, "filter[cohort]=2023")} == {
        eligible.urn
    }
    for hidden in (ineligible, cip_only, challenged_ineligible, relationship_ineligible):
        response = client.get(
            f"/api/v3/schools/ecf/{hidden.id}?filter[cohort]=2024", headers=lp.headers
        )
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_in_partnership_and_programme_choice_per_cohort(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    school = b.school(session)
    b.school_cohort(session, school, 2023, "core_induction_programme")
    b.school_cohort(session, school, 2025, "no_early_career_teachers")
    b.partnership(session, lp.id, cohort=2024, school_=school)
    relationship_only = b.school(session)
    b.partnership(session, lp.id, cohort=2024, school_=relationship_only, relationship=True)
    challenged = b.school(session)
    b.partnership(session, lp.id, cohort=2024, school_=challenged, challenged_reason="no_ects")
    session.commit()

    def show(school_id, cohort):
        response = client.get(
            f"/api/v3/schools/ecf/{school_id}?filter[cohort]={cohort}", headers=lp.headers
        )
        assert response.status_code == 200
        assert_matches_contract(
            "v3", "GET", response.request.url.path, 200, response.json(), strict_attributes=True
        )
        return response.json()["data"]["attributes"]

    assert show(school.id, 2024)["in_partnership"] is True
    assert show(school.id, 2024)["induction_programme_choice"] == "provider_led"
    assert show(school.id, 2023)["in_partnership"] is False
    assert show(school.id, 2023)["induction_programme_choice"] == "school_led"
    assert show(school.id, 2025)["induction_programme_choice"] == "no_early_career_teachers"
    assert show(school.id, 2022)["induction_programme_choice"] == "not_yet_known"
    assert show(relationship_only.id, 2024)["in_partnership"] is True
    assert show(challenged.id, 2024)["in_partnership"] is False


def test_show_404_for_unknown_and_malformed_ids(db, client):
    f = fixture_f(db)
    for school_id in (uuid.uuid4(), "not-a-uuid"):
        response = client.get(
            f"/api/v3/schools/ecf/{school_id}?filter[cohort]=2024", headers=f.lp_a.headers
        )
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_updated_since_reads_school_and_school_cohort_changes(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    old = b.school(session, urn="300001")
    cohort_changed = b.school(session, urn="300002")
    fresh = b.school(session, urn="300003")
    past = clock.now_seconds() - timedelta(days=10)
    old.created_at = old.updated_at = past
    cohort_changed.created_at = cohort_changed.updated_at = past
    b.school_cohort(session, cohort_changed, 2022)  # any cohort's change counts
    session.commit()
    since = (clock.now_seconds() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = _schools(client, lp, f"filter[cohort]=2024&filter[updated_since]={since}")
    assert {s["attributes"]["urn"] for s in data} == {cohort_changed.urn, fresh.urn}
    response = client.get(
        "/api/v3/schools/ecf?filter[cohort]=2024&filter[updated_since]=yesterday",
        headers=lp.headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        "The filter '#/updated_since' must be a valid RCF3339 date"
    )


def test_updated_at_includes_the_cohort_school_cohort(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    school = b.school(session)
    school.updated_at = clock.now_seconds() - timedelta(days=5)
    session.flush()
    sc = b.school_cohort(session, school, 2024)
    sc.updated_at = clock.now_seconds() - timedelta(days=1)
    session.commit()
    data = _schools(client, lp)
    assert data[0]["attributes"]["updated_at"] == sc.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    data = _schools(client, lp, "filter[cohort]=2023")
    assert data[0]["attributes"]["updated_at"] == school.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_default_order_sort_and_paging(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    base = clock.now_seconds() - timedelta(days=30)
    schools: list[School] = []
    for index in range(5):
        school = b.school(session, urn=f"40000{index}")
        school.created_at = base + timedelta(days=index)
        school.updated_at = base + timedelta(days=10 - index)
        schools.append(school)
    session.commit()
    urns = [s.urn for s in schools]
    assert [s["attributes"]["urn"] for s in _schools(client, lp)] == urns
    # The first school created is the one most recently updated.
    descending = _schools(client, lp, "filter[cohort]=2024&sort=-updated_at")
    assert [s["attributes"]["urn"] for s in descending] == urns
    ascending = _schools(client, lp, "filter[cohort]=2024&sort=updated_at")
    assert [s["attributes"]["urn"] for s in ascending] == urns[::-1]
    page2 = _schools(client, lp, "filter[cohort]=2024&page[page]=2&page[per_page]=2")
    assert [s["attributes"]["urn"] for s in page2] == urns[2:4]
    response = client.get(
        "/api/v3/schools/ecf?filter[cohort]=2024&page[page]=0", headers=lp.headers
    )
    assert response.status_code == 400


def test_npq_only_provider_is_forbidden(db, client):
    npq_only = provider_with_token(db, "NPQ Only", ecf=False, npq=True)
    response = client.get("/api/v3/schools/ecf?filter[cohort]=2024", headers=npq_only.headers)
    assert response.status_code == 403
