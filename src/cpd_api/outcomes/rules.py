"""Pure rules of recording an NPQ outcome (npq.md 5.4): the validations O1 to O9 in the order
and with the exact titles and details of the public service."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from cpd_api.participants.npq.rules import COURSE_MISSING, COURSE_NOT_RECOGNISED, blank
from cpd_api.schedules.reference_data import npq_course

Error = tuple[str, str]

DATE_MISSING = (
    "The '#/completion_date' is missing from your request. Please include a completion_date "
    "value and try again."
)
DATE_FORMAT = "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'"
STATE_MISSING = (
    "The '#/state' is missing from your request. Please include a 'passed' or 'failed' value "
    "and try again."
)
STATE_INVALID = (
    "The attribute '#/state' can only include 'passed' or 'failed' values. If you need to void "
    "an outcome, you will need to void the associated 'completed' declaration."
)
NO_COMPLETED_DECLARATION = (
    "The participant has not had a 'completed' declaration submitted for them. Therefore you "
    "cannot update their outcome."
)
FUTURE_COMPLETION_DATE = (
    "Validation failed: Completion date The attribute '#/completion_date' cannot contain a "
    "future date. Resubmit the outcome update with a valid date."
)
PROVIDER_STATES = ("passed", "failed")
# Completed declarations in these states no longer carry an outcome a provider may change.
RETRACTED_STATES = ("voided", "awaiting_clawback", "clawed_back")

_YMD = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOOSE_FORMATS = ("%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d", "%d %B %Y", "%d %b %Y")


def parse_completion_date(value: object) -> tuple[date | None, list[str]]:
    """The date, or the completion_date messages. A `YYYY-MM-DD` value is the only accepted
    shape; another recognisable date is refused with the format message alone (O2), and
    anything else counts as missing (O1, both messages)."""
    if isinstance(value, str):
        text = value.strip()
        if _YMD.match(text):
            try:
                return date.fromisoformat(text), []
            except ValueError:
                return None, [DATE_MISSING, DATE_FORMAT]
        if _recognisable(text):
            return None, [DATE_FORMAT]
    return None, [DATE_MISSING, DATE_FORMAT]


def _recognisable(text: str) -> bool:
    for pattern in _LOOSE_FORMATS:
        try:
            datetime.strptime(text, pattern)
            return True
        except ValueError:
            continue
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def has_outcomes(course_identifier: object) -> bool:
    course = npq_course(course_identifier) if isinstance(course_identifier, str) else None
    return course is not None and course.has_outcomes


@dataclass(frozen=True, slots=True)
class OutcomeRequest:
    date_errors: list[str]
    person_known: bool
    holds_course_kind: bool
    course_identifier: object
    state: object
    has_completed_declaration: bool


def outcome_errors(request: OutcomeRequest) -> list[Error]:
    """O1 to O8. The person and course are only judged when the date was fine (O3), the
    "missing course" message is always given, and the declaration is only looked at for a
    course that passed."""
    errors: list[Error] = [("completion_date", m) for m in request.date_errors]
    date_failed = bool(request.date_errors)
    course = request.course_identifier
    course_errors: list[Error] = []
    if not date_failed and (not request.person_known or not request.holds_course_kind):
        course_errors.append(("course_identifier", COURSE_NOT_RECOGNISED))
    if blank(course):
        if not date_failed:
            course_errors.append(("course_identifier", COURSE_NOT_RECOGNISED))
        course_errors.append(("course_identifier", COURSE_MISSING))
    elif not has_outcomes(course):
        course_errors.append(("course_identifier", COURSE_NOT_RECOGNISED))
    errors += course_errors
    if blank(request.state):
        errors += [("state", STATE_MISSING), ("state", STATE_INVALID)]
    elif request.state not in PROVIDER_STATES:
        errors.append(("state", STATE_INVALID))
    if not course_errors and not request.has_completed_declaration:
        errors.append(("base", NO_COMPLETED_DECLARATION))
    return errors


def completion_date_in_future(completion_date: date, today: date) -> bool:
    return completion_date > today
