"""The built-in reference calendar as plain, immutable Python data.

Everything here is transcribed by hand from the functional specification (``ecf.md`` 1.1,
1.6, 1.6.1 and ``npq.md`` 1.2, 1.3, 1.5, 1.7.3) so that it can be reviewed line by line against
the tables there. The module does no I/O and knows nothing about the database; the loader in
``service.py`` copies it into tables on every ``db upgrade``.

Choices made where the specification is silent or leaves room:

* ``registration_start_date`` is not given by the specification. The values used are those of
  the public seed data of the original service (2021-05-10, 2022-05-10, 2023-06-05,
  2024-04-03, 2024-12-31); nothing in the API depends on them.
* Reduced, extended and replacement ECF schedules have no payment dates in the specification.
  They use the schedule start as payment date, mirroring how the 2025 standard schedules are
  described (payment date equal to the open-ended start) and the original seed data.
* The 2021 ``ecf-standard-january`` ``completed`` milestone is included with its documented
  dates even though the original seed data lacked it, as the specification instructs.
* NPQ milestones carry no payment date (finance data, never exposed) and no end date.
* The NPQ tables stop at cohort 2024 (the baseline predates cohort 2025). Cohort 2025 NPQ
  schedules are extrapolated from the 2024 pattern, one year later: leadership and specialist
  autumn 2025-10-01 and spring 2026-01-01; EHCO november 2025-11-01, december 2025-12-01,
  march 2026-03-01 and june 2026-06-01. No ASO schedules exist after 2021.
* The specification defines no concrete alias identifiers, so every schedule here has
  ``identifier_alias = None``; alias matching in :func:`schedule_spec` is still supported for
  data added later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

# --------------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortSpec:
    start_year: int
    registration_start_date: date
    academic_year_start_date: date
    payments_frozen_at: datetime | None
    mentor_funding: bool
    detailed_evidence_types: bool
    npq_funding_cap: bool


@dataclass(frozen=True)
class MilestoneSpec:
    declaration_type: str
    start_date: date
    milestone_date: date | None
    payment_date: date | None


@dataclass(frozen=True)
class ScheduleSpec:
    identifier: str
    cohort: int
    name: str
    kind: str
    milestones: tuple[MilestoneSpec, ...]
    identifier_alias: str | None = None

    def milestone(self, declaration_type: str) -> MilestoneSpec | None:
        """The milestone for a declaration type, or None when the schedule lacks it (which is
        how the API decides that a declaration type does not exist for a schedule)."""
        for milestone in self.milestones:
            if milestone.declaration_type == declaration_type:
                return milestone
        return None

    @property
    def declaration_types(self) -> tuple[str, ...]:
        return tuple(m.declaration_type for m in self.milestones)


@dataclass(frozen=True)
class NpqCourseSpec:
    identifier: str
    name: str
    group: str
    qualification_code: str | None
    has_outcomes: bool
    uplift_possible: bool


# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------

SCHEDULE_KINDS: tuple[str, ...] = (
    "ecf-standard",
    "ecf-reduced",
    "ecf-extended",
    "ecf-replacement",
    "npq-leadership",
    "npq-specialist",
    "npq-ehco",
    "npq-aso",
)

DECLARATION_TYPES: tuple[str, ...] = (
    "started",
    "retained-1",
    "retained-2",
    "retained-3",
    "retained-4",
    "completed",
    "extended-1",
    "extended-2",
    "extended-3",
)

ECF_COURSE_IDENTIFIERS: tuple[str, ...] = ("ecf-induction", "ecf-mentor")

_ECF_BASE_TYPES = DECLARATION_TYPES[:6]  # started, retained-1..4, completed
_ECF_EXTENDED_TYPES = DECLARATION_TYPES  # the base six plus extended-1..3

NPQ_DECLARATION_TYPES_BY_KIND: dict[str, tuple[str, ...]] = {
    "npq-leadership": ("started", "retained-1", "retained-2", "completed"),
    "npq-specialist": ("started", "retained-1", "completed"),
    "npq-ehco": ("started", "retained-1", "retained-2", "completed"),
    "npq-aso": ("started", "retained-1", "retained-2", "completed"),
}


def _d(value: str) -> date:
    return date.fromisoformat(value)


# --------------------------------------------------------------------------------------------
# Cohorts (ecf.md 1.1, npq.md 1.3 / 1.7.3)
# --------------------------------------------------------------------------------------------

COHORTS: tuple[CohortSpec, ...] = (
    CohortSpec(
        start_year=2021,
        registration_start_date=_d("2021-05-10"),
        academic_year_start_date=_d("2021-09-01"),
        payments_frozen_at=datetime(2024, 4, 3, tzinfo=UTC),
        mentor_funding=False,
        detailed_evidence_types=False,
        npq_funding_cap=False,
    ),
    CohortSpec(
        start_year=2022,
        registration_start_date=_d("2022-05-10"),
        academic_year_start_date=_d("2022-09-01"),
        payments_frozen_at=None,
        mentor_funding=False,
        detailed_evidence_types=False,
        npq_funding_cap=False,
    ),
    CohortSpec(
        start_year=2023,
        registration_start_date=_d("2023-06-05"),
        academic_year_start_date=_d("2023-09-01"),
        payments_frozen_at=None,
        mentor_funding=False,
        detailed_evidence_types=False,
        npq_funding_cap=False,
    ),
    CohortSpec(
        start_year=2024,
        registration_start_date=_d("2024-04-03"),
        academic_year_start_date=_d("2024-09-01"),
        payments_frozen_at=None,
        mentor_funding=False,
        detailed_evidence_types=False,
        npq_funding_cap=True,
    ),
    CohortSpec(
        start_year=2025,
        registration_start_date=_d("2024-12-31"),
        academic_year_start_date=_d("2025-09-01"),
        payments_frozen_at=None,
        mentor_funding=True,
        detailed_evidence_types=True,
        npq_funding_cap=True,
    ),
)

# --------------------------------------------------------------------------------------------
# ECF standard schedules, cohorts 2021-2024 (ecf.md 1.6.1)
#
# One line per milestone, in the order started, retained-1..4, completed:
# "start_date milestone_date payment_date".
# --------------------------------------------------------------------------------------------

_ECF_STANDARD_DATES: dict[tuple[str, int], tuple[str, ...]] = {
    ("september", 2021): (
        "2021-09-01 2021-11-30 2021-11-30",
        "2021-09-01 2022-01-31 2022-02-28",
        "2022-02-01 2022-04-30 2022-05-31",
        "2022-05-01 2022-09-30 2022-10-31",
        "2022-10-01 2023-01-31 2023-02-28",
        "2023-02-01 2023-04-30 2023-05-31",
    ),
    ("september", 2022): (
        "2022-06-01 2022-12-31 2022-11-30",
        "2023-01-01 2023-03-31 2023-04-30",
        "2023-04-01 2023-07-31 2023-08-31",
        "2023-08-01 2023-12-31 2024-01-31",
        "2024-01-01 2024-03-31 2024-04-30",
        "2024-04-01 2024-07-31 2024-08-31",
    ),
    ("september", 2023): (
        "2023-06-01 2023-12-31 2023-11-30",
        "2024-01-01 2024-03-31 2024-04-30",
        "2024-04-01 2024-07-31 2024-08-31",
        "2024-08-01 2024-12-31 2025-01-31",
        "2025-01-01 2025-03-31 2025-04-30",
        "2025-04-01 2025-07-31 2025-08-31",
    ),
    ("september", 2024): (
        "2024-06-01 2024-12-31 2024-11-30",
        "2025-01-01 2025-03-31 2025-04-30",
        "2025-04-01 2025-07-31 2025-08-31",
        "2025-08-01 2025-12-31 2026-01-31",
        "2026-01-01 2026-03-31 2026-04-30",
        "2026-04-01 2026-07-31 2026-08-31",
    ),
    ("january", 2021): (
        "2021-12-01 2022-01-31 2022-02-28",
        "2022-02-01 2022-04-30 2022-05-31",
        "2022-05-01 2022-09-30 2022-10-31",
        "2022-10-01 2023-01-31 2023-02-28",
        "2023-02-01 2023-04-30 2023-05-31",
        # Documented, though missing from the original seed data: kept as documented.
        "2023-05-01 2023-10-31 2023-11-30",
    ),
    ("january", 2022): (
        "2023-01-01 2023-03-31 2023-04-30",
        "2023-04-01 2023-07-31 2023-08-31",
        "2023-08-01 2023-12-31 2024-01-31",
        "2024-01-01 2024-03-31 2024-04-30",
        "2024-04-01 2024-07-31 2024-08-31",
        "2024-08-01 2024-12-31 2025-01-31",
    ),
    ("january", 2023): (
        "2024-01-01 2024-03-31 2024-04-30",
        "2024-04-01 2024-07-31 2024-08-31",
        "2024-08-01 2024-12-31 2025-01-31",
        "2025-01-01 2025-03-31 2025-04-30",
        "2025-04-01 2025-07-31 2025-08-31",
        "2025-08-01 2025-12-31 2026-01-31",
    ),
    ("january", 2024): (
        "2025-01-01 2025-03-31 2025-04-30",
        "2025-04-01 2025-07-31 2025-08-31",
        "2025-08-01 2025-12-31 2026-01-31",
        "2026-01-01 2026-03-31 2026-04-30",
        "2026-04-01 2026-07-31 2026-08-31",
        "2026-08-01 2026-12-31 2027-01-31",
    ),
    # 2021 april: the seeded dates, which validation uses (not the differing published ones).
    ("april", 2021): (
        "2022-04-01 2022-07-31 2022-08-31",
        "2022-08-01 2022-12-31 2023-01-31",
        "2023-01-01 2023-03-31 2023-04-30",
        "2023-04-01 2023-07-31 2023-08-31",
        "2023-08-01 2023-12-31 2024-01-31",
        "2024-01-01 2024-03-31 2024-04-30",
    ),
    ("april", 2022): (
        "2023-04-01 2023-07-31 2023-08-31",
        "2023-08-01 2023-12-31 2024-01-31",
        "2024-01-01 2024-03-31 2024-04-30",
        "2024-04-01 2024-07-31 2024-08-31",
        "2024-08-01 2024-12-31 2025-01-31",
        "2025-01-01 2025-03-31 2025-04-30",
    ),
    ("april", 2023): (
        "2024-04-01 2024-07-31 2024-08-31",
        "2024-08-01 2024-12-31 2025-01-31",
        "2025-01-01 2025-03-31 2025-04-30",
        "2025-04-01 2025-07-31 2025-08-31",
        "2025-08-01 2025-12-31 2026-01-31",
        "2026-01-01 2026-03-31 2026-04-30",
    ),
    ("april", 2024): (
        "2025-04-01 2025-07-31 2025-08-31",
        "2025-08-01 2025-12-31 2026-01-31",
        "2026-01-01 2026-03-31 2026-04-30",
        "2026-04-01 2026-07-31 2026-08-31",
        "2026-08-01 2026-12-31 2027-01-31",
        "2027-01-01 2027-03-31 2027-04-30",
    ),
}

# Cohort 2025 standard schedules (all three start months): open-ended from this date, which
# is also the payment date.
_ECF_STANDARD_2025_START = _d("2025-07-01")

# Reduced, extended and replacement schedules: one open-ended start date per cohort and
# start month, shared by every milestone of the schedule.
_ECF_NON_STANDARD_STARTS: dict[int, dict[str, str]] = {
    2021: {"september": "2021-09-01", "january": "2022-01-01", "april": "2022-04-01"},
    2022: {"september": "2022-09-01", "january": "2023-01-01", "april": "2023-04-01"},
    2023: {"september": "2023-09-01", "january": "2024-01-01", "april": "2024-04-01"},
    2024: {"september": "2024-09-01", "january": "2025-01-01", "april": "2025-04-01"},
    2025: {"september": "2025-09-01", "january": "2026-01-01", "april": "2026-04-01"},
}

_ECF_FAMILIES = ("standard", "reduced", "extended", "replacement")
_ECF_MONTHS = ("september", "january", "april")

ECF_SCHEDULE_IDENTIFIERS: tuple[str, ...] = tuple(
    f"ecf-{family}-{month}" for family in _ECF_FAMILIES for month in _ECF_MONTHS
)


def _open_ended(
    types: Iterable[str], start: date, payment: date | None
) -> tuple[MilestoneSpec, ...]:
    return tuple(MilestoneSpec(t, start, None, payment) for t in types)


def _ecf_milestones(family: str, month: str, cohort: int) -> tuple[MilestoneSpec, ...]:
    if family == "standard":
        if cohort >= 2025:
            return _open_ended(_ECF_BASE_TYPES, _ECF_STANDARD_2025_START, _ECF_STANDARD_2025_START)
        rows = _ECF_STANDARD_DATES[(month, cohort)]
        milestones = []
        for declaration_type, row in zip(_ECF_BASE_TYPES, rows, strict=True):
            start, end, payment = (_d(part) for part in row.split())
            milestones.append(MilestoneSpec(declaration_type, start, end, payment))
        return tuple(milestones)
    start = _d(_ECF_NON_STANDARD_STARTS[cohort][month])
    types = _ECF_EXTENDED_TYPES if family == "extended" else _ECF_BASE_TYPES
    return _open_ended(types, start, start)


ECF_SCHEDULES: tuple[ScheduleSpec, ...] = tuple(
    ScheduleSpec(
        identifier=f"ecf-{family}-{month}",
        cohort=cohort.start_year,
        name=f"ECF {family.capitalize()} {month.capitalize()}",
        kind=f"ecf-{family}",
        milestones=_ecf_milestones(family, month, cohort.start_year),
    )
    for cohort in COHORTS
    for family in _ECF_FAMILIES
    for month in _ECF_MONTHS
)

# --------------------------------------------------------------------------------------------
# NPQ schedules (npq.md 1.5). Start date of every milestone, per identifier and cohort; a
# missing cohort means the schedule does not exist in that cohort. 2025 is extrapolated (see
# the module docstring).
# --------------------------------------------------------------------------------------------

_NPQ_SCHEDULE_STARTS: dict[str, dict[int, str]] = {
    "npq-leadership-autumn": {
        2021: "2021-11-01",
        2022: "2022-10-01",
        2023: "2023-10-01",
        2024: "2024-10-01",
        2025: "2025-10-01",
    },
    "npq-leadership-spring": {
        2021: "2022-01-01",
        2022: "2023-01-01",
        2023: "2024-01-01",
        2024: "2025-01-01",
        2025: "2026-01-01",
    },
    "npq-specialist-autumn": {
        2021: "2021-11-01",
        2022: "2022-10-01",
        2023: "2023-10-01",
        2024: "2024-10-01",
        2025: "2025-10-01",
    },
    "npq-specialist-spring": {
        2021: "2022-01-01",
        2022: "2023-01-01",
        2023: "2024-01-01",
        2024: "2025-01-01",
        2025: "2026-01-01",
    },
    "npq-ehco-november": {
        # 2022 really starts in October (marked "sic" in the specification).
        2022: "2022-10-01",
        2023: "2023-11-01",
        2024: "2024-11-01",
        2025: "2025-11-01",
    },
    "npq-ehco-december": {
        2022: "2022-12-01",
        2023: "2023-12-01",
        2024: "2024-12-01",
        2025: "2025-12-01",
    },
    "npq-ehco-march": {
        2022: "2023-03-01",
        2023: "2024-03-01",
        2024: "2025-03-01",
        2025: "2026-03-01",
    },
    "npq-ehco-june": {
        2021: "2022-06-01",
        2022: "2023-06-01",
        2023: "2024-06-01",
        2024: "2025-06-01",
        2025: "2026-06-01",
    },
    "npq-aso-november": {2021: "2021-11-01"},
    "npq-aso-december": {2021: "2021-12-01"},
    "npq-aso-march": {2021: "2022-03-01"},
    "npq-aso-june": {2021: "2022-06-01"},
}


def _npq_kind(identifier: str) -> str:
    # "npq-leadership-autumn" -> "npq-leadership"
    return identifier.rsplit("-", 1)[0]


def _npq_name(identifier: str) -> str:
    _, family, season = identifier.split("-")
    family_name = family.upper() if family in ("ehco", "aso") else family.capitalize()
    return f"NPQ {family_name} {season.capitalize()}"


NPQ_SCHEDULE_IDENTIFIERS: tuple[str, ...] = tuple(_NPQ_SCHEDULE_STARTS)

NPQ_SCHEDULES: tuple[ScheduleSpec, ...] = tuple(
    ScheduleSpec(
        identifier=identifier,
        cohort=cohort.start_year,
        name=_npq_name(identifier),
        kind=_npq_kind(identifier),
        milestones=_open_ended(
            NPQ_DECLARATION_TYPES_BY_KIND[_npq_kind(identifier)],
            _d(_NPQ_SCHEDULE_STARTS[identifier][cohort.start_year]),
            None,
        ),
    )
    for cohort in COHORTS
    for identifier in NPQ_SCHEDULE_IDENTIFIERS
    if cohort.start_year in _NPQ_SCHEDULE_STARTS[identifier]
)

SCHEDULES: tuple[ScheduleSpec, ...] = ECF_SCHEDULES + NPQ_SCHEDULES

# --------------------------------------------------------------------------------------------
# NPQ courses (npq.md 1.2)
# --------------------------------------------------------------------------------------------


def _leading(identifier: str, name: str, group: str, code: str) -> NpqCourseSpec:
    return NpqCourseSpec(identifier, name, group, code, has_outcomes=True, uplift_possible=True)


NPQ_COURSES: tuple[NpqCourseSpec, ...] = (
    _leading("npq-senior-leadership", "NPQ for Senior Leadership", "leadership", "NPQSL"),
    _leading("npq-headship", "NPQ for Headship", "leadership", "NPQH"),
    _leading("npq-executive-leadership", "NPQ for Executive Leadership", "leadership", "NPQEL"),
    _leading(
        "npq-early-years-leadership", "NPQ for Early Years Leadership", "leadership", "NPQEYL"
    ),
    _leading("npq-senco", "NPQ for SENCOs", "leadership", "NPQSENCO"),
    _leading("npq-leading-teaching", "NPQ for Leading Teaching", "specialist", "NPQLT"),
    _leading(
        "npq-leading-behaviour-culture",
        "NPQ for Leading Behaviour and Culture",
        "specialist",
        "NPQLBC",
    ),
    _leading(
        "npq-leading-teaching-development",
        "NPQ for Leading Teacher Development",
        "specialist",
        "NPQLTD",
    ),
    _leading("npq-leading-literacy", "NPQ for Leading Literacy", "specialist", "NPQLL"),
    _leading(
        "npq-leading-primary-mathematics", "Leading Primary Mathematics", "specialist", "NPQLPM"
    ),
    NpqCourseSpec(
        "npq-early-headship-coaching-offer",
        "Early Headship Coaching Offer (EHCO)",
        "ehco",
        None,
        has_outcomes=False,
        uplift_possible=False,
    ),
    NpqCourseSpec(
        "npq-additional-support-offer",
        "Additional Support Offer (ASO)",
        "aso",
        None,
        has_outcomes=False,
        uplift_possible=False,
    ),
)

NPQ_COURSE_IDENTIFIERS: tuple[str, ...] = tuple(c.identifier for c in NPQ_COURSES)

# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------

_COHORTS_BY_YEAR = {c.start_year: c for c in COHORTS}
_COURSES_BY_IDENTIFIER = {c.identifier: c for c in NPQ_COURSES}


def cohort_spec(year: int) -> CohortSpec | None:
    """The cohort starting in ``year``, or None for a year outside the calendar."""
    return _COHORTS_BY_YEAR.get(year)


def schedule_spec(
    identifier: str, cohort: int, schedules: Iterable[ScheduleSpec] = SCHEDULES
) -> ScheduleSpec | None:
    """Find a schedule of one cohort by identifier.

    Identifiers repeat across cohorts, so the cohort is part of the key. A schedule whose own
    identifier matches wins over one that merely carries the identifier as its alias; the
    alias exists so that renamed schedules stay reachable under their old name. ``schedules``
    is only there to let callers (and tests) search another collection.
    """
    in_cohort = [s for s in schedules if s.cohort == cohort]
    for schedule in in_cohort:
        if schedule.identifier == identifier:
            return schedule
    for schedule in in_cohort:
        if schedule.identifier_alias is not None and schedule.identifier_alias == identifier:
            return schedule
    return None


def npq_course(identifier: str) -> NpqCourseSpec | None:
    """The NPQ course with this identifier, or None (ECF and unknown identifiers)."""
    return _COURSES_BY_IDENTIFIER.get(identifier)


__all__ = [
    "COHORTS",
    "DECLARATION_TYPES",
    "ECF_COURSE_IDENTIFIERS",
    "ECF_SCHEDULES",
    "ECF_SCHEDULE_IDENTIFIERS",
    "NPQ_COURSES",
    "NPQ_COURSE_IDENTIFIERS",
    "NPQ_DECLARATION_TYPES_BY_KIND",
    "NPQ_SCHEDULES",
    "NPQ_SCHEDULE_IDENTIFIERS",
    "SCHEDULES",
    "SCHEDULE_KINDS",
    "CohortSpec",
    "MilestoneSpec",
    "NpqCourseSpec",
    "ScheduleSpec",
    "cohort_spec",
    "npq_course",
    "schedule_spec",
]
