"""NPQ declarations (npq.md section 4): the declaration scenarios of npq.md section 6, one
test each, and the remaining NPQ rules with their errors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from cpd_api.outcomes.models import ParticipantOutcome
from cpd_api.participants.models import ParticipantProfileState
from tests import builders
from tests.factories import ProviderWithToken, provider_with_token
from tests.factories_declarations import (
    body,
    errors,
    person,
    post,
    set_state,
    show,
    still_clock,  # noqa: F401  (fixture)
    void,
)

pytestmark = pytest.mark.usefixtures("still_clock")

NOW = "2025-02-10T12:00:00Z"
A_ID = uuid.UUID("aaaaaaaa-1111-4000-8000-00000000000a")
NPQ_COURSES = (
    "npq-senior-leadership",
    "npq-headship",
    "npq-executive-leadership",
    "npq-early-years-leadership",
    "npq-senco",
    "npq-leading-teaching",
    "npq-leading-behaviour-culture",
    "npq-leading-teaching-development",
    "npq-leading-literacy",
    "npq-leading-primary-mathematics",
    "npq-early-headship-coaching-offer",
)
NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. "
    "Check participant details and try again."
)
BASE = "A declaration has already been submitted that will be, or has been, paid for this event"


@dataclass
class NpqFixture:
    p: ProviderWithToken
    q: ProviderWithToken
    e: ProviderWithToken
    s1: dict[tuple[str, int], uuid.UUID]


def npq_fixture(db) -> NpqFixture:
    p = provider_with_token(db, "Provider P", ecf=False, npq=True)
    q = provider_with_token(db, "Provider Q", ecf=False, npq=True)
    e = provider_with_token(db, "Provider E", ecf=True, npq=False)
    statements = {}
    with db.session() as session:
        for provider in (p, q):
            for course in NPQ_COURSES:
                builders.npq_contract(
                    session, provider.id, cohort=2024, course=course, funding_cap=10
                )
                builders.npq_contract(session, provider.id, cohort=2023, course=course)
            for cohort in (2023, 2024):
                made = builders.statement(
                    session, provider.id, cohort=cohort, programme="npq", deadline=date(2025, 6, 30)
                )
                statements[(provider.name, cohort)] = made.id
        person(session, A_ID, trn="1234567", name="Person A")
    return NpqFixture(p, q, e, statements)


def enrol(db, provider, person_id=A_ID, course="npq-headship", **options):
    with db.session() as session:
        owner = session.get(builders.Participant, person_id) if person_id else None
        if owner is None:
            owner = person(session, person_id, trn=options.pop("trn", None))
        options.setdefault("funded_place", True)
        application, _profile = builders.npq_enrolment(
            session, provider.id, person=owner, course=course, **options
        )
        return application.id, owner.id


def started(client, fixture, person_id=A_ID, course="npq-headship", when="2024-10-15T09:00:00Z"):
    return post(client, fixture.p, body(person_id, "started", when, course=course), NOW)


def test_sc06_started_declaration_becomes_eligible_and_lands_on_a_statement(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    response = started(client, f)
    assert response.status_code == 200, response.text
    attributes = response.json()["data"]["attributes"]
    assert attributes["state"] == "eligible"
    assert attributes["statement_id"] == str(f.s1[("Provider P", 2024)])
    assert attributes["clawback_statement_id"] is None
    assert attributes["has_passed"] is None
    assert attributes["delivery_partner_id"] is None
    assert attributes["mentor_id"] is None
    assert attributes["evidence_held"] is None
    assert attributes["uplift_paid"] is False
    replay = started(client, f)
    assert replay.status_code == 422
    assert errors(replay) == [{"title": "base", "detail": BASE}]


def test_sc07_date_window_and_schedule_type_checks(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    before = started(client, f, when="2024-09-30T23:59:59Z")
    assert errors(before) == [
        {
            "title": "declaration_date",
            "detail": "Enter a '#/declaration_date' that's on or after the milestone start.",
        }
    ]
    future = started(client, f, when="2025-03-01T00:00:00Z")
    assert errors(future) == [
        {
            "title": "declaration_date",
            "detail": "The '#/declaration_date' value cannot be a future date. "
            "Check the date and try again.",
        }
    ]
    date_only = started(client, f, when="2024-10-15")
    assert errors(date_only) == [
        {"title": "declaration_date", "detail": "Enter a valid RCF3339 '#/declaration_date'."}
    ]
    _, b_id = enrol(db, f.p, person_id=uuid.uuid4(), course="npq-leading-teaching")
    retained_2 = post(
        client,
        f.p,
        body(b_id, "retained-2", "2024-10-15T09:00:00Z", course="npq-leading-teaching"),
        NOW,
    )
    assert errors(retained_2) == [
        {
            "title": "declaration_type",
            "detail": "The property '#/declaration_type' does not exist for this schedule.",
        }
    ]


def test_sc08_declined_funded_place_stays_submitted(client, db):
    f = npq_fixture(db)
    _, d_id = enrol(db, f.p, person_id=uuid.uuid4(), funded_place=False)
    response = post(
        client, f.p, body(d_id, "started", "2024-10-20T09:00:00Z", course="npq-headship"), NOW
    )
    attributes = response.json()["data"]["attributes"]
    assert attributes["state"] == "submitted"
    assert attributes["statement_id"] is None


def test_sc09_completed_with_outcome_and_void_retracts_it(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    started(client, f)
    completed = post(
        client,
        f.p,
        body(A_ID, "completed", "2025-02-01T10:00:00Z", course="npq-headship", has_passed=True),
        NOW,
    )
    data = completed.json()["data"]
    assert (data["attributes"]["state"], data["attributes"]["has_passed"]) == ("eligible", True)
    with db.session() as session:
        outcomes = session.scalars(select(ParticipantOutcome)).all()
        assert [(o.state, o.completion_date) for o in outcomes] == [("passed", date(2025, 2, 1))]
    voided = void(client, f.p, data["id"], NOW).json()["data"]["attributes"]
    assert (voided["state"], voided["statement_id"], voided["has_passed"]) == ("voided", None, None)
    with db.session() as session:
        outcomes = session.scalars(
            select(ParticipantOutcome).order_by(ParticipantOutcome.created_at)
        ).all()
        assert [o.state for o in outcomes] == ["passed", "voided"]
        assert outcomes[-1].completion_date == date(2025, 2, 1)


def test_sc10_completed_without_has_passed_and_ehco(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    missing = post(
        client, f.p, body(A_ID, "completed", "2025-02-01T10:00:00Z", course="npq-headship"), NOW
    )
    assert errors(missing) == [
        {
            "title": "has_passed",
            "detail": "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether "
            "this participant has passed or failed their course.",
        }
    ]
    enrol(
        db,
        f.p,
        course="npq-early-headship-coaching-offer",
        schedule_identifier="npq-ehco-november",
    )
    ehco = post(
        client,
        f.p,
        body(A_ID, "completed", "2024-12-01T10:00:00Z", course="npq-early-headship-coaching-offer"),
        NOW,
    )
    assert ehco.status_code == 200, ehco.text
    assert ehco.json()["data"]["attributes"]["has_passed"] is None
    with db.session() as session:
        assert session.scalars(select(ParticipantOutcome)).all() == []


def test_sc11_withdrawn_enrolment_blocks_later_declarations(client, db):
    f = npq_fixture(db)
    application_id, f_id = enrol(db, f.p, person_id=uuid.uuid4(), course="npq-senior-leadership")
    first = post(
        client,
        f.p,
        body(f_id, "started", "2024-10-10T09:00:00Z", course="npq-senior-leadership"),
        NOW,
    )
    assert first.status_code == 200
    with db.session() as session:
        session.add(
            ParticipantProfileState(
                participant_profile_id=application_id,
                lead_provider_id=f.p.id,
                state="withdrawn",
                reason="other",
                created_at=builders.at("2025-02-10T12:00:00Z"),
            )
        )
    refused = post(
        client,
        f.p,
        body(f_id, "retained-1", "2025-02-10T12:30:00Z", course="npq-senior-leadership"),
        "2025-02-11T09:00:00Z",
    )
    assert errors(refused) == [
        {
            "title": "participant_id",
            "detail": "This participant withdrew from this course on 2025-02-10T12:00:00Z. "
            "Enter a '#/declaration_date' that's on or before the withdrawal date.",
        }
    ]
    backdated = post(
        client,
        f.p,
        body(f_id, "retained-1", "2025-01-15T00:00:00Z", course="npq-senior-leadership"),
        "2025-02-11T09:00:00Z",
    )
    assert backdated.status_code == 200


def test_sc14_clawback_of_a_paid_declaration(client, db):
    f = npq_fixture(db)
    enrol(db, f.p, targeted_delivery_funding_eligibility=True)
    data = started(client, f).json()["data"]
    with db.session() as session:
        s0 = builders.statement(
            session, f.p.id, cohort=2024, programme="npq", deadline=date(2025, 1, 31), state="paid"
        )
        s0_id = s0.id
        from cpd_api.declarations.models import StatementLineItem

        line = session.scalar(select(StatementLineItem))
        line.statement_id = s0_id
    set_state(db, data["id"], "paid")
    clawback = void(client, f.p, data["id"], NOW)
    attributes = clawback.json()["data"]["attributes"]
    assert attributes["state"] == "awaiting-clawback"
    assert attributes["statement_id"] == str(s0_id)
    assert attributes["clawback_statement_id"] == str(f.s1[("Provider P", 2024)])
    assert attributes["uplift_paid"] is True
    again = void(client, f.p, data["id"], NOW)
    assert errors(again) == [
        {
            "title": "Invalid action",
            "detail": "This declaration cannot be voided. Contact the DfE if you have any "
            "questions about why you cannot void it.",
        }
    ]


def test_sc14_uplift_paid_needs_targeted_delivery_funding(client, db):
    f = npq_fixture(db)
    enrol(db, f.p, targeted_delivery_funding_eligibility=False)
    data = started(client, f).json()["data"]
    set_state(db, data["id"], "paid")
    assert show(client, f.p, data["id"]).json()["data"]["attributes"]["uplift_paid"] is False


def test_sc15_versions_show_their_own_attribute_sets(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    declaration_id = started(client, f).json()["data"]["id"]
    v1 = show(client, f.p, declaration_id, "v1").json()["data"]["attributes"]
    v2 = show(client, f.p, declaration_id, "v2").json()["data"]["attributes"]
    v3 = show(client, f.p, declaration_id, "v3").json()["data"]["attributes"]
    assert v1["eligible_for_payment"] is True and v1["voided"] is False
    assert "eligible_for_payment" not in v2 and "voided" not in v2
    assert {"statement_id", "lead_provider_name", "uplift_paid"} <= set(v3)


# --- remaining rules of npq.md 4.4 -----------------------------------------------------------


def test_person_without_any_npq_enrolment_gets_the_course_error(client, db):
    f = npq_fixture(db)
    response = started(client, f)
    assert errors(response) == [
        {
            "title": "course_identifier",
            "detail": "The entered '#/course_identifier' is not recognised for the given "
            "participant. Check details and try again.",
        }
    ]


def test_another_providers_enrolment_is_not_recognised(client, db):
    f = npq_fixture(db)
    enrol(db, f.q)
    response = started(client, f)
    assert errors(response) == [{"title": "participant_id", "detail": NOT_RECOGNISED}]


def test_no_contract_for_cohort_and_course(client, db):
    f = npq_fixture(db)
    enrol(
        db,
        f.p,
        course="npq-leading-literacy",
        cohort=2022,
        schedule_identifier="npq-specialist-autumn",
    )
    with db.session() as session:
        builders.statement(
            session, f.p.id, cohort=2022, programme="npq", deadline=date(2025, 6, 30)
        )
    response = post(
        client,
        f.p,
        body(A_ID, "started", "2024-10-15T09:00:00Z", course="npq-leading-literacy"),
        NOW,
    )
    assert errors(response) == [
        {
            "title": "cohort",
            "detail": "You cannot submit a declaration for this participant as you do not have a "
            "contract for the cohort and course. Contact the DfE for assistance.",
        }
    ]


def test_no_open_statement_refuses_a_fundable_enrolment(client, db):
    f = npq_fixture(db)
    enrol(db, f.p, course="npq-senco", cohort=2022, schedule_identifier="npq-leadership-autumn")
    response = post(
        client, f.p, body(A_ID, "started", "2024-10-15T09:00:00Z", course="npq-senco"), NOW
    )
    assert errors(response)[0] == {
        "title": "cohort",
        "detail": "You cannot submit or void declarations for the 2022 cohort. The funding "
        "contract for this cohort has ended. Get in touch if you need to discuss this with us",
    }


def test_previously_funded_enrolment_stays_submitted(client, db):
    f = npq_fixture(db)
    enrol(db, f.q, cohort=2023, schedule_identifier="npq-leadership-autumn")
    enrol(db, f.p)
    response = started(client, f)
    assert response.json()["data"]["attributes"]["state"] == "submitted"


def test_same_trn_other_person_is_an_ineligible_duplicate(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    assert started(client, f).status_code == 200
    _, twin = enrol(db, f.p, person_id=uuid.uuid4(), trn="1234567")
    response = started(client, f, person_id=twin)
    attributes = response.json()["data"]["attributes"]
    assert attributes["state"] == "ineligible"
    assert attributes["ineligible_for_funding_reason"] == "duplicate_declaration"
    assert attributes["statement_id"] is None


def test_has_passed_accepts_true_false_strings(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    response = post(
        client,
        f.p,
        body(A_ID, "completed", "2025-02-01T10:00:00Z", course="npq-headship", has_passed="false"),
        NOW,
    )
    assert response.json()["data"]["attributes"]["has_passed"] is False


def test_ecf_only_provider_can_use_the_shared_endpoint(client, db):
    f = npq_fixture(db)
    enrol(db, f.p)
    assert started(client, f).status_code == 200
    response = post(
        client, f.e, body(A_ID, "started", "2024-10-15T09:00:00Z", course="npq-headship"), NOW
    )
    assert response.status_code == 422
    assert errors(response) == [{"title": "base", "detail": BASE}]
