"""Which schools may take DfE-funded ECF training, and how a school's programme choice is
named on the wire. Pure functions: intake decides eligibility once from establishment data
and stores it, so list queries filter on two booleans instead of re-deriving it per row."""

from __future__ import annotations

# GIAS establishment status codes: 1 Open, 2 Closed, 3 Open but proposed to close,
# 4 Proposed to open.
OPEN_STATUS_CODES = frozenset({"1", "3"})

# GIAS establishment type codes that cannot take funded training: other independent special
# school (10), other independent school (11), secure units (24), offshore schools (25),
# service children's education (26), miscellaneous (27), higher education institutions (29),
# Welsh establishment (30), British schools overseas (37), online provider (49), institution
# funded by other government department (56).
INELIGIBLE_TYPE_CODES = frozenset(
    {"10", "11", "24", "25", "26", "27", "29", "30", "37", "49", "56"}
)

# Of those, the types that could only ever use the core induction programme materials.
CIP_ONLY_TYPE_CODES = frozenset({"10", "11", "30", "37"})

PROVIDER_LED_CHOICES = frozenset({"full_induction_programme", "school_funded_fip"})
SCHOOL_LED_CHOICES = frozenset({"core_induction_programme", "design_our_own"})


def _code(value: str | int | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return (text.lstrip("0") or "0") if text.isdigit() else text


def is_open(status_code: str | int | None) -> bool:
    """A school with no recorded status is taken to be open (new schools arrive that way)."""
    code = _code(status_code)
    return code is None or code in OPEN_STATUS_CODES


def is_funding_eligible(
    type_code: str | int | None,
    status_code: str | int | None,
    *,
    in_england: bool,
    section_41_approved: bool,
) -> bool:
    """Open, in England, and of an eligible establishment type or section 41 approved."""
    type_ok = _code(type_code) not in INELIGIBLE_TYPE_CODES
    return is_open(status_code) and in_england and (type_ok or section_41_approved)


def is_cip_only(
    type_code: str | int | None,
    status_code: str | int | None,
    *,
    in_england: bool,
    section_41_approved: bool,
) -> bool:
    """Not eligible, open, and of a type that could only use the core induction materials."""
    eligible = is_funding_eligible(
        type_code, status_code, in_england=in_england, section_41_approved=section_41_approved
    )
    return not eligible and is_open(status_code) and _code(type_code) in CIP_ONLY_TYPE_CODES


def is_listed_by_eligibility(funding_eligible: bool, cip_only: bool) -> bool:
    """Schools every provider sees in every cohort, partnered or not."""
    return funding_eligible and not cip_only


def wire_programme_choice(choice: str | None) -> str:
    """The school cohort's choice in the v3 vocabulary (provider_led / school_led)."""
    if choice is None:
        return "not_yet_known"
    if choice in PROVIDER_LED_CHOICES:
        return "provider_led"
    if choice in SCHOOL_LED_CHOICES:
        return "school_led"
    return choice


def is_provider_led(choice: str | None) -> bool:
    return choice in PROVIDER_LED_CHOICES
