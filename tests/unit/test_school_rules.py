"""School eligibility (ecf.md 6.2) and the v3 programme-choice vocabulary."""

from __future__ import annotations

import pytest

from cpd_api.schools import rules

INELIGIBLE_TYPES = ["10", "11", "24", "25", "26", "27", "29", "30", "37", "49", "56"]


@pytest.mark.parametrize("type_code", ["1", "2", "3", "5", "7", "28", "34", "35", "01"])
def test_open_english_schools_of_eligible_types_are_eligible(type_code):
    assert rules.is_funding_eligible(type_code, "1", in_england=True, section_41_approved=False)
    assert rules.is_funding_eligible(type_code, "3", in_england=True, section_41_approved=False)


@pytest.mark.parametrize("type_code", INELIGIBLE_TYPES)
def test_ineligible_types_unless_section_41(type_code):
    assert not rules.is_funding_eligible(type_code, "1", in_england=True, section_41_approved=False)
    assert rules.is_funding_eligible(type_code, "1", in_england=True, section_41_approved=True)


@pytest.mark.parametrize("status", ["2", "4"])
def test_closed_or_proposed_schools_are_ineligible(status):
    assert not rules.is_funding_eligible("1", status, in_england=True, section_41_approved=True)
    assert not rules.is_cip_only("11", status, in_england=True, section_41_approved=False)


def test_schools_outside_england_are_ineligible():
    assert not rules.is_funding_eligible("1", "1", in_england=False, section_41_approved=True)


def test_unknown_status_counts_as_open():
    assert rules.is_open(None)
    assert rules.is_funding_eligible(None, None, in_england=True, section_41_approved=False)


@pytest.mark.parametrize(
    ("type_code", "in_england", "expected"),
    [
        ("10", True, True),
        ("11", True, True),
        ("30", False, True),
        ("37", False, True),
        ("24", True, False),
        ("1", True, False),
    ],
)
def test_cip_only(type_code, in_england, expected):
    assert (
        rules.is_cip_only(type_code, "1", in_england=in_england, section_41_approved=False)
        is expected
    )


def test_section_41_independent_school_is_eligible_not_cip_only():
    assert not rules.is_cip_only("11", "1", in_england=True, section_41_approved=True)


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("full_induction_programme", "provider_led"),
        ("school_funded_fip", "provider_led"),
        ("core_induction_programme", "school_led"),
        ("design_our_own", "school_led"),
        ("no_early_career_teachers", "no_early_career_teachers"),
        ("not_yet_known", "not_yet_known"),
        (None, "not_yet_known"),
    ],
)
def test_programme_choice_on_the_wire(choice, wire):
    assert rules.wire_programme_choice(choice) == wire


def test_listed_by_eligibility():
    assert rules.is_listed_by_eligibility(True, False)
    assert not rules.is_listed_by_eligibility(True, True)
    assert not rules.is_listed_by_eligibility(False, False)
