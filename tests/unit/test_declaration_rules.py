"""The pure declaration rules: dates, windows, evidence, the ECF and NPQ checks in their
evaluation order, the state machine, voiding, uplifts and mentor completion."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpd_api.declarations import rules

NOW = datetime(2025, 2, 15, 12, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- declaration_date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "well_formed"),
    [
        ("2024-10-01T10:00:00Z", "2024-10-01T10:00:00+00:00", True),
        ("2024-10-01t10:00:00z", "2024-10-01T10:00:00+00:00", True),
        ("2024-10-01T10:00:00.123Z", "2024-10-01T10:00:00.123+00:00", True),
        ("2024-10-01T10:00:00,5Z", "2024-10-01T10:00:00.5+00:00", True),
        ("2024-10-01T12:00:00+02:00", "2024-10-01T10:00:00+00:00", True),
        ("2024-10-01T12:00:00+0200", "2024-10-01T10:00:00+00:00", True),
        ("2024-10-01T12:00:00+02", "2024-10-01T10:00:00+00:00", True),
        ("2024-10-01T10:00:00", "2024-10-01T10:00:00+00:00", True),
        ("2024-10-01", "2024-10-01T00:00:00+00:00", False),
        ("2024-19-01T10:00:00Z", None, False),
        ("2024-10-01T29:00:00Z", None, False),
        ("yesterday", None, False),
        ("", None, True),
        (None, None, True),
        (20241001, None, True),
    ],
)
def test_declaration_date_parsing(raw, value, well_formed):
    parsed = rules.parse_declaration_date(raw)
    assert parsed.well_formed is well_formed
    assert parsed.value == (datetime.fromisoformat(value) if value else None)


@given(st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1)))
def test_any_whole_second_rfc3339_instant_round_trips(instant):
    instant = instant.replace(microsecond=0)
    parsed = rules.parse_declaration_date(instant.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert parsed == rules.DeclarationDate(instant, True)


# --- milestone windows -----------------------------------------------------------------------


def test_window_start_is_inclusive_and_end_exclusive_at_the_last_microsecond():
    window = rules.Window(date(2024, 6, 1), date(2024, 12, 31))
    assert rules.window_errors(window, at("2024-06-01T00:00:00Z")) == []
    assert rules.window_errors(window, at("2024-05-31T23:59:59Z")) == [rules.BEFORE_MILESTONE]
    assert rules.window_errors(window, at("2024-12-31T23:59:59.999998Z")) == []
    assert rules.window_errors(window, at("2024-12-31T23:59:59.999999Z")) == [rules.AFTER_MILESTONE]


def test_open_ended_window_has_no_end():
    window = rules.Window(date(2025, 7, 1), None)
    assert rules.window_errors(window, at("2030-01-01T00:00:00Z")) == []


# --- evidence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "kind", "evidence", "detailed", "expected"),
    [
        ("ect", "started", None, False, None),
        ("ect", "started", "nonsense", False, None),
        ("ect", "retained-1", None, False, rules.EVIDENCE_MISSING),
        ("ect", "retained-1", "other", False, None),
        ("ect", "retained-1", "materials-engaged-with-offline", False, rules.EVIDENCE_INVALID),
        ("ect", "completed", "75-percent-engagement-met", False, rules.EVIDENCE_INVALID),
        ("ect", "started", None, True, None),
        ("ect", "started", "materials-engaged-with-offline", True, None),
        ("ect", "started", "one-term-induction", True, rules.EVIDENCE_INVALID),
        ("ect", "retained-2", "other", True, rules.EVIDENCE_INVALID),
        ("ect", "retained-2", "75-percent-engagement-met-reduced-induction", True, None),
        ("ect", "retained-3", "materials-engaged-with-offline", True, None),
        ("ect", "extended-2", None, True, rules.EVIDENCE_MISSING),
        ("ect", "completed", "one-term-induction", True, None),
        ("mentor", "completed", "one-term-induction", True, rules.EVIDENCE_INVALID),
        ("mentor", "completed", "75-percent-engagement-met", True, None),
        ("mentor", "started", None, True, None),
    ],
)
def test_evidence_rules(profile, kind, evidence, detailed, expected):
    assert rules.evidence_error(profile, kind, evidence, detailed) == expected


def test_pre_2025_started_discards_evidence_but_2025_keeps_it():
    assert rules.stored_evidence("ect", "started", "other", False) is None
    assert rules.stored_evidence("ect", "started", "other", True) == "other"
    assert rules.stored_evidence("ect", "retained-1", "other", False) == "other"


# --- ECF checks ------------------------------------------------------------------------------

VALID_ECF = rules.EcfFacts(
    now=NOW,
    participant_found=True,
    profile_found=True,
    profile_type="ect",
    declaration_type="retained-1",
    date=rules.DeclarationDate(at("2025-02-10T10:00:00Z"), True),
    evidence_held="other",
    withdrawn_at=None,
    in_force_ir_active=True,
    schedule_has_type=True,
    window=rules.Window(date(2025, 1, 1), date(2025, 3, 31)),
    fundable=True,
    has_next_statement=True,
    cohort_year=2024,
    slot_taken=False,
    identical=None,
    mentor_funding=False,
    detailed_evidence=False,
    course_offered=True,
    trained_on_schedule=True,
)


def test_valid_ecf_submission_has_no_errors():
    assert rules.ecf_errors(VALID_ECF) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"participant_found": False, "profile_found": False, "course_offered": False},
            [("participant_id", rules.PARTICIPANT_NOT_RECOGNISED)],
        ),
        (
            {"withdrawn_at": at("2025-02-10T10:00:00Z"), "in_force_ir_active": False},
            [("participant_id", rules.withdrawn_message(at("2025-02-10T10:00:00Z")))],
        ),
        ({"withdrawn_at": at("2025-02-10T10:00:01Z"), "in_force_ir_active": False}, []),
        ({"withdrawn_at": at("2025-02-01T10:00:00Z"), "in_force_ir_active": True}, []),
        ({"date": rules.DeclarationDate(None, True)}, [("declaration_date", rules.DATE_MISSING)]),
        ({"declaration_type": None}, [("declaration_type", rules.TYPE_MISSING)]),
        (
            {"date": rules.DeclarationDate(at("2025-02-15T12:00:01Z"), True)},
            [("declaration_date", rules.DATE_IN_FUTURE)],
        ),
        (
            {"date": rules.DeclarationDate(at("2025-02-10T00:00:00Z"), False)},
            [("declaration_date", rules.DATE_FORMAT)],
        ),
        (
            {"date": rules.DeclarationDate(at("2024-12-31T10:00:00Z"), True)},
            [("declaration_date", rules.BEFORE_MILESTONE)],
        ),
        ({"has_next_statement": False}, [("cohort", rules.cohort_closed_message(2024))]),
        ({"has_next_statement": False, "fundable": False}, []),
        (
            {
                "has_next_statement": False,
                "fundable": False,
                "identical": rules.IdenticalDeclaration("paid"),
                "slot_taken": True,
            },
            [("cohort", rules.cohort_closed_message(2024)), ("base", rules.ALREADY_SUBMITTED)],
        ),
        (
            {
                "has_next_statement": False,
                "identical": rules.IdenticalDeclaration("submitted"),
                "slot_taken": True,
            },
            [("base", rules.ALREADY_SUBMITTED)],
        ),
        (
            {"schedule_has_type": False, "window": None},
            [("declaration_type", rules.TYPE_NOT_ON_SCHEDULE)],
        ),
        ({"slot_taken": True}, [("base", rules.ALREADY_SUBMITTED)]),
        (
            {"profile_type": "mentor", "mentor_funding": True},
            [("declaration_type", rules.MENTOR_RETAINED)],
        ),
        (
            {"profile_found": False, "course_offered": False},
            [("course_identifier", rules.COURSE_NOT_RECOGNISED)],
        ),
        ({"trained_on_schedule": False}, [("participant_id", rules.PARTICIPANT_NOT_RECOGNISED)]),
        ({"evidence_held": None}, [("evidence_held", rules.EVIDENCE_MISSING)]),
    ],
)
def test_each_ecf_rule(change, expected):
    assert rules.ecf_errors(replace(VALID_ECF, **change)) == expected


def test_late_ecf_rules_are_skipped_when_earlier_ones_fail():
    facts = replace(VALID_ECF, slot_taken=True, trained_on_schedule=False, evidence_held=None)
    assert rules.ecf_errors(facts) == [("base", rules.ALREADY_SUBMITTED)]


def test_ecf_errors_keep_evaluation_order():
    facts = replace(
        VALID_ECF,
        participant_found=False,
        profile_found=False,
        date=rules.DeclarationDate(None, False),
        declaration_type="",
    )
    assert rules.ecf_errors(facts) == [
        ("participant_id", rules.PARTICIPANT_NOT_RECOGNISED),
        ("declaration_date", rules.DATE_MISSING),
        ("declaration_type", rules.TYPE_MISSING),
        ("declaration_date", rules.DATE_FORMAT),
    ]


# --- NPQ checks ------------------------------------------------------------------------------

VALID_NPQ = rules.NpqFacts(
    now=NOW,
    participant_found=True,
    enrolment_found=True,
    person_has_npq_enrolment=True,
    declaration_type="completed",
    date=rules.DeclarationDate(at("2025-02-01T10:00:00Z"), True),
    withdrawn_at=None,
    schedule_has_type=True,
    window=rules.Window(date(2024, 10, 1), None),
    fundable=True,
    has_next_statement=True,
    cohort_year=2024,
    identical=None,
    needs_has_passed=True,
    has_passed=True,
    slot_taken=False,
    has_contract=True,
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, []),
        (
            {"withdrawn_at": at("2025-02-01T10:00:00Z")},
            [("participant_id", rules.withdrawn_message(at("2025-02-01T10:00:00Z")))],
        ),
        (
            {"date": rules.DeclarationDate(at("2024-09-30T23:59:59Z"), True)},
            [("declaration_date", rules.BEFORE_MILESTONE)],
        ),
        ({"has_next_statement": False}, [("cohort", rules.cohort_closed_message(2024))]),
        ({"has_next_statement": False, "fundable": False}, []),
        ({"has_passed": None}, [("has_passed", rules.HAS_PASSED_INVALID)]),
        ({"has_passed": "yes"}, [("has_passed", rules.HAS_PASSED_INVALID)]),
        ({"has_passed": "false"}, []),
        ({"has_passed": None, "needs_has_passed": False}, []),
        ({"schedule_has_type": False}, [("declaration_type", rules.TYPE_NOT_ON_SCHEDULE)]),
        ({"slot_taken": True}, [("base", rules.ALREADY_SUBMITTED)]),
        (
            {"enrolment_found": False, "person_has_npq_enrolment": False},
            [("course_identifier", rules.COURSE_NOT_RECOGNISED)],
        ),
        ({"enrolment_found": False}, [("participant_id", rules.PARTICIPANT_NOT_RECOGNISED)]),
        ({"has_contract": False}, [("cohort", rules.NO_NPQ_CONTRACT)]),
    ],
)
def test_each_npq_rule(change, expected):
    assert rules.npq_errors(replace(VALID_NPQ, **change)) == expected


@pytest.mark.parametrize(
    ("eligible", "funded_place", "previously", "fundable"),
    [
        (True, None, False, True),
        (True, True, False, True),
        (True, False, False, False),
        (False, None, False, False),
        (True, None, True, False),
    ],
)
def test_npq_fundable(eligible, funded_place, previously, fundable):
    assert rules.npq_fundable(eligible, funded_place, previously) is fundable


# --- state machine, slot, void ---------------------------------------------------------------


def test_allowed_transitions_only():
    allowed = {(a, b) for a, targets in rules.TRANSITIONS.items() for b in targets}
    assert allowed == {
        ("submitted", "eligible"),
        ("submitted", "ineligible"),
        ("submitted", "voided"),
        ("eligible", "payable"),
        ("eligible", "voided"),
        ("payable", "paid"),
        ("payable", "voided"),
        ("ineligible", "voided"),
        ("paid", "awaiting_clawback"),
        ("awaiting_clawback", "clawed_back"),
    }
    assert not rules.can_transition("voided", "eligible")
    assert not rules.can_transition("clawed_back", "paid")
    assert not rules.can_transition("paid", "voided")


def test_wire_states_are_hyphenated():
    assert rules.wire_state("awaiting_clawback") == "awaiting-clawback"
    assert rules.wire_state("clawed_back") == "clawed-back"
    assert rules.wire_state("eligible") == "eligible"


def test_only_counting_states_hold_the_slot():
    key = rules.slot_key(uuid.UUID(int=1), "ecf-induction", "started")
    assert key == "00000000-0000-0000-0000-000000000001:ecf-induction:started"
    for state in ("submitted", "eligible", "payable", "paid"):
        assert rules.slot_for_state(key, state) == key
    for state in ("voided", "ineligible", "awaiting_clawback", "clawed_back"):
        assert rules.slot_for_state(key, state) is None


def test_initial_state():
    assert rules.initial_state(True, True) == "ineligible"
    assert rules.initial_state(False, True) == "eligible"
    assert rules.initial_state(False, False) == "submitted"


@pytest.mark.parametrize("state", ["submitted", "eligible", "payable", "ineligible"])
def test_void_before_payment(state):
    decision = rules.decide_void(
        state, npq=False, has_refundable_line=False, has_next_statement=False, cohort_year=2024
    )
    assert decision == rules.VoidDecision("voided")


def test_void_refusals():
    kwargs = {"has_refundable_line": False, "has_next_statement": True, "cohort_year": 2024}
    assert rules.decide_void("voided", npq=False, **kwargs) == rules.ALREADY_VOIDED
    assert rules.decide_void("clawed_back", npq=False, **kwargs) == rules.ECF_CLAWED_BACK
    assert rules.decide_void("awaiting_clawback", npq=True, **kwargs) == rules.NPQ_NOT_VOIDABLE
    assert rules.decide_void("paid", npq=False, **kwargs) == rules.VoidDecision("awaiting_clawback")


def test_clawback_refusals_are_joined():
    detail = rules.decide_void(
        "paid", npq=False, has_refundable_line=True, has_next_statement=False, cohort_year=2021
    )
    assert detail == (
        "Participant declaration will or has been be refunded, Participant declaration You "
        "cannot submit or void declarations for the 2021 cohort. The funding contract for this "
        "cohort has ended. Get in touch if you need to discuss this with us"
    )


# --- derived attributes ----------------------------------------------------------------------


def test_ecf_uplift_paid():
    assert rules.ecf_uplift_paid("ecf-induction", "started", "paid", True, False)
    assert rules.ecf_uplift_paid("ecf-induction", "started", "clawed_back", False, True)
    assert not rules.ecf_uplift_paid("ecf-induction", "started", "eligible", True, True)
    assert not rules.ecf_uplift_paid("ecf-mentor", "started", "paid", True, True)
    assert not rules.ecf_uplift_paid("ecf-induction", "retained-1", "paid", True, True)
    assert not rules.ecf_uplift_paid("ecf-induction", "started", "paid", False, False)


def test_npq_uplift_paid():
    assert rules.npq_uplift_paid("npq-headship", "started", "awaiting_clawback", True)
    assert not rules.npq_uplift_paid("npq-early-headship-coaching-offer", "started", "paid", True)
    assert not rules.npq_uplift_paid("npq-headship", "started", "paid", False)


def test_ineligible_reason_only_when_ineligible():
    assert rules.ineligible_for_funding_reason("ineligible", "duplicate") == "duplicate_declaration"
    assert rules.ineligible_for_funding_reason("eligible", "duplicate") is None


def test_has_passed_from_latest_outcome():
    assert rules.has_passed_from_outcome("passed") is True
    assert rules.has_passed_from_outcome("failed") is False
    assert rules.has_passed_from_outcome("voided") is None
    assert rules.has_passed_from_outcome(None) is None


def test_mentor_completion():
    none = rules.MentorCompletion(None, None)
    dates = [at("2025-09-25T10:00:00Z"), at("2025-09-26T23:30:00Z")]
    assert rules.mentor_completion(none, dates, date(2025, 9, 28)) == rules.MentorCompletion(
        date(2025, 9, 26), "completed_declaration_received"
    )
    assert (
        rules.mentor_completion(
            rules.MentorCompletion(date(2025, 9, 25), "completed_declaration_received"),
            [],
            date(2025, 9, 28),
        )
        == none
    )
    early = rules.MentorCompletion(None, "completed_during_early_roll_out")
    assert rules.mentor_completion(early, [], date(2025, 9, 28)) == rules.MentorCompletion(
        date(2021, 4, 19), "completed_during_early_roll_out"
    )
    administrative = rules.MentorCompletion(date(2024, 8, 1), "started_not_completed")
    assert rules.mentor_completion(administrative, dates, date(2024, 8, 2)) == administrative
    assert rules.mentor_completion(administrative, [], date(2024, 7, 30)) == none


def test_submission_from_attributes_keeps_raw_values():
    submission = rules.submission_from_attributes(
        {
            "participant_id": " AAAAAAAA-0000-4000-8000-00000000000E ",
            "declaration_type": " started ",
            "declaration_date": "2024-10-01T10:00:00Z",
            "course_identifier": "npq-headship",
            "has_passed": "true",
        }
    )
    assert submission.participant_id == uuid.UUID("aaaaaaaa-0000-4000-8000-00000000000e")
    assert submission.declaration_type == "started"
    assert submission.is_npq
    assert submission.lock_key == "aaaaaaaa-0000-4000-8000-00000000000e:npq-headship:started"
    broken = rules.submission_from_attributes({"participant_id": "nope", "declaration_type": 5})
    assert broken.participant_id is None
    assert broken.declaration_type is None
    assert broken.course_identifier == ""
