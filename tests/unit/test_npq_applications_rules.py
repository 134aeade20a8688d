"""Pure rules of NPQ applications (npq.md 1.4, 1.7, 2.6 to 2.8)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpd_api.core.errors import BadJson
from cpd_api.npq_applications import rules
from cpd_api.npq_applications.rules import (
    Acceptance,
    FundedApplication,
    FundedPlaceChange,
    accept_errors,
    change_funded_place_errors,
    reject_errors,
)

PERSON = uuid.uuid4()
ME = uuid.uuid4()


def _acceptance(**overrides) -> Acceptance:
    values = dict(
        status="pending",
        capping_on=True,
        contract_data_ok=True,
        capped=True,
        funded_place=True,
        raw_eligible=True,
        other_accepted_for_course=False,
        schedule_requested=False,
        requested_schedule_valid=False,
    )
    values.update(overrides)
    return Acceptance(**values)


def test_previously_funded_counts_other_funded_applications_of_the_same_course():
    funded = [FundedApplication(uuid.uuid4(), PERSON, "npq-headship")]
    assert rules.previously_funded(ME, PERSON, "npq-headship", funded)
    assert not rules.previously_funded(ME, PERSON, "npq-senco", funded)
    assert not rules.previously_funded(ME, uuid.uuid4(), "npq-headship", funded)
    assert not rules.previously_funded(funded[0].id, PERSON, "npq-headship", funded)


def test_aso_and_ehco_are_one_course_for_previous_funding():
    funded = [FundedApplication(uuid.uuid4(), PERSON, "npq-additional-support-offer")]
    assert rules.previously_funded(ME, PERSON, "npq-early-headship-coaching-offer", funded)


@pytest.mark.parametrize(
    ("status", "raw", "funded_place", "counts"),
    [
        ("accepted", True, None, True),
        ("accepted", True, True, True),
        ("accepted", True, False, False),
        ("accepted", False, True, False),
        ("pending", True, True, False),
        ("rejected", True, None, False),
    ],
)
def test_what_counts_as_funded(status, raw, funded_place, counts):
    assert rules.counts_as_funded(status, raw, funded_place) is counts


def test_funding_eligibility_and_reason():
    assert rules.eligible_for_funding(True, False) is True
    assert rules.eligible_for_funding(True, True) is False
    assert rules.ineligible_for_funding_reason(True, True) == "previously-funded"
    assert rules.ineligible_for_funding_reason(False, True) == "previously-funded"
    assert rules.ineligible_for_funding_reason(False, False) == "establishment-ineligible"
    assert rules.ineligible_for_funding_reason(True, False) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("england", True),
        ("jersey_guernsey_isle_of_man", True),
        ("northern_ireland", True),
        ("another", False),
        (None, False),
        ("England", False),
    ],
)
def test_teacher_catchment(raw, expected):
    assert rules.teacher_catchment(raw) is expected


def test_permitted_attributes_of_an_optional_body():
    assert rules.permitted_attributes(None, ("funded_place",)) == {}
    assert rules.permitted_attributes({"other": 1}, ("funded_place",)) == {}
    assert rules.permitted_attributes({"data": {"type": "x"}}, ("funded_place",)) == {}
    assert rules.permitted_attributes(
        {"data": {"attributes": {"funded_place": False, "x": 1}}}, ("funded_place",)
    ) == {"funded_place": False}
    for attributes in ({}, {"schedule_identifier": "npq-leadership-autumn"}, "text"):
        with pytest.raises(BadJson):
            rules.permitted_attributes({"data": {"attributes": attributes}}, ("funded_place",))


@given(st.dictionaries(st.text(max_size=8), st.integers() | st.booleans() | st.none()))
def test_permitted_attributes_never_returns_unpermitted_keys(attributes):
    try:
        picked = rules.permitted_attributes({"data": {"attributes": attributes}}, ("funded_place",))
    except BadJson:
        assert "funded_place" not in attributes
    else:
        assert set(picked) == {"funded_place"}


def test_accept_contract_data_problem_is_reported_alone_and_first():
    errors = accept_errors(_acceptance(contract_data_ok=False, status="rejected"))
    assert errors == [("Unprocessable request", rules.CONTRACT_DATA_DETAIL)]
    assert accept_errors(_acceptance(capping_on=False, contract_data_ok=False, capped=False)) == []


def test_accept_errors_in_order_and_a5_even_after_a3_or_a4():
    errors = accept_errors(
        _acceptance(funded_place=None, status="rejected", other_accepted_for_course=True)
    )
    assert errors == [
        ("funded_place", rules.FUNDED_PLACE_REQUIRED),
        ("npq_application", rules.REJECTED_CANNOT_CHANGE),
        ("npq_application", rules.OTHER_APPLICATION_ACCEPTED),
    ]
    assert accept_errors(_acceptance(status="accepted")) == [
        ("npq_application", rules.ALREADY_ACCEPTED)
    ]


def test_schedule_and_eligibility_checks_only_run_without_earlier_errors():
    invalid_schedule = dict(schedule_requested=True, requested_schedule_valid=False)
    assert accept_errors(_acceptance(**invalid_schedule)) == [
        ("schedule_identifier", rules.SCHEDULE_NOT_VALID)
    ]
    assert accept_errors(_acceptance(status="accepted", **invalid_schedule)) == [
        ("npq_application", rules.ALREADY_ACCEPTED)
    ]
    assert accept_errors(_acceptance(raw_eligible=False)) == [
        ("npq_application", rules.NOT_ELIGIBLE_FOR_FUNDED_PLACE)
    ]
    assert accept_errors(_acceptance(raw_eligible=False, funded_place=False)) == []
    assert accept_errors(_acceptance(raw_eligible=False, capped=False)) == []
    assert accept_errors(_acceptance(capped=False, funded_place="nonsense")) == []


def test_reject_errors():
    assert reject_errors("pending") == []
    assert reject_errors("rejected") == [("npq_application", rules.ALREADY_REJECTED)]
    assert reject_errors("accepted") == [("npq_application", rules.ACCEPTED_CANNOT_CHANGE)]


def _change(**overrides) -> FundedPlaceChange:
    values = dict(
        funded_place=True,
        status="accepted",
        raw_eligible=True,
        has_billable_declarations=False,
        contract_exists=True,
        capped=True,
    )
    values.update(overrides)
    return FundedPlaceChange(**values)


def test_change_funded_place_rules():
    assert change_funded_place_errors(_change()) == []
    assert change_funded_place_errors(_change(funded_place=False)) == []
    assert change_funded_place_errors(
        _change(funded_place=None, has_billable_declarations=True)
    ) == [
        ("npq_application", rules.FUNDED_PLACE_MISSING),
        ("funded_place", rules.FUNDED_PLACE_REQUIRED),
        ("npq_application", rules.VOID_BEFORE_UNFUNDING),
    ]
    assert change_funded_place_errors(_change(funded_place="yes", raw_eligible=False)) == [
        ("funded_place", rules.FUNDED_PLACE_REQUIRED),
        ("npq_application", rules.NOT_ELIGIBLE_CONTACT_US),
    ]
    assert change_funded_place_errors(_change(status="pending")) == [
        ("npq_application", rules.ACCEPT_BEFORE_FUNDED_PLACE)
    ]
    # A true funded place is not blocked by declarations in the baseline.
    assert change_funded_place_errors(_change(has_billable_declarations=True)) == []


def test_change_funded_place_contract_checks_come_last():
    assert change_funded_place_errors(_change(contract_exists=False)) == [
        ("Unprocessable request", rules.CONTRACT_DATA_DETAIL)
    ]
    assert change_funded_place_errors(_change(capped=False)) == [
        ("npq_application", rules.FUNDED_PLACE_NOT_CAPPED)
    ]
    assert change_funded_place_errors(_change(status="pending", contract_exists=False)) == [
        ("npq_application", rules.ACCEPT_BEFORE_FUNDED_PLACE)
    ]


@pytest.mark.parametrize(
    ("value", "truthy"), [(True, True), (False, False), (None, False), ("no", True), (0, True)]
)
def test_truthy_is_anything_but_false_and_null(value, truthy):
    assert rules.truthy(value) is truthy
