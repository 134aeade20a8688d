"""Pure rules of the NPQ participant actions (npq.md 3.4 to 3.8)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cpd_api.participants.npq import rules
from cpd_api.participants.npq.rules import (
    BillableDeclaration,
    ScheduleChange,
    SchedulePlan,
    change_schedule_errors,
    resolution_errors,
)

AUTUMN_2024 = SchedulePlan(
    "a24",
    "npq-leadership-autumn",
    2024,
    "npq-leadership",
    {t: date(2024, 10, 1) for t in ("started", "retained-1", "retained-2", "completed")},
)
SPRING_2024 = SchedulePlan(
    "s24",
    "npq-leadership-spring",
    2024,
    "npq-leadership",
    {t: date(2025, 1, 1) for t in ("started", "retained-1", "retained-2", "completed")},
)
AUTUMN_2023 = SchedulePlan(
    "a23",
    "npq-leadership-autumn",
    2023,
    "npq-leadership",
    {t: date(2023, 10, 1) for t in ("started", "retained-1", "retained-2", "completed")},
)
SPECIALIST_2024 = SchedulePlan(
    "sp24",
    "npq-specialist-autumn",
    2024,
    "npq-specialist",
    {t: date(2024, 10, 1) for t in ("started", "retained-1", "completed")},
)


def _change(**overrides) -> ScheduleChange:
    values = dict(
        schedule_identifier="npq-leadership-spring",
        course_identifier="npq-headship",
        training_status="active",
        current=AUTUMN_2024,
        target=SPRING_2024,
        target_cohort=2024,
        billable_declarations=[],
        capping_on=True,
        current_contract_data_ok=True,
        target_contract_exists=True,
        current_capped=True,
        target_capped=True,
    )
    values.update(overrides)
    return ScheduleChange(**values)


def _started(when: str, kind: str = "started") -> BillableDeclaration:
    return BillableDeclaration(kind, datetime.fromisoformat(when).replace(tzinfo=UTC))


def test_resolution_order():
    assert resolution_errors(
        person_known=False, course_identifier=None, holds_course_kind=False, enrolment_found=False
    ) == [
        ("participant_id", rules.PARTICIPANT_NOT_RECOGNISED),
        ("course_identifier", rules.COURSE_MISSING),
    ]
    assert resolution_errors(
        person_known=True, course_identifier="", holds_course_kind=False, enrolment_found=False
    ) == [
        ("course_identifier", rules.COURSE_NOT_RECOGNISED),
        ("course_identifier", rules.COURSE_MISSING),
    ]
    assert resolution_errors(
        person_known=True,
        course_identifier="npq-senco",
        holds_course_kind=True,
        enrolment_found=False,
    ) == [("participant_id", rules.PARTICIPANT_NOT_RECOGNISED)]
    assert (
        resolution_errors(
            person_known=True,
            course_identifier="npq-senco",
            holds_course_kind=True,
            enrolment_found=True,
        )
        == []
    )


def test_course_kind_and_rebranded_alternatives():
    assert rules.course_kind("npq-senco") == "npq"
    assert rules.course_kind("ecf-induction") == "ect"
    assert rules.course_kind("ecf-mentor") == "mentor"
    assert rules.course_kind("bogus") is None
    assert rules.same_course_identifiers("npq-additional-support-offer") == {
        "npq-additional-support-offer",
        "npq-early-headship-coaching-offer",
    }
    assert rules.same_course_identifiers("npq-headship") == {"npq-headship"}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (None, [("reason", rules.REASON_MISSING), ("reason", rules.REASON_INVALID)]),
        ("  ", [("reason", rules.REASON_MISSING), ("reason", rules.REASON_INVALID)]),
        ("holiday", [("reason", rules.REASON_INVALID)]),
        (7, [("reason", rules.REASON_INVALID)]),
        ("quality-of-programme-structure-not-suitable.", []),
        ("started-in-error", []),
    ],
)
def test_withdrawal_reasons(reason, expected):
    assert rules.reason_errors(reason, rules.WITHDRAWAL_REASONS) == expected


def test_withdraw_defer_resume_rules():
    assert rules.withdraw_errors("active", True) == []
    assert rules.withdraw_errors("deferred", True) == []
    assert rules.withdraw_errors("withdrawn", False) == [
        ("participant_profile", rules.ALREADY_WITHDRAWN),
        ("participant_profile", rules.NO_STARTED_DECLARATION),
    ]
    assert rules.defer_errors("active", True) == []
    assert rules.defer_errors("deferred", True) == [("participant_profile", rules.ALREADY_DEFERRED)]
    assert rules.defer_errors("withdrawn", False) == [
        ("participant_profile", rules.ALREADY_WITHDRAWN),
        ("participant_profile", rules.NO_DECLARATIONS_TO_DEFER),
    ]
    assert rules.resume_errors("active") == [("participant_profile", rules.ALREADY_ACTIVE)]
    assert rules.resume_errors("deferred") == []
    assert rules.resume_errors("withdrawn") == []


def test_change_schedule_accepts_a_harmless_move():
    assert change_schedule_errors(_change()) == []


def test_s1_missing_schedule_and_s2_contract_problem_alone():
    assert change_schedule_errors(_change(schedule_identifier=None, target=None)) == [
        ("schedule_identifier", rules.SCHEDULE_MISSING)
    ]
    assert change_schedule_errors(
        _change(current_contract_data_ok=False, training_status="withdrawn")
    ) == [(rules.CONTRACT_DATA_TITLE, rules.CONTRACT_DATA_DETAIL)]
    assert change_schedule_errors(_change(current_contract_data_ok=False, capping_on=False)) == []


def test_s3_s4_and_s5_to_s9():
    assert change_schedule_errors(_change(target_contract_exists=False)) == [
        ("cohort", rules.NO_CONTRACT_FOR_COHORT)
    ]
    assert change_schedule_errors(_change(training_status="withdrawn")) == [
        ("participant_id", rules.WITHDRAWN_PARTICIPANT)
    ]
    started = [_started("2024-10-15T09:00:00")]
    assert change_schedule_errors(_change(billable_declarations=started)) == [
        ("schedule_identifier", rules.INVALIDATES_DECLARATIONS)
    ]
    assert change_schedule_errors(_change(target=AUTUMN_2024)) == [
        ("schedule_identifier", rules.SCHEDULE_ALREADY_ON_PROFILE)
    ]
    assert change_schedule_errors(_change(target=SPECIALIST_2024)) == [
        ("schedule_identifier", rules.SCHEDULE_NOT_VALID_FOR_COURSE)
    ]
    assert change_schedule_errors(
        _change(
            target=AUTUMN_2023,
            target_cohort=2023,
            billable_declarations=started,
            target_capped=False,
        )
    ) == [("cohort", rules.COHORT_CANNOT_CHANGE)]


def test_s5_boundary_is_the_milestone_midnight_and_missing_types_invalidate():
    at_midnight = [_started("2025-01-01T00:00:00")]
    after = [_started("2025-01-01T00:00:01")]
    assert change_schedule_errors(_change(billable_declarations=at_midnight)) == [
        ("schedule_identifier", rules.INVALIDATES_DECLARATIONS)
    ]
    assert change_schedule_errors(_change(billable_declarations=after)) == []
    retained_2 = [_started("2024-12-01T00:00:00", "retained-2")]
    errors = change_schedule_errors(
        _change(
            target=SPECIALIST_2024,
            course_identifier="npq-leading-teaching",
            billable_declarations=retained_2,
            current=AUTUMN_2024,
        )
    )
    assert ("schedule_identifier", rules.INVALIDATES_DECLARATIONS) in errors


def test_s9_capped_to_uncapped_needs_both_contracts():
    move = dict(target=AUTUMN_2023, target_cohort=2023)
    assert change_schedule_errors(_change(**move, target_capped=False)) == [
        ("cohort", rules.COHORT_CANNOT_CHANGE)
    ]
    assert change_schedule_errors(_change(**move, target_capped=None)) == []
    assert change_schedule_errors(_change(**move, target_capped=False, capping_on=False)) == []
    assert change_schedule_errors(_change(**move, current_capped=False, target_capped=True)) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("2024", 2024),
        (2023, 2023),
        ("twenty", "invalid"),
        (True, "invalid"),
    ],
)
def test_requested_cohort(value, expected):
    assert rules.requested_cohort(value) == expected
