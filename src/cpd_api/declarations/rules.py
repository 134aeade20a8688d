"""Pure rules of declarations: the submission checks of ecf.md 4.5 and npq.md 4.4 in their
evaluation order and with their exact messages, the evidence rules, the state machine, the
billable slot, voiding, uplifts and mentor completion.

Nothing here reads the database or the clock: the service gathers the facts (one dataclass per
programme) and these functions decide, so every rule can be tested at its boundaries without a
database."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

# --- states ----------------------------------------------------------------------------------

COUNTING_STATES = ("submitted", "eligible", "payable", "paid")
BILLABLE_STATES = ("eligible", "payable", "paid")
REFUNDABLE_STATES = ("awaiting_clawback", "clawed_back")
PAID_STATES = ("paid", "awaiting_clawback", "clawed_back")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("eligible", "ineligible", "voided"),
    "eligible": ("payable", "voided"),
    "payable": ("paid", "voided"),
    "ineligible": ("voided",),
    "paid": ("awaiting_clawback",),
    "awaiting_clawback": ("clawed_back",),
    "voided": (),
    "clawed_back": (),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())


def wire_state(state: str) -> str:
    """States travel hyphenated (`awaiting-clawback`) although stored with underscores."""
    return state.replace("_", "-")


def counts_towards_payment(state: str) -> bool:
    return state in COUNTING_STATES


def slot_key(participant_id: uuid.UUID | str, course_identifier: str, declaration_type: str) -> str:
    """The billable slot: one counting declaration per person, course and declaration type,
    whichever provider sends it (ecf.md 4.5 D8, npq.md 4.4 V11). The date is not part of it:
    a second `started` on another day is still the same event."""
    return f"{participant_id}:{course_identifier}:{declaration_type}"


def slot_for_state(key: str, state: str) -> str | None:
    """A declaration holds its slot only while it counts; voided, ineligible and clawed-back
    declarations free it so that the event can be declared again."""
    return key if counts_towards_payment(state) else None


# --- messages --------------------------------------------------------------------------------

PARTICIPANT_NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. "
    "Check participant details and try again."
)
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again."
)
DATE_MISSING = "Enter a '#/declaration_date'."
TYPE_MISSING = "Enter a '#/declaration_type'."
DATE_IN_FUTURE = (
    "The '#/declaration_date' value cannot be a future date. Check the date and try again."
)
DATE_FORMAT = "Enter a valid RCF3339 '#/declaration_date'."
BEFORE_MILESTONE = "Enter a '#/declaration_date' that's on or after the milestone start."
AFTER_MILESTONE = "Enter a '#/declaration_date' that's before the milestone end date."
TYPE_NOT_ON_SCHEDULE = "The property '#/declaration_type' does not exist for this schedule."
ALREADY_SUBMITTED = (
    "A declaration has already been submitted that will be, or has been, paid for this event"
)
MENTOR_RETAINED = (
    "You cannot send retained or extended declarations for participants who began their "
    "mentor training after June 2025. Resubmit this declaration with either a started or "
    "completed declaration."
)
EVIDENCE_MISSING = "Enter a '#/evidence_held' value for this participant."
EVIDENCE_INVALID = (
    "Enter an available '#/evidence_held' type for this participant's event and course."
)
HAS_PASSED_INVALID = (
    "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant "
    "has passed or failed their course."
)
NO_NPQ_CONTRACT = (
    "You cannot submit a declaration for this participant as you do not have a contract for "
    "the cohort and course. Contact the DfE for assistance."
)
ALREADY_VOIDED = "This declaration has already been voided."
ECF_CLAWED_BACK = "This declaration has been clawed-back, so you can only view it."
NPQ_NOT_VOIDABLE = (
    "This declaration cannot be voided. Contact the DfE if you have any questions about why "
    "you cannot void it."
)
ALREADY_REFUNDED = "Participant declaration will or has been be refunded"
MUST_BE_PAID = "Participant declaration must be paid before it can be clawed back"
OUTCOME_FAILED = "Could not create completed declaration. Contact the DfE for support."


def withdrawn_message(withdrawn_at: datetime) -> str:
    stamp = withdrawn_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"This participant withdrew from this course on {stamp}. "
        "Enter a '#/declaration_date' that's on or before the withdrawal date."
    )


def cohort_closed_message(cohort_year: int) -> str:
    return (
        f"You cannot submit or void declarations for the {cohort_year} cohort. The funding "
        "contract for this cohort has ended. Get in touch if you need to discuss this with us"
    )


# --- declaration_date ------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([.,]\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$", re.IGNORECASE
)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class DeclarationDate:
    """`value` is what the other rules compare (None when it cannot be read as a time at all);
    `well_formed` is the RFC 3339 format rule on the raw text."""

    value: datetime | None
    well_formed: bool


def _from_iso(text: str) -> datetime | None:
    normalised = text.upper().replace(",", ".")
    if normalised.endswith("Z"):
        normalised = normalised[:-1] + "+00:00"
    # Python wants an offset as ±hh:mm; RFC 3339 variants allow ±hh and ±hhmm too.
    match = re.search(r"([+-])(\d{2})(\d{2})?$", normalised)
    if match and "T" in normalised and normalised.rfind(match.group(0)) > normalised.find("T"):
        minutes = match.group(3) or "00"
        normalised = normalised[: match.start()] + f"{match.group(1)}{match.group(2)}:{minutes}"
    try:
        parsed = datetime.fromisoformat(normalised)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_declaration_date(raw: object) -> DeclarationDate:
    """A zone-less value is UTC; a date-only value is malformed but still read as midnight UTC
    (so further rules can report alongside); an impossible date is malformed and missing."""
    if not isinstance(raw, str) or not raw.strip():
        return DeclarationDate(None, True)
    text = raw.strip()
    if _RFC3339.match(text):
        value = _from_iso(text)
        return DeclarationDate(value, value is not None)
    if _DATE_ONLY.match(text):
        try:
            return DeclarationDate(datetime.combine(date.fromisoformat(text), time.min, UTC), False)
        except ValueError:
            return DeclarationDate(None, False)
    return DeclarationDate(_from_iso(text) if "T" in text.upper() else None, False)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- milestone windows -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    start_date: date
    end_date: date | None


def window_errors(window: Window, declared_at: datetime) -> list[str]:
    """Start inclusive from 00:00 UTC of the start date; end exclusive from the last
    microsecond of the milestone date (ecf.md D5c/D5d); open-ended when there is no end."""
    errors = []
    if declared_at < datetime.combine(window.start_date, time.min, UTC):
        errors.append(BEFORE_MILESTONE)
    if window.end_date is not None and declared_at >= datetime.combine(
        window.end_date, time.max, UTC
    ):
        errors.append(AFTER_MILESTONE)
    return errors


# --- evidence (ecf.md 4.4) -------------------------------------------------------------------

GENERIC_EVIDENCE = ("training-event-attended", "self-study-material-completed", "other")
DETAILED_GENERIC = (
    "training-event-attended",
    "self-study-material-completed",
    "materials-engaged-with-offline",
    "other",
)
ENGAGEMENT_MET = ("75-percent-engagement-met", "75-percent-engagement-met-reduced-induction")


@dataclass(frozen=True, slots=True)
class EvidenceRule:
    allowed: tuple[str, ...]
    required: bool


def evidence_rule(
    profile_type: str, declaration_type: str, detailed_evidence: bool
) -> EvidenceRule | None:
    """None means the type has no evidence rule at all (pre-2025 `started`: discarded)."""
    if not detailed_evidence:
        if declaration_type == "started":
            return None
        return EvidenceRule(GENERIC_EVIDENCE, True)
    if declaration_type == "started":
        return EvidenceRule(DETAILED_GENERIC, False)
    if profile_type == "mentor":
        if declaration_type == "completed":
            return EvidenceRule(ENGAGEMENT_MET, True)
        return EvidenceRule((), True)
    if declaration_type == "retained-2":
        return EvidenceRule(ENGAGEMENT_MET, True)
    if declaration_type == "completed":
        return EvidenceRule((*ENGAGEMENT_MET, "one-term-induction"), True)
    return EvidenceRule(DETAILED_GENERIC, True)


def evidence_error(
    profile_type: str, declaration_type: str, evidence: object, detailed_evidence: bool
) -> str | None:
    rule = evidence_rule(profile_type, declaration_type, detailed_evidence)
    if rule is None:
        return None
    if is_blank(evidence):
        return EVIDENCE_MISSING if rule.required else None
    if evidence not in rule.allowed:
        return EVIDENCE_INVALID
    return None


def stored_evidence(
    profile_type: str, declaration_type: str, evidence: object, detailed_evidence: bool
) -> str | None:
    """Pre-2025 `started` declarations silently drop whatever evidence was sent."""
    if evidence_rule(profile_type, declaration_type, detailed_evidence) is None:
        return None
    return evidence if isinstance(evidence, str) and evidence.strip() else None


# --- ECF submission (ecf.md 4.5) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdenticalDeclaration:
    """The counting declaration already in the slot, when it matches the request exactly."""

    state: str


@dataclass(frozen=True, slots=True)
class EcfFacts:
    """Everything the ECF rules need, gathered by the service in a few queries."""

    now: datetime
    participant_found: bool
    profile_found: bool
    profile_type: str | None
    declaration_type: object
    date: DeclarationDate
    evidence_held: object
    withdrawn_at: datetime | None  # latest own state is `withdrawn`: its instant
    in_force_ir_active: bool  # this provider's IR at the declaration date is active
    schedule_has_type: bool
    window: Window | None
    fundable: bool
    has_next_statement: bool
    cohort_year: int | None
    slot_taken: bool
    identical: IdenticalDeclaration | None
    mentor_funding: bool
    detailed_evidence: bool
    course_offered: bool  # an active profile of the user offers the course
    trained_on_schedule: bool  # D11: an IR of this provider on the profile's schedule


def ecf_errors(facts: EcfFacts) -> list[tuple[str, str]]:
    """The 422 errors of an ECF submission, in evaluation order (empty when valid)."""
    errors: list[tuple[str, str]] = []
    date_value = facts.date.value
    if not facts.participant_found:
        errors.append(("participant_id", PARTICIPANT_NOT_RECOGNISED))
    if (
        facts.profile_found
        and facts.withdrawn_at is not None
        and date_value is not None
        and facts.withdrawn_at <= date_value
        and not facts.in_force_ir_active
    ):
        errors.append(("participant_id", withdrawn_message(facts.withdrawn_at)))
    if date_value is None:
        errors.append(("declaration_date", DATE_MISSING))
    if is_blank(facts.declaration_type):
        errors.append(("declaration_type", TYPE_MISSING))
    if date_value is not None and date_value > facts.now:
        errors.append(("declaration_date", DATE_IN_FUTURE))
    if not facts.date.well_formed:
        errors.append(("declaration_date", DATE_FORMAT))
    if facts.profile_found and facts.window is not None and date_value is not None:
        errors.extend(("declaration_date", m) for m in window_errors(facts.window, date_value))
    if facts.profile_found and _cohort_closed(facts):
        errors.append(("cohort", cohort_closed_message(facts.cohort_year or 0)))
    if facts.profile_found and not is_blank(facts.declaration_type) and not facts.schedule_has_type:
        errors.append(("declaration_type", TYPE_NOT_ON_SCHEDULE))
    if facts.profile_found and facts.slot_taken:
        errors.append(("base", ALREADY_SUBMITTED))
    if (
        facts.profile_found
        and facts.profile_type == "mentor"
        and facts.mentor_funding
        and facts.declaration_type not in ("started", "completed")
    ):
        errors.append(("declaration_type", MENTOR_RETAINED))
    if errors:
        return errors
    if not facts.course_offered:
        return [("course_identifier", COURSE_NOT_RECOGNISED)]
    if not facts.profile_found or not facts.trained_on_schedule:
        return [("participant_id", PARTICIPANT_NOT_RECOGNISED)]
    message = evidence_error(
        facts.profile_type or "ect",
        str(facts.declaration_type),
        facts.evidence_held,
        facts.detailed_evidence,
    )
    return [("evidence_held", message)] if message else []


def _cohort_closed(facts: EcfFacts) -> bool:
    """D6 with its fine print: an identical `submitted` declaration skips the rule; an
    identical billable one applies it even to a participant who is not fundable."""
    if facts.has_next_statement:
        return False
    if facts.identical is not None:
        return facts.identical.state != "submitted"
    return facts.fundable


# --- NPQ submission (npq.md 4.4) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NpqFacts:
    now: datetime
    participant_found: bool
    enrolment_found: bool  # an enrolment for this course accepted by this provider
    person_has_npq_enrolment: bool
    declaration_type: object
    date: DeclarationDate
    withdrawn_at: datetime | None
    schedule_has_type: bool
    window: Window | None
    fundable: bool
    has_next_statement: bool
    cohort_year: int | None
    identical: IdenticalDeclaration | None
    needs_has_passed: bool  # leadership or specialist course
    has_passed: object
    slot_taken: bool
    has_contract: bool


def parse_has_passed(value: object) -> bool | None:
    """JSON booleans or the strings "true"/"false"; anything else is not an answer."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def npq_errors(facts: NpqFacts) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    date_value = facts.date.value
    if not facts.participant_found:
        errors.append(("participant_id", PARTICIPANT_NOT_RECOGNISED))
    if (
        facts.enrolment_found
        and facts.withdrawn_at is not None
        and date_value is not None
        and facts.withdrawn_at <= date_value
    ):
        errors.append(("participant_id", withdrawn_message(facts.withdrawn_at)))
    if date_value is None:
        errors.append(("declaration_date", DATE_MISSING))
    if is_blank(facts.declaration_type):
        errors.append(("declaration_type", TYPE_MISSING))
    if date_value is not None and date_value > facts.now:
        errors.append(("declaration_date", DATE_IN_FUTURE))
    if not facts.date.well_formed:
        errors.append(("declaration_date", DATE_FORMAT))
    if (
        facts.enrolment_found
        and facts.window is not None
        and date_value is not None
        and date_value < datetime.combine(facts.window.start_date, time.min, UTC)
    ):
        errors.append(("declaration_date", BEFORE_MILESTONE))
    if facts.enrolment_found and _npq_cohort_closed(facts):
        errors.append(("cohort", cohort_closed_message(facts.cohort_year or 0)))
    if (
        facts.declaration_type == "completed"
        and facts.needs_has_passed
        and parse_has_passed(facts.has_passed) is None
    ):
        errors.append(("has_passed", HAS_PASSED_INVALID))
    if (
        facts.enrolment_found
        and not facts.schedule_has_type
        and not is_blank(facts.declaration_type)
    ):
        errors.append(("declaration_type", TYPE_NOT_ON_SCHEDULE))
    if facts.participant_found and facts.slot_taken:
        errors.append(("base", ALREADY_SUBMITTED))
    if errors:
        return errors
    if not facts.person_has_npq_enrolment:
        return [("course_identifier", COURSE_NOT_RECOGNISED)]
    if not facts.enrolment_found:
        return [("participant_id", PARTICIPANT_NOT_RECOGNISED)]
    if not facts.has_contract:
        return [("cohort", NO_NPQ_CONTRACT)]
    return []


def _npq_cohort_closed(facts: NpqFacts) -> bool:
    if facts.has_next_statement:
        return False
    if facts.identical is not None:
        return facts.identical.state != "submitted"
    return facts.fundable


def npq_fundable(
    eligible_for_funding: bool, funded_place: bool | None, previously_funded: bool
) -> bool:
    """npq.md 1.7.2: raw eligibility, not funded before, and not a declined funded place."""
    return eligible_for_funding and not previously_funded and funded_place is not False


# --- state after a valid submission (ecf.md 4.6, npq.md 4.5) ---------------------------------


def initial_state(is_duplicate_person: bool, fundable: bool) -> str:
    if is_duplicate_person:
        return "ineligible"
    return "eligible" if fundable else "submitted"


# --- voiding (ecf.md 4.8, npq.md 4.8) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoidDecision:
    target: str  # "voided" or "awaiting_clawback"


def decide_void(
    state: str,
    *,
    npq: bool,
    has_refundable_line: bool,
    has_next_statement: bool,
    cohort_year: int,
) -> VoidDecision | str:
    """The state a void leads to, or the `Invalid action` detail refusing it."""
    if state == "paid":
        problems = []
        if has_refundable_line:
            problems.append(ALREADY_REFUNDED)
        if not has_next_statement:
            problems.append(f"Participant declaration {cohort_closed_message(cohort_year)}")
        if problems:
            return ", ".join(problems)
        return VoidDecision("awaiting_clawback")
    if state == "voided":
        return ALREADY_VOIDED
    if state in REFUNDABLE_STATES:
        return NPQ_NOT_VOIDABLE if npq else ECF_CLAWED_BACK
    if state in ("submitted", "eligible", "payable", "ineligible"):
        return VoidDecision("voided")
    return NPQ_NOT_VOIDABLE if npq else MUST_BE_PAID


# --- derived attributes ----------------------------------------------------------------------

NPQ_NO_UPLIFT_COURSES = ("npq-additional-support-offer", "npq-early-headship-coaching-offer")


def ecf_uplift_paid(
    course_identifier: str,
    declaration_type: str,
    state: str,
    pupil_premium_uplift: bool | None,
    sparsity_uplift: bool | None,
) -> bool:
    return (
        course_identifier == "ecf-induction"
        and declaration_type == "started"
        and state in PAID_STATES
        and bool(pupil_premium_uplift or sparsity_uplift)
    )


def npq_uplift_paid(
    course_identifier: str, declaration_type: str, state: str, targeted_delivery_funding: bool
) -> bool:
    return (
        course_identifier not in NPQ_NO_UPLIFT_COURSES
        and declaration_type == "started"
        and state in PAID_STATES
        and targeted_delivery_funding
    )


def ineligible_for_funding_reason(state: str, stored_reason: str | None) -> str | None:
    if state != "ineligible":
        return None
    if stored_reason in (None, "duplicate"):
        return "duplicate_declaration"
    return stored_reason


def has_passed_from_outcome(outcome_state: str | None) -> bool | None:
    return {"passed": True, "failed": False}.get(outcome_state or "")


# --- mentor completion (ecf.md 4.10) ---------------------------------------------------------

EARLY_ROLL_OUT_DATE = date(2021, 4, 19)
STARTED_NOT_COMPLETED_FROZEN_FROM = date(2024, 7, 31)


@dataclass(frozen=True, slots=True)
class MentorCompletion:
    completion_date: date | None
    reason: str | None


def mentor_completion(
    current: MentorCompletion,
    completed_declaration_dates: list[datetime],
    today: date,
) -> MentorCompletion:
    """Recomputed after a mentor `completed` is created, voided or clawed back.

    `completed_declaration_dates` are the dates of the mentor's counting `completed`
    declarations. An early roll-out completion, and an administrative
    `started_not_completed` from 31 July 2024, are facts set outside the API and stay."""
    if current.reason == "completed_during_early_roll_out":
        return MentorCompletion(EARLY_ROLL_OUT_DATE, current.reason)
    if (
        current.reason == "started_not_completed"
        and current.completion_date is not None
        and today >= STARTED_NOT_COMPLETED_FROZEN_FROM
    ):
        return current
    if completed_declaration_dates:
        latest = max(completed_declaration_dates)
        return MentorCompletion(latest.astimezone(UTC).date(), "completed_declaration_received")
    return MentorCompletion(None, None)


# --- the request -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submission:
    """A declaration POST as sent: raw values kept so each rule can judge them itself."""

    participant_id: uuid.UUID | None
    participant_id_text: str
    declaration_type: object
    date: DeclarationDate
    course_identifier: str
    evidence_held: object
    has_passed: object

    @property
    def is_npq(self) -> bool:
        """cpd-api keeps NPQ (spec decision 1): `npq-` courses follow npq.md section 4."""
        return self.course_identifier.startswith("npq-")

    @property
    def lock_key(self) -> str:
        return slot_key(
            self.participant_id or self.participant_id_text,
            self.course_identifier,
            str(self.declaration_type or ""),
        )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def submission_from_attributes(attributes: dict) -> Submission:
    raw_id = attributes.get("participant_id")
    text = _text(raw_id)
    try:
        participant_id = uuid.UUID(text) if text else None
    except ValueError:
        participant_id = None
    declaration_type = attributes.get("declaration_type")
    if isinstance(declaration_type, str):
        declaration_type = declaration_type.strip()
    return Submission(
        participant_id=participant_id,
        participant_id_text=text,
        declaration_type=declaration_type if isinstance(declaration_type, str) else None,
        date=parse_declaration_date(attributes.get("declaration_date")),
        course_identifier=_text(attributes.get("course_identifier")),
        evidence_held=attributes.get("evidence_held"),
        has_passed=attributes.get("has_passed"),
    )


ECF_PROFILE_TYPES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}
