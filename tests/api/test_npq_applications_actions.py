"""Accept, reject and change-funded-place (npq.md 2.6 to 2.8, scenarios SC-01 to SC-05, SC-08)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cpd_api.app import create_app
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.participants.models import Participant, ParticipantProfile, ParticipantProfileState
from cpd_api.statements.models import Statement
from tests import builders
from tests.contract.reference import assert_error_document, assert_matches_contract
from tests.factories_npq import arranged, npq_declaration, npq_world

# Exact timestamps after X-With-Server-Date must not depend on machine load.
pytestmark = pytest.mark.usefixtures("still_clock")

CONTRACT_DATA = (
    "There’s an issue with your contract data. Contact us so we can rectify this for you"
)


@pytest.fixture
def world(db):
    return npq_world(db)


def _application(db, provider_id, **fields) -> NpqApplication:
    with arranged(db, fields.pop("when", "2025-02-10T12:00:00Z")) as session:
        return builders.npq_application(session, provider_id, **fields)


def _accept(client, world, provider, application_id, attributes=None, version="v3", **kwargs):
    body = None
    if attributes is not None:
        body = {"data": {"type": "npq-application-accept", "attributes": attributes}}
    return client.post(
        f"/api/{version}/npq-applications/{application_id}/accept",
        json=body,
        headers=world.h(provider, **kwargs),
    )


def _status(db, application_id) -> str:
    with arranged(db) as session:
        return session.get(NpqApplication, application_id).status


def _errors(response) -> list[dict]:
    assert response.status_code == 422, response.text
    assert_error_document(response.json())
    return response.json()["errors"]


def test_sc01_accept_a_capped_application_with_an_explicit_schedule(client, db, world):
    app1 = _application(db, world.p.id, course="npq-headship", trn_validated=True)
    response = _accept(
        client,
        world,
        world.p,
        app1.id,
        {"funded_place": True, "schedule_identifier": "npq-leadership-autumn"},
    )
    assert response.status_code == 200, response.text
    assert_matches_contract(
        "v3", "POST", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    attributes = response.json()["data"]["attributes"]
    assert attributes["status"] == "accepted"
    assert attributes["funded_place"] is True
    assert attributes["schedule_identifier"] == "npq-leadership-autumn"
    assert attributes["cohort"] == "2024"

    participant = client.get(
        f"/api/v3/participants/npq/{app1.participant_id}", headers=world.h(world.p)
    ).json()["data"]["attributes"]
    assert participant["npq_enrolments"] == [
        {
            "email": app1.email,
            "course_identifier": "npq-headship",
            "schedule_identifier": "npq-leadership-autumn",
            "cohort": "2024",
            "npq_application_id": str(app1.id),
            "eligible_for_funding": True,
            "training_status": "active",
            "school_urn": "123456",
            "targeted_delivery_funding_eligibility": False,
            "withdrawal": None,
            "deferral": None,
            "created_at": "2025-02-10T12:00:00Z",
            "funded_place": True,
        }
    ]
    with arranged(db) as session:
        profile = session.get(ParticipantProfile, app1.id)
        assert profile.npq_application_id == app1.id and profile.profile_type == "npq"
        history = session.scalars(
            select(ParticipantProfileState).where(
                ParticipantProfileState.participant_profile_id == app1.id
            )
        ).all()
        assert [(h.state, h.lead_provider_id) for h in history] == [("active", None)]
        assert session.get(Participant, app1.participant_id).trn == app1.trn


@pytest.mark.parametrize("version", ("v1", "v2"))
def test_accept_in_v1_v2_answers_in_that_versions_shape(client, db, world, version):
    application = _application(db, world.p.id, course="npq-senco")
    response = _accept(client, world, world.p, application.id, {"funded_place": False}, version)
    assert response.status_code == 200
    assert_matches_contract(
        version, "POST", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    assert response.json()["data"]["attributes"]["funded_place"] is False


def test_sc02_capped_accept_without_funded_place(client, db, world):
    app2 = _application(db, world.p.id, course="npq-senco")
    for attributes in (None, {"funded_place": None}, {"funded_place": "yes"}):
        response = _accept(client, world, world.p, app2.id, attributes)
        assert _errors(response) == [
            {"title": "funded_place", "detail": "Set '#/funded_place' to true or false."}
        ]
    assert _status(db, app2.id) == "pending"


def test_sc03_funded_place_refused_when_ineligible_and_ignored_when_uncapped(client, db, world):
    app3 = _application(db, world.p.id, course="npq-leading-teaching", eligible_for_funding=False)
    app4 = _application(
        db, world.p.id, course="npq-leading-teaching", cohort=2023, eligible_for_funding=False
    )
    response = _accept(client, world, world.p, app3.id, {"funded_place": True})
    assert _errors(response) == [
        {
            "title": "npq_application",
            "detail": "The participant is not eligible for funding, so '#/funded_place' cannot "
            "be set to true.",
        }
    ]
    response = _accept(client, world, world.p, app4.id, {"funded_place": True})
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["funded_place"] is None
    assert response.json()["data"]["attributes"]["schedule_identifier"] == "npq-specialist-spring"


def test_sc04_second_provider_cannot_accept_the_same_course_and_siblings_are_rejected(
    client, db, world
):
    with arranged(db) as session:
        person = builders.participant(session)
        app5 = builders.npq_application(
            session, world.p.id, person=person, course="npq-senior-leadership"
        )
        app6 = builders.npq_application(
            session, world.q.id, person=person, course="npq-senior-leadership"
        )
        app7 = builders.npq_application(
            session, world.q.id, person=person, course="npq-senior-leadership", cohort=2023
        )
    assert _accept(client, world, world.p, app5.id, {"funded_place": True}).status_code == 200

    response = client.get(f"/api/v3/npq-applications/{app6.id}", headers=world.h(world.q))
    assert response.json()["data"]["attributes"]["status"] == "rejected"
    assert _status(db, app7.id) == "pending"

    response = _accept(client, world, world.q, app7.id)
    assert _errors(response) == [
        {
            "title": "npq_application",
            "detail": "The participant has already had an application accepted for this course.",
        }
    ]
    assert _status(db, app7.id) == "pending"


def test_already_accepted_rule_treats_aso_and_ehco_as_one_course_and_follows_the_trn(
    client, db, world
):
    with arranged(db) as session:
        first = builders.participant(session, trn="7654321")
        builders.npq_enrolment(
            session,
            world.q.id,
            person=first,
            course="npq-additional-support-offer",
            cohort=2021,
            schedule_identifier="npq-aso-december",
        )
        second = builders.participant(session, trn="7654321")
        ehco = builders.npq_application(
            session, world.p.id, person=second, course="npq-early-headship-coaching-offer"
        )
    response = _accept(client, world, world.p, ehco.id, {"funded_place": True})
    assert _errors(response) == [
        {
            "title": "npq_application",
            "detail": "The participant has already had an application accepted for this course.",
        }
    ]


def test_sc05_reject_rules(client, db, world):
    # A stored funded place keeps the body inside the reference schema, which has no null.
    app8 = _application(db, world.p.id, funded_place=False)
    response = client.post(f"/api/v3/npq-applications/{app8.id}/reject", headers=world.h(world.p))
    assert response.status_code == 200
    assert_matches_contract(
        "v3", "POST", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    assert response.json()["data"]["attributes"]["status"] == "rejected"

    response = client.post(f"/api/v1/npq-applications/{app8.id}/reject", headers=world.h(world.p))
    assert _errors(response) == [
        {"title": "npq_application", "detail": "This NPQ application has already been rejected"}
    ]
    response = _accept(client, world, world.p, app8.id, {"funded_place": True})
    assert _errors(response) == [
        {"title": "npq_application", "detail": "Once rejected an application cannot change state"}
    ]

    app1 = _application(db, world.p.id, course="npq-headship")
    assert _accept(client, world, world.p, app1.id, {"funded_place": True}).status_code == 200
    response = client.post(f"/api/v2/npq-applications/{app1.id}/reject", headers=world.h(world.p))
    assert _errors(response) == [
        {"title": "npq_application", "detail": "Once accepted an application cannot change state"}
    ]
    response = _accept(client, world, world.p, app1.id, {"funded_place": True})
    assert _errors(response) == [
        {"title": "npq_application", "detail": "This NPQ application has already been accepted"}
    ]


def test_reject_of_another_providers_application_is_not_found(client, db, world):
    theirs = _application(db, world.q.id)
    response = client.post(f"/api/v3/npq-applications/{theirs.id}/reject", headers=world.h(world.p))
    assert response.status_code == 404
    assert _status(db, theirs.id) == "pending"


def test_a1_contract_data_problem_comes_first_even_for_decided_applications(client, db, world):
    with arranged(db) as session:
        for statement in session.scalars(
            select(Statement).where(Statement.lead_provider_id == world.p.id)
        ):
            statement.state = "paid"
        rejected = builders.npq_application(session, world.p.id, status="rejected")
    response = _accept(client, world, world.p, rejected.id, {"funded_place": True})
    assert _errors(response) == [{"title": "Unprocessable request", "detail": CONTRACT_DATA}]


def test_a6_schedule_must_exist_in_the_cohort_and_fit_the_course(client, db, world):
    application = _application(db, world.p.id, course="npq-headship")
    for schedule in ("npq-specialist-autumn", "npq-aso-june", "nonsense"):
        response = _accept(
            client,
            world,
            world.p,
            application.id,
            {"funded_place": True, "schedule_identifier": schedule},
        )
        assert _errors(response) == [
            {
                "title": "schedule_identifier",
                "detail": "Selected schedule is not valid for the course",
            }
        ]
    assert _status(db, application.id) == "pending"


@pytest.mark.parametrize(
    ("course", "cohort", "server_date", "expected"),
    [
        ("npq-headship", 2024, "2025-02-10T12:00:00Z", "npq-leadership-spring"),
        ("npq-leading-literacy", 2024, "2024-09-10T12:00:00Z", "npq-specialist-autumn"),
        ("npq-early-headship-coaching-offer", 2024, "2024-12-10T12:00:00Z", "npq-ehco-december"),
        ("npq-early-headship-coaching-offer", 2023, "2024-04-10T12:00:00Z", "npq-ehco-march"),
    ],
)
def test_automatic_schedule_on_accept(client, db, world, course, cohort, server_date, expected):
    application = _application(db, world.p.id, course=course, cohort=cohort)
    response = _accept(
        client, world, world.p, application.id, {"funded_place": True}, server_date=server_date
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["schedule_identifier"] == expected


def test_cohort_2021_ehco_always_gets_the_june_schedule(client, db, world):
    application = _application(db, world.p.id, course="npq-early-headship-coaching-offer")
    with arranged(db) as session:
        session.get(NpqApplication, application.id).cohort_year = 2021
        builders.npq_contract(
            session, world.p.id, cohort=2021, course="npq-early-headship-coaching-offer"
        )
        builders.statement(
            session, world.p.id, cohort=2021, programme="npq", deadline=date(2025, 3, 31)
        )
    response = _accept(client, world, world.p, application.id)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["schedule_identifier"] == "npq-ehco-june"


def test_accept_fails_cleanly_when_the_automatic_schedule_does_not_exist(client, db, world):
    # ASO schedules exist only in 2021, so a 2024 ASO application has no schedule to land on.
    application = _application(db, world.p.id, course="npq-additional-support-offer")
    response = _accept(client, world, world.p, application.id, {"funded_place": True})
    assert _errors(response) == [{"title": "schedule", "detail": "Schedule cannot be determined"}]
    assert _status(db, application.id) == "pending"
    with arranged(db) as session:
        assert session.get(ParticipantProfile, application.id) is None


def test_bodies_naming_no_permitted_attribute_are_bad_requests(client, db, world):
    application = _application(db, world.p.id)
    bad = {
        "errors": [
            {
                "title": "Bad request",
                "detail": "correct json data structure required. See API docs for reference",
            }
        ]
    }
    for version, attributes in (
        ("v3", {}),
        ("v1", {"schedule_identifier": "npq-leadership-autumn"}),
        ("v3", {"other": 1}),
    ):
        response = _accept(client, world, world.p, application.id, attributes, version)
        assert response.status_code == 400
        assert response.json() == bad
    response = client.post(
        f"/api/v3/npq-applications/{application.id}/accept",
        content=b"{not json",
        headers={**world.h(world.p), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert _status(db, application.id) == "pending"


def test_accept_moves_updated_at_of_every_application_of_the_person_for_the_course(
    client, db, world
):
    with arranged(db, "2025-01-01T00:00:00Z") as session:
        person = builders.participant(session)
        accepted = builders.npq_application(
            session, world.p.id, person=person, course="npq-headship"
        )
        other_cohort = builders.npq_application(
            session, world.q.id, person=person, course="npq-headship", cohort=2023
        )
        unrelated = builders.npq_application(session, world.q.id, person=person, course="npq-senco")
    response = client.get(
        "/api/v3/npq-applications?filter[updated_since]=2025-02-01T00:00:00Z",
        headers=world.h(world.q),
    )
    assert response.json()["data"] == []
    assert _accept(client, world, world.p, accepted.id, {"funded_place": True}).status_code == 200
    response = client.get(
        "/api/v1/npq-applications?filter[updated_since]=2025-02-01T00:00:00Z",
        headers=world.h(world.q),
    )
    changed = response.json()["data"]
    assert [item["id"] for item in changed] == [str(other_cohort.id)]
    assert changed[0]["attributes"]["eligible_for_funding"] is False
    assert changed[0]["attributes"]["updated_at"] == "2025-02-10T12:00:00Z"
    assert str(unrelated.id) not in {item["id"] for item in changed}


# ------------------------------------------------------------------------------------------
# change-funded-place
# ------------------------------------------------------------------------------------------


def _change(client, world, application_id, body, version="v3"):
    return client.put(
        f"/api/{version}/npq-applications/{application_id}/change-funded-place",
        json=body,
        headers=world.h(world.p),
    )


def _funded(value) -> dict:
    return {
        "data": {
            "type": "npq-application-change-funded-place",
            "attributes": {"funded_place": value},
        }
    }


def _accepted(db, world, **fields):
    with arranged(db) as session:
        return builders.npq_enrolment(session, world.p.id, **fields)


def test_sc08_change_funded_place(client, db, world):
    app9, profile = _accepted(db, world, course="npq-headship", funded_place=False)
    with arranged(db) as session:
        npq_declaration(
            session, profile, declaration_date="2024-10-20T00:00:00Z", state="submitted"
        )

    response = _change(client, world, app9.id, _funded(True))
    assert response.status_code == 200
    assert_matches_contract(
        "v3", "PUT", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    assert response.json()["data"]["attributes"]["funded_place"] is True

    response = _change(client, world, app9.id, _funded(False), version="v1")
    assert _errors(response) == [
        {
            "title": "npq_application",
            "detail": "You must void or claw back your declarations for this participant before "
            "being able to set '#/funded_place' to false",
        }
    ]
    with arranged(db) as session:
        assert session.get(NpqApplication, app9.id).funded_place is True


def test_change_funded_place_missing_value_joins_messages_per_title(client, db, world):
    app, profile = _accepted(db, world, course="npq-headship", funded_place=True)
    with arranged(db) as session:
        npq_declaration(session, profile, state="eligible")
    response = _change(client, world, app.id, None)
    assert _errors(response) == [
        {
            "title": "npq_application",
            "detail": "The entered '#/funded_place' is missing from your request. Check details "
            "and try again., You must void or claw back your declarations for this participant "
            "before being able to set '#/funded_place' to false",
        },
        {"title": "funded_place", "detail": "Set '#/funded_place' to true or false."},
    ]


def test_change_funded_place_refusals(client, db, world):
    pending = _application(db, world.p.id)
    response = _change(client, world, pending.id, _funded(True))
    assert _errors(response) == [
        {
            "title": "npq_application",
            "detail": "You must accept the application before attempting to change the "
            "'#/funded_place' setting",
        }
    ]
    ineligible, _ = _accepted(db, world, eligible_for_funding=False, funded_place=False)
    response = _change(client, world, ineligible.id, _funded("yes"))
    assert _errors(response) == [
        {"title": "funded_place", "detail": "Set '#/funded_place' to true or false."},
        {
            "title": "npq_application",
            "detail": "This participant is not eligible for funding. Contact us if you think "
            "this is wrong",
        },
    ]
    uncapped, _ = _accepted(db, world, cohort=2023)
    response = _change(client, world, uncapped.id, _funded(True))
    assert _errors(response) == [
        {
            "title": "npq_application",
            "detail": "Leave the '#/funded_place' field blank. It's only needed for participants "
            "starting NPQs from autumn 2024 onwards",
        }
    ]
    response = _change(client, world, uncapped.id, {"data": {"attributes": {}}})
    assert response.status_code == 400


def test_change_funded_place_without_a_contract_is_a_contract_data_problem(client, db, world):
    with arranged(db) as session:
        app, _ = builders.npq_enrolment(
            session, world.p.id, cohort=2022, schedule_identifier="npq-leadership-autumn"
        )
    response = _change(client, world, app.id, _funded(True))
    assert _errors(response) == [{"title": "Unprocessable request", "detail": CONTRACT_DATA}]


def test_change_funded_place_is_forbidden_when_the_feature_is_off(db, world, settings):
    app, _ = _accepted(db, world, funded_place=True)
    off = create_app(settings.model_copy(update={"funded_place": False}), database=db)
    with TestClient(off) as client:
        response = _change(client, world, app.id, _funded(False))
        assert response.status_code == 403
        assert response.content == b""
        accepted = _application(db, world.p.id, course="npq-senco")
        response = _accept(client, world, world.p, accepted.id)
        assert response.status_code == 200
        assert response.json()["data"]["attributes"]["funded_place"] is None


def test_change_funded_place_moves_the_participant_and_enrolment_timestamps(client, db, world):
    with arranged(db, "2025-01-01T00:00:00Z") as session:
        app, _ = builders.npq_enrolment(session, world.p.id, funded_place=True)
    assert _change(client, world, app.id, _funded(False)).status_code == 200
    participants = client.get(
        "/api/v2/participants/npq?filter[updated_since]=2025-02-01T00:00:00Z",
        headers=world.h(world.p),
    ).json()["data"]
    assert [p["id"] for p in participants] == [str(app.participant_id)]
    assert participants[0]["attributes"]["npq_enrolments"][0]["funded_place"] is False
    csv_text = client.get(
        "/api/v2/npq-enrolments.csv?filter[updated_since]=2025-02-01T00:00:00Z",
        headers=world.h(world.p),
    ).text
    assert str(app.id) in csv_text


def test_accepting_a_validated_trn_merges_the_person_into_the_earlier_record(client, db, world):
    with arranged(db, "2025-01-01T00:00:00Z") as session:
        primary = builders.participant(session, trn="7777777")
        duplicate = builders.participant(session, trn=None)
        application = builders.npq_application(
            session,
            world.p.id,
            person=duplicate,
            course="npq-headship",
            trn_validated=True,
        )
        application.trn = "7777777"
    response = _accept(client, world, world.p, application.id, {"funded_place": True})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["participant_id"] == str(primary.id)

    shown = client.get(f"/api/v3/participants/npq/{primary.id}", headers=world.h(world.p))
    attributes = shown.json()["data"]["attributes"]
    assert attributes["npq_enrolments"][0]["npq_application_id"] == str(application.id)
    assert attributes["participant_id_changes"] == [
        {
            "from_participant_id": str(duplicate.id),
            "to_participant_id": str(primary.id),
            "changed_at": "2025-02-10T12:00:00Z",
        }
    ]
    assert (
        client.get(f"/api/v3/participants/npq/{duplicate.id}", headers=world.h(world.p)).status_code
        == 404
    )
    # The retired id still reaches the enrolment in actions.
    with arranged(db) as session:
        npq_declaration(session, session.get(ParticipantProfile, application.id))
    response = client.put(
        f"/api/v3/participants/npq/{duplicate.id}/defer",
        json={"data": {"attributes": {"reason": "other", "course_identifier": "npq-headship"}}},
        headers=world.h(world.p),
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == str(primary.id)


def test_unvalidated_trn_does_not_merge(client, db, world):
    with arranged(db) as session:
        builders.participant(session, trn="7777777")
        duplicate = builders.participant(session, trn=None)
        application = builders.npq_application(
            session,
            world.p.id,
            person=duplicate,
            course="npq-headship",
            trn_validated=False,
        )
        application.trn = "7777777"
    response = _accept(client, world, world.p, application.id, {"funded_place": True})
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["participant_id"] == str(duplicate.id)
    with arranged(db) as session:
        assert session.get(Participant, duplicate.id).trn is None
