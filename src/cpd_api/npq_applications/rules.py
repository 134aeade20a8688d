"""Pure rules of NPQ applications (npq.md 1.4, 1.7, 2.6 to 2.8): derived funding attributes,
and the validations of accept, reject and change-funded-place in the order the public
service reports them, with its exact titles and details.

The service gathers facts from the database; these functions only decide."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cpd_api.core.errors import BadJson
from cpd_api.participants.npq.funding import CONTRACT_DATA_DETAIL, CONTRACT_DATA_TITLE
from cpd_api.participants.npq.rules import same_course_identifiers

Error = tuple[str, str]

FUNDED_PLACE_REQUIRED = "Set '#/funded_place' to true or false."
ALREADY_ACCEPTED = "This NPQ application has already been accepted"
REJECTED_CANNOT_CHANGE = "Once rejected an application cannot change state"
ACCEPTED_CANNOT_CHANGE = "Once accepted an application cannot change state"
ALREADY_REJECTED = "This NPQ application has already been rejected"
OTHER_APPLICATION_ACCEPTED = (
    "The participant has already had an application accepted for this course."
)
SCHEDULE_NOT_VALID = "Selected schedule is not valid for the course"
NOT_ELIGIBLE_FOR_FUNDED_PLACE = (
    "The participant is not eligible for funding, so '#/funded_place' cannot be set to true."
)
SCHEDULE_UNDETERMINED = "Schedule cannot be determined"
FUNDED_PLACE_MISSING = (
    "The entered '#/funded_place' is missing from your request. Check details and try again."
)
ACCEPT_BEFORE_FUNDED_PLACE = (
    "You must accept the application before attempting to change the '#/funded_place' setting"
)
NOT_ELIGIBLE_CONTACT_US = (
    "This participant is not eligible for funding. Contact us if you think this is wrong"
)
VOID_BEFORE_UNFUNDING = (
    "You must void or claw back your declarations for this participant before being able to "
    "set '#/funded_place' to false"
)
FUNDED_PLACE_NOT_CAPPED = (
    "Leave the '#/funded_place' field blank. It's only needed for participants starting NPQs "
    "from autumn 2024 onwards"
)

CATCHMENT_AREAS = frozenset(
    {"england", "scotland", "wales", "northern_ireland", "jersey_guernsey_isle_of_man"}
)
ACCEPT_ATTRIBUTES = {"v1": ("funded_place",), "v2": ("funded_place",)}
ACCEPT_ATTRIBUTES_V3 = ("funded_place", "schedule_identifier")


# --------------------------------------------------------------------------------------------
# Derived attributes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundedApplication:
    """An accepted application that was funded: it makes later ones "previously funded"."""

    id: uuid.UUID
    participant_id: uuid.UUID
    course_identifier: str


def counts_as_funded(status: str, raw_eligible: bool, funded_place: bool | None) -> bool:
    return status == "accepted" and raw_eligible and funded_place is not False


def previously_funded(
    application_id: uuid.UUID,
    participant_id: uuid.UUID,
    course_identifier: str,
    funded: Iterable[FundedApplication],
) -> bool:
    """Another funded application of the same person for the same course (ASO and EHCO
    count as one), whatever its provider and cohort."""
    courses = same_course_identifiers(course_identifier)
    return any(
        f.id != application_id
        and f.participant_id == participant_id
        and f.course_identifier in courses
        for f in funded
    )


def eligible_for_funding(raw_eligible: bool, was_previously_funded: bool) -> bool:
    """DfE funding eligibility as applications show it: the raw flag, unless funded before."""
    return raw_eligible and not was_previously_funded


def ineligible_for_funding_reason(raw_eligible: bool, was_previously_funded: bool) -> str | None:
    if was_previously_funded:
        return "previously-funded"
    if not raw_eligible:
        return "establishment-ineligible"
    return None


def teacher_catchment(raw: str | None) -> bool:
    return raw in CATCHMENT_AREAS


# --------------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------------


def permitted_attributes(body: Any, permitted: tuple[str, ...]) -> dict[str, Any]:
    """The permitted attributes of an optional body (npq.md 2.6): no body, no `data` or no
    `attributes` mean "nothing given"; `attributes` naming none of the permitted keys is the
    "correct json data structure" 400."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return {}
    attributes = body["data"].get("attributes")
    if attributes is None:
        return {}
    if not isinstance(attributes, dict):
        raise BadJson()
    picked = {name: attributes[name] for name in permitted if name in attributes}
    if not picked:
        raise BadJson()
    return picked


def accept_permitted(version: str) -> tuple[str, ...]:
    return ACCEPT_ATTRIBUTES_V3 if version == "v3" else ACCEPT_ATTRIBUTES[version]


# --------------------------------------------------------------------------------------------
# Accept, reject, change funded place
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Acceptance:
    status: str
    capping_on: bool
    contract_data_ok: bool
    capped: bool
    funded_place: Any
    raw_eligible: bool
    other_accepted_for_course: bool
    schedule_requested: bool
    requested_schedule_valid: bool


def accept_errors(facts: Acceptance) -> list[Error]:
    """A1 to A7. A contract-data problem (A1) is reported alone and before anything else,
    even for applications that are already decided, as the public service did."""
    if facts.capping_on and not facts.contract_data_ok:
        return [(CONTRACT_DATA_TITLE, CONTRACT_DATA_DETAIL)]
    errors: list[Error] = []
    if facts.capped and not isinstance(facts.funded_place, bool):
        errors.append(("funded_place", FUNDED_PLACE_REQUIRED))
    if facts.status == "accepted":
        errors.append(("npq_application", ALREADY_ACCEPTED))
    if facts.status == "rejected":
        errors.append(("npq_application", REJECTED_CANNOT_CHANGE))
    if facts.other_accepted_for_course:
        errors.append(("npq_application", OTHER_APPLICATION_ACCEPTED))
    if errors:
        return errors
    if facts.schedule_requested and not facts.requested_schedule_valid:
        return [("schedule_identifier", SCHEDULE_NOT_VALID)]
    if facts.capped and facts.funded_place is True and not facts.raw_eligible:
        return [("npq_application", NOT_ELIGIBLE_FOR_FUNDED_PLACE)]
    return []


def reject_errors(status: str) -> list[Error]:
    if status == "rejected":
        return [("npq_application", ALREADY_REJECTED)]
    if status == "accepted":
        return [("npq_application", ACCEPTED_CANNOT_CHANGE)]
    return []


def truthy(value: Any) -> bool:
    """The public service's notion: anything but false and null (so a string is true)."""
    return value is not None and value is not False


@dataclass(frozen=True, slots=True)
class FundedPlaceChange:
    funded_place: Any
    status: str
    raw_eligible: bool
    has_billable_declarations: bool
    contract_exists: bool
    capped: bool


def change_funded_place_errors(change: FundedPlaceChange) -> list[Error]:
    """F1 to F7 of npq.md 2.8; messages on one title are joined by the caller's error type."""
    errors: list[Error] = []
    value = change.funded_place
    if value is None:
        errors.append(("npq_application", FUNDED_PLACE_MISSING))
    if not isinstance(value, bool):
        errors.append(("funded_place", FUNDED_PLACE_REQUIRED))
    if change.status != "accepted":
        errors.append(("npq_application", ACCEPT_BEFORE_FUNDED_PLACE))
    if truthy(value) and not change.raw_eligible:
        errors.append(("npq_application", NOT_ELIGIBLE_CONTACT_US))
    if not truthy(value) and change.has_billable_declarations:
        errors.append(("npq_application", VOID_BEFORE_UNFUNDING))
    if errors:
        return errors
    if not change.contract_exists:
        return [(CONTRACT_DATA_TITLE, CONTRACT_DATA_DETAIL)]
    if value is not None and not change.capped:
        return [("npq_application", FUNDED_PLACE_NOT_CAPPED)]
    return []
