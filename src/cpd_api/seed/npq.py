"""NPQ sandbox data for one provider: contracts, applications in every status and course,
enrolments with training-status events, declarations and outcomes."""

from __future__ import annotations

from datetime import date, timedelta

from cpd_api.schedules.reference_data import (
    NPQ_COURSE_IDENTIFIERS,
    npq_course,
    schedule_spec,
)

from . import names
from .context import Person, Row, SeedContext
from .finance import Claim, Ledger

NPQ_COHORTS = (2023, 2024, 2025)
ASO = "npq-additional-support-offer"
EHCO = "npq-early-headship-coaching-offer"
STATUSES = ("pending", "accepted", "rejected")
HEADTEACHER_STATUSES = (
    "no",
    "yes_when_course_starts",
    "yes_in_first_two_years",
    "yes_over_two_years",
    "yes_in_first_five_years",
    "yes_over_five_years",
)
FUNDING_CHOICES = ("school", "trust", "self", "another", "employer")
WITHDRAWAL_REASONS = (
    "insufficient-capacity-to-undertake-programme",
    "personal-reason-health-or-pregnancy-related",
    "personal-reason-moving-school",
    "change-in-school-circumstances",
    "programme-not-appropriate-for-role-and-cpd-needs",
    "other",
)
DEFERRAL_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")


def _schedule_family(course: str) -> str:
    spec = npq_course(course)
    group = spec.group if spec else "leadership"
    return {"ehco": "npq-ehco", "aso": "npq-aso"}.get(group, f"npq-{group}")


class NpqGenerator:
    def __init__(self, context: SeedContext, ledger: Ledger) -> None:
        self.context = context
        self.ledger = ledger
        # (person, course) pairs already enrolled: a person takes a course once, anywhere.
        self._enrolled: set[tuple[object, str]] = set()

    def contracts(self, provider: Row) -> None:
        context = self.context
        for cohort in NPQ_COHORTS:
            for course in NPQ_COURSE_IDENTIFIERS:
                if course == ASO:
                    continue
                at = context.at(date(cohort, 3, 1))
                capped = cohort >= 2024
                context.add(
                    "npq_contracts",
                    {
                        "id": context.uid(),
                        "lead_provider_id": provider["id"],
                        "cohort_year": cohort,
                        "course_identifier": course,
                        "version": "0.0.1",
                        "funding_cap": context.rng.randrange(40, 200) if capped else 0,
                        "recruitment_target": context.rng.randrange(100, 500),
                        "created_at": at,
                        "updated_at": at,
                    },
                )

    def _cohort_and_schedule(self, course: str) -> tuple[int, str]:
        """A cohort in which the course has a schedule, and one of its schedules."""
        context = self.context
        family = _schedule_family(course)
        seasons = {
            "npq-leadership": ("autumn", "autumn", "autumn", "spring"),
            "npq-specialist": ("autumn", "autumn", "autumn", "spring"),
            "npq-ehco": ("november", "december", "march", "june"),
            "npq-aso": ("november", "december", "march", "june"),
        }[family]
        cohorts = (2021,) if family == "npq-aso" else NPQ_COHORTS
        cohort = context.pick(cohorts)
        identifier = f"{family}-{context.pick(seasons)}"
        if schedule_spec(identifier, cohort) is None:
            identifier = f"{family}-{seasons[0]}"
        return cohort, identifier

    def application(
        self,
        provider: Row,
        schools: list[Row],
        *,
        course: str | None = None,
        status: str | None = None,
        person: Person | None = None,
    ) -> Row:
        context = self.context
        course = course or context.pick(NPQ_COURSE_IDENTIFIERS[:-1])  # ASO only when asked
        status = status or context.weighted({"accepted": 0.6, "pending": 0.25, "rejected": 0.15})
        cohort, schedule = self._cohort_and_schedule(course)
        applied_day = context.past(context.day_between(date(cohort, 4, 1), date(cohort, 9, 20)))
        applied = context.at(applied_day)
        person = person or context.person(applied)  # registration always asks for a TRN
        works_in_school = context.chance(0.9)
        school = context.pick(schools) if works_in_school else None
        employer, role = (None, None) if works_in_school else context.pick(names.EMPLOYERS)
        eligible = context.chance(0.7)
        capped = cohort >= 2024
        row = context.add(
            "npq_applications",
            {
                "id": context.uid(),
                "participant_id": person.id,
                "lead_provider_id": provider["id"],
                "course_identifier": course,
                "cohort_year": cohort,
                "status": status,
                "reason_for_rejection": None,
                "full_name": person.row["full_name"],
                "email": person.row["email"],
                "trn": person.row["trn"],
                "trn_validated": bool(person.row["trn"]) and context.chance(0.9),
                "school_urn": school["urn"] if school else None,
                "school_ukprn": school["ukprn"] if school else None,
                "private_childcare_provider_urn": None,
                "headteacher_status": context.pick(HEADTEACHER_STATUSES),
                "funding_choice": None if eligible else context.pick(FUNDING_CHOICES),
                "works_in_school": works_in_school,
                "employer_name": employer,
                "employment_role": role,
                "eligible_for_funding": eligible,
                "funded_place": None,
                "targeted_delivery_funding_eligibility": eligible and context.chance(0.2),
                "teacher_catchment": "england",
                "teacher_catchment_country": "United Kingdom of Great Britain and Northern Ireland",
                "teacher_catchment_iso_country_code": "GBR",
                "itt_provider": context.pick(names.ITT_PROVIDERS) if context.chance(0.3) else None,
                "lead_mentor": context.chance(0.1),
                "schedule_id": None,
                "accepted_at": None,
                "created_at": applied,
                "updated_at": applied,
            },
        )
        person.touch(applied)
        sibling_accepted = status == "accepted" and (person.id, course) in self._enrolled
        if sibling_accepted:
            status = row["status"] = "rejected"
        if status == "rejected":
            decided = context.at(context.past(applied_day + timedelta(days=21)))
            row.update(
                reason_for_rejection=context.weighted(
                    {
                        "rejected_by_provider": 0.7,
                        "other_application_in_this_cohort_accepted": 0.2,
                        "registration_expired": 0.1,
                    }
                ),
                updated_at=max(decided, applied),
            )
            if sibling_accepted:
                row["reason_for_rejection"] = "other_application_in_this_cohort_accepted"
        elif status == "accepted":
            self._enrolled.add((person.id, course))
            self._enrol(provider, row, person, cohort, schedule, capped)
        return row

    def _enrol(
        self,
        provider: Row,
        application: Row,
        person: Person,
        cohort: int,
        schedule: str,
        capped: bool,
    ) -> None:
        context = self.context
        accepted_day = context.past(application["created_at"].date() + timedelta(days=14))
        accepted = max(context.at(accepted_day), application["created_at"])
        funded = None
        if capped and application["eligible_for_funding"]:
            funded = context.chance(0.85)
        application.update(
            schedule_id=context.schedule_id(schedule, cohort),
            accepted_at=accepted,
            funded_place=funded,
            updated_at=accepted,
        )
        training_status = context.weighted({"active": 0.82, "deferred": 0.06, "withdrawn": 0.12})
        profile = context.add(
            "participant_profiles",
            {
                "id": application["id"],
                "participant_id": person.id,
                "profile_type": "npq",
                "school_id": None,
                "cohort_year": cohort,
                "lead_provider_id": provider["id"],
                "schedule_id": application["schedule_id"],
                "course_identifier": application["course_identifier"],
                "npq_application_id": application["id"],
                "status": "active",
                "training_status": training_status,
                "eligibility_status": None,
                "eligibility_reason": None,
                "trn_validated": application["trn_validated"],
                "pupil_premium_uplift": False,
                "sparsity_uplift": False,
                "induction_start_date": None,
                "induction_completion_date": None,
                "mentor_completion_date": None,
                "mentor_completion_reason": None,
                "mentor_ineligible_for_funding_reason": None,
                "cohort_changed_after_payments_frozen": False,
                "created_at": accepted,
                "updated_at": accepted,
            },
        )
        person.touch(accepted)
        spec = schedule_spec(schedule, cohort)
        start = max(spec.milestones[0].start_date, accepted_day) if spec else accepted_day
        stop = context.today
        if training_status != "active":
            day = context.day_between(start + timedelta(days=45), start + timedelta(days=400))
            day = min(day, context.today - timedelta(days=1))
            at = max(context.at(day), accepted)
            reasons = WITHDRAWAL_REASONS if training_status == "withdrawn" else DEFERRAL_REASONS
            context.add(
                "participant_profile_states",
                {
                    "id": context.uid(),
                    "participant_profile_id": profile["id"],
                    "lead_provider_id": provider["id"],
                    "state": training_status,
                    "reason": context.pick(reasons),
                    "created_at": at,
                },
            )
            person.touch(at)
            profile["updated_at"] = at
            stop = at.date()
        if spec is not None and cohort in NPQ_COHORTS:
            self._declare(provider, profile, person, spec.milestones, start, stop)

    def _declare(self, provider, profile, person, milestones, start: date, stop: date) -> None:
        context = self.context
        course = profile["course_identifier"]
        previous = start - timedelta(days=1)
        for milestone in milestones:
            first = max(milestone.start_date, previous + timedelta(days=90), start)
            if first >= stop:
                return
            day = context.day_between(
                first, min(stop - timedelta(days=1), first + timedelta(days=60))
            )
            previous = day
            declared = context.at(day)
            submitted = max(declared, context.at(min(day + timedelta(days=2), stop)))
            story = context.weighted(
                {"normal": 0.96, "void": 0.02, "clawback": 0.01, "duplicate": 0.01}
            )
            claim = Claim(
                provider_id=provider["id"],
                participant_id=person.id,
                profile_id=profile["id"],
                cohort=profile["cohort_year"],
                programme="npq",
                course=course,
                declaration_type=milestone.declaration_type,
                declared_at=declared,
                submitted_at=submitted,
                fundable=True,
                story=story if story != "duplicate" else "normal",
            )
            row = self.ledger.declare(claim)
            if row is None:
                return
            if story == "duplicate":
                self.ledger.declare(claim, superseded=row)
            if milestone.declaration_type == "completed":
                self._outcomes(provider, profile, row)
            if not context.chance(0.85):
                return

    def _outcomes(self, provider: Row, profile: Row, declaration: Row) -> None:
        """Outcomes of a completed declaration: passed or failed, sometimes corrected."""
        context = self.context
        spec = npq_course(profile["course_identifier"])
        if spec is None or not spec.has_outcomes:
            return
        history = [context.weighted({"passed": 0.8, "failed": 0.2})]
        if declaration["voided_at"] is not None:
            history.append("voided")
        elif context.chance(0.1):
            history = ["failed", "passed"]
        at = declaration["created_at"]
        for state in history:
            context.add(
                "participant_outcomes",
                {
                    "id": context.uid(),
                    "participant_profile_id": profile["id"],
                    "declaration_id": declaration["id"],
                    "lead_provider_id": provider["id"],
                    "state": state,
                    "completion_date": declaration["declaration_date"].date(),
                    "created_at": at,
                    "updated_at": at,
                },
            )
            at = min(at + timedelta(days=7), context.now)
