"""Pure rules of recording an NPQ outcome (npq.md 5.4)."""

from __future__ import annotations

from datetime import date

import pytest

from cpd_api.outcomes import rules
from cpd_api.outcomes.rules import OutcomeRequest, outcome_errors, parse_completion_date
from cpd_api.participants.npq.rules import COURSE_MISSING, COURSE_NOT_RECOGNISED


def _request(**overrides) -> OutcomeRequest:
    values = dict(
        date_errors=[],
        person_known=True,
        holds_course_kind=True,
        course_identifier="npq-headship",
        state="passed",
        has_completed_declaration=True,
    )
    values.update(overrides)
    return OutcomeRequest(**values)


@pytest.mark.parametrize(
    ("value", "parsed", "messages"),
    [
        ("2024-05-31", date(2024, 5, 31), []),
        (" 2024-05-31 ", date(2024, 5, 31), []),
        ("2024/05/31", None, [rules.DATE_FORMAT]),
        ("31/05/2024", None, [rules.DATE_FORMAT]),
        ("2024-05-31T10:00:00Z", None, [rules.DATE_FORMAT]),
        ("2024-02-30", None, [rules.DATE_MISSING, rules.DATE_FORMAT]),
        ("soon", None, [rules.DATE_MISSING, rules.DATE_FORMAT]),
        (None, None, [rules.DATE_MISSING, rules.DATE_FORMAT]),
        (20240531, None, [rules.DATE_MISSING, rules.DATE_FORMAT]),
    ],
)
def test_completion_date_parsing(value, parsed, messages):
    assert parse_completion_date(value) == (parsed, messages)


def test_a_valid_request_has_no_errors():
    assert outcome_errors(_request()) == []


def test_course_checks():
    assert outcome_errors(_request(person_known=False)) == [
        ("course_identifier", COURSE_NOT_RECOGNISED)
    ]
    assert outcome_errors(_request(course_identifier=None)) == [
        ("course_identifier", COURSE_NOT_RECOGNISED),
        ("course_identifier", COURSE_MISSING),
    ]
    assert outcome_errors(_request(course_identifier=None, date_errors=[rules.DATE_FORMAT])) == [
        ("completion_date", rules.DATE_FORMAT),
        ("course_identifier", COURSE_MISSING),
    ]
    for support in ("npq-early-headship-coaching-offer", "npq-additional-support-offer"):
        assert outcome_errors(_request(course_identifier=support)) == [
            ("course_identifier", COURSE_NOT_RECOGNISED)
        ]
    # The person check is skipped once the date failed (O3 "only if no earlier error").
    assert outcome_errors(
        _request(
            person_known=False, date_errors=[rules.DATE_FORMAT], has_completed_declaration=False
        )
    ) == [("completion_date", rules.DATE_FORMAT), ("base", rules.NO_COMPLETED_DECLARATION)]


def test_state_checks():
    assert outcome_errors(_request(state=None)) == [
        ("state", rules.STATE_MISSING),
        ("state", rules.STATE_INVALID),
    ]
    assert outcome_errors(_request(state="voided")) == [("state", rules.STATE_INVALID)]


def test_declaration_is_only_judged_for_a_course_that_passed():
    assert outcome_errors(_request(has_completed_declaration=False)) == [
        ("base", rules.NO_COMPLETED_DECLARATION)
    ]
    assert outcome_errors(
        _request(has_completed_declaration=False, course_identifier="npq-additional-support-offer")
    ) == [("course_identifier", COURSE_NOT_RECOGNISED)]


def test_future_completion_dates():
    assert rules.completion_date_in_future(date(2025, 2, 11), date(2025, 2, 10))
    assert not rules.completion_date_in_future(date(2025, 2, 10), date(2025, 2, 10))
