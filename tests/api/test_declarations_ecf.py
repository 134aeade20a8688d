"""ECF declarations as a provider meets them: the scenarios of ecf.md section 10 about
declarations (one test each) and every submission rule of ecf.md 4.5 with its error."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from cpd_api.core import clock
from cpd_api.core.audit import Actor, AuditEvent
from cpd_api.core.intake import run_intake
from cpd_api.declarations.intake import ELIGIBILITY
from cpd_api.declarations.models import Declaration
from cpd_api.participants.models import InductionRecord, ParticipantProfile, ParticipantProfileState
from cpd_api.statements.service import close_statement, pay_statement
from tests import builders
from tests.factories_declarations import (
    DP1_ID,
    E1_ID,
    M1_ID,
    body,
    ect_on,
    errors,
    fixture_f,
    mentor_on,
    person,
    post,
    set_state,
    show,
    still_clock,  # noqa: F401  (fixture)
    void,
)

pytestmark = pytest.mark.usefixtures("still_clock")

BASE = "A declaration has already been submitted that will be, or has been, paid for this event"
NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. "
    "Check participant details and try again."
)
BEFORE_START = "Enter a '#/declaration_date' that's on or after the milestone start."
AFTER_END = "Enter a '#/declaration_date' that's before the milestone end date."
FUTURE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
BAD_FORMAT = "Enter a valid RCF3339 '#/declaration_date'."
EVIDENCE_INVALID = (
    "Enter an available '#/evidence_held' type for this participant's event and course."
)
EVIDENCE_MISSING = "Enter a '#/evidence_held' value for this participant."
COURSE = (
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again."
)


def started_e1(client, f, now="2024-10-15T09:00:00Z"):
    response = post(
        client,
        f.lp_a,
        body(E1_ID, "started", "2024-10-01T10:00:00Z", evidence_held="training-event-attended"),
        now,
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def withdraw(db, profile_id, provider_id, at: str, reason="left-teaching-profession"):
    """The provider's withdrawal as participant actions record it (state row + IR status)."""
    with db.session() as session:
        session.add(
            ParticipantProfileState(
                participant_profile_id=profile_id,
                lead_provider_id=provider_id,
                state="withdrawn",
                reason=reason,
                created_at=builders.at(at),
            )
        )
        for record in session.scalars(
            select(InductionRecord).where(InductionRecord.participant_profile_id == profile_id)
        ):
            record.training_status = "withdrawn"
        session.get(ParticipantProfile, profile_id).training_status = "withdrawn"


def resume(db, profile_id, provider_id, at: str):
    with db.session() as session:
        session.add(
            ParticipantProfileState(
                participant_profile_id=profile_id,
                lead_provider_id=provider_id,
                state="active",
                created_at=builders.at(at),
            )
        )
        for record in session.scalars(
            select(InductionRecord).where(InductionRecord.participant_profile_id == profile_id)
        ):
            record.training_status = "active"


# --- scenarios (ecf.md section 10) -----------------------------------------------------------


def test_s1_started_for_an_active_eligible_ect(client, db):
    f = fixture_f(db)
    data = started_e1(client, f)
    attributes = data["attributes"]
    assert attributes == {
        "participant_id": str(E1_ID),
        "declaration_type": "started",
        "declaration_date": "2024-10-01T10:00:00Z",
        "course_identifier": "ecf-induction",
        "state": "eligible",
        "updated_at": "2024-10-15T09:00:00Z",
        "created_at": "2024-10-15T09:00:00Z",
        "delivery_partner_id": str(DP1_ID),
        "statement_id": str(f.statements_a["ST-OCT24"]),
        "clawback_statement_id": None,
        "ineligible_for_funding_reason": None,
        "mentor_id": str(M1_ID),
        "uplift_paid": False,
        "evidence_held": None,
        "has_passed": None,
        "lead_provider_name": "Alpha Institute",
    }
    v1 = show(client, f.lp_a, data["id"], "v1").json()["data"]["attributes"]
    assert (v1["state"], v1["eligible_for_payment"], v1["voided"]) == ("eligible", True, False)


def test_s2_duplicate_submission_for_the_same_event(client, db):
    f = fixture_f(db)
    started_e1(client, f)
    for when in ("2024-10-01T10:00:00Z", "2024-11-01T10:00:00Z"):
        again = post(client, f.lp_a, body(E1_ID, "started", when), "2024-11-15T09:00:00Z")
        assert again.status_code == 422
        assert errors(again) == [{"title": "base", "detail": BASE}]
    # the slot spans providers: after E1 moves to LP-B, LP-B gets the same answer
    with db.session() as session:
        session.add(
            InductionRecord(
                participant_profile_id=f.e1_profile_id,
                school_id=f.s2_id,
                cohort_year=2024,
                partnership_id=f.pb2_id,
                schedule_id=builders.schedule(session, "ecf-standard-september", 2024).id,
                start_date=builders.at("2024-11-02T00:00:00Z"),
                school_transfer=True,
            )
        )
    by_b = post(
        client, f.lp_b, body(E1_ID, "started", "2024-11-03T10:00:00Z"), "2024-11-15T09:00:00Z"
    )
    assert by_b.status_code == 422
    assert errors(by_b) == [{"title": "base", "detail": BASE}]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Declaration)) == 1


def test_s3_outside_the_milestone_window(client, db):
    f = fixture_f(db)
    started_e1(client, f)
    now = "2025-02-15T12:00:00Z"
    early = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2024-12-20T10:00:00Z", evidence_held="training-event-attended"),
        now,
    )
    assert errors(early) == [{"title": "declaration_date", "detail": BEFORE_START}]
    retained_2 = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-2", "2025-02-10T10:00:00Z", evidence_held="training-event-attended"),
        now,
    )
    assert errors(retained_2) == [{"title": "declaration_date", "detail": BEFORE_START}]
    e2 = ect_on(db, f.pa1_id)
    late = post(client, f.lp_a, body(e2.participant_id, "started", "2025-01-02T00:00:00Z"), now)
    assert errors(late) == [{"title": "declaration_date", "detail": AFTER_END}]
    last_second = post(
        client, f.lp_a, body(e2.participant_id, "started", "2024-12-31T23:59:59Z"), now
    )
    assert last_second.status_code == 200
    ok = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T10:00:00Z", evidence_held="training-event-attended"),
        now,
    )
    attributes = ok.json()["data"]["attributes"]
    assert attributes["state"] == "eligible"
    assert attributes["evidence_held"] == "training-event-attended"
    assert attributes["statement_id"] == str(f.statements_a["ST-FEB25"])


def test_s4_future_date_and_bad_format(client, db):
    f = fixture_f(db)
    now = "2025-02-15T12:00:00Z"
    future = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-03-01T10:00:00Z", evidence_held="other"),
        now,
    )
    assert {"title": "declaration_date", "detail": FUTURE} in errors(future)
    date_only = post(
        client, f.lp_a, body(E1_ID, "retained-1", "2025-02-10", evidence_held="other"), now
    )
    assert date_only.status_code == 422
    assert {"title": "declaration_date", "detail": BAD_FORMAT} in errors(date_only)


def test_s5_void_before_payment_then_resubmit(client, db):
    f = fixture_f(db)
    started_e1(client, f)
    r1 = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T10:00:00Z", evidence_held="training-event-attended"),
        "2025-02-15T12:00:00Z",
    ).json()["data"]
    voided = void(client, f.lp_a, r1["id"], "2025-02-20T09:00:00Z")
    assert voided.status_code == 200
    assert voided.json()["data"]["attributes"]["state"] == "voided"
    assert voided.json()["data"]["attributes"]["statement_id"] is None
    again = void(client, f.lp_a, r1["id"], "2025-02-20T09:00:00Z")
    assert again.status_code == 422
    assert errors(again) == [
        {"title": "Invalid action", "detail": "This declaration has already been voided."}
    ]
    resubmitted = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-12T10:00:00Z", evidence_held="other"),
        "2025-02-20T09:00:00Z",
    )
    assert resubmitted.status_code == 200
    assert resubmitted.json()["data"]["attributes"]["state"] == "eligible"
    assert resubmitted.json()["data"]["attributes"]["statement_id"] == str(
        f.statements_a["ST-FEB25"]
    )
    by_b = void(client, f.lp_b, r1["id"], "2025-02-20T09:00:00Z")
    assert by_b.status_code == 404
    assert by_b.json()["error"] == "Resource not Found"


def test_s6_void_a_paid_declaration_is_a_clawback(client, db):
    f = fixture_f(db)
    sd = started_e1(client, f)
    set_state(db, sd["id"], "paid")
    clawback = void(client, f.lp_a, sd["id"], "2025-03-05T09:00:00Z")
    assert clawback.status_code == 200
    attributes = clawback.json()["data"]["attributes"]
    assert attributes["state"] == "awaiting-clawback"
    assert attributes["statement_id"] == str(f.statements_a["ST-OCT24"])
    assert attributes["clawback_statement_id"] == str(f.statements_a["ST-MAR25"])
    assert attributes["uplift_paid"] is True
    again = void(client, f.lp_a, sd["id"], "2025-03-05T09:00:00Z")
    assert errors(again) == [
        {
            "title": "Invalid action",
            "detail": "This declaration has been clawed-back, so you can only view it.",
        }
    ]
    with clock.travel_to(builders.at("2025-04-01T09:00:00Z")), db.session() as session:
        close_statement(session, str(f.statements_a["ST-MAR25"]), Actor.operator("tests"))
        pay_statement(session, str(f.statements_a["ST-MAR25"]), Actor.operator("tests"))
    shown = show(client, f.lp_a, sd["id"]).json()["data"]["attributes"]
    assert shown["state"] == "clawed-back"
    fresh = post(
        client, f.lp_a, body(E1_ID, "started", "2024-10-01T10:00:00Z"), "2025-04-02T09:00:00Z"
    )
    assert fresh.status_code == 200, fresh.text


def test_s7_withdrawn_participant_backdated_declaration(client, db):
    f = fixture_f(db)
    started_e1(client, f)
    withdraw(db, f.e1_profile_id, f.lp_a.id, "2025-02-15T12:00:00Z")
    refused = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-20T10:00:00Z", evidence_held="other"),
        "2025-03-01T09:00:00Z",
    )
    assert errors(refused) == [
        {
            "title": "participant_id",
            "detail": "This participant withdrew from this course on 2025-02-15T12:00:00Z. "
            "Enter a '#/declaration_date' that's on or before the withdrawal date.",
        }
    ]
    before = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T10:00:00Z", evidence_held="other"),
        "2025-03-01T09:00:00Z",
    )
    assert before.status_code == 200
    assert before.json()["data"]["attributes"]["state"] == "eligible"
    resume(db, f.e1_profile_id, f.lp_a.id, "2025-03-02T09:00:00Z")
    later = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-2", "2025-04-02T10:00:00Z", evidence_held="other"),
        "2025-04-03T09:00:00Z",
    )
    assert later.status_code == 200, later.text


def test_s10_extended_schedule_and_extended_declarations(client, db):
    f = fixture_f(db)
    started_e1(client, f)
    now = "2025-02-15T12:00:00Z"
    refused = post(
        client,
        f.lp_a,
        body(E1_ID, "extended-1", "2025-02-01T10:00:00Z", evidence_held="other"),
        now,
    )
    assert errors(refused) == [
        {
            "title": "declaration_type",
            "detail": "The property '#/declaration_type' does not exist for this schedule.",
        }
    ]
    with db.session() as session:
        extended = builders.schedule(session, "ecf-extended-september", 2024)
        profile = session.get(ParticipantProfile, f.e1_profile_id)
        profile.schedule_id = extended.id
        for record in session.scalars(
            select(InductionRecord).where(InductionRecord.participant_profile_id == profile.id)
        ):
            record.schedule_id = extended.id
    ok = post(
        client,
        f.lp_a,
        body(E1_ID, "extended-1", "2025-02-01T10:00:00Z", evidence_held="other"),
        now,
    )
    assert ok.status_code == 200
    assert ok.json()["data"]["attributes"]["state"] == "eligible"
    second = post(
        client,
        f.lp_a,
        body(E1_ID, "extended-1", "2025-02-02T10:00:00Z", evidence_held="other"),
        now,
    )
    assert errors(second) == [{"title": "base", "detail": BASE}]
    no_upper_window = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-3", "2025-02-02T10:00:00Z", evidence_held="other"),
        now,
    )
    assert no_upper_window.status_code == 200


def _m2(db, f):
    with db.session() as session:
        partnership = builders.partnership(
            session,
            f.lp_a.id,
            cohort=2025,
            school_=session.get(builders.School, f.s1_id),
            partner=session.get(builders.DeliveryPartner, DP1_ID),
        )
        partnership_id = partnership.id
    return mentor_on(
        db,
        partnership_id,
        person_id=uuid.UUID("cccccccc-0000-4000-8000-00000000000b"),
        cohort=2025,
        start_date=builders.at("2025-09-01T00:00:00Z"),
    )


def test_s11_2025_mentor_rules_and_mentor_completion(client, db):
    f = fixture_f(db)
    m2 = _m2(db, f)
    now = "2025-09-28T09:00:00Z"
    retained = post(
        client,
        f.lp_a,
        body(
            m2.participant_id,
            "retained-1",
            "2025-09-20T10:00:00Z",
            course="ecf-mentor",
            evidence_held="training-event-attended",
        ),
        now,
    )
    assert errors(retained) == [
        {
            "title": "declaration_type",
            "detail": "You cannot send retained or extended declarations for participants who "
            "began their mentor training after June 2025. Resubmit this declaration with either "
            "a started or completed declaration.",
        }
    ]
    started = post(
        client,
        f.lp_a,
        body(m2.participant_id, "started", "2025-09-10T10:00:00Z", course="ecf-mentor"),
        now,
    )
    attributes = started.json()["data"]["attributes"]
    assert attributes["state"] == "eligible"
    assert attributes["evidence_held"] is None
    assert attributes["statement_id"] == str(f.statements_a["ST-SEP25"])
    wrong_evidence = post(
        client,
        f.lp_a,
        body(
            m2.participant_id,
            "completed",
            "2025-09-25T10:00:00Z",
            course="ecf-mentor",
            evidence_held="other",
        ),
        now,
    )
    assert errors(wrong_evidence) == [{"title": "evidence_held", "detail": EVIDENCE_INVALID}]
    with db.session() as session:
        before = session.get(builders.Participant, m2.participant_id).updated_at
    completed = post(
        client,
        f.lp_a,
        body(
            m2.participant_id,
            "completed",
            "2025-09-25T10:00:00Z",
            course="ecf-mentor",
            evidence_held="75-percent-engagement-met",
        ),
        now,
    )
    assert completed.status_code == 200
    with db.session() as session:
        profile = session.get(ParticipantProfile, m2.id)
        assert profile.mentor_completion_date == date(2025, 9, 25)
        assert profile.mentor_ineligible_for_funding_reason == "completed_declaration_received"
        touched = session.get(builders.Participant, m2.participant_id).updated_at
        assert touched != before
        assert touched == builders.at(now)
    void(client, f.lp_a, completed.json()["data"]["id"], now)
    with db.session() as session:
        profile = session.get(ParticipantProfile, m2.id)
        assert profile.mentor_completion_date is None
        assert profile.mentor_ineligible_for_funding_reason is None


def test_s12_evidence_rules_by_cohort(client, db):
    f = fixture_f(db)
    with db.session() as session:
        p25 = builders.partnership(
            session,
            f.lp_a.id,
            cohort=2025,
            school_=session.get(builders.School, f.s1_id),
            partner=session.get(builders.DeliveryPartner, DP1_ID),
        ).id
    e3 = ect_on(db, p25, cohort=2025, start_date=builders.at("2025-09-01T00:00:00Z"))
    now = "2025-09-28T09:00:00Z"
    wrong = post(
        client,
        f.lp_a,
        body(
            e3.participant_id,
            "retained-2",
            "2025-09-15T10:00:00Z",
            evidence_held="training-event-attended",
        ),
        now,
    )
    assert errors(wrong) == [{"title": "evidence_held", "detail": EVIDENCE_INVALID}]
    right = post(
        client,
        f.lp_a,
        body(
            e3.participant_id,
            "retained-2",
            "2025-09-15T10:00:00Z",
            evidence_held="75-percent-engagement-met",
        ),
        now,
    )
    assert right.status_code == 200
    completed = post(
        client,
        f.lp_a,
        body(
            e3.participant_id,
            "completed",
            "2025-09-16T10:00:00Z",
            evidence_held="one-term-induction",
        ),
        now,
    )
    assert completed.status_code == 200
    missing = post(
        client, f.lp_a, body(E1_ID, "retained-1", "2025-02-10T10:00:00Z"), "2025-02-15T12:00:00Z"
    )
    assert errors(missing) == [{"title": "evidence_held", "detail": EVIDENCE_MISSING}]
    new_value = post(
        client,
        f.lp_a,
        body(
            E1_ID,
            "retained-1",
            "2025-02-10T10:00:00Z",
            evidence_held="materials-engaged-with-offline",
        ),
        "2025-02-15T12:00:00Z",
    )
    assert errors(new_value) == [{"title": "evidence_held", "detail": EVIDENCE_INVALID}]


def test_s13_transfer_visibility_and_slots(client, db):
    f = fixture_f(db)
    sd = started_e1(client, f)
    set_state(db, sd["id"], "paid")
    r1 = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T10:00:00Z", evidence_held="other"),
        "2025-02-15T12:00:00Z",
    ).json()["data"]
    with db.session() as session:
        old = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == f.e1_profile_id)
        )
        old.induction_status = "leaving"
        old.end_date = builders.at("2025-04-01T00:00:00Z")
        session.add(
            InductionRecord(
                participant_profile_id=f.e1_profile_id,
                school_id=f.s2_id,
                cohort_year=2024,
                partnership_id=f.pb2_id,
                schedule_id=old.schedule_id,
                start_date=builders.at("2025-04-02T00:00:00Z"),
                school_transfer=True,
            )
        )
    listed = client.get(
        "/api/v3/participant-declarations",
        headers={**f.lp_b.headers, "X-With-Server-Date": "2025-03-15T09:00:00Z"},
    ).json()["data"]
    assert {d["id"] for d in listed} == {sd["id"], r1["id"]}
    assert {d["attributes"]["lead_provider_name"] for d in listed} == {"Alpha Institute"}
    assert void(client, f.lp_b, r1["id"], "2025-03-15T09:00:00Z").status_code == 404
    by_b = post(
        client,
        f.lp_b,
        body(E1_ID, "retained-1", "2025-03-14T10:00:00Z", evidence_held="other"),
        "2025-03-15T09:00:00Z",
    )
    assert errors(by_b) == [{"title": "base", "detail": BASE}]


def test_s14_not_yet_eligible_then_eligible(client, db, tmp_path):
    f = fixture_f(db)
    e4 = ect_on(db, f.pa1_id, eligibility="manual_check")
    response = post(
        client,
        f.lp_a,
        body(e4.participant_id, "started", "2024-10-01T10:00:00Z"),
        "2024-10-15T09:00:00Z",
    )
    data = response.json()["data"]
    assert data["attributes"]["state"] == "submitted"
    assert data["attributes"]["statement_id"] is None
    v1 = show(client, f.lp_a, data["id"], "v1").json()["data"]["attributes"]
    assert v1["eligible_for_payment"] is False
    with clock.travel_to(builders.at("2024-11-05T09:00:00Z")), db.session() as session:
        run_intake(
            session,
            ELIGIBILITY,
            f"training_record_id,eligibility_status\n{e4.id},eligible\n",
            fmt="csv",
            actor=Actor.operator("tests"),
        )
    shown = show(client, f.lp_a, data["id"]).json()["data"]["attributes"]
    assert shown["state"] == "eligible"
    assert shown["statement_id"] == str(f.statements_a["ST-FEB25"])


def test_s15_duplicate_person_with_the_same_trn(client, db):
    f = fixture_f(db)
    started_e1(client, f)
    e1b = ect_on(db, f.pa1_id, trn="1234567")
    response = post(
        client,
        f.lp_a,
        body(e1b.participant_id, "started", "2024-10-02T10:00:00Z"),
        "2024-10-15T09:00:00Z",
    )
    attributes = response.json()["data"]["attributes"]
    assert attributes["state"] == "ineligible"
    assert attributes["ineligible_for_funding_reason"] == "duplicate_declaration"
    assert attributes["statement_id"] is None


def test_s16_unknown_participant_wrong_course_closed_cohort(client, db):
    f = fixture_f(db)
    now = "2024-10-15T09:00:00Z"
    unknown = post(
        client,
        f.lp_a,
        body("00000000-0000-4000-8000-000000000000", "started", "2024-10-01T10:00:00Z"),
        now,
    )
    assert errors(unknown) == [{"title": "participant_id", "detail": NOT_RECOGNISED}]
    wrong_course = post(
        client, f.lp_a, body(E1_ID, "started", "2024-10-01T10:00:00Z", course="ecf-mentor"), now
    )
    assert errors(wrong_course) == [{"title": "course_identifier", "detail": COURSE}]
    not_theirs = post(client, f.lp_b, body(E1_ID, "started", "2024-10-01T10:00:00Z"), now)
    assert errors(not_theirs) == [{"title": "participant_id", "detail": NOT_RECOGNISED}]
    closed = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-2", "2025-05-01T10:00:00Z", evidence_held="other"),
        "2025-05-15T09:00:00Z",
    )
    assert errors(closed) == [
        {
            "title": "cohort",
            "detail": "You cannot submit or void declarations for the 2024 cohort. The funding "
            "contract for this cohort has ended. Get in touch if you need to discuss this with us",
        }
    ]
    npq = post(
        client, f.lp_a, body(E1_ID, "started", "2024-10-01T10:00:00Z", course="npq-senco"), now
    )
    assert npq.status_code == 422
    assert errors(npq) == [{"title": "course_identifier", "detail": COURSE}]


# --- rules of ecf.md 4.5 not covered by a scenario -------------------------------------------


def test_every_missing_field_reported_together_in_rule_order(client, db):
    f = fixture_f(db)
    response = post(
        client,
        f.lp_a,
        {
            "data": {
                "type": "participant-declaration",
                "attributes": {"course_identifier": "ecf-induction"},
            }
        },
        "2024-10-15T09:00:00Z",
    )
    assert response.status_code == 422
    assert errors(response) == [
        {"title": "participant_id", "detail": NOT_RECOGNISED},
        {"title": "declaration_date", "detail": "Enter a '#/declaration_date'."},
        {"title": "declaration_type", "detail": "Enter a '#/declaration_type'."},
    ]


def test_impossible_date_is_missing_and_malformed_in_one_detail(client, db):
    f = fixture_f(db)
    response = post(
        client, f.lp_a, body(E1_ID, "started", "2024-19-01T10:00:00Z"), "2024-10-15T09:00:00Z"
    )
    assert errors(response) == [
        {"title": "declaration_date", "detail": f"Enter a '#/declaration_date'., {BAD_FORMAT}"}
    ]


def test_unknown_declaration_type_does_not_exist_for_the_schedule(client, db):
    f = fixture_f(db)
    response = post(
        client, f.lp_a, body(E1_ID, "begun", "2024-10-01T10:00:00Z"), "2024-10-15T09:00:00Z"
    )
    assert errors(response) == [
        {
            "title": "declaration_type",
            "detail": "The property '#/declaration_type' does not exist for this schedule.",
        }
    ]


def test_zone_less_and_offset_dates_are_read_as_instants(client, db):
    f = fixture_f(db)
    response = post(
        client, f.lp_a, body(E1_ID, "started", "2024-10-01T12:00:00+02:00"), "2024-10-15T09:00:00Z"
    )
    assert response.json()["data"]["attributes"]["declaration_date"] == "2024-10-01T10:00:00Z"
    e2 = ect_on(db, f.pa1_id)
    zone_less = post(
        client,
        f.lp_a,
        body(e2.participant_id, "started", "2024-10-01T10:00:00"),
        "2024-10-15T09:00:00Z",
    )
    assert zone_less.json()["data"]["attributes"]["declaration_date"] == "2024-10-01T10:00:00Z"


def test_milestone_start_is_inclusive_at_midnight(client, db):
    f = fixture_f(db)
    now = "2025-02-15T12:00:00Z"
    ok = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-01-01T00:00:00Z", evidence_held="other"),
        now,
    )
    assert ok.status_code == 200
    e2 = ect_on(db, f.pa1_id)
    late = post(
        client,
        f.lp_a,
        body(e2.participant_id, "retained-1", "2024-12-31T23:59:59Z", evidence_held="other"),
        now,
    )
    assert errors(late) == [{"title": "declaration_date", "detail": BEFORE_START}]


def test_withdrawal_before_declaration_instant_only(client, db):
    """D2 compares instants: earlier the same day is fine, at the instant is refused."""
    f = fixture_f(db)
    started_e1(client, f)
    withdraw(db, f.e1_profile_id, f.lp_a.id, "2025-02-10T12:00:00Z")
    now = "2025-02-15T12:00:00Z"
    at_instant = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T12:00:00Z", evidence_held="other"),
        now,
    )
    assert errors(at_instant)[0]["title"] == "participant_id"
    earlier = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T11:59:59Z", evidence_held="other"),
        now,
    )
    assert earlier.status_code == 200


def test_withdrawal_by_another_provider_does_not_block(client, db):
    f = fixture_f(db)
    withdraw(db, f.e1_profile_id, f.lp_b.id, "2024-10-02T12:00:00Z")
    with db.session() as session:  # LP-B's withdrawal changes no LP-A record
        for record in session.scalars(select(InductionRecord)):
            record.training_status = "active"
    response = post(
        client, f.lp_a, body(E1_ID, "started", "2024-10-05T10:00:00Z"), "2024-10-15T09:00:00Z"
    )
    assert response.status_code == 200


def test_not_fundable_participant_accepted_when_cohort_closed(client, db):
    """D6 fires only for fundable participants; others wait as `submitted`."""
    f = fixture_f(db)
    waiting = ect_on(db, f.pa1_id, eligibility="manual_check")
    response = post(
        client,
        f.lp_a,
        body(waiting.participant_id, "retained-2", "2025-05-01T10:00:00Z", evidence_held="other"),
        "2025-05-15T09:00:00Z",
    )
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["state"] == "submitted"


def test_retired_participant_id_resolves_to_the_survivor(client, db):
    f = fixture_f(db)
    retired = uuid.uuid4()
    with db.session() as session:
        builders.retire_participant_id(session, session.get(builders.Participant, E1_ID), retired)
    response = post(
        client, f.lp_a, body(retired, "started", "2024-10-01T10:00:00Z"), "2024-10-15T09:00:00Z"
    )
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["participant_id"] == str(E1_ID)
    again = post(
        client, f.lp_a, body(E1_ID, "started", "2024-10-01T10:00:00Z"), "2024-10-15T09:00:00Z"
    )
    assert errors(again) == [{"title": "base", "detail": BASE}]


def test_ect_and_mentor_slots_of_one_person_are_separate(client, db):
    f = fixture_f(db)
    with db.session() as session:
        both = person(session, trn="2222222")
        pa1 = session.get(builders.Partnership, f.pa1_id)
        builders.ect(session, pa1, person=both, start_date=builders.at("2024-09-01T00:00:00Z"))
        builders.mentor(session, pa1, person=both, start_date=builders.at("2024-09-01T00:00:00Z"))
        both_id = both.id
    now = "2024-10-15T09:00:00Z"
    assert (
        post(client, f.lp_a, body(both_id, "started", "2024-10-01T10:00:00Z"), now).status_code
        == 200
    )
    mentor = post(
        client, f.lp_a, body(both_id, "started", "2024-10-01T10:00:00Z", course="ecf-mentor"), now
    )
    assert mentor.status_code == 200
    assert mentor.json()["data"]["attributes"]["mentor_id"] is None


def test_missing_data_is_a_bad_request_and_changes_nothing(client, db):
    f = fixture_f(db)
    response = client.post("/api/v3/participant-declarations", json={}, headers=f.lp_a.headers)
    assert response.status_code == 400
    assert errors(response) == [
        {
            "title": "Bad request",
            "detail": "correct json data structure required. See API docs for reference",
        }
    ]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Declaration)) == 0


def test_failed_submission_changes_nothing(client, db):
    f = fixture_f(db)
    post(client, f.lp_a, body(E1_ID, "retained-1", "2024-10-01T10:00:00Z"), "2024-10-15T09:00:00Z")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Declaration)) == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.entity_type == "declaration")
            )
            == 0
        )


def test_declaration_state_changes_are_audited_with_the_provider(client, db):
    f = fixture_f(db)
    data = started_e1(client, f)
    void(client, f.lp_a, data["id"], "2024-10-16T09:00:00Z")
    with db.session() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.actor_kind, AuditEvent.actor_id)
            .where(AuditEvent.entity_id == data["id"])
            .order_by(AuditEvent.occurred_at, AuditEvent.action)
        ).all()
    assert [e.action for e in events] == ["created", "eligible", "voided"]
    assert {(e.actor_kind, e.actor_id) for e in events} == {("provider", str(f.lp_a.id))}


def test_production_ignores_the_server_date_header(database_url, db):
    from fastapi.testclient import TestClient

    from cpd_api.app import create_app
    from cpd_api.core.config import load_settings

    f = fixture_f(db)
    settings = load_settings(
        database_url=database_url, environment="production", log_requests=False
    )
    with TestClient(create_app(settings, database=db)) as production:
        # In production "now" is the real clock: a 2099 declaration is in the future.
        response = post(
            production,
            f.lp_a,
            body(E1_ID, "started", "2099-01-01T10:00:00Z"),
            "2099-06-01T09:00:00Z",
        )
    assert response.status_code == 422
    date_errors = [e["detail"] for e in errors(response) if e["title"] == "declaration_date"]
    assert date_errors and date_errors[0].startswith(FUTURE)


def _action(client, provider, action, attributes, now):
    return client.put(
        f"/api/v3/participants/ecf/{E1_ID}/{action}",
        json={"data": {"type": f"participant-{action}", "attributes": attributes}},
        headers={**provider.headers, "X-With-Server-Date": now},
    )


def test_s7_through_the_participant_actions(client, db):
    """S7 end to end: withdraw and resume through the API govern later declarations."""
    f = fixture_f(db)
    started_e1(client, f)
    withdrawn = _action(
        client,
        f.lp_a,
        "withdraw",
        {"reason": "left-teaching-profession", "course_identifier": "ecf-induction"},
        "2025-02-15T12:00:00Z",
    )
    assert withdrawn.status_code == 200, withdrawn.text
    enrolment = withdrawn.json()["data"]["attributes"]["ecf_enrolments"][0]
    withdrawn_at = enrolment["withdrawal"]["date"]  # the request's clock, ticking from 12:00:00
    assert withdrawn_at.startswith("2025-02-15T12:00:0")
    refused = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-20T10:00:00Z", evidence_held="other"),
        "2025-03-01T09:00:00Z",
    )
    assert errors(refused) == [
        {
            "title": "participant_id",
            "detail": f"This participant withdrew from this course on {withdrawn_at}. "
            "Enter a '#/declaration_date' that's on or before the withdrawal date.",
        }
    ]
    backdated = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-1", "2025-02-10T10:00:00Z", evidence_held="other"),
        "2025-03-01T09:00:00Z",
    )
    assert backdated.status_code == 200, backdated.text
    resumed = _action(
        client, f.lp_a, "resume", {"course_identifier": "ecf-induction"}, "2025-03-02T09:00:00Z"
    )
    assert resumed.status_code == 200, resumed.text
    later = post(
        client,
        f.lp_a,
        body(E1_ID, "retained-2", "2025-04-02T10:00:00Z", evidence_held="other"),
        "2025-04-03T09:00:00Z",
    )
    assert later.status_code == 200, later.text


def test_s9_change_schedule_with_existing_declarations(client, db):
    f = fixture_f(db)
    started = started_e1(client, f, now="2025-01-20T09:00:00Z")
    move = {
        "schedule_identifier": "ecf-standard-january",
        "course_identifier": "ecf-induction",
        "cohort": "2024",
    }
    refused = _action(client, f.lp_a, "change-schedule", move, "2025-01-20T09:00:00Z")
    assert refused.status_code == 422
    assert errors(refused) == [
        {
            "title": "schedule_identifier",
            "detail": "Changing schedule would invalidate existing declarations. "
            "Please void them first.",
        }
    ]
    assert void(client, f.lp_a, started["id"], "2025-01-20T09:00:00Z").status_code == 200
    moved = _action(client, f.lp_a, "change-schedule", move, "2025-01-20T09:00:00Z")
    assert moved.status_code == 200, moved.text
    declared = post(
        client, f.lp_a, body(E1_ID, "started", "2025-01-10T10:00:00Z"), "2025-01-20T09:00:00Z"
    )
    assert declared.status_code == 200, declared.text
    assert declared.json()["data"]["attributes"]["state"] == "eligible"


def test_submitted_and_ineligible_declarations_can_be_voided(client, db):
    f = fixture_f(db)
    waiting = ect_on(db, f.pa1_id, eligibility="manual_check")
    submitted = post(
        client,
        f.lp_a,
        body(waiting.participant_id, "started", "2024-10-01T10:00:00Z"),
        "2024-10-15T09:00:00Z",
    ).json()["data"]
    assert submitted["attributes"]["state"] == "submitted"
    voided = void(client, f.lp_a, submitted["id"], "2024-10-15T09:00:00Z").json()["data"]
    assert voided["attributes"]["state"] == "voided"
    started_e1(client, f)
    twin = ect_on(db, f.pa1_id, trn="1234567")
    ineligible = post(
        client,
        f.lp_a,
        body(twin.participant_id, "started", "2024-10-02T10:00:00Z"),
        "2024-10-15T09:00:00Z",
    ).json()["data"]
    assert ineligible["attributes"]["state"] == "ineligible"
    voided = void(client, f.lp_a, ineligible["id"], "2024-10-15T09:00:00Z").json()["data"]
    assert voided["attributes"]["state"] == "voided"
    assert voided["attributes"]["ineligible_for_funding_reason"] is None


def test_clawed_back_declarations_cannot_be_voided(client, db):
    f = fixture_f(db)
    data = started_e1(client, f)
    set_state(db, data["id"], "clawed_back")
    refused = void(client, f.lp_a, data["id"], "2024-10-15T09:00:00Z")
    assert errors(refused) == [
        {
            "title": "Invalid action",
            "detail": "This declaration has been clawed-back, so you can only view it.",
        }
    ]


def test_clawback_refused_when_the_cohort_has_no_open_statement(client, db):
    f = fixture_f(db)
    data = started_e1(client, f)
    set_state(db, data["id"], "paid")
    refused = void(client, f.lp_a, data["id"], "2025-05-15T09:00:00Z")
    assert errors(refused) == [
        {
            "title": "Invalid action",
            "detail": "Participant declaration You cannot submit or void declarations for the "
            "2024 cohort. The funding contract for this cohort has ended. Get in touch if you "
            "need to discuss this with us",
        }
    ]
    assert show(client, f.lp_a, data["id"]).json()["data"]["attributes"]["state"] == "paid"
