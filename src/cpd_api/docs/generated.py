"""Documentation pages written from the reference calendar itself (the same data the
declaration rules read), so the published dates can never disagree with what the API checks."""

from __future__ import annotations

from datetime import date

from cpd_api.schedules import reference_data as ref
from cpd_api.schedules.rules import courses_allowed_on_schedule


def _day(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else "no end date"


def _window(milestone: ref.MilestoneSpec) -> str:
    if milestone.milestone_date is None:
        return f"from {_day(milestone.start_date)}"
    return f"{_day(milestone.start_date)} to {_day(milestone.milestone_date)}"


def _cohort_years(schedules: tuple[ref.ScheduleSpec, ...]) -> list[int]:
    return sorted({s.cohort for s in schedules})


def ecf_schedules_page() -> str:
    lines = [
        "# ECF: schedules and milestone dates",
        "",
        "A participant follows one schedule of their cohort. Each milestone of the schedule can be "
        "declared once, with a `declaration_date` inside its window: from the start date (00:00) "
        "to the end of the milestone date. Declarations can never be dated in the future. Every "
        "participant starts on `ecf-standard-september` of their cohort; change the schedule "
        "when their training follows another pattern.",
        "",
        "| Family | Schedules | Courses | Milestones |",
        "| --- | --- | --- | --- |",
    ]
    for family in ("standard", "reduced", "extended", "replacement"):
        identifiers = [i for i in ref.ECF_SCHEDULE_IDENTIFIERS if f"-{family}-" in i]
        spec = ref.schedule_spec(identifiers[0], 2024)
        courses = ", ".join(f"`{c}`" for c in courses_allowed_on_schedule(f"ecf-{family}"))
        milestones = ", ".join(spec.declaration_types) if spec else ""
        names = ", ".join(f"`{i}`" for i in identifiers)
        lines.append(f"| {family.capitalize()} | {names} | {courses} | {milestones} |")
    lines += ["", "From the 2025 cohort mentors declare only `started` and `completed`.", ""]
    for identifier in ref.ECF_SCHEDULE_IDENTIFIERS:
        if "-standard-" not in identifier:
            continue
        lines += [f"## `{identifier}`", ""]
        header = "| Cohort | " + " | ".join(ref.DECLARATION_TYPES[:6]) + " |"
        lines += [header, "|" + " --- |" * 7]
        for cohort in _cohort_years(ref.ECF_SCHEDULES):
            spec = ref.schedule_spec(identifier, cohort)
            if spec is None:
                continue
            cells = []
            for declaration_type in ref.DECLARATION_TYPES[:6]:
                milestone = spec.milestone(declaration_type)
                cells.append(_window(milestone) if milestone else "–")
            lines.append(f"| {cohort} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "## Reduced, extended and replacement schedules",
        "",
        "Every milestone of these schedules opens on the schedule's start date and has no end "
        "date, so milestones can be declared in any order once the schedule has started.",
        "",
        "| Cohort | `*-september` | `*-january` | `*-april` |",
        "| --- | --- | --- | --- |",
    ]
    for cohort in _cohort_years(ref.ECF_SCHEDULES):
        starts = []
        for month in ("september", "january", "april"):
            spec = ref.schedule_spec(f"ecf-reduced-{month}", cohort)
            starts.append(_day(spec.milestones[0].start_date) if spec else "–")
        lines.append(f"| {cohort} | " + " | ".join(starts) + " |")
    return "\n".join(lines) + "\n"


def npq_schedules_page() -> str:
    cohorts = _cohort_years(ref.NPQ_SCHEDULES)
    lines = [
        "# NPQ: schedules and milestone dates",
        "",
        "Every milestone of an NPQ schedule opens on the same start date and has no end date: "
        "a declaration is accepted for any `declaration_date` from that day on that is not in "
        "the future. The schedule is chosen when you accept the application.",
        "",
        "| Schedule family | Courses | Declaration types |",
        "| --- | --- | --- |",
    ]
    for kind, types in ref.NPQ_DECLARATION_TYPES_BY_KIND.items():
        courses = ", ".join(f"`{c}`" for c in courses_allowed_on_schedule(kind))
        lines.append(f"| `{kind}` | {courses} | {', '.join(types)} |")
    lines += [
        "",
        "## Start dates",
        "",
        "| Schedule | " + " | ".join(str(c) for c in cohorts) + " |",
        "|" + " --- |" * (len(cohorts) + 1),
    ]
    for identifier in ref.NPQ_SCHEDULE_IDENTIFIERS:
        cells = []
        for cohort in cohorts:
            spec = ref.schedule_spec(identifier, cohort)
            cells.append(_day(spec.milestones[0].start_date) if spec else "–")
        lines.append(f"| `{identifier}` | " + " | ".join(cells) + " |")
    lines += ["", "“–” means the schedule does not exist in that cohort.", ""]
    return "\n".join(lines)


def npq_course_rows() -> str:
    return "\n".join(
        f"| `{c.identifier}` | {c.name} | {'yes' if c.has_outcomes else 'no'} |"
        for c in ref.NPQ_COURSES
    )
