"""Pure rules for ECF participants: what each derived attribute shows, and the validations of
the participant actions in the order the public service evaluates them (ecf.md 2 and 3).

No database and no clock: callers pass plain facts (statuses, dates, "now"), so each rule can
be tested at its boundaries without fixtures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

COURSE_PROFILE_TYPES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}

WITHDRAWAL_REASONS = (
    "left-teaching-profession",
    "moved-school",
    "mentor-no-longer-being-mentor",
    "switched-to-school-led",
    "other",
)
DEFERRAL_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")
# Stored historic values are shown under the names providers use today.
LEGACY_WITHDRAWAL_REASONS = {"school-left-fip": "switched-to-school-led"}

UNKNOWN_PARTICIPANT = (
    "Your update cannot be made as the '#/participant_id' is not recognised. "
    "Check participant details and try again."
)
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again."
)
COURSE_BLANK = "Enter a '#/course_identifier' value for this participant."
REASON_PRESENT = "The property '#/reason' must be present"
REASON_VALID = "The property '#/reason' must be a valid reason"
ALREADY = "The participant is already {status}"
SCHEDULE_BLANK = (
    "The property '#/schedule_identifier' must be present and correspond to a valid schedule"
)
WITHDRAWN_PARTICIPANT = "Cannot perform actions on a withdrawn participant"
INVALIDATES_DECLARATIONS = (
    "Changing schedule would invalidate existing declarations. Please void them first."
)
SCHEDULE_ALREADY_ON_PROFILE = "Selected schedule is already on the profile"
SCHEDULE_NOT_FOR_COURSE = "Selected schedule is not valid for the course"
COHORT_LOCKED = "You cannot change the '#/cohort' field"
NO_PARTNERSHIP_FOR_COHORT = (
    "You cannot change a participant to this cohort as you do not have a partnership with the "
    "school for the cohort. Contact the DfE for assistance."
)

APPLICABLE_DECLARATION_STATES = ("submitted", "eligible", "payable", "paid")
BILLABLE_DECLARATION_STATES = ("eligible", "payable", "paid")

Errors = list[tuple[str, str]]


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str | None:
    """Request values may arrive as numbers (`"cohort": 2024`); compare them as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Derived attributes
# ---------------------------------------------------------------------------------------------


def record_status(induction_status: str) -> str:
    """v1/v2 `status`: what the school reported, not the provider's training status."""
    return "withdrawn" if induction_status in ("withdrawn", "changed") else "active"


def participant_status(
    induction_status: str, start_date: datetime, end_date: datetime | None, now: datetime
) -> str | None:
    """v3 `participant_status` (ecf.md 2.6): transfers first, then the school's status."""
    if end_date is not None:
        return "leaving" if end_date > now else "left"
    if start_date > now:
        return "joining"
    if induction_status in ("active", "completed"):
        return "active"
    if induction_status in ("withdrawn", "changed"):
        return "withdrawn"
    return None


def eligible_for_funding(eligibility_status: str | None) -> bool | None:
    return {"eligible": True, "ineligible": False}.get(eligibility_status or "")


def trn_validated(trn: str | None, validated: bool) -> bool | None:
    """Null while there is no TRN to validate."""
    return None if not trn else bool(validated)


def shown_withdrawal_reason(reason: str | None) -> str | None:
    return LEGACY_WITHDRAWAL_REASONS.get(reason or "", reason)


_NO_END = datetime.min.replace(tzinfo=UTC)


def induction_record_recency(
    end_date: datetime | None,
    start_date: datetime,
    created_at: datetime,
    record_id: object,
    *,
    end_date_tiebreak: bool,
) -> tuple:
    """A key whose maximum is the "latest" induction record (ecf.md 1.4): open records first,
    then the latest start, (then the latest end, for the relevant variant), then the latest
    made; the id settles exact ties the way the database orders them."""
    return (
        end_date is None,
        start_date,
        (end_date or _NO_END) if end_date_tiebreak else _NO_END,
        created_at,
        str(record_id),
    )


# ---------------------------------------------------------------------------------------------
# Action validations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the request's participant id and course led to."""

    participant_found: bool
    profile_found: bool
    has_relevant_record: bool


def common_errors(course_identifier: object, resolved: Resolved) -> Errors:
    """C1-C4 of ecf.md 3.1."""
    errors: Errors = []
    if not resolved.participant_found:
        errors.append(("participant_id", UNKNOWN_PARTICIPANT))
    elif not resolved.profile_found:
        errors.append(("course_identifier", COURSE_NOT_RECOGNISED))
    if blank(course_identifier):
        errors.append(("course_identifier", COURSE_BLANK))
    if not errors and not resolved.has_relevant_record:
        errors.append(("participant_id", UNKNOWN_PARTICIPANT))
    return errors


def _reason_errors(reason: object, allowed: Sequence[str]) -> Errors:
    if blank(reason):
        return [("reason", REASON_PRESENT), ("reason", REASON_VALID)]
    if as_text(reason) not in allowed:
        return [("reason", REASON_VALID)]
    return []


def withdraw_errors(
    course_identifier: object, reason: object, resolved: Resolved, training_status: str | None
) -> Errors:
    """C1-C4, then W1-W3 (ecf.md 3.2). Reasons are only checked once a profile is known."""
    errors = common_errors(course_identifier, resolved)
    if resolved.profile_found:
        errors += _reason_errors(reason, WITHDRAWAL_REASONS)
    if not errors and training_status == "withdrawn":
        errors.append(("participant_profile", ALREADY.format(status="withdrawn")))
    return errors


def defer_errors(
    course_identifier: object, reason: object, resolved: Resolved, training_status: str | None
) -> Errors:
    """C1-C4, then F1-F4 (ecf.md 3.3). Unlike withdraw, the reason is always checked."""
    errors = common_errors(course_identifier, resolved)
    errors += _reason_errors(reason, DEFERRAL_REASONS)
    if not errors:
        if training_status == "deferred":
            errors.append(("participant_profile", ALREADY.format(status="deferred")))
        if training_status == "withdrawn":
            errors.append(("participant_profile", ALREADY.format(status="withdrawn")))
    return errors


def resume_errors(
    course_identifier: object, resolved: Resolved, training_status: str | None
) -> Errors:
    """C1-C4, then R1 (ecf.md 3.4): deferred and withdrawn participants can both resume."""
    errors = common_errors(course_identifier, resolved)
    if not errors and training_status == "active":
        errors.append(("participant_profile", ALREADY.format(status="active")))
    return errors


# ---------------------------------------------------------------------------------------------
# Change schedule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """A milestone of the new schedule: opens on `start`, closes after `end` (None = open)."""

    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class ExistingDeclaration:
    declaration_type: str
    declaration_date: datetime
    state: str
    cohort: int


def invalidated_by_window(window: Window | None, declaration_date: datetime) -> bool:
    """CS3's comparison: stricter than submission at the start (a declaration dated exactly
    at the start's midnight counts as invalidating). A milestone the new schedule lacks
    invalidates the declaration too (the reference answered 404; a 422 is clearer)."""
    if window is None:
        return True
    opens = datetime.combine(window.start, time.min, tzinfo=UTC)
    if declaration_date <= opens:
        return True
    if window.end is not None:
        closes = datetime.combine(window.end + timedelta(days=1), time.min, tzinfo=UTC)
        return declaration_date >= closes
    return False


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """Every fact change-schedule's validations read (ecf.md 3.5)."""

    schedule_identifier: object
    course_identifier: object
    resolved: Resolved
    relevant_training_status: str | None
    new_schedule_found: bool
    new_schedule_is_replacement: bool
    new_schedule_is_current: bool
    target_cohort: int | None
    current_cohort: int | None
    frozen_cohort_move: bool
    frozen_cohorts: frozenset[int]
    cohort_changed_after_payments_frozen: bool
    # (declaration, the new schedule's window for its type or None when it has none)
    declarations: tuple[tuple[ExistingDeclaration, Window | None], ...]
    has_partnership_for_target: bool


def change_schedule_errors(change: ScheduleChange) -> Errors:
    """C1-C4, then CS1-CS7 in order."""
    errors = common_errors(change.course_identifier, change.resolved)
    if errors:
        return errors
    if blank(change.schedule_identifier) or not change.new_schedule_found:
        # An unknown identifier fails like a blank one rather than on persistence.
        errors.append(("schedule_identifier", SCHEDULE_BLANK))
    if change.relevant_training_status == "withdrawn":
        errors.append(("participant_id", WITHDRAWN_PARTICIPANT))
    if not change.new_schedule_found:
        return errors
    applicable = [d for d, _ in change.declarations if d.state in APPLICABLE_DECLARATION_STATES]
    if not change.frozen_cohort_move:
        for declaration, window in change.declarations:
            if declaration.state not in APPLICABLE_DECLARATION_STATES:
                continue
            if (
                change.cohort_changed_after_payments_frozen
                and declaration.cohort in change.frozen_cohorts
            ):
                continue
            if invalidated_by_window(window, declaration.declaration_date):
                errors.append(("schedule_identifier", INVALIDATES_DECLARATIONS))
                break
    if change.new_schedule_is_current:
        errors.append(("schedule_identifier", SCHEDULE_ALREADY_ON_PROFILE))
    if change.new_schedule_is_replacement and change.course_identifier == "ecf-induction":
        errors.append(("schedule_identifier", SCHEDULE_NOT_FOR_COURSE))
    if (
        not change.frozen_cohort_move
        and applicable
        and change.target_cohort != change.current_cohort
    ):
        errors.append(("cohort", COHORT_LOCKED))
    if not change.has_partnership_for_target:
        errors.append(("cohort", NO_PARTNERSHIP_FOR_COHORT))
    return errors


def is_frozen_cohort_move(
    *,
    profile_type: str,
    target_cohort: int | None,
    current_cohort: int | None,
    profile_schedule_cohort_frozen: bool,
    target_cohort_frozen: bool,
    cohort_changed_after_payments_frozen: bool,
    declarations: Iterable[ExistingDeclaration],
) -> bool:
    """ecf.md 3.5 "frozen-cohort move" (ECTs only): out of a frozen cohort into 2024 to finish
    training, or back into the original frozen cohort to add its final declarations."""
    if profile_type != "ect" or target_cohort is None or target_cohort == current_cohort:
        return False
    declarations = list(declarations)
    billable = [d for d in declarations if d.state in BILLABLE_DECLARATION_STATES]
    if target_cohort == 2024 and profile_schedule_cohort_frozen:
        unfinished = any(d.declaration_type != "completed" for d in billable) and not any(
            d.declaration_type == "completed" for d in billable
        )
        if unfinished:
            return True
    if cohort_changed_after_payments_frozen and target_cohort_frozen:
        in_current = any(
            d.cohort == current_cohort and d.state in ("submitted", *BILLABLE_DECLARATION_STATES)
            for d in declarations
        )
        in_target = any(d.cohort == target_cohort for d in billable)
        return not in_current and in_target
    return False
