"""GET ECF participants in every version: exact attribute sets in reference order, every
filter, ordering, paging, show, CSV, visibility (ecf.md 1.4-1.5, 2) and provider scoping."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event

from cpd_api.core import clock
from cpd_api.participants.models import InductionRecord, Participant, ParticipantProfileState
from cpd_api.partnerships.models import Partnership
from cpd_api.schools.models import School
from tests import builders as b
from tests.contract.reference import (
    assert_error_document,
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories import provider_with_token
from tests.factories_ecf_participants import E1_ID, M1_ID, fixture_f

NOW = "2025-01-15T10:00:00Z"


def _get(client, path, provider, now=NOW, **params):
    return client.get(path, headers={**provider.headers, "X-With-Server-Date": now}, params=params)


def _ids(response):
    return [item["id"] for item in response.json()["data"]]


# ---------------------------------------------------------------------------------------------
# shapes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_v1_v2_list_has_one_row_per_training_record_with_exact_attributes(db, client, version):
    f = fixture_f(db)
    response = _get(client, f"/api/{version}/participants/ecf", f.lp_a)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.api+json"
    body = response.json()
    assert_matches_contract(
        version,
        "GET",
        "/api/v1/participants/ecf".replace("v1", version),
        200,
        body,
        strict_attributes=True,
    )
    rows = {item["attributes"]["participant_type"]: item for item in body["data"]}
    ect = rows["ect"]
    assert ect["id"] == str(E1_ID) and ect["type"] == "participant"
    assert list(ect["attributes"]) == attribute_names(version, "ECFParticipantAttributes")
    assert ect["attributes"] | {"updated_at": None} == {
        "email": "ella@example.com",
        "full_name": "Ella Teacher",
        "mentor_id": str(M1_ID),
        "school_urn": "100001",
        "participant_type": "ect",
        "cohort": "2024",
        "status": "active",
        "teacher_reference_number": "1234567",
        "teacher_reference_number_validated": True,
        "eligible_for_funding": True,
        "pupil_premium_uplift": True,
        "sparsity_uplift": False,
        "training_status": "active",
        "training_record_id": str(f.e1_profile_id),
        "schedule_identifier": "ecf-standard-september",
        "updated_at": None,
    }
    assert rows["mentor"]["attributes"]["mentor_id"] is None
    assert rows["mentor"]["attributes"]["training_record_id"] == str(f.m1_profile_id)


def test_v3_list_has_one_record_per_person_with_enrolments(db, client):
    f = fixture_f(db)
    response = _get(client, "/api/v3/participants/ecf", f.lp_a)
    assert response.status_code == 200
    body = response.json()
    assert_matches_contract(
        "v3", "GET", "/api/v3/participants/ecf", 200, body, strict_attributes=True
    )
    record = next(item for item in body["data"] if item["id"] == str(E1_ID))
    attributes = record["attributes"]
    assert list(attributes) == attribute_names("v3", "ECFParticipantAttributes")
    assert attributes["full_name"] == "Ella Teacher"
    assert attributes["teacher_reference_number"] == "1234567"
    assert attributes["participant_id_changes"] == []
    [enrolment] = attributes["ecf_enrolments"]
    assert list(enrolment) == attribute_names("v3", "ECFEnrolment")
    assert enrolment | {"created_at": None} == {
        "training_record_id": str(f.e1_profile_id),
        "email": "ella@example.com",
        "mentor_id": str(M1_ID),
        "school_urn": "100001",
        "participant_type": "ect",
        "cohort": "2024",
        "training_status": "active",
        "participant_status": "active",
        "teacher_reference_number_validated": True,
        "eligible_for_funding": True,
        "pupil_premium_uplift": True,
        "sparsity_uplift": False,
        "schedule_identifier": "ecf-standard-september",
        "delivery_partner_id": "11111111-0000-4000-8000-000000000001",
        "withdrawal": None,
        "deferral": None,
        "created_at": None,
        "induction_end_date": None,
        "mentor_funding_end_date": None,
        "cohort_changed_after_payments_frozen": False,
        "mentor_ineligible_for_funding_reason": None,
    }


def test_v3_person_with_both_roles_has_two_enrolments_and_v1_two_rows(db, client, session):
    f = fixture_f(db)
    e1 = session.get(Participant, E1_ID)
    pa1 = session.get(Partnership, f.pa1_id)
    mentor_profile = b.mentor(session, pa1, person=e1)
    session.commit()
    v3 = _get(client, f"/api/v3/participants/ecf/{E1_ID}", f.lp_a).json()["data"]
    types = [e["participant_type"] for e in v3["attributes"]["ecf_enrolments"]]
    assert sorted(types) == ["ect", "mentor"]
    v1 = _get(client, "/api/v1/participants/ecf", f.lp_a).json()["data"]
    e1_rows = [r for r in v1 if r["id"] == str(E1_ID)]
    assert sorted(r["attributes"]["training_record_id"] for r in e1_rows) == sorted(
        [str(f.e1_profile_id), str(mentor_profile.id)]
    )
    # show returns the ECT row of someone with both roles
    shown = _get(client, f"/api/v1/participants/ecf/{E1_ID}", f.lp_a).json()["data"]
    assert shown["attributes"]["participant_type"] == "ect"


def test_v3_both_roles_and_several_id_changes_each_appear_once_in_order(db, client, session):
    """A person's rows repeat enrolments per id change and the reverse; neither may repeat
    in the record, and both keep their order (enrolments by creation, changes by time)."""
    f = fixture_f(db)
    e1 = session.get(Participant, E1_ID)
    pa1 = session.get(Partnership, f.pa1_id)
    with clock.travel_to(b.at("2024-10-01T10:00:00Z")):
        mentor_profile = b.mentor(session, pa1, person=e1)
    retired = [uuid.UUID(f"dddddddd-0000-4000-8000-00000000000{n}") for n in (1, 2, 3)]
    for day, old_id in zip(("03", "01", "02"), retired, strict=True):
        with clock.travel_to(b.at(f"2024-11-{day}T10:00:00Z")):
            b.retire_participant_id(session, e1, old_id)
    session.commit()
    listed = [
        item
        for item in _get(client, "/api/v3/participants/ecf", f.lp_a).json()["data"]
        if item["id"] == str(E1_ID)
    ]
    shown = _get(client, f"/api/v3/participants/ecf/{E1_ID}", f.lp_a).json()["data"]
    assert listed == [shown]
    attributes = shown["attributes"]
    assert [e["training_record_id"] for e in attributes["ecf_enrolments"]] == [
        str(f.e1_profile_id),
        str(mentor_profile.id),
    ]
    assert [c["from_participant_id"] for c in attributes["participant_id_changes"]] == [
        str(retired[1]),
        str(retired[2]),
        str(retired[0]),
    ]
    assert [c["changed_at"] for c in attributes["participant_id_changes"]] == [
        "2024-11-01T10:00:00Z",
        "2024-11-02T10:00:00Z",
        "2024-11-03T10:00:00Z",
    ]


def test_mentor_enrolment_shows_funding_end_and_reason(db, client, session):
    f = fixture_f(db)
    from cpd_api.participants.models import ParticipantProfile

    mentor = session.get(ParticipantProfile, f.m1_profile_id)
    mentor.mentor_completion_date = b.at("2025-09-25T00:00:00Z").date()
    mentor.mentor_ineligible_for_funding_reason = "completed_declaration_received"
    ect = session.get(ParticipantProfile, f.e1_profile_id)
    ect.induction_completion_date = b.at("2025-07-01T00:00:00Z").date()
    session.commit()
    body = _get(client, "/api/v3/participants/ecf", f.lp_a).json()["data"]
    by_id = {item["id"]: item["attributes"]["ecf_enrolments"][0] for item in body}
    assert by_id[str(M1_ID)]["mentor_funding_end_date"] == "2025-09-25"
    assert by_id[str(M1_ID)]["mentor_ineligible_for_funding_reason"] == (
        "completed_declaration_received"
    )
    assert by_id[str(M1_ID)]["induction_end_date"] is None
    assert by_id[str(E1_ID)]["induction_end_date"] == "2025-07-01"
    assert by_id[str(E1_ID)]["mentor_funding_end_date"] is None


def test_derived_values_for_missing_trn_and_unknown_eligibility(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    pa = b.partnership(session, lp.id)
    nobody = b.participant(session, trn=None)
    b.ect(session, pa, person=nobody, eligibility="manual_check")
    session.commit()
    v1 = _get(client, "/api/v1/participants/ecf", lp).json()["data"][0]["attributes"]
    assert v1["teacher_reference_number"] is None
    assert v1["teacher_reference_number_validated"] is None
    assert v1["eligible_for_funding"] is None
    session.execute(Participant.__table__.update().values(trn="1111111"))
    from cpd_api.participants.models import ParticipantProfile

    session.execute(
        ParticipantProfile.__table__.update().values(
            eligibility_status="ineligible", trn_validated=False
        )
    )
    session.commit()
    v1 = _get(client, "/api/v1/participants/ecf", lp).json()["data"][0]["attributes"]
    assert v1["teacher_reference_number_validated"] is False
    assert v1["eligible_for_funding"] is False


# ---------------------------------------------------------------------------------------------
# visibility
# ---------------------------------------------------------------------------------------------


def test_other_provider_sees_nothing_and_gets_404_for_every_id(db, client):
    f = fixture_f(db)
    for version in ("v1", "v2", "v3"):
        assert _get(client, f"/api/{version}/participants/ecf", f.lp_b).json() == {"data": []}
        for pid in (E1_ID, M1_ID, uuid.uuid4()):
            response = _get(client, f"/api/{version}/participants/ecf/{pid}", f.lp_b)
            assert response.status_code == 404
            assert_not_found_document(response.json())
        malformed = _get(client, f"/api/{version}/participants/ecf/not-a-uuid", f.lp_a)
        assert malformed.status_code == 404
    assert _get(client, "/api/v1/participants/ecf.csv", f.lp_b).text == ""


def test_challenged_partnership_hides_participants(db, client, session):
    f = fixture_f(db)
    session.get(Partnership, f.pa1_id).challenge_reason = "mistake"
    session.commit()
    for version in ("v1", "v2", "v3"):
        assert _get(client, f"/api/{version}/participants/ecf", f.lp_a).json() == {"data": []}
        assert _get(client, f"/api/{version}/participants/ecf/{E1_ID}", f.lp_a).status_code == 404


def test_school_led_and_npq_only_profiles_are_not_listed(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=True)
    school = b.school(session)
    b.school_cohort(session, school, 2024)
    b.ect(session, None, school_=school, cohort=2024)
    b.npq_enrolment(session, lp.id)
    session.commit()
    for version in ("v1", "v2", "v3"):
        assert _get(client, f"/api/{version}/participants/ecf", lp).json() == {"data": []}


def test_npq_only_provider_gets_403(db, client):
    npq_only = provider_with_token(db, "Niche", ecf=False, npq=True)
    for version in ("v1", "v2", "v3"):
        assert _get(client, f"/api/{version}/participants/ecf", npq_only).status_code == 403


def _transfer_e1_to_lp_b(session, f):
    """S13: E1 leaves S1 (LP-A) on 2025-04-01 and joins S2 (LP-B) on 2025-04-02."""
    [record] = session.query(InductionRecord).filter_by(participant_profile_id=f.e1_profile_id)
    record.induction_status = "leaving"
    record.end_date = b.at("2025-04-01T00:00:00Z")
    session.add(
        InductionRecord(
            participant_profile_id=f.e1_profile_id,
            school_id=f.s2_id,
            cohort_year=2024,
            partnership_id=f.pb2_id,
            schedule_id=record.schedule_id,
            email=record.email,
            start_date=b.at("2025-04-02T00:00:00Z"),
            school_transfer=True,
        )
    )
    session.commit()


def test_s13_transfer_to_another_provider_statuses(db, client, session):
    f = fixture_f(db)
    _transfer_e1_to_lp_b(session, f)

    def enrolment(provider, now):
        response = _get(client, f"/api/v3/participants/ecf/{E1_ID}", provider, now=now)
        assert response.status_code == 200
        return response.json()["data"]["attributes"]["ecf_enrolments"][0]

    a = enrolment(f.lp_a, "2025-03-15T09:00:00Z")
    assert a["participant_status"] == "leaving" and a["school_urn"] == "100001"
    b_view = enrolment(f.lp_b, "2025-03-15T09:00:00Z")
    assert b_view["participant_status"] == "joining"
    assert b_view["school_urn"] == "100002"
    assert b_view["delivery_partner_id"] == "11111111-0000-4000-8000-000000000003"
    assert enrolment(f.lp_a, "2025-04-05T09:00:00Z")["participant_status"] == "left"
    assert enrolment(f.lp_b, "2025-04-05T09:00:00Z")["participant_status"] == "active"
    # v1/v2 keep the coarse status: leaving is still "active"
    v1 = _get(client, f"/api/v1/participants/ecf/{E1_ID}", f.lp_a).json()["data"]["attributes"]
    assert v1["status"] == "active"


def test_withdrawn_by_school_shows_withdrawn_statuses(db, client, session):
    f = fixture_f(db)
    [record] = session.query(InductionRecord).filter_by(participant_profile_id=f.e1_profile_id)
    record.induction_status = "withdrawn"
    session.commit()
    v1 = _get(client, f"/api/v1/participants/ecf/{E1_ID}", f.lp_a).json()["data"]["attributes"]
    assert v1["status"] == "withdrawn" and v1["training_status"] == "active"
    v3 = _get(client, f"/api/v3/participants/ecf/{E1_ID}", f.lp_a).json()["data"]
    enrolment = v3["attributes"]["ecf_enrolments"][0]
    assert enrolment["participant_status"] == "withdrawn"
    assert enrolment["training_status"] == "active"


def test_withdrawal_and_deferral_come_from_this_providers_latest_state(db, client, session):
    f = fixture_f(db)
    [record] = session.query(InductionRecord).filter_by(participant_profile_id=f.e1_profile_id)
    record.training_status = "withdrawn"
    session.add_all(
        [
            ParticipantProfileState(
                participant_profile_id=f.e1_profile_id,
                lead_provider_id=f.lp_a.id,
                state="withdrawn",
                reason="moved-school",
                created_at=b.at("2024-12-01T10:00:00Z"),
            ),
            ParticipantProfileState(
                participant_profile_id=f.e1_profile_id,
                lead_provider_id=f.lp_a.id,
                state="withdrawn",
                reason="school-left-fip",
                created_at=b.at("2024-12-05T10:00:00Z"),
            ),
            ParticipantProfileState(
                participant_profile_id=f.e1_profile_id,
                lead_provider_id=f.lp_b.id,
                state="withdrawn",
                reason="other",
                created_at=b.at("2024-12-09T10:00:00Z"),
            ),
        ]
    )
    session.commit()
    enrolment = _get(client, f"/api/v3/participants/ecf/{E1_ID}", f.lp_a).json()["data"][
        "attributes"
    ]["ecf_enrolments"][0]
    assert enrolment["withdrawal"] == {
        "reason": "switched-to-school-led",
        "date": "2024-12-05T10:00:00Z",
    }
    assert enrolment["deferral"] is None


# ---------------------------------------------------------------------------------------------
# filters, order, paging
# ---------------------------------------------------------------------------------------------


def _people(session, provider_id, count, *, cohort=2024, start="2024-01-01T00:00:00Z"):
    """`count` ECTs created one minute apart from `start`, in a fresh partnership."""
    pa = b.partnership(session, provider_id, cohort=cohort)
    created = []
    for index in range(count):
        with clock.travel_to(b.at(start) + timedelta(minutes=index)):
            profile = b.ect(session, pa, cohort=cohort, start_date=b.at("2024-09-01T00:00:00Z"))
        created.append(profile)
    session.commit()
    return created


def test_default_order_is_creation_and_updated_since_orders_by_update(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    profiles = _people(session, lp.id, 3)
    ids = [str(p.participant_id) for p in profiles]
    # the first-created person changes last
    session.get(Participant, profiles[0].participant_id).updated_at = b.at("2024-06-01T00:00:00Z")
    session.get(Participant, profiles[1].participant_id).updated_at = b.at("2024-03-01T00:00:00Z")
    session.get(Participant, profiles[2].participant_id).updated_at = b.at("2024-04-01T00:00:00Z")
    session.commit()
    for version in ("v1", "v2", "v3"):
        assert _ids(_get(client, f"/api/{version}/participants/ecf", lp)) == ids
        since = {"filter[updated_since]": "2024-03-01T00:00:00Z"}
        expected_v1 = [ids[1], ids[2], ids[0]]
        got = _ids(_get(client, f"/api/{version}/participants/ecf", lp, **since))
        if version == "v3":
            assert got == ids  # v3 keeps creation order unless sorted
        else:
            assert got == expected_v1
        later = {"filter[updated_since]": "2024-03-01T00:00:01Z"}
        assert sorted(_ids(_get(client, f"/api/{version}/participants/ecf", lp, **later))) == (
            sorted([ids[0], ids[2]])
        )


def test_v3_sort(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    profiles = _people(session, lp.id, 3)
    ids = [str(p.participant_id) for p in profiles]
    session.get(Participant, profiles[0].participant_id).updated_at = b.at("2024-06-01T00:00:00Z")
    session.get(Participant, profiles[1].participant_id).updated_at = b.at("2024-03-01T00:00:00Z")
    session.get(Participant, profiles[2].participant_id).updated_at = b.at("2024-04-01T00:00:00Z")
    session.commit()
    url = "/api/v3/participants/ecf"
    assert _ids(_get(client, url, lp, sort="-created_at")) == ids[::-1]
    assert _ids(_get(client, url, lp, sort="updated_at")) == [ids[1], ids[2], ids[0]]
    assert _ids(_get(client, url, lp, sort="-updated_at,created_at")) == [ids[0], ids[2], ids[1]]
    assert _ids(_get(client, url, lp, sort="+created_at")) == ids
    assert _ids(_get(client, url, lp, sort="full_name,bogus")) == ids
    # v1 ignores sort
    assert _ids(_get(client, "/api/v1/participants/ecf", lp, sort="-created_at")) == ids


def test_updated_since_errors_and_encodings(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    _people(session, lp.id, 1, start="2024-02-01T00:00:00Z")
    for version in ("v1", "v2", "v3"):
        url = f"/api/{version}/participants/ecf"
        bad = _get(client, url, lp, **{"filter[updated_since]": "yesterday"})
        assert bad.status_code == 400
        assert bad.json() == {
            "errors": [
                {
                    "title": "Bad request",
                    "detail": "The filter '#/updated_since' must be a valid RCF3339 date",
                }
            ]
        }
        encoded = client.get(
            f"{url}?filter[updated_since]=2024-01-01T00%253A00%253A00Z", headers=lp.headers
        )
        assert encoded.status_code == 200 and len(encoded.json()["data"]) == 1
        hashless = client.get(f"{url}?filter=abc", headers=lp.headers)
        assert hashless.status_code == 400
        assert_error_document(hashless.json(), title="Bad parameter")
        assert hashless.json()["errors"][0]["detail"] == "Filter must be a hash"


def test_cohort_filter(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    in_2023 = _people(session, lp.id, 1, cohort=2023)[0]
    in_2024 = _people(session, lp.id, 1, cohort=2024)[0]
    for version in ("v1", "v2", "v3"):
        url = f"/api/{version}/participants/ecf"
        assert _ids(_get(client, url, lp, **{"filter[cohort]": "2023"})) == [
            str(in_2023.participant_id)
        ]
        assert len(_ids(_get(client, url, lp, **{"filter[cohort]": "2023,2024"}))) == 2
        assert _ids(_get(client, url, lp, **{"filter[cohort]": "2031"})) == []
        assert _ids(_get(client, url, lp, **{"filter[cohort]": "abc"})) == []
    assert in_2024


def test_v1_cohort_filter_picks_latest_record_within_cohort_but_v3_filters_latest(
    db, client, session
):
    """v1/v2 restrict candidate records to the cohort; v3 tests the visible (latest) record."""
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    pa_2021 = b.partnership(session, lp.id, cohort=2021)
    profile = b.ect(session, pa_2021, cohort=2021, start_date=b.at("2021-09-01T00:00:00Z"))
    [old] = session.query(InductionRecord).filter_by(participant_profile_id=profile.id)
    old.induction_status = "changed"
    old.end_date = b.at("2024-09-01T00:00:00Z")
    pa_2024 = b.partnership(
        session,
        lp.id,
        cohort=2024,
        school_=session.get(School, pa_2021.school_id),
    )
    session.add(
        InductionRecord(
            participant_profile_id=profile.id,
            school_id=pa_2024.school_id,
            cohort_year=2024,
            partnership_id=pa_2024.id,
            schedule_id=b.schedule(session, "ecf-extended-september", 2024).id,
            start_date=b.at("2024-09-01T00:00:00Z"),
        )
    )
    session.commit()
    v1 = _get(client, "/api/v1/participants/ecf", lp, **{"filter[cohort]": "2021"}).json()
    assert [r["attributes"]["cohort"] for r in v1["data"]] == ["2021"]
    assert v1["data"][0]["attributes"]["schedule_identifier"] == "ecf-standard-september"
    assert _ids(_get(client, "/api/v3/participants/ecf", lp, **{"filter[cohort]": "2021"})) == []
    v3 = _get(client, "/api/v3/participants/ecf", lp, **{"filter[cohort]": "2024"}).json()
    enrolment = v3["data"][0]["attributes"]["ecf_enrolments"][0]
    assert enrolment["cohort"] == "2024"
    assert enrolment["schedule_identifier"] == "ecf-extended-september"


def test_v3_training_status_filter(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    pa = b.partnership(session, lp.id)
    active = b.ect(session, pa)
    deferred = b.ect(session, pa, training_status="deferred")
    withdrawn = b.mentor(session, pa, training_status="withdrawn")
    session.commit()
    url = "/api/v3/participants/ecf"
    for status, profile in (("active", active), ("deferred", deferred), ("withdrawn", withdrawn)):
        got = _ids(_get(client, url, lp, **{"filter[training_status]": status}))
        assert got == [str(profile.participant_id)]
    bad = _get(client, url, lp, **{"filter[training_status]": "paused"})
    assert bad.status_code == 400
    assert bad.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "The filter '#/training_status' must be "
                '["active", "deferred", "withdrawn"]',
            }
        ]
    }


def test_v3_from_participant_id_filter_and_id_changes(db, client, session):
    f = fixture_f(db)
    retired = uuid.UUID("dddddddd-0000-4000-8000-000000000001")
    with clock.travel_to(b.at("2024-11-01T10:00:00Z")):
        b.retire_participant_id(session, session.get(Participant, E1_ID), retired)
    session.commit()
    url = "/api/v3/participants/ecf"
    response = _get(client, url, f.lp_a, **{"filter[from_participant_id]": str(retired)})
    assert _ids(response) == [str(E1_ID)]
    assert response.json()["data"][0]["attributes"]["participant_id_changes"] == [
        {
            "from_participant_id": str(retired),
            "to_participant_id": str(E1_ID),
            "changed_at": "2024-11-01T10:00:00Z",
        }
    ]
    assert (
        _ids(_get(client, url, f.lp_a, **{"filter[from_participant_id]": str(uuid.uuid4())})) == []
    )
    assert _ids(_get(client, url, f.lp_a, **{"filter[from_participant_id]": "nope"})) == []


def test_paging(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    profiles = _people(session, lp.id, 5)
    ids = [str(p.participant_id) for p in profiles]
    for version in ("v1", "v2", "v3"):
        url = f"/api/{version}/participants/ecf"
        page = {"page[per_page]": "2"}
        assert _ids(_get(client, url, lp, **page, **{"page[page]": "1"})) == ids[:2]
        assert _ids(_get(client, url, lp, **page, **{"page[page]": "3"})) == ids[4:]
        assert _ids(_get(client, url, lp, **page, **{"page[page]": "4"})) == []
        assert len(_ids(_get(client, url, lp, **{"page[per_page]": "5000"}))) == 5
        bad = _get(client, url, lp, **{"page[page]": "0"})
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["detail"] == (
            "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid number "
            "(equal and more than 1)"
        )


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_legacy_participants_alias_lists_the_same(db, client, version):
    f = fixture_f(db)
    alias = _get(client, f"/api/{version}/participants", f.lp_a)
    assert alias.status_code == 200
    assert alias.json() == _get(client, f"/api/{version}/participants/ecf", f.lp_a).json()


def test_v3_has_no_legacy_alias_or_csv(db, client):
    f = fixture_f(db)
    assert _get(client, "/api/v3/participants", f.lp_a).status_code == 404
    assert _get(client, "/api/v3/participants/ecf.csv", f.lp_a).status_code == 404


# ---------------------------------------------------------------------------------------------
# show
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_show_matches_the_list_record(db, client, version):
    f = fixture_f(db)
    listed = {
        item["id"]: item
        for item in _get(client, f"/api/{version}/participants/ecf", f.lp_a).json()["data"]
    }
    response = _get(client, f"/api/{version}/participants/ecf/{M1_ID}", f.lp_a)
    assert response.status_code == 200
    assert_matches_contract(
        version,
        "GET",
        f"/api/{version}/participants/ecf/{M1_ID}",
        200,
        response.json(),
        strict_attributes=True,
    )
    assert response.json()["data"] == listed[str(M1_ID)]


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_csv(db, client, session, version):
    f = fixture_f(db)
    response = _get(client, f"/api/{version}/participants/ecf.csv", f.lp_a)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "id",
        "email",
        "full_name",
        "mentor_id",
        "school_urn",
        "participant_type",
        "cohort",
        "status",
        "teacher_reference_number",
        "teacher_reference_number_validated",
        "eligible_for_funding",
        "pupil_premium_uplift",
        "sparsity_uplift",
        "training_status",
        "training_record_id",
        "schedule_identifier",
        "updated_at",
    ]
    by_type = {row[5]: row for row in rows[1:]}
    assert by_type["ect"][:14] == [
        str(E1_ID),
        "ella@example.com",
        "Ella Teacher",
        str(M1_ID),
        "100001",
        "ect",
        "2024",
        "active",
        "1234567",
        "true",
        "true",
        "true",
        "false",
        "active",
    ]
    assert by_type["mentor"][3] == ""  # null → empty field
    # filters apply, paging does not
    empty = _get(
        client,
        f"/api/{version}/participants/ecf.csv",
        f.lp_a,
        **{"filter[cohort]": "2023", "page[per_page]": "1"},
    )
    assert empty.status_code == 200 and empty.text == ""
    everything = _get(
        client, f"/api/{version}/participants/ecf.csv", f.lp_a, **{"page[per_page]": "1"}
    )
    assert len(list(csv.reader(io.StringIO(everything.text)))) == 3


# ---------------------------------------------------------------------------------------------
# performance: a fixed handful of statements per page
# ---------------------------------------------------------------------------------------------


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def test_a_page_of_100_needs_a_fixed_handful_of_statements(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    pa = b.partnership(session, lp.id)
    mentor = b.mentor(session, pa)
    for index in range(110):
        profile = b.ect(session, pa, mentor=mentor, training_status="withdrawn")
        session.add(
            ParticipantProfileState(
                participant_profile_id=profile.id, lead_provider_id=lp.id, state="withdrawn"
            )
        )
        if index % 10 == 0:
            b.retire_participant_id(session, profile.participant)
    session.commit()
    counts = {}
    for version in ("v1", "v2", "v3"):
        _get(client, f"/api/{version}/participants/ecf", lp)  # warm-up (token last-used)
        with StatementCounter(db.engine) as counter:
            response = _get(
                client, f"/api/{version}/participants/ecf", lp, **{"page[per_page]": "100"}
            )
        assert len(response.json()["data"]) == 100
        counts[version] = counter.count
    with StatementCounter(db.engine) as small:
        _get(client, "/api/v3/participants/ecf", lp, **{"page[per_page]": "1"})
    # authentication, the page in one statement, and either PostgreSQL's join-planning
    # settings or SQLite's explicit BEGINs
    assert counts["v3"] <= 4, counts
    assert counts["v1"] <= 5, counts  # the page's keys, then its rows
    assert counts["v3"] == small.count, (counts, small.count)
