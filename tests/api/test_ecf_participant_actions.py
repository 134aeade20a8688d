"""PUT withdraw / defer / resume / change-schedule for ECF participants in every version and
path form: validations in order with exact titles and details, the state after the call,
the response document, and that a failed request changes nothing (ecf.md 3, S7-S9, S19)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from cpd_api.core.audit import AuditEvent
from cpd_api.participants.models import (
    InductionRecord,
    Participant,
    ParticipantProfile,
    ParticipantProfileState,
)
from cpd_api.partnerships.models import Partnership
from cpd_api.schools.models import School
from tests import builders as b
from tests.contract.reference import assert_matches_contract
from tests.factories import provider_with_token
from tests.factories_ecf_participants import E1_ID, M1_ID, declaration, fixture_f, records_of

# Exact timestamps after X-With-Server-Date must not depend on machine load.
pytestmark = pytest.mark.usefixtures("still_clock")

NOW = "2025-02-15T12:00:00Z"
UNKNOWN = (
    "Your update cannot be made as the '#/participant_id' is not recognised. "
    "Check participant details and try again."
)
COURSE_UNKNOWN = (
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again."
)
ACTION_TYPES = {
    "withdraw": "participant-withdraw",
    "defer": "participant-defer",
    "resume": "participant-resume",
    "change-schedule": "participant-change-schedule",
}


def _put(
    client, provider, participant_id, action, attributes, *, version="v3", legacy=False, now=NOW
):
    base = "participants" if legacy else "participants/ecf"
    return client.put(
        f"/api/{version}/{base}/{participant_id}/{action}",
        headers={**provider.headers, "X-With-Server-Date": now},
        json={"data": {"type": ACTION_TYPES[action], "attributes": attributes}},
    )


def _withdraw(
    client,
    provider,
    participant_id=E1_ID,
    reason="left-teaching-profession",
    course="ecf-induction",
    **kwargs,
):
    attributes = {"reason": reason, "course_identifier": course}
    return _put(client, provider, participant_id, "withdraw", attributes, **kwargs)


def _errors(response):
    assert response.status_code == 422, response.text
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def _enrolment(response, participant_type="ect"):
    enrolments = response.json()["data"]["attributes"]["ecf_enrolments"]
    return next(e for e in enrolments if e["participant_type"] == participant_type)


def _snapshot(session):
    session.expire_all()
    snapshot = (
        session.scalar(select(func.count()).select_from(InductionRecord)),
        session.scalar(select(func.count()).select_from(ParticipantProfileState)),
        tuple(
            session.execute(
                select(
                    ParticipantProfile.id,
                    ParticipantProfile.training_status,
                    ParticipantProfile.schedule_id,
                    ParticipantProfile.cohort_year,
                ).order_by(ParticipantProfile.id)
            )
        ),
        tuple(
            session.execute(select(Participant.id, Participant.updated_at).order_by(Participant.id))
        ),
    )
    session.commit()  # end the read transaction so the API may write
    return snapshot


# ---------------------------------------------------------------------------------------------
# withdraw
# ---------------------------------------------------------------------------------------------


def test_s7_withdraw_v3_records_state_history_and_response(db, client, session):
    f = fixture_f(db)
    response = _withdraw(client, f.lp_a)
    assert response.status_code == 200
    assert_matches_contract(
        "v3",
        "PUT",
        f"/api/v3/participants/ecf/{E1_ID}/withdraw",
        200,
        response.json(),
        strict_attributes=True,
    )
    enrolment = _enrolment(response)
    assert enrolment["training_status"] == "withdrawn"
    assert enrolment["withdrawal"] == {
        "reason": "left-teaching-profession",
        "date": "2025-02-15T12:00:00Z",
    }
    assert enrolment["deferral"] is None
    assert enrolment["participant_status"] == "active"
    assert response.json()["data"]["attributes"]["updated_at"] == "2025-02-15T12:00:00Z"

    session.expire_all()
    old, new = records_of(session, f.e1_profile_id)
    assert (old.induction_status, old.end_date) == ("changed", b.at(NOW))
    assert (new.training_status, new.start_date, new.end_date) == ("withdrawn", b.at(NOW), None)
    assert new.mentor_profile_id == old.mentor_profile_id
    assert session.get(ParticipantProfile, f.e1_profile_id).training_status == "withdrawn"
    [state] = session.scalars(select(ParticipantProfileState)).all()
    assert (state.state, state.reason, state.lead_provider_id) == (
        "withdrawn",
        "left-teaching-profession",
        f.lp_a.id,
    )
    assert session.get(Participant, E1_ID).updated_at == b.at(NOW)
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "participant_profile")
    )
    assert (event.action, event.actor_id) == ("withdraw", str(f.lp_a.id))

    again = _withdraw(client, f.lp_a)
    assert _errors(again) == [("participant_profile", "The participant is already withdrawn")]

    schedule = _put(
        client,
        f.lp_a,
        E1_ID,
        "change-schedule",
        {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-induction"},
    )
    assert ("participant_id", "Cannot perform actions on a withdrawn participant") in _errors(
        schedule
    )

    resumed = _put(
        client,
        f.lp_a,
        E1_ID,
        "resume",
        {"course_identifier": "ecf-induction"},
        now="2025-03-01T09:00:00Z",
    )
    assert resumed.status_code == 200
    assert _enrolment(resumed)["training_status"] == "active"
    assert _enrolment(resumed)["withdrawal"] is None


@pytest.mark.parametrize(
    ("version", "legacy"), [("v1", False), ("v1", True), ("v2", False), ("v2", True)]
)
def test_withdraw_v1_v2_both_path_forms_return_the_changed_training_record(
    db, client, version, legacy
):
    f = fixture_f(db)
    response = _withdraw(client, f.lp_a, version=version, legacy=legacy)
    assert response.status_code == 200
    body = response.json()
    path = f"/api/{version}/participants/ecf/{E1_ID}/withdraw"
    # The reference's action response documents every list attribute but training_record_id,
    # which the public service (and ecf.md 3.1: "2.1 attributes") includes.
    assert_matches_contract(version, "PUT", path, 200, body, strict_attributes=False)
    attributes = body["data"]["attributes"]
    assert body["data"]["id"] == str(E1_ID)
    assert attributes["training_status"] == "withdrawn"
    assert attributes["training_record_id"] == str(f.e1_profile_id)
    assert attributes["status"] == "active"
    assert attributes["mentor_id"] == str(M1_ID)
    assert attributes["updated_at"] == "2025-02-15T12:00:00Z"


def test_v3_has_no_legacy_action_paths(db, client):
    f = fixture_f(db)
    assert _withdraw(client, f.lp_a, legacy=True).status_code == 404


@pytest.mark.parametrize(
    "reason",
    [
        "left-teaching-profession",
        "moved-school",
        "mentor-no-longer-being-mentor",
        "switched-to-school-led",
        "other",
    ],
)
def test_every_withdrawal_reason_is_accepted_for_ects_and_mentors(db, client, reason):
    f = fixture_f(db)
    assert _withdraw(client, f.lp_a, reason=reason).status_code == 200
    mentor = _withdraw(client, f.lp_a, participant_id=M1_ID, reason=reason, course="ecf-mentor")
    assert mentor.status_code == 200
    assert _enrolment(mentor, "mentor")["withdrawal"]["reason"] == reason


def test_s8_invalid_legacy_and_missing_reasons(db, client, session):
    f = fixture_f(db)
    before = _snapshot(session)
    for reason in ("school-left-fip", "started-in-error", "holiday"):
        assert _errors(_withdraw(client, f.lp_a, reason=reason)) == [
            ("reason", "The property '#/reason' must be a valid reason")
        ]
    for reason in (None, ""):
        assert _errors(_withdraw(client, f.lp_a, reason=reason)) == [
            (
                "reason",
                "The property '#/reason' must be present, "
                "The property '#/reason' must be a valid reason",
            )
        ]
    assert _snapshot(session) == before
    assert _withdraw(client, f.lp_a, reason="switched-to-school-led").status_code == 200


def test_common_validations_in_order(db, client, session):
    f = fixture_f(db)
    before = _snapshot(session)
    unknown = _withdraw(client, f.lp_a, participant_id=uuid.uuid4())
    assert _errors(unknown) == [("participant_id", UNKNOWN)]
    assert _errors(_withdraw(client, f.lp_a, participant_id="not-a-uuid")) == [
        ("participant_id", UNKNOWN)
    ]
    wrong_course = _withdraw(client, f.lp_a, course="ecf-mentor")
    assert _errors(wrong_course) == [("course_identifier", COURSE_UNKNOWN)]
    npq_course = _withdraw(client, f.lp_a, course="npq-senco")
    assert _errors(npq_course) == [("course_identifier", COURSE_UNKNOWN)]
    blank_course = _withdraw(client, f.lp_a, course="")
    assert _errors(blank_course) == [
        (
            "course_identifier",
            f"{COURSE_UNKNOWN}, Enter a '#/course_identifier' value for this participant.",
        )
    ]
    # an unknown participant with a blank course: both attributes, participant first
    assert _errors(_withdraw(client, f.lp_a, participant_id=uuid.uuid4(), course=None)) == [
        ("participant_id", UNKNOWN),
        ("course_identifier", "Enter a '#/course_identifier' value for this participant."),
    ]
    # C4: another provider's participant is "not recognised" (422, not 404)
    assert _errors(_withdraw(client, f.lp_b)) == [("participant_id", UNKNOWN)]
    assert _snapshot(session) == before


def test_bad_bodies(db, client):
    f = fixture_f(db)
    url = f"/api/v3/participants/ecf/{E1_ID}/withdraw"
    for kwargs in (
        {"json": {}},
        {"json": {"attributes": {}}},
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
    ):
        headers = {**f.lp_a.headers, **kwargs.pop("headers", {})}
        response = client.put(url, headers=headers, **kwargs)
        assert response.status_code == 400
        assert response.json() == {
            "errors": [
                {
                    "title": "Bad request",
                    "detail": "correct json data structure required. See API docs for reference",
                }
            ]
        }
    # unknown attributes are ignored
    response = client.put(
        url,
        headers=f.lp_a.headers,
        json={
            "data": {
                "attributes": {
                    "reason": "other",
                    "course_identifier": "ecf-induction",
                    "colour": "blue",
                }
            }
        },
    )
    assert response.status_code == 200


def test_retired_participant_id_is_accepted(db, client, session):
    f = fixture_f(db)
    retired = uuid.uuid4()
    b.retire_participant_id(session, session.get(Participant, E1_ID), retired)
    session.commit()
    response = _withdraw(client, f.lp_a, participant_id=retired)
    assert response.status_code == 200
    assert response.json()["data"]["id"] == str(E1_ID)


def test_challenged_partnership_still_allows_actions(db, client, session):
    """C4 counts challenged partnerships; the v3 answer then has no visible enrolment."""
    f = fixture_f(db)
    session.get(Partnership, f.pa1_id).challenge_reason = "mistake"
    session.commit()
    response = _withdraw(client, f.lp_a)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["ecf_enrolments"] == []


def test_ecf_actions_need_an_ecf_provider(db, client):
    fixture_f(db)
    npq_only = provider_with_token(db, "Niche", ecf=False, npq=True)
    assert _withdraw(client, npq_only).status_code == 403


def test_future_induction_record_is_edited_in_place(db, client, session):
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    pa = b.partnership(session, lp.id)
    ect = b.ect(session, pa, start_date=b.at("2025-04-01T00:00:00Z"))
    session.commit()
    response = _withdraw(client, lp, participant_id=ect.participant_id)
    assert response.status_code == 200
    assert _enrolment(response)["participant_status"] == "joining"
    session.expire_all()
    [record] = records_of(session, ect.id)
    assert record.training_status == "withdrawn"
    assert record.induction_status == "active"


# ---------------------------------------------------------------------------------------------
# defer / resume
# ---------------------------------------------------------------------------------------------


def test_s19_defer_and_resume(db, client, session):
    f = fixture_f(db)
    attributes = {"reason": "parental-leave", "course_identifier": "ecf-induction"}
    deferred = _put(client, f.lp_a, E1_ID, "defer", attributes)
    assert deferred.status_code == 200
    assert_matches_contract(
        "v3",
        "PUT",
        f"/api/v3/participants/ecf/{E1_ID}/defer",
        200,
        deferred.json(),
        strict_attributes=True,
    )
    assert _enrolment(deferred)["training_status"] == "deferred"
    assert _enrolment(deferred)["deferral"] == {
        "reason": "parental-leave",
        "date": "2025-02-15T12:00:00Z",
    }
    assert _enrolment(deferred)["withdrawal"] is None
    assert _errors(_put(client, f.lp_a, E1_ID, "defer", attributes)) == [
        ("participant_profile", "The participant is already deferred")
    ]
    assert _errors(
        _put(
            client,
            f.lp_a,
            E1_ID,
            "defer",
            {"reason": "holiday", "course_identifier": "ecf-induction"},
        )
    ) == [("reason", "The property '#/reason' must be a valid reason")]
    resumed = _put(client, f.lp_a, E1_ID, "resume", {"course_identifier": "ecf-induction"})
    assert resumed.status_code == 200
    assert _enrolment(resumed)["training_status"] == "active"
    assert _enrolment(resumed)["deferral"] is None
    assert _errors(
        _put(client, f.lp_a, E1_ID, "resume", {"course_identifier": "ecf-induction"})
    ) == [("participant_profile", "The participant is already active")]
    session.expire_all()
    states = session.scalars(
        select(ParticipantProfileState.state).order_by(ParticipantProfileState.created_at)
    ).all()
    assert sorted(states) == ["active", "deferred"]


@pytest.mark.parametrize(
    "reason", ["bereavement", "long-term-sickness", "parental-leave", "career-break", "other"]
)
def test_every_deferral_reason(db, client, reason):
    f = fixture_f(db)
    response = _put(
        client,
        f.lp_a,
        M1_ID,
        "defer",
        {"reason": reason, "course_identifier": "ecf-mentor"},
        version="v2",
    )
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["training_status"] == "deferred"


def test_defer_checks_reason_even_for_unknown_participants_and_withdrawn_is_reported(db, client):
    f = fixture_f(db)
    unknown = _put(client, f.lp_a, uuid.uuid4(), "defer", {"course_identifier": "ecf-induction"})
    assert _errors(unknown) == [
        ("participant_id", UNKNOWN),
        (
            "reason",
            "The property '#/reason' must be present, "
            "The property '#/reason' must be a valid reason",
        ),
    ]
    assert _withdraw(client, f.lp_a).status_code == 200
    deferred = _put(
        client, f.lp_a, E1_ID, "defer", {"reason": "other", "course_identifier": "ecf-induction"}
    )
    assert _errors(deferred) == [("participant_profile", "The participant is already withdrawn")]


def test_withdrawn_participant_can_be_deferred_never_but_resumed(db, client):
    f = fixture_f(db)
    assert _withdraw(client, f.lp_a).status_code == 200
    resumed = _put(
        client,
        f.lp_a,
        E1_ID,
        "resume",
        {"course_identifier": "ecf-induction"},
        version="v1",
        legacy=True,
    )
    assert resumed.status_code == 200
    assert resumed.json()["data"]["attributes"]["training_status"] == "active"


def test_deferred_participant_can_be_withdrawn(db, client):
    f = fixture_f(db)
    _put(client, f.lp_a, E1_ID, "defer", {"reason": "other", "course_identifier": "ecf-induction"})
    response = _withdraw(client, f.lp_a, now="2025-02-16T12:00:00Z")
    assert response.status_code == 200
    assert _enrolment(response)["withdrawal"]["date"] == "2025-02-16T12:00:00Z"
    assert _enrolment(response)["deferral"] is None


# ---------------------------------------------------------------------------------------------
# change schedule
# ---------------------------------------------------------------------------------------------


def _change(
    client,
    provider,
    schedule,
    course="ecf-induction",
    participant_id=E1_ID,
    now="2025-01-20T09:00:00Z",
    **extra,
):
    attributes = {"schedule_identifier": schedule, "course_identifier": course, **extra}
    return _put(
        client,
        provider,
        participant_id,
        "change-schedule",
        attributes,
        now=now,
    )


def test_s9_change_schedule_with_existing_declarations(db, client, session):
    f = fixture_f(db)
    e1 = session.get(ParticipantProfile, f.e1_profile_id)
    started = declaration(session, e1, f.lp_a.id, declaration_date=b.at("2024-10-01T10:00:00Z"))
    session.commit()
    before = _snapshot(session)
    blocked = _change(client, f.lp_a, "ecf-standard-january", cohort="2024")
    assert _errors(blocked) == [
        (
            "schedule_identifier",
            "Changing schedule would invalidate existing declarations. Please void them first.",
        )
    ]
    assert _snapshot(session) == before

    started.state = "voided"
    session.commit()
    changed = _change(client, f.lp_a, "ecf-standard-january", cohort="2024")
    assert changed.status_code == 200
    assert_matches_contract(
        "v3",
        "PUT",
        f"/api/v3/participants/ecf/{E1_ID}/change-schedule",
        200,
        changed.json(),
        strict_attributes=True,
    )
    assert _enrolment(changed)["schedule_identifier"] == "ecf-standard-january"
    assert _enrolment(changed)["cohort"] == "2024"
    session.expire_all()
    profile = session.get(ParticipantProfile, f.e1_profile_id)
    assert profile.schedule_id == b.schedule(session, "ecf-standard-january", 2024).id
    assert records_of(session, f.e1_profile_id)[-1].schedule_id == profile.schedule_id

    declaration(session, profile, f.lp_a.id, declaration_date=b.at("2025-01-10T10:00:00Z"))
    session.commit()
    assert _errors(_change(client, f.lp_a, "ecf-standard-january", cohort="2024")) == [
        ("schedule_identifier", "Selected schedule is already on the profile")
    ]
    replacement = _change(client, f.lp_a, "ecf-replacement-january")
    assert ("schedule_identifier", "Selected schedule is not valid for the course") in _errors(
        replacement
    )
    to_2025 = _errors(_change(client, f.lp_a, "ecf-standard-september", cohort="2025"))
    assert (
        "cohort",
        "You cannot change the '#/cohort' field, You cannot change a participant to this cohort "
        "as you do not have a partnership with the school for the cohort. Contact the DfE for "
        "assistance.",
    ) in to_2025


def test_change_schedule_blank_and_unknown_schedule(db, client):
    f = fixture_f(db)
    detail = (
        "The property '#/schedule_identifier' must be present and correspond to a valid schedule"
    )
    for schedule in ("", None, "ecf-imaginary-may", "npq-leadership-autumn"):
        assert _errors(_change(client, f.lp_a, schedule)) == [("schedule_identifier", detail)]
    assert _errors(_change(client, f.lp_a, "ecf-standard-january", cohort="2031")) == [
        ("schedule_identifier", detail)
    ]
    assert _errors(
        _change(client, f.lp_a, "ecf-standard-january", participant_id=uuid.uuid4())
    ) == [("participant_id", UNKNOWN)]


def test_change_schedule_within_cohort_for_a_mentor_to_replacement(db, client):
    f = fixture_f(db)
    response = _put(
        client,
        f.lp_a,
        M1_ID,
        "change-schedule",
        {"schedule_identifier": "ecf-replacement-september", "course_identifier": "ecf-mentor"},
        version="v1",
        legacy=True,
    )
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["schedule_identifier"] == (
        "ecf-replacement-september"
    )


def test_change_cohort_needs_a_partnership_with_the_school(db, client, session):
    f = fixture_f(db)
    no_partnership = _change(client, f.lp_a, "ecf-standard-september", cohort=2025)
    assert _errors(no_partnership) == [
        (
            "cohort",
            "You cannot change a participant to this cohort as you do not have a "
            "partnership with the school for the cohort. Contact the DfE for assistance.",
        )
    ]
    pa_2025 = b.partnership(
        session,
        f.lp_a.id,
        cohort=2025,
        school_=session.get(School, f.s1_id),
    )
    session.commit()
    moved = _change(
        client, f.lp_a, "ecf-standard-september", cohort=2025, now="2025-09-20T09:00:00Z"
    )
    assert moved.status_code == 200
    enrolment = _enrolment(moved)
    assert (enrolment["cohort"], enrolment["schedule_identifier"]) == (
        "2025",
        "ecf-standard-september",
    )
    assert enrolment["delivery_partner_id"] == str(pa_2025.delivery_partner_id)
    session.expire_all()
    assert session.get(ParticipantProfile, f.e1_profile_id).cohort_year == 2025
    assert records_of(session, f.e1_profile_id)[-1].partnership_id == pa_2025.id
    # v1 cohort filter now finds E1 in 2025 only
    listed = client.get(
        "/api/v1/participants/ecf?filter[cohort]=2025", headers=f.lp_a.headers
    ).json()["data"]
    assert [r["id"] for r in listed] == [str(E1_ID)]


def test_s10_moving_to_an_extended_schedule_keeps_declarations_valid(db, client, session):
    f = fixture_f(db)
    e1 = session.get(ParticipantProfile, f.e1_profile_id)
    declaration(session, e1, f.lp_a.id, declaration_date=b.at("2024-10-01T10:00:00Z"))
    session.commit()
    response = _change(client, f.lp_a, "ecf-extended-september", now="2025-02-15T12:00:00Z")
    assert response.status_code == 200
    assert _enrolment(response)["schedule_identifier"] == "ecf-extended-september"


def test_declaration_on_the_milestone_start_midnight_invalidates(db, client, session):
    """CS3 is stricter than submission: a declaration at start 00:00 counts as outside."""
    f = fixture_f(db)
    e1 = session.get(ParticipantProfile, f.e1_profile_id)
    declaration(session, e1, f.lp_a.id, declaration_date=b.at("2024-09-01T00:00:00Z"))
    session.commit()
    assert _errors(_change(client, f.lp_a, "ecf-extended-september")) == [
        (
            "schedule_identifier",
            "Changing schedule would invalidate existing declarations. Please void them first.",
        )
    ]


def test_change_schedule_moves_updated_at_and_is_seen_by_updated_since(db, client, session):
    f = fixture_f(db)
    response = _change(client, f.lp_a, "ecf-extended-september", now="2030-03-03T03:03:03Z")
    assert response.status_code == 200
    since = client.get(
        "/api/v3/participants/ecf?filter[updated_since]=2030-03-03T03:03:03Z",
        headers=f.lp_a.headers,
    ).json()["data"]
    assert [item["id"] for item in since] == [str(E1_ID)]
    assert since[0]["attributes"]["updated_at"] == "2030-03-03T03:03:03Z"


def test_frozen_cohort_ect_moves_to_2024_and_is_flagged(db, client, session):
    """ecf.md 3.5: an unfinished 2021 ECT with billable declarations moves to 2024 even
    though declarations exist, and `cohort_changed_after_payments_frozen` flips."""
    lp = provider_with_token(db, "Alpha", ecf=True, npq=False)
    school = b.school(session)
    pa_2021 = b.partnership(session, lp.id, cohort=2021, school_=school)
    b.partnership(session, lp.id, cohort=2024, school_=school)
    ect = b.ect(session, pa_2021, cohort=2021, start_date=b.at("2021-09-01T00:00:00Z"))
    declaration(
        session,
        ect,
        lp.id,
        declaration_date=b.at("2021-10-01T10:00:00Z"),
        state="paid",
        cohort=2021,
    )
    session.commit()
    response = _change(
        client,
        lp,
        "ecf-extended-september",
        cohort="2024",
        participant_id=ect.participant_id,
        now="2024-09-10T09:00:00Z",
    )
    assert response.status_code == 200, response.text
    enrolment = _enrolment(response)
    assert (enrolment["cohort"], enrolment["schedule_identifier"]) == (
        "2024",
        "ecf-extended-september",
    )
    assert enrolment["cohort_changed_after_payments_frozen"] is True


def test_unfrozen_cohort_change_with_declarations_is_refused(db, client, session):
    f = fixture_f(db)
    school = session.get(School, f.s1_id)
    b.partnership(session, f.lp_a.id, cohort=2023, school_=school)
    e1 = session.get(ParticipantProfile, f.e1_profile_id)
    declaration(
        session, e1, f.lp_a.id, declaration_date=b.at("2024-10-01T10:00:00Z"), state="submitted"
    )
    session.commit()
    errors = _errors(_change(client, f.lp_a, "ecf-extended-september", cohort="2023"))
    assert ("cohort", "You cannot change the '#/cohort' field") in errors
