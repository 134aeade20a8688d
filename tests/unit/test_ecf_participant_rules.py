"""Pure rules of ECF participants: derived attributes and the order and content of the
action validations (ecf.md 2.1, 2.6, 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpd_api.participants.ecf import rules

NOW = datetime(2025, 3, 15, 9, tzinfo=UTC)
FOUND = rules.Resolved(participant_found=True, profile_found=True, has_relevant_record=True)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("induction_status", "expected"),
    [
        ("active", "active"),
        ("completed", "active"),
        ("leaving", "active"),
        ("withdrawn", "withdrawn"),
        ("changed", "withdrawn"),
    ],
)
def test_v1_status_is_the_schools_view(induction_status, expected):
    assert rules.record_status(induction_status) == expected


def test_participant_status_transfer_dates_win_over_induction_status():
    start = at("2024-09-01T00:00:00Z")
    assert rules.participant_status("leaving", start, at("2025-04-01T00:00:00Z"), NOW) == "leaving"
    assert rules.participant_status("active", start, at("2025-03-01T00:00:00Z"), NOW) == "left"
    assert rules.participant_status("active", start, NOW, NOW) == "left"
    assert rules.participant_status("withdrawn", at("2025-04-02T00:00:00Z"), None, NOW) == (
        "joining"
    )
    assert rules.participant_status("active", NOW, None, NOW) == "active"
    assert rules.participant_status("completed", start, None, NOW) == "active"
    assert rules.participant_status("withdrawn", start, None, NOW) == "withdrawn"
    assert rules.participant_status("changed", start, None, NOW) == "withdrawn"
    assert rules.participant_status("leaving", start, None, NOW) is None


def test_funding_and_trn_flags():
    assert rules.eligible_for_funding("eligible") is True
    assert rules.eligible_for_funding("ineligible") is False
    assert rules.eligible_for_funding("manual_check") is None
    assert rules.eligible_for_funding(None) is None
    assert rules.trn_validated(None, True) is None
    assert rules.trn_validated("", True) is None
    assert rules.trn_validated("1234567", True) is True
    assert rules.trn_validated("1234567", False) is False


def test_legacy_withdrawal_reason_is_shown_with_its_new_name():
    assert rules.shown_withdrawal_reason("school-left-fip") == "switched-to-school-led"
    assert rules.shown_withdrawal_reason("moved-school") == "moved-school"
    assert rules.shown_withdrawal_reason(None) is None


def test_induction_record_order_open_first_then_latest_start_then_latest_made():
    created = at("2024-01-01T00:00:00Z")
    open_old = (None, at("2024-09-01T00:00:00Z"), created, "b")
    closed_new = (at("2025-02-01T00:00:00Z"), at("2025-01-01T00:00:00Z"), created, "c")
    open_new = (None, at("2024-10-01T00:00:00Z"), created, "a")
    open_new_later_made = (None, at("2024-10-01T00:00:00Z"), at("2024-02-01T00:00:00Z"), "d")
    ranked = sorted(
        [open_old, closed_new, open_new, open_new_later_made],
        key=lambda r: rules.induction_record_recency(*r, end_date_tiebreak=False),
        reverse=True,
    )
    assert ranked == [open_new_later_made, open_new, open_old, closed_new]


def test_relevant_variant_breaks_start_ties_by_latest_end():
    created = at("2024-01-01T00:00:00Z")
    start = at("2024-09-01T00:00:00Z")
    early_end = (at("2024-10-01T00:00:00Z"), start, created, "a")
    late_end = (at("2024-12-01T00:00:00Z"), start, created, "a")
    key = lambda r: rules.induction_record_recency(*r, end_date_tiebreak=True)  # noqa: E731
    assert max([early_end, late_end], key=key) == late_end
    plain = lambda r: rules.induction_record_recency(*r, end_date_tiebreak=False)  # noqa: E731
    assert plain(early_end) == plain(late_end)


# ---------------------------------------------------------------------------------------------
# validations
# ---------------------------------------------------------------------------------------------


def test_common_errors_order_and_joining():
    unknown = rules.Resolved(False, False, False)
    wrong_course = rules.Resolved(True, False, False)
    not_theirs = rules.Resolved(True, True, False)
    assert rules.common_errors("ecf-induction", unknown) == [
        ("participant_id", rules.UNKNOWN_PARTICIPANT)
    ]
    assert rules.common_errors("", wrong_course) == [
        ("course_identifier", rules.COURSE_NOT_RECOGNISED),
        ("course_identifier", rules.COURSE_BLANK),
    ]
    assert rules.common_errors("ecf-induction", not_theirs) == [
        ("participant_id", rules.UNKNOWN_PARTICIPANT)
    ]
    assert rules.common_errors("ecf-induction", FOUND) == []


@pytest.mark.parametrize("reason", rules.WITHDRAWAL_REASONS)
def test_every_withdrawal_reason_is_valid(reason):
    assert rules.withdraw_errors("ecf-mentor", reason, FOUND, "active") == []


@pytest.mark.parametrize("reason", ["school-left-fip", "started-in-error", "bereavement"])
def test_retired_and_foreign_withdrawal_reasons_are_refused(reason):
    assert rules.withdraw_errors("ecf-induction", reason, FOUND, "active") == [
        ("reason", rules.REASON_VALID)
    ]


def test_blank_reason_gives_both_messages_and_withdraw_skips_it_without_profile():
    assert rules.withdraw_errors("ecf-induction", "  ", FOUND, "active") == [
        ("reason", rules.REASON_PRESENT),
        ("reason", rules.REASON_VALID),
    ]
    unknown = rules.Resolved(False, False, False)
    assert rules.withdraw_errors("ecf-induction", None, unknown, None) == [
        ("participant_id", rules.UNKNOWN_PARTICIPANT)
    ]
    assert rules.defer_errors("ecf-induction", None, unknown, None) == [
        ("participant_id", rules.UNKNOWN_PARTICIPANT),
        ("reason", rules.REASON_PRESENT),
        ("reason", rules.REASON_VALID),
    ]


def test_already_in_state():
    assert rules.withdraw_errors("ecf-induction", "other", FOUND, "withdrawn") == [
        ("participant_profile", "The participant is already withdrawn")
    ]
    assert rules.withdraw_errors("ecf-induction", "other", FOUND, "deferred") == []
    assert rules.defer_errors("ecf-induction", "other", FOUND, "deferred") == [
        ("participant_profile", "The participant is already deferred")
    ]
    assert rules.defer_errors("ecf-induction", "other", FOUND, "withdrawn") == [
        ("participant_profile", "The participant is already withdrawn")
    ]
    assert rules.resume_errors("ecf-induction", FOUND, "active") == [
        ("participant_profile", "The participant is already active")
    ]
    assert rules.resume_errors("ecf-induction", FOUND, "withdrawn") == []
    assert rules.resume_errors("ecf-induction", FOUND, "deferred") == []


# ---------------------------------------------------------------------------------------------
# change schedule
# ---------------------------------------------------------------------------------------------


def test_window_boundaries_are_stricter_than_submission():
    window = rules.Window(date(2025, 1, 1), date(2025, 3, 31))
    assert rules.invalidated_by_window(window, at("2025-01-01T00:00:00Z")) is True
    assert rules.invalidated_by_window(window, at("2025-01-01T00:00:01Z")) is False
    assert rules.invalidated_by_window(window, at("2025-03-31T23:59:59Z")) is False
    assert rules.invalidated_by_window(window, at("2025-04-01T00:00:00Z")) is True
    open_ended = rules.Window(date(2024, 9, 1), None)
    assert rules.invalidated_by_window(open_ended, at("2030-01-01T00:00:00Z")) is False
    assert rules.invalidated_by_window(None, at("2025-01-02T00:00:00Z")) is True


@given(st.datetimes(timezones=st.just(UTC)))
def test_open_ended_windows_only_reject_before_the_start(moment):
    window = rules.Window(date(2024, 9, 1), None)
    expected = moment <= datetime(2024, 9, 1, tzinfo=UTC)
    assert rules.invalidated_by_window(window, moment) is expected


def _change(**overrides):
    values = dict(
        schedule_identifier="ecf-standard-january",
        course_identifier="ecf-induction",
        resolved=FOUND,
        relevant_training_status="active",
        new_schedule_found=True,
        new_schedule_is_replacement=False,
        new_schedule_is_current=False,
        target_cohort=2024,
        current_cohort=2024,
        frozen_cohort_move=False,
        frozen_cohorts=frozenset({2021, 2022}),
        cohort_changed_after_payments_frozen=False,
        declarations=(),
        has_partnership_for_target=True,
    )
    values.update(overrides)
    return rules.ScheduleChange(**values)


def _started(day: str, state="eligible", cohort=2024):
    return rules.ExistingDeclaration("started", at(day), state, cohort)


def test_change_schedule_happy_path():
    assert rules.change_schedule_errors(_change()) == []


def test_change_schedule_blank_unknown_and_withdrawn():
    assert rules.change_schedule_errors(_change(schedule_identifier="")) == [
        ("schedule_identifier", rules.SCHEDULE_BLANK)
    ]
    assert rules.change_schedule_errors(
        _change(new_schedule_found=False, relevant_training_status="withdrawn")
    ) == [
        ("schedule_identifier", rules.SCHEDULE_BLANK),
        ("participant_id", rules.WITHDRAWN_PARTICIPANT),
    ]


def test_change_schedule_invalidating_declarations_and_voided_ones():
    january = rules.Window(date(2025, 1, 1), date(2025, 3, 31))
    inside = (_started("2025-01-10T10:00:00Z"), january)
    outside = (_started("2024-10-01T10:00:00Z"), january)
    voided_outside = (_started("2024-10-01T10:00:00Z", state="voided"), january)
    assert rules.change_schedule_errors(_change(declarations=(inside, voided_outside))) == []
    assert rules.change_schedule_errors(_change(declarations=(inside, outside))) == [
        ("schedule_identifier", rules.INVALIDATES_DECLARATIONS)
    ]
    # frozen moves skip the check; frozen-cohort declarations of moved profiles are ignored
    assert (
        rules.change_schedule_errors(_change(declarations=(outside,), frozen_cohort_move=True))
        == []
    )
    frozen_outside = (_started("2021-10-01T10:00:00Z", cohort=2021), january)
    assert (
        rules.change_schedule_errors(
            _change(declarations=(frozen_outside,), cohort_changed_after_payments_frozen=True)
        )
        == []
    )


def test_change_schedule_remaining_rules_in_order():
    started = (_started("2025-01-10T10:00:00Z"), rules.Window(date(2024, 9, 1), None))
    errors = rules.change_schedule_errors(
        _change(
            new_schedule_is_current=True,
            new_schedule_is_replacement=True,
            target_cohort=2025,
            declarations=(started,),
            has_partnership_for_target=False,
        )
    )
    assert errors == [
        ("schedule_identifier", rules.SCHEDULE_ALREADY_ON_PROFILE),
        ("schedule_identifier", rules.SCHEDULE_NOT_FOR_COURSE),
        ("cohort", rules.COHORT_LOCKED),
        ("cohort", rules.NO_PARTNERSHIP_FOR_COHORT),
    ]
    mentor = rules.change_schedule_errors(
        _change(course_identifier="ecf-mentor", new_schedule_is_replacement=True)
    )
    assert mentor == []


def test_frozen_cohort_moves():
    billable_2021 = [_started("2021-10-01T10:00:00Z", state="paid", cohort=2021)]
    common = dict(
        profile_type="ect",
        target_cohort=2024,
        current_cohort=2021,
        profile_schedule_cohort_frozen=True,
        target_cohort_frozen=False,
        cohort_changed_after_payments_frozen=False,
    )
    assert rules.is_frozen_cohort_move(**common, declarations=billable_2021) is True
    assert (
        rules.is_frozen_cohort_move(
            **{**common, "profile_type": "mentor"}, declarations=billable_2021
        )
        is False
    )
    finished = [
        *billable_2021,
        rules.ExistingDeclaration("completed", at("2023-04-01T10:00:00Z"), "paid", 2021),
    ]
    assert rules.is_frozen_cohort_move(**common, declarations=finished) is False
    assert rules.is_frozen_cohort_move(**common, declarations=[]) is False
    back = dict(
        profile_type="ect",
        target_cohort=2021,
        current_cohort=2024,
        profile_schedule_cohort_frozen=False,
        target_cohort_frozen=True,
        cohort_changed_after_payments_frozen=True,
    )
    assert rules.is_frozen_cohort_move(**back, declarations=billable_2021) is True
    in_2024 = [*billable_2021, _started("2024-10-01T10:00:00Z", state="submitted", cohort=2024)]
    assert rules.is_frozen_cohort_move(**back, declarations=in_2024) is False


def test_request_values_as_text():
    assert rules.as_text(2024) == "2024"
    assert rules.as_text(" 2024 ") == "2024"
    assert rules.as_text(None) is None
    assert rules.blank(None) and rules.blank("  ") and not rules.blank("x")
