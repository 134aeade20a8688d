"""Pure rules of the NPQ participant actions (npq.md 3.4 to 3.8): which errors a withdraw,
defer, resume or change of schedule gets, in the order the public service reports them.

The service gathers the facts (who the person is, which enrolment, which declarations, which
contracts) and these functions decide; nothing here reads the database or the clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from cpd_api.schedules.reference_data import ECF_COURSE_IDENTIFIERS, NPQ_COURSE_IDENTIFIERS
from cpd_api.schedules.rules import schedule_kind_fits_course

from .funding import CONTRACT_DATA_DETAIL, CONTRACT_DATA_TITLE

Error = tuple[str, str]

PARTICIPANT_NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. "
    "Check participant details and try again."
)
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again."
)
COURSE_MISSING = "Enter a '#/course_identifier' value for this participant."
REASON_MISSING = "The property '#/reason' must be present"
REASON_INVALID = "The property '#/reason' must be a valid reason"
ALREADY_WITHDRAWN = "The participant is already withdrawn"
ALREADY_DEFERRED = "The participant is already deferred"
ALREADY_ACTIVE = "The participant is already active"
NO_STARTED_DECLARATION = (
    "An NPQ participant who has not got a started declaration cannot be withdrawn. "
    "Please contact support for assistance"
)
NO_DECLARATIONS_TO_DEFER = "You cannot defer an NPQ participant that has no declarations"
SCHEDULE_MISSING = (
    "The property '#/schedule_identifier' must be present and correspond to a valid schedule"
)
NO_CONTRACT_FOR_COHORT = (
    "You cannot change a participant to this cohort as you do not have a contract for the "
    "cohort and course. Contact the DfE for assistance."
)
WITHDRAWN_PARTICIPANT = "Cannot perform actions on a withdrawn participant"
INVALIDATES_DECLARATIONS = (
    "Changing schedule would invalidate existing declarations. Please void them first."
)
SCHEDULE_ALREADY_ON_PROFILE = "Selected schedule is already on the profile"
SCHEDULE_NOT_VALID_FOR_COURSE = "Selected schedule is not valid for the course"
COHORT_CANNOT_CHANGE = "You cannot change the '#/cohort' field"

WITHDRAWAL_REASONS: tuple[str, ...] = (
    "insufficient-capacity-to-undertake-programme",
    "personal-reason-health-or-pregnancy-related",
    "personal-reason-moving-school",
    "personal-reason-other",
    "insufficient-capacity",
    "change-in-developmental-or-personal-priorities",
    "change-in-school-circumstances",
    "change-in-school-leadership",
    "quality-of-programme-structure-not-suitable.",
    "quality-of-programme-content-not-suitable",
    "quality-of-programme-facilitation-not-effective",
    "quality-of-programme-accessibility",
    "quality-of-programme-other",
    "programme-not-appropriate-for-role-and-cpd-needs",
    "started-in-error",
    "expected-commitment-unclear",
    "other",
)
DEFERRAL_REASONS: tuple[str, ...] = (
    "bereavement",
    "long-term-sickness",
    "parental-leave",
    "career-break",
    "other",
)
# ASO was rebranded as EHCO: for "the same course" of another application they are one course.
REBRANDED_ALTERNATIVES: tuple[frozenset[str], ...] = (
    frozenset({"npq-additional-support-offer", "npq-early-headship-coaching-offer"}),
)
# Declarations in these states count: they are, or will be, paid for.
BILLABLE_STATES: tuple[str, ...] = ("submitted", "eligible", "payable", "paid")


def course_kind(course_identifier: object) -> str | None:
    """The kind of training record a course identifier belongs to ("npq", "ect", "mentor")."""
    if course_identifier in NPQ_COURSE_IDENTIFIERS:
        return "npq"
    if course_identifier in ECF_COURSE_IDENTIFIERS:
        return "ect" if course_identifier == "ecf-induction" else "mentor"
    return None


def same_course_identifiers(course_identifier: str) -> frozenset[str]:
    """The course and its rebranded alternatives (npq.md 1.2 rule 1)."""
    for group in REBRANDED_ALTERNATIVES:
        if course_identifier in group:
            return group
    return frozenset({course_identifier})


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def resolution_errors(
    *,
    person_known: bool,
    course_identifier: object,
    holds_course_kind: bool,
    enrolment_found: bool,
) -> list[Error]:
    """npq.md 3.4: the person first, then whether the course is one of the kinds they hold
    (any NPQ identifier passes once they hold any NPQ enrolment), then this provider's
    enrolment for exactly that course."""
    errors: list[Error] = []
    missing = blank(course_identifier)
    if not person_known:
        errors.append(("participant_id", PARTICIPANT_NOT_RECOGNISED))
    elif missing or not holds_course_kind:
        errors.append(("course_identifier", COURSE_NOT_RECOGNISED))
    if missing:
        errors.append(("course_identifier", COURSE_MISSING))
    if person_known and not missing and holds_course_kind and not enrolment_found:
        errors.append(("participant_id", PARTICIPANT_NOT_RECOGNISED))
    return errors


def reason_errors(reason: object, allowed: Sequence[str]) -> list[Error]:
    if blank(reason):
        return [("reason", REASON_MISSING), ("reason", REASON_INVALID)]
    if not isinstance(reason, str) or reason not in allowed:
        return [("reason", REASON_INVALID)]
    return []


def withdraw_errors(training_status: str, has_started_declaration: bool) -> list[Error]:
    """W3, W4: a withdrawal needs a started declaration (any state) and is refused twice."""
    errors: list[Error] = []
    if training_status == "withdrawn":
        errors.append(("participant_profile", ALREADY_WITHDRAWN))
    if not has_started_declaration:
        errors.append(("participant_profile", NO_STARTED_DECLARATION))
    return errors


def defer_errors(training_status: str, has_any_declaration: bool) -> list[Error]:
    """D2 to D4: only an active enrolment with at least one declaration can be deferred."""
    errors: list[Error] = []
    if training_status == "deferred":
        errors.append(("participant_profile", ALREADY_DEFERRED))
    if training_status == "withdrawn":
        errors.append(("participant_profile", ALREADY_WITHDRAWN))
    if not has_any_declaration:
        errors.append(("participant_profile", NO_DECLARATIONS_TO_DEFER))
    return errors


def resume_errors(training_status: str) -> list[Error]:
    """U1: the baseline resumes deferred and withdrawn enrolments alike."""
    if training_status == "active":
        return [("participant_profile", ALREADY_ACTIVE)]
    return []


@dataclass(frozen=True, slots=True)
class SchedulePlan:
    """A schedule as the change-schedule rules see it."""

    id: object
    identifier: str
    cohort: int
    kind: str
    milestone_starts: dict[str, date]


@dataclass(frozen=True, slots=True)
class BillableDeclaration:
    declaration_type: str
    declaration_date: datetime


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """Facts for one change-schedule request; `target` is None when the requested schedule
    does not exist in the target cohort (or none was asked for)."""

    schedule_identifier: object
    course_identifier: str
    training_status: str
    current: SchedulePlan
    target: SchedulePlan | None
    target_cohort: int
    billable_declarations: Sequence[BillableDeclaration]
    capping_on: bool
    current_contract_data_ok: bool
    target_contract_exists: bool
    current_capped: bool | None
    target_capped: bool | None


def _invalidates(declaration: BillableDeclaration, target: SchedulePlan) -> bool:
    start = target.milestone_starts.get(declaration.declaration_type)
    if start is None:
        return True
    return declaration.declaration_date <= datetime.combine(start, time.min, tzinfo=UTC)


def change_schedule_errors(change: ScheduleChange) -> list[Error]:
    """S1 to S9 of npq.md 3.8, in order. A contract-data problem (S2) is reported alone,
    as the public service raised it as an exception rather than a validation error."""
    errors: list[Error] = []
    if blank(change.schedule_identifier) or change.target is None:
        errors.append(("schedule_identifier", SCHEDULE_MISSING))
    if not errors and change.capping_on and not change.current_contract_data_ok:
        return [(CONTRACT_DATA_TITLE, CONTRACT_DATA_DETAIL)]
    if not errors and not change.target_contract_exists:
        errors.append(("cohort", NO_CONTRACT_FOR_COHORT))
    if change.training_status == "withdrawn":
        errors.append(("participant_id", WITHDRAWN_PARTICIPANT))
    target = change.target
    if target is None:
        return errors
    if any(_invalidates(d, target) for d in change.billable_declarations):
        errors.append(("schedule_identifier", INVALIDATES_DECLARATIONS))
    if target.id == change.current.id:
        errors.append(("schedule_identifier", SCHEDULE_ALREADY_ON_PROFILE))
    if not schedule_kind_fits_course(target.kind, change.course_identifier):
        errors.append(("schedule_identifier", SCHEDULE_NOT_VALID_FOR_COURSE))
    cohort_changes = target.cohort != change.current.cohort
    if change.billable_declarations and cohort_changes:
        errors.append(("cohort", COHORT_CANNOT_CHANGE))
    cohort_error = ("cohort", COHORT_CANNOT_CHANGE)
    if (
        cohort_error not in errors
        and change.capping_on
        and cohort_changes
        and change.current_capped is not None
        and change.target_capped is not None
        and change.current_capped
        and not change.target_capped
    ):
        errors.append(cohort_error)
    return errors


def requested_cohort(value: object) -> int | str | None:
    """The `cohort` attribute of change-schedule: a start year as text or number. Returns
    None when absent and the marker "invalid" for a value that cannot be a year."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return "invalid"
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return "invalid"
