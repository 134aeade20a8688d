"""v3 /delivery-partners: partners the provider has a relationship with, their cohorts."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cpd_api.core import clock
from tests import builders as b
from tests.contract.reference import (
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories import provider_with_token
from tests.factories_ecf_other import DP1_ID, DP2_ID, DP3_ID, fixture_f

PATH = "/api/v3/delivery-partners"


def _ok(response):
    assert response.status_code == 200, response.text
    assert_matches_contract(
        "v3", "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    return response.json()["data"]


def test_list_shows_partners_with_all_their_cohorts(db, client):
    f = fixture_f(db)
    data = _ok(client.get(PATH, headers=f.lp_a.headers))
    assert [d["id"] for d in data] == [str(DP1_ID), str(DP2_ID)]
    first = data[0]
    assert first["type"] == "delivery-partner"
    assert list(first["attributes"]) == attribute_names("v3", "DeliveryPartnerAttributes")
    assert first["attributes"]["name"] == "Delivery Partner One"
    assert first["attributes"]["cohort"] == ["2024", "2025"]
    assert data[1]["attributes"]["cohort"] == ["2024"]
    assert [d["id"] for d in _ok(client.get(PATH, headers=f.lp_b.headers))] == [str(DP3_ID)]


def test_cohort_filter_selects_partners_but_not_their_cohort_list(db, client):
    f = fixture_f(db)
    data = _ok(client.get(f"{PATH}?filter[cohort]=2025", headers=f.lp_a.headers))
    assert [d["id"] for d in data] == [str(DP1_ID)]
    assert data[0]["attributes"]["cohort"] == ["2024", "2025"]
    assert _ok(client.get(f"{PATH}?filter[cohort]=2021", headers=f.lp_a.headers)) == []


def test_show_and_404_for_partners_of_other_providers(db, client):
    f = fixture_f(db)
    data = _ok(client.get(f"{PATH}/{DP2_ID}", headers=f.lp_a.headers))
    assert data["attributes"]["cohort"] == ["2024"]
    for partner_id in (DP3_ID, uuid.uuid4(), "nope"):
        response = client.get(f"{PATH}/{partner_id}", headers=f.lp_a.headers)
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_sort_and_paging(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    base = clock.now_seconds() - timedelta(days=10)
    made = []
    for index, name in enumerate(["Charlie", "Alpha", "Bravo"]):
        partner = b.delivery_partner(session, name)
        partner.created_at = base + timedelta(days=index)
        partner.updated_at = base - timedelta(days=index)
        b.provider_relationship(session, lp.id, partner, 2024)
        made.append(str(partner.id))
    session.commit()

    def ids(query):
        return [d["id"] for d in _ok(client.get(f"{PATH}?{query}", headers=lp.headers))]

    assert ids("") == made
    assert ids("sort=-created_at") == made[::-1]
    assert ids("sort=updated_at") == made[::-1]
    assert ids("sort=name") == [made[1], made[2], made[0]]
    assert ids("page[page]=2&page[per_page]=2") == made[2:]
    response = client.get(f"{PATH}?page[per_page]=abc", headers=lp.headers)
    assert response.status_code == 400
