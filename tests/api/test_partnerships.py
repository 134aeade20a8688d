"""v3 /partnerships/ecf: list, show, confirm (POST) and update (PUT), with every validation
of ecf.md 5.4/5.5 and the partnership scenarios of section 10 (S17)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cpd_api.core import clock
from cpd_api.participants.models import InductionRecord, Participant
from cpd_api.partnerships import rules
from cpd_api.partnerships.models import Partnership
from cpd_api.schools.models import School, SchoolCohort
from tests import builders as b
from tests.contract.reference import (
    assert_error_document,
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories import provider_with_token
from tests.factories_ecf_other import DP1_ID, DP2_ID, DP3_ID, fixture_f

PATH = "/api/v3/partnerships/ecf"


def _body(**attributes):
    return {"data": {"type": "ecf-partnership", "attributes": attributes}}


def _update(delivery_partner_id):
    return {
        "data": {
            "type": "ecf-partnership-update",
            "attributes": {"delivery_partner_id": delivery_partner_id},
        }
    }


def _ok(response, method="GET"):
    assert response.status_code == 200, response.text
    assert_matches_contract(
        "v3", method, response.request.url.path, 200, response.json(), strict_attributes=True
    )
    return response.json()["data"]


def _errors(response):
    assert response.status_code == 422, response.text
    assert_error_document(response.json())
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def _list(client, provider, query=""):
    return _ok(client.get(f"{PATH}?{query}", headers=provider.headers))


def _counts(db):
    with db.session() as session:
        return (
            len(session.scalars(select(Partnership)).all()),
            len(session.scalars(select(SchoolCohort)).all()),
        )


# --- reading --------------------------------------------------------------------------------


def test_list_shows_own_partnerships_with_exact_attributes(db, client):
    f = fixture_f(db)
    data = _list(client, f.lp_a)
    assert [p["id"] for p in data] == [str(f.pa1.id)]
    item = data[0]
    assert item["type"] == "partnership"
    assert list(item["attributes"]) == attribute_names("v3", "ECFPartnershipAttributes")
    attributes = item["attributes"]
    assert attributes["cohort"] == "2024"
    assert attributes["urn"] == "100001"
    assert attributes["school_id"] == str(f.s1.id)
    assert attributes["delivery_partner_id"] == str(DP1_ID)
    assert attributes["delivery_partner_name"] == "Delivery Partner One"
    assert attributes["status"] == "active"
    assert attributes["challenged_reason"] is None
    assert attributes["challenged_at"] is None
    assert attributes["induction_tutor_name"] == "Ina Tutor"
    assert attributes["induction_tutor_email"] == "tutor@school.example.com"
    assert attributes["created_at"].endswith("Z")
    assert [p["id"] for p in _list(client, f.lp_b)] == [str(f.pb2.id)]


def test_challenged_partnerships_are_listed_with_millisecond_challenge_time(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    challenged = b.partnership(session, lp.id, challenged_reason="mistake")
    challenged.challenged_at = b.at("2024-05-31T02:22:32.123456Z")
    b.partnership(session, lp.id, relationship=True)  # relationships are never listed
    pending = b.partnership(session, lp.id, pending=True)
    session.commit()
    data = {p["id"]: p["attributes"] for p in _list(client, lp)}
    assert set(data) == {str(challenged.id), str(pending.id)}
    assert data[str(challenged.id)]["status"] == "challenged"
    assert data[str(challenged.id)]["challenged_reason"] == "mistake"
    assert data[str(challenged.id)]["challenged_at"] == "2024-05-31T02:22:32.123Z"
    assert data[str(pending.id)]["status"] == "active"


def test_show_own_partnership_and_404_for_others(db, client, session):
    f = fixture_f(db)
    relationship = b.partnership(session, f.lp_a.id, relationship=True)
    session.commit()
    data = _ok(client.get(f"{PATH}/{f.pa1.id}", headers=f.lp_a.headers))
    assert data["id"] == str(f.pa1.id)
    for provider, partnership_id in (
        (f.lp_b, f.pa1.id),
        (f.lp_a, f.pb2.id),
        (f.lp_a, relationship.id),
        (f.lp_a, uuid.uuid4()),
        (f.lp_a, "not-a-uuid"),
    ):
        response = client.get(f"{PATH}/{partnership_id}", headers=provider.headers)
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_cohort_and_delivery_partner_filters(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    partner_a, partner_b = b.delivery_partner(session), b.delivery_partner(session)
    p2023 = b.partnership(session, lp.id, cohort=2023, partner=partner_a)
    p2024 = b.partnership(session, lp.id, cohort=2024, partner=partner_b)
    p2025 = b.partnership(session, lp.id, cohort=2025, partner=partner_a)
    for days, partnership in enumerate((p2023, p2024, p2025)):
        partnership.created_at = clock.now_seconds() - timedelta(days=10 - days)
    session.commit()

    def ids(query):
        return [p["id"] for p in _list(client, lp, query)]

    assert ids("") == [str(p2023.id), str(p2024.id), str(p2025.id)]
    assert ids("filter[cohort]=2023,2025") == [str(p2023.id), str(p2025.id)]
    assert ids("filter[cohort]=2031") == []
    assert ids(f"filter[delivery_partner_id]={partner_a.id}") == [str(p2023.id), str(p2025.id)]
    assert ids(
        f"filter[delivery_partner_id]={partner_a.id},{partner_b.id}&filter[cohort]=2024"
    ) == [str(p2024.id)]
    assert ids("filter[delivery_partner_id]=not-a-uuid") == []
    response = client.get(f"{PATH}?filter=abc", headers=lp.headers)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"title": "Bad parameter", "detail": "Filter must be a hash"}
    ]


def test_sort_and_paging(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    base = clock.now_seconds() - timedelta(days=20)
    made = []
    for index in range(4):
        partnership = b.partnership(session, lp.id)
        partnership.created_at = base + timedelta(days=index)
        partnership.updated_at = base + timedelta(days=10 - index)
        made.append(str(partnership.id))
    session.commit()
    assert [p["id"] for p in _list(client, lp)] == made
    assert [p["id"] for p in _list(client, lp, "sort=-created_at")] == made[::-1]
    assert [p["id"] for p in _list(client, lp, "sort=updated_at")] == made[::-1]
    assert [p["id"] for p in _list(client, lp, "sort=-updated_at,created_at")] == made
    assert [p["id"] for p in _list(client, lp, "sort=bogus")] == made
    assert [p["id"] for p in _list(client, lp, "page[page]=2&page[per_page]=3")] == made[3:]


def test_updated_since_sees_partnership_school_and_delivery_partner_changes(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    past = clock.now_seconds() - timedelta(days=10)
    stale, school_changed, partner_changed, fresh = (
        b.partnership(session, lp.id) for _ in range(4)
    )
    for partnership in (stale, school_changed, partner_changed):
        partnership.updated_at = past
        session.get(School, partnership.school_id).updated_at = past
        from cpd_api.delivery_partners.models import DeliveryPartner

        session.get(DeliveryPartner, partnership.delivery_partner_id).updated_at = past
    session.flush()
    session.get(School, school_changed.school_id).updated_at = clock.now_seconds()
    session.commit()
    from cpd_api.delivery_partners.models import DeliveryPartner

    with db.session() as other:
        other.get(
            DeliveryPartner, partner_changed.delivery_partner_id
        ).updated_at = clock.now_seconds()
    since = (clock.now_seconds() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = _list(client, lp, f"filter[updated_since]={since}")
    assert {p["id"] for p in data} == {
        str(school_changed.id),
        str(partner_changed.id),
        str(fresh.id),
    }
    response = client.get(f"{PATH}?filter[updated_since]=yesterday", headers=lp.headers)
    assert response.status_code == 400


# --- POST -----------------------------------------------------------------------------------


def test_s17_confirmed_partnership_with_this_provider(db, client):
    f = fixture_f(db)
    response = client.post(
        PATH,
        json=_body(cohort="2024", school_id=str(f.s1.id), delivery_partner_id=str(DP1_ID)),
        headers=f.lp_a.headers,
    )
    assert _errors(response) == [("school_id", rules.ALREADY_PARTNERED)]
    assert response.json()["errors"][0]["detail"] == (
        "You are already in a confirmed partnership with this school for the entered cohort."
    )


def test_s17_school_partnered_with_another_provider(db, client):
    f = fixture_f(db)
    response = client.post(
        PATH,
        json=_body(cohort="2024", school_id=str(f.s2.id), delivery_partner_id=str(DP1_ID)),
        headers=f.lp_a.headers,
    )
    assert _errors(response) == [
        (
            "school_id",
            "Another provider is in a confirmed partnership with the school for the cohort you "
            "entered. Contact the school for more information.",
        )
    ]


def test_s17_delivery_partner_without_relationship_then_success(db, client, session):
    f = fixture_f(db)
    s3 = b.school(session, urn="100003")
    b.school_cohort(session, s3, 2024)
    session.commit()
    before = _counts(db)
    response = client.post(
        PATH,
        json=_body(cohort="2024", school_id=str(s3.id), delivery_partner_id=str(DP3_ID)),
        headers=f.lp_a.headers,
    )
    assert _errors(response) == [
        (
            "delivery_partner_id",
            "The entered delivery partner is not recognised to be working in partnership with "
            "you for the given cohort. Contact the DfE for more information.",
        )
    ]
    assert _counts(db) == before
    response = client.post(
        PATH,
        json=_body(cohort="2024", school_id=str(s3.id), delivery_partner_id=str(DP2_ID)),
        headers=f.lp_a.headers,
    )
    data = _ok(response, "POST")
    attributes = data["attributes"]
    assert attributes["status"] == "active"
    assert attributes["cohort"] == "2024"
    assert attributes["urn"] == "100003"
    assert attributes["school_id"] == str(s3.id)
    assert attributes["delivery_partner_id"] == str(DP2_ID)
    assert attributes["delivery_partner_name"] == "Delivery Partner Two"
    assert attributes["challenged_reason"] is None
    assert attributes["challenged_at"] is None
    shown = _ok(client.get(f"{PATH}/{data['id']}", headers=f.lp_a.headers))
    assert shown == data
    with db.session() as check:
        created = check.get(Partnership, uuid.UUID(data["id"]))
        assert created.lead_provider_id == f.lp_a.id
        assert created.pending is False and created.relationship is False
        assert created.challenge_deadline == max(
            date(2024, 10, 31), clock.today() + timedelta(days=14)
        )


def test_s17_empty_attributes_report_three_blank_errors(db, client):
    f = fixture_f(db)
    response = client.post(
        PATH, json={"data": {"type": "ecf-partnership", "attributes": {}}}, headers=f.lp_a.headers
    )
    assert response.json() == {
        "errors": [
            {"title": "cohort", "detail": "Enter a '#/cohort'."},
            {"title": "school_id", "detail": "Enter a '#/school_id'."},
            {"title": "delivery_partner_id", "detail": "Enter a '#/delivery_partner_id'."},
        ]
    }
    assert response.status_code == 422


@pytest.mark.parametrize("body", [{}, {"cohort": "2024"}, {"data": None}, []])
def test_body_without_data_is_400(db, client, body):
    f = fixture_f(db)
    response = client.post(PATH, json=body, headers=f.lp_a.headers)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "title": "Bad request",
            "detail": "correct json data structure required. See API docs for reference",
        }
    ]


def test_malformed_json_is_400(db, client):
    f = fixture_f(db)
    response = client.post(
        PATH,
        content=b"{not json",
        headers={**f.lp_a.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_unknown_cohort_school_and_delivery_partner(db, client):
    f = fixture_f(db)
    response = client.post(
        PATH,
        json=_body(
            cohort="2031", school_id=str(uuid.uuid4()), delivery_partner_id=str(uuid.uuid4())
        ),
        headers=f.lp_a.headers,
    )
    assert _errors(response) == [
        ("cohort", rules.UNKNOWN_COHORT),
        ("school_id", rules.UNKNOWN_SCHOOL),
        ("delivery_partner_id", rules.UNKNOWN_DELIVERY_PARTNER),
    ]
    assert response.json()["errors"][0]["detail"] == (
        "The '#/cohort' you have entered is invalid. Check cohort details and try again."
    )
    assert response.json()["errors"][1]["detail"] == (
        "The '#/school_id' you have entered is invalid. Check school details and try again. "
        "Contact the DfE for support if you are unable to find the '#/school_id'."
    )
    assert response.json()["errors"][2]["detail"] == (
        "The '#/delivery_partner_id' you have entered is invalid. Check delivery partner "
        "details and try again."
    )
    response = client.post(
        PATH,
        json=_body(cohort="twenty", school_id="nope", delivery_partner_id=12),
        headers=f.lp_a.headers,
    )
    assert [t for t, _ in _errors(response)] == ["cohort", "school_id", "delivery_partner_id"]


def test_unknown_cohort_skips_partnership_rules_and_fails_the_relationship(db, client):
    f = fixture_f(db)
    response = client.post(
        PATH,
        json=_body(cohort="2031", school_id=str(f.s1.id), delivery_partner_id=str(DP1_ID)),
        headers=f.lp_a.headers,
    )
    assert _errors(response) == [
        ("cohort", rules.UNKNOWN_COHORT),
        ("delivery_partner_id", rules.DELIVERY_PARTNER_NOT_RELATED),
    ]


def test_cip_only_and_ineligible_schools(db, client, session):
    f = fixture_f(db)
    cip_only = b.school(session, funding_eligible=False, cip_only=True)
    ineligible = b.school(session, funding_eligible=False)
    session.commit()
    for school, message in (
        (cip_only, rules.SCHOOL_CIP_ONLY),
        (ineligible, rules.SCHOOL_INELIGIBLE),
    ):
        response = client.post(
            PATH,
            json=_body(cohort=2024, school_id=str(school.id), delivery_partner_id=str(DP1_ID)),
            headers=f.lp_a.headers,
        )
        assert _errors(response) == [("school_id", message)]
    assert rules.SCHOOL_CIP_ONLY == (
        "The school you have entered has not registered to deliver DfE-funded training. "
        "Contact the school for more information."
    )
    assert rules.SCHOOL_INELIGIBLE == (
        "The school you have entered is currently ineligible for DfE funding. "
        "Contact the school for more information."
    )


def test_school_partnered_last_cohort_that_has_not_confirmed_this_one(db, client, session):
    f = fixture_f(db)
    # S1 is partnered (with LP-A) for 2024 and has no 2025 school cohort yet.
    response = client.post(
        PATH,
        json=_body(cohort="2025", school_id=str(f.s1.id), delivery_partner_id=str(DP1_ID)),
        headers=f.lp_a.headers,
    )
    assert _errors(response) == [
        (
            "school_id",
            "The school you have entered has not yet confirmed they will deliver DfE-funded "
            "training. Contact the school for more information.",
        )
    ]
    b.school_cohort(session, f.s1, 2025)
    session.commit()
    response = client.post(
        PATH,
        json=_body(cohort="2025", school_id=str(f.s1.id), delivery_partner_id=str(DP1_ID)),
        headers=f.lp_a.headers,
    )
    assert _ok(response, "POST")["attributes"]["cohort"] == "2025"


def test_new_partnership_sets_up_the_school_cohort_and_moves_school_led_participants(
    db, client, session
):
    f = fixture_f(db)
    school = b.school(session)
    fresh_school = b.school(session)
    b.school_cohort(session, school, 2024, "core_induction_programme")
    waiting = b.ect(session, None, school_=school, cohort=2024)
    person = waiting.participant
    person.updated_at = clock.now_seconds() - timedelta(days=3)
    school.updated_at = clock.now_seconds() - timedelta(days=3)
    session.commit()
    stale = person.updated_at
    data = _ok(
        client.post(
            PATH,
            json=_body(cohort="2024", school_id=str(school.id), delivery_partner_id=str(DP2_ID)),
            headers=f.lp_a.headers,
        ),
        "POST",
    )
    _ok(
        client.post(
            PATH,
            json=_body(
                cohort="2024", school_id=str(fresh_school.id), delivery_partner_id=str(DP2_ID)
            ),
            headers=f.lp_a.headers,
        ),
        "POST",
    )
    with db.session() as check:
        record = check.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == waiting.id)
        )
        assert str(record.partnership_id) == data["id"]
        assert check.get(Participant, person.id).updated_at > stale
        assert check.get(School, school.id).updated_at > stale
        choices = {
            sc.school_id: sc.induction_programme_choice
            for sc in check.scalars(select(SchoolCohort).where(SchoolCohort.cohort_year == 2024))
        }
        assert choices[school.id] == "full_induction_programme"
        assert choices[fresh_school.id] == "full_induction_programme"


def test_relationship_with_same_delivery_partner_becomes_the_partnership(db, client, session):
    f = fixture_f(db)
    school = b.school(session)
    b.school_cohort(session, school, 2024)
    relationship = b.partnership(
        session, f.lp_a.id, cohort=2024, school_=school, partner=f.dp2, relationship=True
    )
    session.commit()
    data = _ok(
        client.post(
            PATH,
            json=_body(cohort="2024", school_id=str(school.id), delivery_partner_id=str(DP2_ID)),
            headers=f.lp_a.headers,
        ),
        "POST",
    )
    assert data["id"] == str(relationship.id)
    assert [
        p["id"] for p in _list(client, f.lp_a, "filter[delivery_partner_id]=" + str(DP2_ID))
    ] == [str(relationship.id)]


def test_npq_only_provider_cannot_post(db, client):
    f = fixture_f(db)
    npq_only = provider_with_token(db, "NPQ Only", ecf=False, npq=True)
    response = client.post(
        PATH,
        json=_body(cohort="2024", school_id=str(f.s1.id), delivery_partner_id=str(DP1_ID)),
        headers=npq_only.headers,
    )
    assert response.status_code == 403


# --- PUT ------------------------------------------------------------------------------------


def test_s17_update_delivery_partner(db, client):
    f = fixture_f(db)
    with db.session() as session:
        session.get(Participant, f.e1.participant_id).updated_at = clock.now_seconds() - timedelta(
            days=2
        )
    data = _ok(
        client.put(f"{PATH}/{f.pa1.id}", json=_update(str(DP2_ID)), headers=f.lp_a.headers), "PUT"
    )
    assert data["id"] == str(f.pa1.id)
    assert data["attributes"]["delivery_partner_id"] == str(DP2_ID)
    assert data["attributes"]["delivery_partner_name"] == "Delivery Partner Two"
    with db.session() as check:
        assert check.get(Partnership, f.pa1.id).delivery_partner_id == DP2_ID
        touched = check.get(Participant, f.e1.participant_id).updated_at
        assert touched >= clock.now_seconds() - timedelta(minutes=1)


def test_update_with_the_same_delivery_partner_changes_nothing(db, client):
    f = fixture_f(db)
    with db.session() as session:
        before = session.get(Partnership, f.pa1.id).updated_at
    data = _ok(
        client.put(f"{PATH}/{f.pa1.id}", json=_update(str(DP1_ID)), headers=f.lp_a.headers), "PUT"
    )
    assert data["attributes"]["delivery_partner_id"] == str(DP1_ID)
    with db.session() as check:
        assert check.get(Partnership, f.pa1.id).updated_at == before


def test_update_validations_in_order(db, client, session):
    f = fixture_f(db)
    b.partnership(session, f.lp_a.id, cohort=2024, school_=f.s1, partner=f.dp2, relationship=True)
    session.commit()

    def put(value):
        return _errors(
            client.put(f"{PATH}/{f.pa1.id}", json=_update(value), headers=f.lp_a.headers)
        )

    assert put(None) == [("delivery_partner_id", "Enter a '#/delivery_partner_id'.")]
    assert put("") == [("delivery_partner_id", "Enter a '#/delivery_partner_id'.")]
    assert put(str(uuid.uuid4())) == [("delivery_partner_id", rules.UNKNOWN_DELIVERY_PARTNER)]
    assert put(str(DP3_ID)) == [("delivery_partner_id", rules.DELIVERY_PARTNER_NOT_RELATED)]
    assert put(str(DP2_ID)) == [
        (
            "delivery_partner_id",
            "We are unable to process this request. You are already confirmed to be in "
            "partnership with the entered delivery partner. Contact the DfE for support.",
        )
    ]


def test_update_404_and_400(db, client, session):
    f = fixture_f(db)
    relationship = b.partnership(session, f.lp_a.id, relationship=True)
    session.commit()
    for provider, partnership_id in (
        (f.lp_b, f.pa1.id),
        (f.lp_a, relationship.id),
        (f.lp_a, uuid.uuid4()),
        (f.lp_a, "nope"),
    ):
        response = client.put(
            f"{PATH}/{partnership_id}", json=_update(str(DP2_ID)), headers=provider.headers
        )
        assert response.status_code == 404
    response = client.put(f"{PATH}/{f.pa1.id}", json={}, headers=f.lp_a.headers)
    assert response.status_code == 400
    assert_error_document(response.json(), title="Bad request")


def test_s17_challenged_partnership_is_read_only_until_reconfirmed(db, client):
    from cpd_api.core.audit import Actor
    from cpd_api.partnerships.service import challenge_partnership

    f = fixture_f(db)
    with db.session() as session:
        challenge_partnership(session, f.pa1.id, "mistake", Actor.operator("school"))
    data = _ok(client.get(f"{PATH}/{f.pa1.id}", headers=f.lp_a.headers))
    assert data["attributes"]["status"] == "challenged"
    assert data["attributes"]["challenged_reason"] == "mistake"
    assert data["attributes"]["challenged_at"].endswith("Z")
    assert len(data["attributes"]["challenged_at"]) == len("2024-05-31T02:22:32.123Z")
    response = client.put(f"{PATH}/{f.pa1.id}", json=_update(str(DP2_ID)), headers=f.lp_a.headers)
    assert _errors(response) == [("delivery_partner_id", rules.PARTNERSHIP_CHALLENGED)]
    assert response.json()["errors"][0]["detail"] == (
        "Your update cannot be made as this partnership has been challenged by the school. If "
        "this partnership has been challenged in error, submit a new partnership confirmation "
        "using the endpoint POST /api/v3/partnerships/ecf."
    )
    response = client.post(
        PATH,
        json=_body(cohort="2024", school_id=str(f.s1.id), delivery_partner_id=str(DP1_ID)),
        headers=f.lp_a.headers,
    )
    data = _ok(response, "POST")
    assert data["id"] == str(f.pa1.id)
    assert data["attributes"]["status"] == "active"
    assert data["attributes"]["challenged_reason"] is None
    assert data["attributes"]["challenged_at"] is None


def test_challenged_partnership_lets_another_provider_partner(db, client, session):
    from cpd_api.core.audit import Actor
    from cpd_api.partnerships.service import challenge_partnership

    f = fixture_f(db)
    b.provider_relationship(session, f.lp_b.id, f.dp3, 2024)
    session.commit()
    with db.session() as s:
        challenge_partnership(s, f.pa1.id, "another_provider", Actor.operator("school"))
    data = _ok(
        client.post(
            PATH,
            json=_body(cohort="2024", school_id=str(f.s1.id), delivery_partner_id=str(DP3_ID)),
            headers=f.lp_b.headers,
        ),
        "POST",
    )
    with db.session() as check:
        records = check.scalars(
            select(InductionRecord).where(InductionRecord.school_id == f.s1.id)
        ).all()
        # The school's default-programme participants now train with the new partnership.
        assert {str(r.partnership_id) for r in records} == {data["id"]}
