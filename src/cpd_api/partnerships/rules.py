"""Partnership rules: what makes a partnership confirmation or update acceptable, and the
derived values the API shows. Pure: the service gathers the facts, these functions decide."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

COHORT = "cohort"
SCHOOL_ID = "school_id"
DELIVERY_PARTNER_ID = "delivery_partner_id"

BLANK_COHORT = "Enter a '#/cohort'."
BLANK_SCHOOL = "Enter a '#/school_id'."
BLANK_DELIVERY_PARTNER = "Enter a '#/delivery_partner_id'."
UNKNOWN_COHORT = "The '#/cohort' you have entered is invalid. Check cohort details and try again."
UNKNOWN_SCHOOL = (
    "The '#/school_id' you have entered is invalid. Check school details and try again. "
    "Contact the DfE for support if you are unable to find the '#/school_id'."
)
SCHOOL_CIP_ONLY = (
    "The school you have entered has not registered to deliver DfE-funded training. "
    "Contact the school for more information."
)
SCHOOL_INELIGIBLE = (
    "The school you have entered is currently ineligible for DfE funding. "
    "Contact the school for more information."
)
ALREADY_PARTNERED = (
    "You are already in a confirmed partnership with this school for the entered cohort."
)
OTHER_PROVIDER_PARTNERED = (
    "Another provider is in a confirmed partnership with the school for the cohort you entered. "
    "Contact the school for more information."
)
SCHOOL_NOT_CONFIRMED = (
    "The school you have entered has not yet confirmed they will deliver DfE-funded training. "
    "Contact the school for more information."
)
UNKNOWN_DELIVERY_PARTNER = (
    "The '#/delivery_partner_id' you have entered is invalid. "
    "Check delivery partner details and try again."
)
DELIVERY_PARTNER_NOT_RELATED = (
    "The entered delivery partner is not recognised to be working in partnership with you for "
    "the given cohort. Contact the DfE for more information."
)
PARTNERSHIP_CHALLENGED = (
    "Your update cannot be made as this partnership has been challenged by the school. "
    "If this partnership has been challenged in error, submit a new partnership confirmation "
    "using the endpoint POST /api/v3/partnerships/ecf."
)
DUPLICATE_RELATIONSHIP = (
    "We are unable to process this request. You are already confirmed to be in partnership "
    "with the entered delivery partner. Contact the DfE for support."
)

CHALLENGE_REASONS = ("another_provider", "not_confirmed", "do_not_recognise", "no_ects", "mistake")
INVALID_CHALLENGE_REASON = "The property '#/challenge_reason' must be a valid reason"
ALREADY_CHALLENGED = "The partnership has already been challenged"

# Schools get at least this long to challenge a partnership reported for them.
MINIMUM_CHALLENGE_WINDOW = timedelta(days=14)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """Attribute values as sent: clients send the cohort as "2024" or 2024."""
    return value.strip() if isinstance(value, str) else str(value)


@dataclass(frozen=True, slots=True)
class SchoolFacts:
    funding_eligible: bool
    cip_only: bool


@dataclass(frozen=True, slots=True)
class CreateFacts:
    cohort_given: bool
    cohort_exists: bool
    school_given: bool
    school: SchoolFacts | None
    own_active_partnership: bool
    other_provider_active_partnership: bool
    partnered_last_cohort_without_school_cohort: bool
    delivery_partner_given: bool
    delivery_partner_exists: bool
    delivery_partner_related: bool


def create_errors(facts: CreateFacts) -> list[tuple[str, str]]:
    """Every failing rule of a partnership confirmation, in evaluation order."""
    errors: list[tuple[str, str]] = []
    if not facts.cohort_given:
        errors.append((COHORT, BLANK_COHORT))
    if not facts.school_given:
        errors.append((SCHOOL_ID, BLANK_SCHOOL))
    if not facts.delivery_partner_given:
        errors.append((DELIVERY_PARTNER_ID, BLANK_DELIVERY_PARTNER))
    if facts.cohort_given and not facts.cohort_exists:
        errors.append((COHORT, UNKNOWN_COHORT))
    school_error = _school_error(facts)
    if school_error is not None:
        errors.append((SCHOOL_ID, school_error))
    if facts.delivery_partner_given:
        if not facts.delivery_partner_exists:
            errors.append((DELIVERY_PARTNER_ID, UNKNOWN_DELIVERY_PARTNER))
        elif not facts.delivery_partner_related:
            errors.append((DELIVERY_PARTNER_ID, DELIVERY_PARTNER_NOT_RELATED))
    return errors


def _school_error(facts: CreateFacts) -> str | None:
    """The first failing school rule; the partnership rules need a valid cohort to mean
    anything, so they are skipped when the cohort is blank or unknown."""
    if not facts.school_given:
        return None
    if facts.school is None:
        return UNKNOWN_SCHOOL
    if facts.school.cip_only:
        return SCHOOL_CIP_ONLY
    if not facts.school.funding_eligible:
        return SCHOOL_INELIGIBLE
    if not (facts.cohort_given and facts.cohort_exists):
        return None
    if facts.own_active_partnership:
        return ALREADY_PARTNERED
    if facts.other_provider_active_partnership:
        return OTHER_PROVIDER_PARTNERED
    if facts.partnered_last_cohort_without_school_cohort:
        return SCHOOL_NOT_CONFIRMED
    return None


@dataclass(frozen=True, slots=True)
class UpdateFacts:
    delivery_partner_given: bool
    delivery_partner_exists: bool
    delivery_partner_related: bool
    partnership_challenged: bool
    duplicate_relationship: bool


def update_errors(facts: UpdateFacts) -> list[tuple[str, str]]:
    if not facts.delivery_partner_given:
        return [(DELIVERY_PARTNER_ID, BLANK_DELIVERY_PARTNER)]
    if not facts.delivery_partner_exists:
        return [(DELIVERY_PARTNER_ID, UNKNOWN_DELIVERY_PARTNER)]
    if not facts.delivery_partner_related:
        return [(DELIVERY_PARTNER_ID, DELIVERY_PARTNER_NOT_RELATED)]
    if facts.partnership_challenged:
        return [(DELIVERY_PARTNER_ID, PARTNERSHIP_CHALLENGED)]
    if facts.duplicate_relationship:
        return [(DELIVERY_PARTNER_ID, DUPLICATE_RELATIONSHIP)]
    return []


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def challenge_deadline(academic_year_start: date, today: date) -> date:
    """Two months into the academic year, but never less than two weeks from today."""
    in_year = _add_months(academic_year_start, 2) - timedelta(days=1)
    return max(in_year, today + MINIMUM_CHALLENGE_WINDOW)


def is_challenged(challenge_reason: str | None, challenged_at: object | None) -> bool:
    return challenge_reason is not None or challenged_at is not None


def status(challenge_reason: str | None) -> str:
    return "challenged" if challenge_reason is not None else "active"


def challenge_errors(reason: Any) -> list[tuple[str, str]]:
    if is_blank(reason) or as_text(reason) not in CHALLENGE_REASONS:
        return [("challenge_reason", INVALID_CHALLENGE_REASON)]
    return []
