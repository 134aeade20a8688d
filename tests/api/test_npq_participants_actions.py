"""Withdraw, defer, resume and change-schedule of NPQ enrolments (npq.md 3.4 to 3.8,
scenarios SC-11 to SC-13)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from cpd_api.declarations.models import Declaration
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.participants.models import ParticipantProfile, ParticipantProfileState
from cpd_api.statements.models import Statement
from tests import builders
from tests.contract.reference import assert_error_document, assert_matches_contract
from tests.factories_npq import arranged, npq_declaration, npq_world

# Exact timestamps after X-With-Server-Date must not depend on machine load.
pytestmark = pytest.mark.usefixtures("still_clock")

NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. Check participant "
    "details and try again."
)
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. Check "
    "details and try again."
)


@pytest.fixture
def world(db):
    return npq_world(db)


def _enrolment(db, provider_id, when="2025-02-10T12:00:00Z", **fields):
    fields.setdefault("funded_place", True)
    with arranged(db, when) as session:
        return builders.npq_enrolment(session, provider_id, **fields)


def _put(
    client, world, person_id, action, attributes, version="v3", server_date=None, provider=None
):
    kind = {"change-schedule": "participant-change-schedule"}.get(action, f"participant-{action}")
    return client.put(
        f"/api/{version}/participants/npq/{person_id}/{action}",
        json={"data": {"type": kind, "attributes": attributes}},
        headers=world.h(provider or world.p, server_date or "2025-02-10T12:00:00Z"),
    )


def _errors(response) -> list[dict]:
    assert response.status_code == 422, response.text
    assert_error_document(response.json())
    return response.json()["errors"]


def _status(db, profile_id) -> str:
    with arranged(db) as session:
        return session.get(ParticipantProfile, profile_id).training_status


def _ok(response, version="v3"):
    assert response.status_code == 200, response.text
    assert_matches_contract(
        version, "PUT", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    return response.json()["data"]["attributes"]


def test_sc11_withdraw_needs_a_started_declaration(client, db, world):
    app10, profile = _enrolment(db, world.p.id, course="npq-senior-leadership")
    person = app10.participant_id
    body = {"reason": "other", "course_identifier": "npq-senior-leadership"}
    assert _errors(_put(client, world, person, "withdraw", body)) == [
        {
            "title": "participant_profile",
            "detail": "An NPQ participant who has not got a started declaration cannot be "
            "withdrawn. Please contact support for assistance",
        }
    ]
    with arranged(db) as session:
        npq_declaration(session, profile, declaration_date="2024-10-10T00:00:00Z", state="voided")
    attributes = _ok(_put(client, world, person, "withdraw", body))
    enrolment = attributes["npq_enrolments"][0]
    assert enrolment["training_status"] == "withdrawn"
    assert enrolment["withdrawal"] == {"reason": "other", "date": "2025-02-10T12:00:00Z"}
    with arranged(db) as session:
        rows = session.scalars(
            select(ParticipantProfileState).where(
                ParticipantProfileState.participant_profile_id == profile.id
            )
        ).all()
        assert [(r.state, r.reason, r.lead_provider_id) for r in rows] == [
            ("withdrawn", "other", world.p.id)
        ]
    assert _errors(_put(client, world, person, "withdraw", body)) == [
        {"title": "participant_profile", "detail": "The participant is already withdrawn"}
    ]


@pytest.mark.parametrize("version", ("v1", "v2"))
def test_withdraw_answers_in_the_versions_shape_and_accepts_started_in_error(
    client, db, world, version
):
    app, profile = _enrolment(db, world.p.id)
    with arranged(db) as session:
        npq_declaration(session, profile)
    body = {"reason": "started-in-error", "course_identifier": "npq-senior-leadership"}
    response = _put(client, world, app.participant_id, "withdraw", body, version)
    _ok(response, version)
    assert _status(db, profile.id) == "withdrawn"


def test_withdraw_reason_rules(client, db, world):
    app, profile = _enrolment(db, world.p.id)
    with arranged(db) as session:
        npq_declaration(session, profile)
    person = app.participant_id
    missing = _put(
        client, world, person, "withdraw", {"course_identifier": "npq-senior-leadership"}
    )
    assert _errors(missing) == [
        {
            "title": "reason",
            "detail": "The property '#/reason' must be present, The property '#/reason' must be "
            "a valid reason",
        }
    ]
    invalid = _put(
        client,
        world,
        person,
        "withdraw",
        {"reason": "bored", "course_identifier": "npq-senior-leadership"},
    )
    assert _errors(invalid) == [
        {"title": "reason", "detail": "The property '#/reason' must be a valid reason"}
    ]
    assert _status(db, profile.id) == "active"


def test_target_resolution_errors(client, db, world):
    app, _ = _enrolment(db, world.p.id, course="npq-headship")
    theirs, _ = _enrolment(db, world.q.id, course="npq-senco")
    with arranged(db) as session:
        stranger = builders.participant(session)
    person = app.participant_id
    body = {"reason": "other"}
    assert _errors(
        _put(
            client, world, "not-a-person", "withdraw", {**body, "course_identifier": "npq-headship"}
        )
    ) == [{"title": "participant_id", "detail": NOT_RECOGNISED}]
    assert _errors(_put(client, world, person, "resume", {})) == [
        {
            "title": "course_identifier",
            "detail": COURSE_NOT_RECOGNISED + ", Enter a '#/course_identifier' value for this "
            "participant.",
        }
    ]
    assert _errors(
        _put(client, world, stranger.id, "resume", {"course_identifier": "npq-senco"})
    ) == [{"title": "course_identifier", "detail": COURSE_NOT_RECOGNISED}]
    assert _errors(_put(client, world, uuid.uuid4(), "resume", {})) == [
        {"title": "participant_id", "detail": NOT_RECOGNISED},
        {
            "title": "course_identifier",
            "detail": "Enter a '#/course_identifier' value for this participant.",
        },
    ]
    assert _errors(
        _put(client, world, person, "resume", {"course_identifier": "ecf-induction"})
    ) == [{"title": "course_identifier", "detail": COURSE_NOT_RECOGNISED}]
    # Any NPQ identifier passes the course check; only then is the enrolment looked for.
    assert _errors(_put(client, world, person, "resume", {"course_identifier": "npq-senco"})) == [
        {"title": "participant_id", "detail": NOT_RECOGNISED}
    ]
    assert _errors(
        _put(client, world, theirs.participant_id, "resume", {"course_identifier": "npq-senco"})
    ) == [{"title": "participant_id", "detail": NOT_RECOGNISED}]
    response = client.put(
        f"/api/v3/participants/npq/{person}/resume", json={}, headers=world.h(world.p)
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"] == "Bad request"


def test_sc12_defer_and_resume(client, db, world):
    app, profile = _enrolment(db, world.p.id, course="npq-headship")
    person = app.participant_id
    defer = {"reason": "parental-leave", "course_identifier": "npq-headship"}
    assert _errors(_put(client, world, person, "defer", defer)) == [
        {
            "title": "participant_profile",
            "detail": "You cannot defer an NPQ participant that has no declarations",
        }
    ]
    with arranged(db) as session:
        npq_declaration(session, profile)
    assert _errors(_put(client, world, person, "defer", {**defer, "reason": "holiday"})) == [
        {"title": "reason", "detail": "The property '#/reason' must be a valid reason"}
    ]
    enrolment = _ok(_put(client, world, person, "defer", defer))["npq_enrolments"][0]
    assert enrolment["training_status"] == "deferred"
    assert enrolment["deferral"] == {"reason": "parental-leave", "date": "2025-02-10T12:00:00Z"}
    assert _errors(_put(client, world, person, "defer", defer)) == [
        {"title": "participant_profile", "detail": "The participant is already deferred"}
    ]
    resume = {"course_identifier": "npq-headship"}
    enrolment = _ok(_put(client, world, person, "resume", resume))["npq_enrolments"][0]
    assert enrolment["training_status"] == "active"
    assert enrolment["deferral"] is None
    assert _errors(_put(client, world, person, "resume", resume)) == [
        {"title": "participant_profile", "detail": "The participant is already active"}
    ]


def test_defer_reason_is_checked_even_when_the_enrolment_is_unknown(client, db, world):
    app, _ = _enrolment(db, world.p.id, course="npq-headship")
    response = _put(client, world, app.participant_id, "defer", {"course_identifier": "npq-senco"})
    assert _errors(response) == [
        {"title": "participant_id", "detail": NOT_RECOGNISED},
        {
            "title": "reason",
            "detail": "The property '#/reason' must be present, The property '#/reason' must be "
            "a valid reason",
        },
    ]


def test_withdrawn_enrolment_cannot_be_deferred_but_can_be_resumed(client, db, world):
    app, profile = _enrolment(db, world.p.id, training_status="withdrawn")
    with arranged(db) as session:
        npq_declaration(session, profile)
    person = app.participant_id
    response = _put(
        client,
        world,
        person,
        "defer",
        {"reason": "other", "course_identifier": "npq-senior-leadership"},
    )
    assert _errors(response) == [
        {"title": "participant_profile", "detail": "The participant is already withdrawn"}
    ]
    response = _put(
        client,
        world,
        person,
        "resume",
        {"course_identifier": "npq-senior-leadership"},
        version="v2",
    )
    _ok(response, "v2")
    assert _status(db, profile.id) == "active"


def test_actions_move_the_participants_updated_at(client, db, world):
    app, profile = _enrolment(db, world.p.id, when="2025-01-01T00:00:00Z")
    with arranged(db) as session:
        npq_declaration(session, profile)
    since = "filter[updated_since]=2025-02-01T00:00:00Z"
    assert (
        client.get(f"/api/v1/participants/npq?{since}", headers=world.h(world.p)).json()["data"]
        == []
    )
    _ok(
        _put(
            client,
            world,
            app.participant_id,
            "defer",
            {"reason": "other", "course_identifier": "npq-senior-leadership"},
        )
    )
    changed = client.get(f"/api/v1/participants/npq?{since}", headers=world.h(world.p)).json()
    assert [item["id"] for item in changed["data"]] == [str(app.participant_id)]
    assert changed["data"][0]["attributes"]["updated_at"] == "2025-02-10T12:00:00Z"


# ------------------------------------------------------------------------------------------
# change-schedule
# ------------------------------------------------------------------------------------------


def _sc01_state(db, world):
    with arranged(db) as session:
        app, profile = builders.npq_enrolment(
            session,
            world.p.id,
            course="npq-headship",
            schedule_identifier="npq-leadership-autumn",
            funded_place=True,
        )
        started = npq_declaration(session, profile, declaration_date="2024-10-15T09:00:00Z")
    return app, profile, started


def test_sc13_change_schedule(client, db, world):
    app, _profile, started = _sc01_state(db, world)
    person = app.participant_id
    course = {"course_identifier": "npq-headship"}

    response = _put(
        client,
        world,
        person,
        "change-schedule",
        {**course, "schedule_identifier": "npq-leadership-spring"},
    )
    assert _errors(response) == [
        {
            "title": "schedule_identifier",
            "detail": "Changing schedule would invalidate existing declarations. Please void "
            "them first.",
        }
    ]
    response = _put(
        client,
        world,
        person,
        "change-schedule",
        {**course, "schedule_identifier": "npq-specialist-autumn"},
    )
    assert _errors(response) == [
        {"title": "schedule_identifier", "detail": "Selected schedule is not valid for the course"}
    ]
    response = _put(
        client,
        world,
        person,
        "change-schedule",
        {**course, "schedule_identifier": "npq-leadership-autumn"},
    )
    assert _errors(response) == [
        {"title": "schedule_identifier", "detail": "Selected schedule is already on the profile"}
    ]
    response = _put(
        client,
        world,
        person,
        "change-schedule",
        {**course, "schedule_identifier": "npq-leadership-autumn", "cohort": "2023"},
    )
    assert _errors(response) == [
        {"title": "cohort", "detail": "You cannot change the '#/cohort' field"}
    ]

    with arranged(db) as session:
        session.get(Declaration, started.id).state = "voided"
    response = _put(
        client,
        world,
        person,
        "change-schedule",
        {"schedule_identifier": "npq-leadership-spring", **course},
    )
    enrolment = _ok(response)["npq_enrolments"][0]
    assert enrolment["schedule_identifier"] == "npq-leadership-spring"
    assert enrolment["cohort"] == "2024"
    application = client.get(f"/api/v3/npq-applications/{app.id}", headers=world.h(world.p))
    assert (
        application.json()["data"]["attributes"]["schedule_identifier"] == "npq-leadership-spring"
    )


def test_change_schedule_missing_or_unknown_schedule(client, db, world):
    app, _, _ = _sc01_state(db, world)
    message = (
        "The property '#/schedule_identifier' must be present and correspond to a valid schedule"
    )
    for attributes in (
        {},
        {"schedule_identifier": "npq-nonsense"},
        {"schedule_identifier": "npq-aso-june"},
        {"schedule_identifier": "npq-leadership-autumn", "cohort": "soon"},
    ):
        response = _put(
            client,
            world,
            app.participant_id,
            "change-schedule",
            {"course_identifier": "npq-headship", **attributes},
        )
        assert _errors(response) == [{"title": "schedule_identifier", "detail": message}]


def test_change_schedule_to_a_cohort_without_contract(client, db, world):
    with arranged(db) as session:
        app, _ = builders.npq_enrolment(session, world.p.id, course="npq-headship", cohort=2023)
    response = _put(
        client,
        world,
        app.participant_id,
        "change-schedule",
        {
            "course_identifier": "npq-headship",
            "schedule_identifier": "npq-leadership-autumn",
            "cohort": 2022,
        },
    )
    assert _errors(response) == [
        {
            "title": "cohort",
            "detail": "You cannot change a participant to this cohort as you do not have a "
            "contract for the cohort and course. Contact the DfE for assistance.",
        }
    ]


def test_change_schedule_of_a_withdrawn_enrolment(client, db, world):
    app, _ = _enrolment(db, world.p.id, course="npq-headship", training_status="withdrawn")
    response = _put(
        client,
        world,
        app.participant_id,
        "change-schedule",
        {"course_identifier": "npq-headship", "schedule_identifier": "npq-leadership-spring"},
    )
    assert _errors(response) == [
        {"title": "participant_id", "detail": "Cannot perform actions on a withdrawn participant"}
    ]


def test_change_schedule_with_a_contract_data_problem(client, db, world):
    app, _ = _enrolment(db, world.p.id, course="npq-headship")
    with arranged(db) as session:
        for statement in session.scalars(
            select(Statement).where(Statement.lead_provider_id == world.p.id)
        ):
            session.delete(statement)
    response = _put(
        client,
        world,
        app.participant_id,
        "change-schedule",
        {"course_identifier": "npq-headship", "schedule_identifier": "npq-leadership-spring"},
    )
    assert _errors(response) == [
        {
            "title": "Unprocessable request",
            "detail": "There’s an issue with your contract data. Contact us so we can rectify "
            "this for you",
        }
    ]


def test_change_schedule_from_capped_to_uncapped_cohort_is_refused(client, db, world):
    app, _ = _enrolment(db, world.p.id, course="npq-headship")
    response = _put(
        client,
        world,
        app.participant_id,
        "change-schedule",
        {
            "course_identifier": "npq-headship",
            "schedule_identifier": "npq-leadership-spring",
            "cohort": "2023",
        },
    )
    assert _errors(response) == [
        {"title": "cohort", "detail": "You cannot change the '#/cohort' field"}
    ]


def test_change_schedule_to_another_cohort_moves_the_application(client, db, world):
    with arranged(db, "2025-01-01T00:00:00Z") as session:
        app, profile = builders.npq_enrolment(
            session,
            world.p.id,
            course="npq-headship",
            cohort=2023,
            funded_place=None,
            schedule_identifier="npq-leadership-spring",
        )
    response = _put(
        client,
        world,
        app.participant_id,
        "change-schedule",
        {
            "course_identifier": "npq-headship",
            "schedule_identifier": "npq-leadership-autumn",
            "cohort": "2024",
        },
        version="v2",
    )
    enrolment = _ok(response, "v2")["npq_enrolments"][0]
    assert enrolment["cohort"] == "2024"
    assert enrolment["schedule_identifier"] == "npq-leadership-autumn"
    assert enrolment["funded_place"] is True
    with arranged(db) as session:
        application = session.get(NpqApplication, app.id)
        assert application.cohort_year == 2024
        assert application.funded_place is True
        assert session.get(ParticipantProfile, profile.id).cohort_year == 2024
    changed = client.get(
        "/api/v3/npq-applications?filter[updated_since]=2025-02-01T00:00:00Z",
        headers=world.h(world.p),
    ).json()["data"]
    assert [item["id"] for item in changed] == [str(app.id)]


def test_sc11_declarations_after_withdrawal_must_predate_it(client, db, world):
    """SC-11 end to end: the declarations endpoint honours the withdrawal recorded here."""
    app10, profile = _enrolment(db, world.p.id, course="npq-senior-leadership")
    with arranged(db) as session:
        npq_declaration(session, profile, declaration_date="2024-10-10T00:00:00Z")
    person = str(app10.participant_id)
    withdraw = {"reason": "other", "course_identifier": "npq-senior-leadership"}
    _ok(_put(client, world, person, "withdraw", withdraw))

    def declare(date):
        return client.post(
            "/api/v3/participant-declarations",
            json={
                "data": {
                    "type": "participant-declaration",
                    "attributes": {
                        "participant_id": person,
                        "declaration_type": "retained-1",
                        "declaration_date": date,
                        "course_identifier": "npq-senior-leadership",
                    },
                }
            },
            headers=world.h(world.p, "2025-02-11T00:00:00Z"),
        )

    assert _errors(declare("2025-02-10T12:30:00Z")) == [
        {
            "title": "participant_id",
            "detail": "This participant withdrew from this course on 2025-02-10T12:00:00Z. Enter "
            "a '#/declaration_date' that's on or before the withdrawal date.",
        }
    ]
    assert declare("2025-01-15T00:00:00Z").status_code == 200
    assert _errors(_put(client, world, person, "withdraw", withdraw)) == [
        {"title": "participant_profile", "detail": "The participant is already withdrawn"}
    ]
