"""The built-in reference calendar matches the specification tables, and the pure schedule
rules behave at their boundary dates."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpd_api.schedules import reference_data as ref
from cpd_api.schedules.reference_data import MilestoneSpec, ScheduleSpec, schedule_spec
from cpd_api.schedules.rules import (
    automatic_npq_schedule_identifier,
    courses_allowed_on_schedule,
    milestone_window_contains,
    schedule_kind_fits_course,
)

D = date.fromisoformat

ECF_FAMILIES = ("standard", "reduced", "extended", "replacement")
MONTHS = ("september", "january", "april")
LEADERSHIP = (
    "npq-senior-leadership",
    "npq-headship",
    "npq-executive-leadership",
    "npq-early-years-leadership",
    "npq-senco",
)
SPECIALIST = (
    "npq-leading-teaching",
    "npq-leading-behaviour-culture",
    "npq-leading-teaching-development",
    "npq-leading-literacy",
    "npq-leading-primary-mathematics",
)
EHCO = "npq-early-headship-coaching-offer"
ASO = "npq-additional-support-offer"


def milestone(identifier: str, cohort: int, declaration_type: str) -> MilestoneSpec:
    schedule = schedule_spec(identifier, cohort)
    assert schedule is not None, (identifier, cohort)
    found = schedule.milestone(declaration_type)
    assert found is not None, (identifier, cohort, declaration_type)
    return found


def window(identifier: str, cohort: int, declaration_type: str) -> tuple:
    m = milestone(identifier, cohort, declaration_type)
    return (m.start_date, m.milestone_date, m.payment_date)


# --------------------------------------------------------------------------------------------
# Cohorts
# --------------------------------------------------------------------------------------------


def test_cohort_years_and_flags():
    assert [c.start_year for c in ref.COHORTS] == [2021, 2022, 2023, 2024, 2025]
    for c in ref.COHORTS:
        assert c.academic_year_start_date == date(c.start_year, 9, 1)
        assert c.mentor_funding is (c.start_year >= 2025)
        assert c.detailed_evidence_types is (c.start_year >= 2025)
        assert c.npq_funding_cap is (c.start_year >= 2024)
        assert c.registration_start_date < c.academic_year_start_date


def test_only_2021_is_frozen_and_the_instant_is_utc():
    frozen = {c.start_year: c.payments_frozen_at for c in ref.COHORTS}
    assert frozen[2021] == datetime(2024, 4, 3, tzinfo=UTC)
    assert frozen[2021].utcoffset() == timedelta(0)
    assert all(frozen[year] is None for year in (2022, 2023, 2024, 2025))


def test_cohort_lookup():
    spec = ref.cohort_spec(2024)
    assert spec is not None and spec.start_year == 2024
    assert ref.cohort_spec(2020) is None
    assert ref.cohort_spec(2026) is None


# --------------------------------------------------------------------------------------------
# Counts and shape
# --------------------------------------------------------------------------------------------


def test_every_ecf_identifier_exists_once_in_every_cohort():
    assert len(ref.ECF_SCHEDULES) == 60
    keys = Counter((s.identifier, s.cohort) for s in ref.ECF_SCHEDULES)
    expected = {
        (f"ecf-{family}-{month}", year)
        for family in ECF_FAMILIES
        for month in MONTHS
        for year in range(2021, 2026)
    }
    assert set(keys) == expected
    assert set(keys.values()) == {1}


def test_npq_schedule_counts_per_cohort():
    per_cohort = Counter(s.cohort for s in ref.NPQ_SCHEDULES)
    # 2021: leadership x2, specialist x2, EHCO june only, ASO x4; later: 2 + 2 + 4 EHCO.
    assert per_cohort == {2021: 9, 2022: 8, 2023: 8, 2024: 8, 2025: 8}
    assert len(ref.NPQ_SCHEDULES) == 41
    assert ref.SCHEDULES == ref.ECF_SCHEDULES + ref.NPQ_SCHEDULES
    assert len({(s.identifier, s.cohort) for s in ref.SCHEDULES}) == len(ref.SCHEDULES)


def test_aso_only_in_2021_and_ehco_2021_only_june():
    aso = {(s.identifier, s.cohort) for s in ref.NPQ_SCHEDULES if s.kind == "npq-aso"}
    assert aso == {
        ("npq-aso-november", 2021),
        ("npq-aso-december", 2021),
        ("npq-aso-march", 2021),
        ("npq-aso-june", 2021),
    }
    ehco_2021 = [
        s.identifier for s in ref.NPQ_SCHEDULES if s.kind == "npq-ehco" and s.cohort == 2021
    ]
    assert ehco_2021 == ["npq-ehco-june"]
    for identifier in ("npq-ehco-november", "npq-ehco-december", "npq-ehco-march"):
        assert schedule_spec(identifier, 2021) is None


def test_kinds_and_names():
    assert set(ref.SCHEDULE_KINDS) == {s.kind for s in ref.SCHEDULES}
    for s in ref.SCHEDULES:
        assert s.identifier.startswith(s.kind + "-")
    assert schedule_spec("ecf-standard-september", 2023).name == "ECF Standard September"
    assert schedule_spec("ecf-replacement-april", 2021).name == "ECF Replacement April"
    assert schedule_spec("npq-leadership-autumn", 2022).name == "NPQ Leadership Autumn"
    assert schedule_spec("npq-ehco-december", 2024).name == "NPQ EHCO December"


def test_declaration_types_vocabulary():
    assert ref.DECLARATION_TYPES == (
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
    for s in ref.SCHEDULES:
        assert set(s.declaration_types) <= set(ref.DECLARATION_TYPES)
        assert len(set(s.declaration_types)) == len(s.milestones)


def test_ecf_milestone_sets():
    base = ref.DECLARATION_TYPES[:6]
    for s in ref.ECF_SCHEDULES:
        if s.kind == "ecf-extended":
            assert s.declaration_types == ref.DECLARATION_TYPES
        else:
            assert s.declaration_types == base


def test_extended_milestones_only_on_extended_schedules():
    extended_types = {"extended-1", "extended-2", "extended-3"}
    for s in ref.SCHEDULES:
        has_extended = bool(extended_types & set(s.declaration_types))
        assert has_extended is (s.kind == "ecf-extended"), (s.identifier, s.cohort)


def test_npq_declaration_types_per_family():
    expected = {
        "npq-leadership": ("started", "retained-1", "retained-2", "completed"),
        "npq-specialist": ("started", "retained-1", "completed"),
        "npq-ehco": ("started", "retained-1", "retained-2", "completed"),
        "npq-aso": ("started", "retained-1", "retained-2", "completed"),
    }
    for s in ref.NPQ_SCHEDULES:
        assert s.declaration_types == expected[s.kind], (s.identifier, s.cohort)


def test_specialist_schedules_never_have_retained_2():
    specialist = [s for s in ref.NPQ_SCHEDULES if s.kind == "npq-specialist"]
    assert len(specialist) == 10
    for s in specialist:
        assert s.milestone("retained-2") is None
        assert s.milestone("completed") is not None


def test_npq_milestones_share_start_and_are_open_ended_without_payment():
    for s in ref.NPQ_SCHEDULES:
        assert len({m.start_date for m in s.milestones}) == 1
        assert all(m.milestone_date is None for m in s.milestones)
        assert all(m.payment_date is None for m in s.milestones)


def test_ecf_non_standard_schedules_are_open_ended_from_one_start():
    for s in ref.ECF_SCHEDULES:
        if s.kind == "ecf-standard":
            continue
        assert len({m.start_date for m in s.milestones}) == 1
        assert all(m.milestone_date is None for m in s.milestones)


def test_ecf_standard_2021_to_2024_are_bounded_and_ordered():
    for s in ref.ECF_SCHEDULES:
        if s.kind != "ecf-standard" or s.cohort >= 2025:
            continue
        assert len(s.milestones) == 6
        for m in s.milestones:
            assert m.milestone_date is not None and m.payment_date is not None
            assert m.start_date < m.milestone_date
        starts = [m.start_date for m in s.milestones]
        assert starts == sorted(starts)


def test_no_alias_in_builtin_data():
    assert all(s.identifier_alias is None for s in ref.SCHEDULES)


# --------------------------------------------------------------------------------------------
# Spot checks against the specification tables
# --------------------------------------------------------------------------------------------

ECF_STANDARD_SPOT_CHECKS = [
    # (identifier, cohort, type, start, milestone_date, payment_date)
    ("ecf-standard-september", 2021, "started", "2021-09-01", "2021-11-30", "2021-11-30"),
    ("ecf-standard-september", 2021, "retained-1", "2021-09-01", "2022-01-31", "2022-02-28"),
    ("ecf-standard-september", 2021, "completed", "2023-02-01", "2023-04-30", "2023-05-31"),
    ("ecf-standard-september", 2022, "started", "2022-06-01", "2022-12-31", "2022-11-30"),
    ("ecf-standard-september", 2023, "retained-3", "2024-08-01", "2024-12-31", "2025-01-31"),
    ("ecf-standard-september", 2024, "retained-1", "2025-01-01", "2025-03-31", "2025-04-30"),
    ("ecf-standard-september", 2024, "retained-2", "2025-04-01", "2025-07-31", "2025-08-31"),
    ("ecf-standard-september", 2024, "completed", "2026-04-01", "2026-07-31", "2026-08-31"),
    ("ecf-standard-january", 2021, "started", "2021-12-01", "2022-01-31", "2022-02-28"),
    ("ecf-standard-january", 2021, "retained-4", "2023-02-01", "2023-04-30", "2023-05-31"),
    ("ecf-standard-january", 2021, "completed", "2023-05-01", "2023-10-31", "2023-11-30"),
    ("ecf-standard-january", 2022, "completed", "2024-08-01", "2024-12-31", "2025-01-31"),
    ("ecf-standard-january", 2023, "retained-4", "2025-04-01", "2025-07-31", "2025-08-31"),
    ("ecf-standard-january", 2024, "started", "2025-01-01", "2025-03-31", "2025-04-30"),
    ("ecf-standard-january", 2024, "completed", "2026-08-01", "2026-12-31", "2027-01-31"),
    ("ecf-standard-april", 2021, "started", "2022-04-01", "2022-07-31", "2022-08-31"),
    ("ecf-standard-april", 2021, "retained-1", "2022-08-01", "2022-12-31", "2023-01-31"),
    ("ecf-standard-april", 2022, "retained-2", "2024-01-01", "2024-03-31", "2024-04-30"),
    ("ecf-standard-april", 2023, "completed", "2026-01-01", "2026-03-31", "2026-04-30"),
    ("ecf-standard-april", 2024, "completed", "2027-01-01", "2027-03-31", "2027-04-30"),
    ("ecf-standard-april", 2024, "retained-3", "2026-04-01", "2026-07-31", "2026-08-31"),
]


@pytest.mark.parametrize(
    ("identifier", "cohort", "declaration_type", "start", "end", "payment"),
    ECF_STANDARD_SPOT_CHECKS,
)
def test_ecf_standard_spot_checks(identifier, cohort, declaration_type, start, end, payment):
    assert window(identifier, cohort, declaration_type) == (D(start), D(end), D(payment))


def _last_day_of_following_month(day: date) -> date:
    first_of_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return (first_of_next + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def test_ecf_standard_milestones_chain_without_gaps():
    """Each window opens the day after the previous one closes. The one documented exception:
    2021 september retained-1 opens on the same day as started."""
    for s in ref.ECF_SCHEDULES:
        if s.kind != "ecf-standard" or s.cohort >= 2025:
            continue
        for before, after in pairwise(s.milestones):
            if (s.identifier, s.cohort, after.declaration_type) == (
                "ecf-standard-september",
                2021,
                "retained-1",
            ):
                assert after.start_date == before.start_date == D("2021-09-01")
                continue
            assert after.start_date == before.milestone_date + timedelta(days=1), (
                s.identifier,
                s.cohort,
                after.declaration_type,
            )


def test_ecf_standard_payment_is_end_of_following_month_except_september_started():
    for s in ref.ECF_SCHEDULES:
        if s.kind != "ecf-standard" or s.cohort >= 2025:
            continue
        for m in s.milestones:
            if s.identifier == "ecf-standard-september" and m.declaration_type == "started":
                assert m.payment_date == date(s.cohort, 11, 30)
                continue
            expected = _last_day_of_following_month(m.milestone_date)
            assert m.payment_date == expected, (s.identifier, s.cohort, m.declaration_type)


@pytest.mark.parametrize("month", MONTHS)
def test_ecf_standard_2025_is_open_ended_from_first_of_july(month):
    s = schedule_spec(f"ecf-standard-{month}", 2025)
    assert s.declaration_types == ref.DECLARATION_TYPES[:6]
    for m in s.milestones:
        assert (m.start_date, m.milestone_date, m.payment_date) == (
            D("2025-07-01"),
            None,
            D("2025-07-01"),
        )


NON_STANDARD_STARTS = {
    2021: ("2021-09-01", "2022-01-01", "2022-04-01"),
    2022: ("2022-09-01", "2023-01-01", "2023-04-01"),
    2023: ("2023-09-01", "2024-01-01", "2024-04-01"),
    2024: ("2024-09-01", "2025-01-01", "2025-04-01"),
    2025: ("2025-09-01", "2026-01-01", "2026-04-01"),
}


@pytest.mark.parametrize("cohort", sorted(NON_STANDARD_STARTS))
@pytest.mark.parametrize("family", ("reduced", "extended", "replacement"))
def test_ecf_non_standard_starts(family, cohort):
    for month, start in zip(MONTHS, NON_STANDARD_STARTS[cohort], strict=True):
        s = schedule_spec(f"ecf-{family}-{month}", cohort)
        assert {m.start_date for m in s.milestones} == {D(start)}


def test_ecf_extended_2023_september_extended_3_and_replacement_2025_april():
    assert milestone("ecf-extended-september", 2023, "extended-3").start_date == D("2023-09-01")
    assert milestone("ecf-extended-september", 2023, "extended-3").milestone_date is None
    assert milestone("ecf-replacement-april", 2025, "completed").start_date == D("2026-04-01")
    assert schedule_spec("ecf-reduced-january", 2022).milestone("extended-1") is None


NPQ_SPOT_CHECKS = [
    ("npq-leadership-autumn", 2021, "2021-11-01"),
    ("npq-leadership-autumn", 2022, "2022-10-01"),
    ("npq-leadership-spring", 2024, "2025-01-01"),
    ("npq-specialist-autumn", 2023, "2023-10-01"),
    ("npq-specialist-spring", 2021, "2022-01-01"),
    ("npq-ehco-november", 2022, "2022-10-01"),  # October, not November (sic in the spec)
    ("npq-ehco-november", 2023, "2023-11-01"),
    ("npq-ehco-december", 2022, "2022-12-01"),
    ("npq-ehco-march", 2022, "2023-03-01"),
    ("npq-ehco-march", 2024, "2025-03-01"),
    ("npq-ehco-june", 2021, "2022-06-01"),
    ("npq-ehco-june", 2024, "2025-06-01"),
    ("npq-aso-november", 2021, "2021-11-01"),
    ("npq-aso-december", 2021, "2021-12-01"),
    ("npq-aso-march", 2021, "2022-03-01"),
    ("npq-aso-june", 2021, "2022-06-01"),
    # Cohort 2025: extrapolated from the 2024 pattern.
    ("npq-leadership-autumn", 2025, "2025-10-01"),
    ("npq-specialist-spring", 2025, "2026-01-01"),
    ("npq-ehco-november", 2025, "2025-11-01"),
    ("npq-ehco-december", 2025, "2025-12-01"),
    ("npq-ehco-march", 2025, "2026-03-01"),
    ("npq-ehco-june", 2025, "2026-06-01"),
]


NPQ_TABLE = {
    # identifier: starts for cohorts 2021..2025 (None = schedule absent); 2025 extrapolated
    "npq-leadership-autumn": ("2021-11-01", "2022-10-01", "2023-10-01", "2024-10-01", "2025-10-01"),
    "npq-leadership-spring": ("2022-01-01", "2023-01-01", "2024-01-01", "2025-01-01", "2026-01-01"),
    "npq-specialist-autumn": ("2021-11-01", "2022-10-01", "2023-10-01", "2024-10-01", "2025-10-01"),
    "npq-specialist-spring": ("2022-01-01", "2023-01-01", "2024-01-01", "2025-01-01", "2026-01-01"),
    "npq-ehco-november": (None, "2022-10-01", "2023-11-01", "2024-11-01", "2025-11-01"),
    "npq-ehco-december": (None, "2022-12-01", "2023-12-01", "2024-12-01", "2025-12-01"),
    "npq-ehco-march": (None, "2023-03-01", "2024-03-01", "2025-03-01", "2026-03-01"),
    "npq-ehco-june": ("2022-06-01", "2023-06-01", "2024-06-01", "2025-06-01", "2026-06-01"),
    "npq-aso-november": ("2021-11-01", None, None, None, None),
    "npq-aso-december": ("2021-12-01", None, None, None, None),
    "npq-aso-march": ("2022-03-01", None, None, None, None),
    "npq-aso-june": ("2022-06-01", None, None, None, None),
}


def test_npq_full_table():
    assert set(ref.NPQ_SCHEDULE_IDENTIFIERS) == set(NPQ_TABLE)
    for identifier, starts in NPQ_TABLE.items():
        for cohort, start in zip(range(2021, 2026), starts, strict=True):
            s = schedule_spec(identifier, cohort)
            if start is None:
                assert s is None, (identifier, cohort)
            else:
                assert s is not None, (identifier, cohort)
                assert {m.start_date for m in s.milestones} == {D(start)}, (identifier, cohort)


@pytest.mark.parametrize(("identifier", "cohort", "start"), NPQ_SPOT_CHECKS)
def test_npq_spot_checks(identifier, cohort, start):
    s = schedule_spec(identifier, cohort)
    assert s is not None
    assert {m.start_date for m in s.milestones} == {D(start)}


def test_npq_schedules_absent_where_the_table_has_a_dash():
    for cohort in (2022, 2023, 2024, 2025):
        for season in ("november", "december", "march", "june"):
            assert schedule_spec(f"npq-aso-{season}", cohort) is None


# --------------------------------------------------------------------------------------------
# Courses
# --------------------------------------------------------------------------------------------


def test_npq_courses():
    assert len(ref.NPQ_COURSES) == 12
    assert ref.NPQ_COURSE_IDENTIFIERS == LEADERSHIP + SPECIALIST + (EHCO, ASO)
    assert ref.ECF_COURSE_IDENTIFIERS == ("ecf-induction", "ecf-mentor")
    groups = Counter(c.group for c in ref.NPQ_COURSES)
    assert groups == {"leadership": 5, "specialist": 5, "ehco": 1, "aso": 1}
    codes = {c.identifier: c.qualification_code for c in ref.NPQ_COURSES}
    assert codes["npq-senco"] == "NPQSENCO"
    assert codes["npq-leading-teaching-development"] == "NPQLTD"
    assert codes["npq-leading-primary-mathematics"] == "NPQLPM"
    assert codes[EHCO] is None and codes[ASO] is None
    for c in ref.NPQ_COURSES:
        support = c.group in ("ehco", "aso")
        assert c.has_outcomes is not support
        assert c.uplift_possible is not support
        assert c.identifier.startswith("npq-")


def test_npq_course_lookup():
    course = ref.npq_course("npq-leading-teaching-development")
    assert course is not None
    assert course.name == "NPQ for Leading Teacher Development"
    assert course.group == "specialist"
    assert ref.npq_course("npq-early-years-leadership").qualification_code == "NPQEYL"
    assert ref.npq_course("ecf-induction") is None
    assert ref.npq_course("npq-unknown") is None


# --------------------------------------------------------------------------------------------
# Schedule lookup and aliases
# --------------------------------------------------------------------------------------------


def test_schedule_lookup_is_per_cohort():
    a = schedule_spec("npq-leadership-spring", 2023)
    b = schedule_spec("npq-leadership-spring", 2024)
    assert a is not None and b is not None
    assert (a.cohort, b.cohort) == (2023, 2024)
    assert schedule_spec("ecf-standard-september", 2020) is None
    assert schedule_spec("ecf-nonexistent", 2024) is None


def _schedule(identifier: str, cohort: int, alias: str | None = None) -> ScheduleSpec:
    return ScheduleSpec(
        identifier=identifier,
        cohort=cohort,
        name=identifier,
        kind="ecf-standard",
        milestones=(MilestoneSpec("started", D("2024-01-01"), None, None),),
        identifier_alias=alias,
    )


def test_alias_lookup():
    renamed = _schedule("ecf-standard-september", 2024, alias="ecf-september-standard-2024")
    other_cohort = _schedule("ecf-standard-january", 2023, alias="old-name")
    exact_wins = _schedule("old-name", 2024)
    aliased = _schedule("ecf-standard-january", 2024, alias="old-name")
    data = (renamed, other_cohort, aliased, exact_wins)

    assert schedule_spec("ecf-september-standard-2024", 2024, data) is renamed
    assert schedule_spec("ecf-standard-september", 2024, data) is renamed
    # Alias matching is restricted to the requested cohort.
    assert schedule_spec("ecf-september-standard-2024", 2023, data) is None
    assert schedule_spec("old-name", 2023, data) is other_cohort
    # A real identifier beats an alias in the same cohort.
    assert schedule_spec("old-name", 2024, data) is exact_wins


# --------------------------------------------------------------------------------------------
# Courses allowed on schedules
# --------------------------------------------------------------------------------------------


def test_courses_allowed_on_schedule():
    both = ("ecf-induction", "ecf-mentor")
    assert courses_allowed_on_schedule("ecf-standard") == both
    assert courses_allowed_on_schedule("ecf-reduced") == both
    assert courses_allowed_on_schedule("ecf-extended") == both
    assert courses_allowed_on_schedule("ecf-replacement") == ("ecf-mentor",)
    assert courses_allowed_on_schedule("npq-leadership") == LEADERSHIP
    assert courses_allowed_on_schedule("npq-specialist") == SPECIALIST
    assert courses_allowed_on_schedule("npq-ehco") == (EHCO,)
    assert courses_allowed_on_schedule("npq-aso") == (ASO,)
    with pytest.raises(ValueError):
        courses_allowed_on_schedule("npq-unknown")


def test_every_kind_has_courses_and_every_course_exactly_one_npq_kind():
    for kind in ref.SCHEDULE_KINDS:
        assert courses_allowed_on_schedule(kind)
    for course in ref.NPQ_COURSE_IDENTIFIERS:
        fitting = [k for k in ref.SCHEDULE_KINDS if schedule_kind_fits_course(k, course)]
        assert len(fitting) == 1 and fitting[0].startswith("npq-")


def test_schedule_kind_fits_course():
    assert schedule_kind_fits_course("ecf-extended", "ecf-induction")
    assert schedule_kind_fits_course("ecf-replacement", "ecf-mentor")
    assert not schedule_kind_fits_course("ecf-replacement", "ecf-induction")
    assert not schedule_kind_fits_course("ecf-standard", "npq-headship")
    assert schedule_kind_fits_course("npq-leadership", "npq-senco")
    assert not schedule_kind_fits_course("npq-leadership", "npq-leading-literacy")
    assert not schedule_kind_fits_course("npq-specialist", "npq-headship")
    assert not schedule_kind_fits_course("npq-ehco", ASO)
    assert not schedule_kind_fits_course("npq-aso", EHCO)


# --------------------------------------------------------------------------------------------
# Automatic NPQ schedule assignment
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "season"),
    [
        ("2022-05-31", "autumn"),
        ("2022-06-01", "autumn"),
        ("2022-12-25", "autumn"),
        ("2022-12-26", "spring"),
        ("2022-12-31", "spring"),
        ("2023-01-01", "spring"),
        ("2023-04-02", "spring"),
        ("2023-04-03", "autumn"),
        ("2023-12-25", "autumn"),
        ("2023-12-26", "spring"),
        ("2024-02-29", "spring"),
        ("2024-09-15", "autumn"),
        ("2021-04-02", "spring"),
        ("2021-04-03", "autumn"),
    ],
)
@pytest.mark.parametrize("course", ("npq-headship", "npq-leading-literacy"))
def test_leadership_and_specialist_windows(course, today, season):
    group = ref.npq_course(course).group
    # The baseline ignores the cohort for these families.
    for cohort in (2022, 2024):
        identifier = automatic_npq_schedule_identifier(course, cohort, D(today))
        assert identifier == f"npq-{group}-{season}"


@pytest.mark.parametrize(
    ("cohort", "today", "identifier"),
    [
        (2023, "2023-08-31", "npq-ehco-june"),  # before every window
        (2023, "2023-09-01", "npq-ehco-november"),
        (2023, "2023-11-30", "npq-ehco-november"),
        (2023, "2023-12-01", "npq-ehco-december"),
        (2024, "2025-02-28", "npq-ehco-december"),
        (2023, "2024-02-29", "npq-ehco-december"),  # leap year: still end of February
        (2023, "2024-03-01", "npq-ehco-march"),
        (2023, "2024-05-31", "npq-ehco-march"),
        (2023, "2024-06-01", "npq-ehco-june"),
        (2023, "2024-09-30", "npq-ehco-june"),
        (2023, "2024-10-01", "npq-ehco-june"),  # after every window
        (2022, "2022-09-01", "npq-ehco-november"),
        (2022, "2023-03-01", "npq-ehco-march"),
        (2025, "2025-12-24", "npq-ehco-december"),
        (2021, "2021-09-01", "npq-ehco-june"),  # 2021 has only the june schedule
        (2021, "2021-12-15", "npq-ehco-june"),
        (2021, "2022-03-10", "npq-ehco-june"),
    ],
)
def test_ehco_windows(cohort, today, identifier):
    assert automatic_npq_schedule_identifier(EHCO, cohort, D(today)) == identifier


def test_aso_always_december():
    for today in ("2021-09-01", "2021-12-31", "2022-06-30"):
        assert automatic_npq_schedule_identifier(ASO, 2021, D(today)) == "npq-aso-december"


def test_automatic_assignment_refuses_non_npq_courses():
    with pytest.raises(ValueError):
        automatic_npq_schedule_identifier("ecf-induction", 2024, D("2024-10-01"))


@given(
    course=st.sampled_from(ref.NPQ_COURSE_IDENTIFIERS),
    cohort=st.sampled_from([c.start_year for c in ref.COHORTS]),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_automatic_assignment_always_names_a_fitting_schedule(course, cohort, today):
    identifier = automatic_npq_schedule_identifier(course, cohort, today)
    assert identifier in ref.NPQ_SCHEDULE_IDENTIFIERS
    kind = identifier.rsplit("-", 1)[0]
    assert schedule_kind_fits_course(kind, course)
    if course != ASO or cohort == 2021:
        # ASO exists only in 2021; every other answer exists in the cohort asked about.
        assert schedule_spec(identifier, cohort) is not None
    else:
        assert schedule_spec(identifier, cohort) is None


@given(today=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_leadership_season_depends_only_on_day_of_year(today):
    season = automatic_npq_schedule_identifier("npq-headship", 2024, today).rsplit("-", 1)[1]
    spring = (today.month, today.day) <= (4, 2) or (today.month, today.day) >= (12, 26)
    assert season == ("spring" if spring else "autumn")


# --------------------------------------------------------------------------------------------
# Milestone windows
# --------------------------------------------------------------------------------------------

BOUNDED = MilestoneSpec("retained-1", D("2025-01-01"), D("2025-03-31"), D("2025-04-30"))
OPEN = MilestoneSpec("started", D("2025-07-01"), None, D("2025-07-01"))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_bounded_window_edges():
    assert not milestone_window_contains(BOUNDED, utc(2024, 12, 31, 23, 59, 59, 999999))
    assert milestone_window_contains(BOUNDED, utc(2025, 1, 1))
    assert milestone_window_contains(BOUNDED, utc(2025, 2, 10, 10))
    assert milestone_window_contains(BOUNDED, utc(2025, 3, 31, 23, 59, 59, 999998))
    # The spec treats 23:59:59.999999 on the end day as past the deadline.
    assert not milestone_window_contains(BOUNDED, utc(2025, 3, 31, 23, 59, 59, 999999))
    assert not milestone_window_contains(BOUNDED, utc(2025, 4, 1))


def test_open_window_has_only_a_lower_bound():
    assert not milestone_window_contains(OPEN, utc(2025, 6, 30, 23, 59, 59))
    assert milestone_window_contains(OPEN, utc(2025, 7, 1))
    assert milestone_window_contains(OPEN, utc(2099, 1, 1))


def test_window_compares_instants_not_local_dates():
    plus_two = timezone(timedelta(hours=2))
    # 01:00 on 1 January at +02:00 is still 31 December in UTC: before the window.
    assert not milestone_window_contains(BOUNDED, datetime(2025, 1, 1, 1, tzinfo=plus_two))
    assert milestone_window_contains(BOUNDED, datetime(2025, 1, 1, 2, tzinfo=plus_two))
    # 00:30 on 1 April at +02:00 is 22:30 on 31 March in UTC: inside.
    assert milestone_window_contains(BOUNDED, datetime(2025, 4, 1, 0, 30, tzinfo=plus_two))


def test_naive_declaration_time_is_refused():
    with pytest.raises(ValueError):
        milestone_window_contains(BOUNDED, datetime(2025, 2, 1))


def test_scenario_dates_from_the_spec():
    # 2024 september retained-1 opens on 2025-01-01 and retained-2 on 2025-04-01.
    r1 = milestone("ecf-standard-september", 2024, "retained-1")
    r2 = milestone("ecf-standard-september", 2024, "retained-2")
    assert not milestone_window_contains(r1, utc(2024, 12, 31, 10))
    assert milestone_window_contains(r1, utc(2025, 1, 2))
    assert not milestone_window_contains(r2, utc(2025, 2, 10, 10))
    # Non-standard schedules have no upper bound.
    ext = milestone("ecf-extended-september", 2024, "extended-1")
    assert milestone_window_contains(ext, utc(2025, 2, 2, 10))
    # NPQ 2024 spring starts on 2025-01-01.
    spring = milestone("npq-leadership-spring", 2024, "started")
    assert not milestone_window_contains(spring, utc(2024, 10, 10))


@given(
    instant=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    )
)
def test_window_agrees_with_a_date_based_reading(instant):
    inside = BOUNDED.start_date <= instant.date() <= BOUNDED.milestone_date
    if instant.time() == datetime.max.time() and instant.date() == BOUNDED.milestone_date:
        inside = False  # the single excluded microsecond
    assert milestone_window_contains(BOUNDED, instant) is inside
