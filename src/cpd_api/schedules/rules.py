"""Pure rules over the reference calendar: which courses a schedule serves, which NPQ schedule
an accepted application lands on, and whether a declaration falls inside a milestone window.

Nothing here touches the database or the clock; callers pass in "today" and the instant of
the declaration so that the rules stay deterministic and easy to test at boundary dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from .reference_data import (
    ECF_COURSE_IDENTIFIERS,
    NPQ_COURSES,
    MilestoneSpec,
    npq_course,
)

_ECF_BOTH = ECF_COURSE_IDENTIFIERS  # ("ecf-induction", "ecf-mentor")
_ECF_MENTOR_ONLY = ("ecf-mentor",)


def _npq_courses_in_group(group: str) -> tuple[str, ...]:
    return tuple(c.identifier for c in NPQ_COURSES if c.group == group)


_COURSES_BY_KIND: dict[str, tuple[str, ...]] = {
    "ecf-standard": _ECF_BOTH,
    "ecf-reduced": _ECF_BOTH,
    "ecf-extended": _ECF_BOTH,
    # Replacement schedules exist for mentors who take over from another mentor part-way
    # through; an ECT never follows one.
    "ecf-replacement": _ECF_MENTOR_ONLY,
    "npq-leadership": _npq_courses_in_group("leadership"),
    "npq-specialist": _npq_courses_in_group("specialist"),
    "npq-ehco": _npq_courses_in_group("ehco"),
    "npq-aso": _npq_courses_in_group("aso"),
}


def courses_allowed_on_schedule(kind: str) -> tuple[str, ...]:
    """Course identifiers that may be followed on a schedule of the given kind.

    A schedule family is designed around one kind of training, so putting a participant on a
    schedule of another family (say a headship enrolment on an EHCO schedule) would make the
    declaration types and dates meaningless. Raises ValueError for an unknown kind, because
    kinds form a closed vocabulary and an unknown one means corrupt data.
    """
    try:
        return _COURSES_BY_KIND[kind]
    except KeyError:
        raise ValueError(f"unknown schedule kind: {kind!r}") from None


def schedule_kind_fits_course(kind: str, course_identifier: str) -> bool:
    """Whether a participant on ``course_identifier`` may be placed on a ``kind`` schedule.

    Used by change-schedule and by accept with an explicit schedule, which must refuse a
    schedule from the wrong family.
    """
    return course_identifier in courses_allowed_on_schedule(kind)


def _leadership_or_specialist_season(today: date) -> str:
    # A one-off window in 2022 put every acceptance from June to Christmas on autumn. It sits
    # inside the generic autumn window below, so it changes nothing today, but it is kept as
    # its own rule to mirror the baseline and to make any future special window easy to add.
    if date(2022, 6, 1) <= today <= date(2022, 12, 25):
        return "autumn"
    month_day = (today.month, today.day)
    # Late December and the first quarter (up to 2 April) belong to the spring intake; the
    # rest of the year is the autumn intake.
    if month_day <= (4, 2) or month_day >= (12, 26):
        return "spring"
    return "autumn"


def _ehco_season(cohort: int, today: date) -> str:
    # The EHCO windows are anchored on the cohort year rather than on today's year, because an
    # EHCO cohort runs from September of its year into the following summer.
    if date(cohort, 9, 1) <= today <= date(cohort, 11, 30):
        return "november"
    if date(cohort, 12, 1) <= today < date(cohort + 1, 3, 1):
        return "december"
    if date(cohort + 1, 3, 1) <= today <= date(cohort + 1, 5, 31):
        return "march"
    # 1 June to 30 September of the following year, and any date outside all windows, falls
    # back to the June schedule.
    return "june"


def automatic_npq_schedule_identifier(course_identifier: str, cohort: int, today: date) -> str:
    """The schedule identifier an NPQ application gets when accepted without one (baseline).

    The result is only an identifier: the caller must look it up in the application's cohort
    and refuse the acceptance when that cohort has no such schedule. The baseline rules are
    implemented; the successor's extra 2024/2025 windows are not.

    * leadership and specialist: autumn or spring, chosen from today's day of the year;
    * EHCO: the window of the cohort that contains today; cohort 2021 only ever had the June
      schedule, so that is the answer for 2021 whatever the date;
    * ASO (2021 only): always the December schedule, which is deterministic where the
      baseline took whichever ASO schedule it found first.

    Raises ValueError for a course that is not an NPQ course.
    """
    course = npq_course(course_identifier)
    if course is None:
        raise ValueError(f"not an NPQ course: {course_identifier!r}")
    if course.group in ("leadership", "specialist"):
        return f"npq-{course.group}-{_leadership_or_specialist_season(today)}"
    if course.group == "ehco":
        if cohort <= 2021:
            return "npq-ehco-june"
        return f"npq-ehco-{_ehco_season(cohort, today)}"
    if course.group == "aso":
        return "npq-aso-december"
    raise ValueError(f"NPQ course {course_identifier!r} has unknown group {course.group!r}")


def _end_of_day_utc(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def milestone_window_contains(milestone: MilestoneSpec, declaration_at: datetime) -> bool:
    """Whether a declaration made at ``declaration_at`` falls inside the milestone window.

    The window opens at midnight UTC on the start date, so a declaration dated on the start
    day itself is always in time. When the milestone has an end date the window closes with
    that day: the validation rule rejects a date at or after 23:59:59.999999 UTC of the end
    date, so that final microsecond is outside and everything before it is inside. Without an
    end date the window never closes (the "not in the future" check lives elsewhere).

    ``declaration_at`` must be timezone-aware; a naive value is ambiguous and is refused.
    """
    if declaration_at.tzinfo is None or declaration_at.utcoffset() is None:
        raise ValueError("declaration_at must be timezone-aware")
    opens = datetime.combine(milestone.start_date, time.min, tzinfo=UTC)
    if declaration_at < opens:
        return False
    if milestone.milestone_date is None:
        return True
    return declaration_at < _end_of_day_utc(milestone.milestone_date)


__all__ = [
    "automatic_npq_schedule_identifier",
    "courses_allowed_on_schedule",
    "milestone_window_contains",
    "schedule_kind_fits_course",
]
