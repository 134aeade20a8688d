"""Partnership rules without a database: validation order and exclusivity, challenge
deadline, status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpd_api.partnerships import rules

GOOD = rules.CreateFacts(
    cohort_given=True,
    cohort_exists=True,
    school_given=True,
    school=rules.SchoolFacts(funding_eligible=True, cip_only=False),
    own_active_partnership=False,
    other_provider_active_partnership=False,
    partnered_last_cohort_without_school_cohort=False,
    delivery_partner_given=True,
    delivery_partner_exists=True,
    delivery_partner_related=True,
)


def test_valid_confirmation_has_no_errors():
    assert rules.create_errors(GOOD) == []


def test_blank_attributes_give_three_errors_in_order():
    facts = replace(
        GOOD,
        cohort_given=False,
        cohort_exists=False,
        school_given=False,
        school=None,
        delivery_partner_given=False,
        delivery_partner_exists=False,
        delivery_partner_related=False,
    )
    assert rules.create_errors(facts) == [
        ("cohort", "Enter a '#/cohort'."),
        ("school_id", "Enter a '#/school_id'."),
        ("delivery_partner_id", "Enter a '#/delivery_partner_id'."),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"school": None}, rules.UNKNOWN_SCHOOL),
        ({"school": rules.SchoolFacts(False, True)}, rules.SCHOOL_CIP_ONLY),
        ({"school": rules.SchoolFacts(False, False)}, rules.SCHOOL_INELIGIBLE),
        ({"own_active_partnership": True}, rules.ALREADY_PARTNERED),
        ({"other_provider_active_partnership": True}, rules.OTHER_PROVIDER_PARTNERED),
        ({"partnered_last_cohort_without_school_cohort": True}, rules.SCHOOL_NOT_CONFIRMED),
    ],
)
def test_each_school_rule(changes, message):
    assert rules.create_errors(replace(GOOD, **changes)) == [("school_id", message)]


def test_school_rules_are_exclusive_and_ordered():
    everything = replace(
        GOOD,
        school=rules.SchoolFacts(False, True),
        own_active_partnership=True,
        other_provider_active_partnership=True,
        partnered_last_cohort_without_school_cohort=True,
    )
    assert rules.create_errors(everything) == [("school_id", rules.SCHOOL_CIP_ONLY)]
    both = replace(GOOD, own_active_partnership=True, other_provider_active_partnership=True)
    assert rules.create_errors(both) == [("school_id", rules.ALREADY_PARTNERED)]


def test_partnership_rules_need_a_valid_cohort():
    facts = replace(
        GOOD, cohort_exists=False, own_active_partnership=True, delivery_partner_related=False
    )
    assert rules.create_errors(facts) == [
        ("cohort", rules.UNKNOWN_COHORT),
        ("delivery_partner_id", rules.DELIVERY_PARTNER_NOT_RELATED),
    ]


def test_delivery_partner_rules():
    unknown = replace(GOOD, delivery_partner_exists=False, delivery_partner_related=False)
    assert rules.create_errors(unknown) == [("delivery_partner_id", rules.UNKNOWN_DELIVERY_PARTNER)]
    unrelated = replace(GOOD, delivery_partner_related=False)
    assert rules.create_errors(unrelated) == [
        ("delivery_partner_id", rules.DELIVERY_PARTNER_NOT_RELATED)
    ]


UPDATE_OK = rules.UpdateFacts(True, True, True, False, False)


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (rules.UpdateFacts(False, False, False, True, True), rules.BLANK_DELIVERY_PARTNER),
        (rules.UpdateFacts(True, False, False, True, True), rules.UNKNOWN_DELIVERY_PARTNER),
        (rules.UpdateFacts(True, True, False, True, True), rules.DELIVERY_PARTNER_NOT_RELATED),
        (rules.UpdateFacts(True, True, True, True, True), rules.PARTNERSHIP_CHALLENGED),
        (rules.UpdateFacts(True, True, True, False, True), rules.DUPLICATE_RELATIONSHIP),
    ],
)
def test_update_rules_first_failure_only(facts, message):
    assert rules.update_errors(facts) == [("delivery_partner_id", message)]
    assert rules.update_errors(UPDATE_OK) == []


def test_challenge_deadline_is_two_months_into_the_year_or_two_weeks_away():
    assert rules.challenge_deadline(date(2024, 9, 1), date(2024, 6, 1)) == date(2024, 10, 31)
    assert rules.challenge_deadline(date(2024, 9, 1), date(2024, 10, 25)) == date(2024, 11, 8)
    assert rules.challenge_deadline(date(2024, 12, 31), date(2024, 1, 1)) == date(2025, 2, 27)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_challenge_deadline_never_less_than_two_weeks(start, today):
    deadline = rules.challenge_deadline(start, today)
    assert deadline >= today + rules.MINIMUM_CHALLENGE_WINDOW
    assert deadline >= start


def test_status_blank_and_challenge_reasons():
    assert rules.status(None) == "active"
    assert rules.status("mistake") == "challenged"
    assert rules.is_challenged(None, None) is False
    assert rules.is_challenged(None, date(2024, 1, 1)) is True
    assert rules.is_blank(None) and rules.is_blank("  ") and not rules.is_blank(0)
    assert rules.as_text(2024) == "2024"
    assert rules.challenge_errors("mistake") == []
    assert rules.challenge_errors("bored") == [("challenge_reason", rules.INVALID_CHALLENGE_REASON)]
    assert rules.challenge_errors(None) != []
