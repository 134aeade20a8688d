"""A deterministic national-scale dataset, built in memory as rows ready for COPY.

Pure: no database access. `build(plan)` returns every table's columns and rows; the same
seed, scale and as-of instant always give the same rows (ids included), so two benchmark runs
on two machines measure the same data. The shapes follow the models and the visibility rules
of ecf.md 1.4-1.5: most profiles have one induction record in an unchallenged partnership of
the school's provider; a few have histories (changed, transferred, leaving), sit in
challenged or school-led programmes (invisible to every provider) or are mentored by someone
another provider trains (the unfunded mentors)."""

from __future__ import annotations

import bisect
import calendar
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from cpd_api.providers.rules import digest
from cpd_api.schedules import reference_data as ref

NATIONAL = {
    "ecf_participants": 100_000,
    "npq_applications": 30_000,
    "declarations": 500_000,
    "schools": 16_000,
    "delivery_partners": 150,
}

# name, ecf, npq, share of ECF schools, share of NPQ applications
PROVIDERS = (
    ("Teach First", True, True, 0.34, 0.24),
    ("Ambition Institute", True, True, 0.22, 0.26),
    ("UCL Institute of Education", True, True, 0.14, 0.20),
    ("Education Development Trust", True, True, 0.12, 0.16),
    ("Best Practice Network", True, True, 0.10, 0.14),
    ("Capita", True, False, 0.08, 0.0),
)
COHORTS = (2021, 2022, 2023, 2024, 2025)
ECF_COHORT_WEIGHTS = (0.15, 0.18, 0.20, 0.23, 0.24)
NPQ_COHORT_WEIGHTS = (0.12, 0.16, 0.20, 0.24, 0.28)
# How many of a schedule's milestones were declared, by cohort (before random truncation).
ECF_DECLARED_MILESTONES = {2021: 6, 2022: 6, 2023: 6, 2024: 6, 2025: 3}
NPQ_DECLARED_MILESTONES = {2021: 4, 2022: 4, 2023: 3, 2024: 2, 2025: 1}
FIRST_NAMES = (
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kemi",
    "Leo",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Ravi",
    "Sofia",
    "Tom",
    "Uma",
    "Viktor",
    "Wen",
    "Xavier",
    "Yusuf",
    "Zara",
    "Aisha",
    "Callum",
    "Demi",
    "Ewan",
)
LAST_NAMES = (
    "Patel",
    "Smith",
    "Jones",
    "Okafor",
    "Williams",
    "Brown",
    "Taylor",
    "Khan",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Lewis",
    "Walker",
    "Robinson",
    "Wood",
    "Thompson",
    "White",
    "Watson",
    "Jackson",
    "Wright",
    "Green",
    "Harris",
    "Cooper",
    "King",
    "Lee",
    "Martin",
    "Clarke",
)
WITHDRAW_REASONS = ("left-teaching-profession", "moved-school", "other", "school-left-fip")
DEFER_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")
SCHEDULE_MONTHS = ("september", "january", "april")


@dataclass(frozen=True)
class Plan:
    seed: int = 42
    scale: float = 1.0
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def count(self, name: str, minimum: int = 1) -> int:
        return max(minimum, round(NATIONAL[name] * self.scale))


@dataclass
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


@dataclass
class Dataset:
    tables: dict[str, Table]
    tokens: dict[str, str]  # provider name -> plain token
    provider_ids: dict[str, uuid.UUID]
    facts: dict[str, object]

    def table(self, name: str) -> Table:
        return self.tables[name]


def _table(name: str, columns: str) -> Table:
    return Table(name, tuple(columns.split()))


def _tables() -> dict[str, Table]:
    specs = [
        _table("lead_providers", "id name ecf npq created_at updated_at"),
        _table("api_tokens", "id lead_provider_id kind hashed_token description created_at"),
        _table("delivery_partners", "id name created_at updated_at"),
        _table(
            "provider_relationships",
            "id lead_provider_id delivery_partner_id cohort_year created_at",
        ),
        _table(
            "schools",
            "id urn name ukprn establishment_type_code establishment_status_code in_england "
            "section_41_approved funding_eligible cip_only induction_tutor_name "
            "induction_tutor_email created_at updated_at",
        ),
        _table(
            "school_cohorts",
            "id school_id cohort_year induction_programme_choice created_at updated_at",
        ),
        _table(
            "partnerships",
            "id school_id cohort_year lead_provider_id delivery_partner_id challenged_at "
            "challenge_reason challenge_deadline pending relationship created_at updated_at",
        ),
        _table("participants", "id full_name email trn date_of_birth created_at updated_at"),
        _table(
            "npq_applications",
            "id participant_id lead_provider_id course_identifier cohort_year status "
            "reason_for_rejection full_name email trn trn_validated school_urn school_ukprn "
            "private_childcare_provider_urn headteacher_status funding_choice works_in_school "
            "employer_name employment_role eligible_for_funding funded_place "
            "targeted_delivery_funding_eligibility teacher_catchment teacher_catchment_country "
            "teacher_catchment_iso_country_code itt_provider lead_mentor schedule_id "
            "accepted_at created_at updated_at",
        ),
        _table(
            "npq_contracts",
            "id lead_provider_id cohort_year course_identifier version funding_cap "
            "recruitment_target created_at updated_at",
        ),
        _table(
            "participant_profiles",
            "id participant_id profile_type school_id cohort_year lead_provider_id schedule_id "
            "course_identifier npq_application_id status training_status eligibility_status "
            "eligibility_reason trn_validated pupil_premium_uplift sparsity_uplift "
            "induction_start_date induction_completion_date mentor_completion_date "
            "mentor_completion_reason mentor_ineligible_for_funding_reason "
            "cohort_changed_after_payments_frozen created_at updated_at",
        ),
        _table(
            "induction_records",
            "id participant_profile_id school_id cohort_year partnership_id schedule_id "
            "mentor_profile_id email training_status induction_status start_date end_date "
            "school_transfer created_at updated_at",
        ),
        _table(
            "participant_profile_states",
            "id participant_profile_id lead_provider_id state reason created_at",
        ),
        _table(
            "participant_id_changes",
            "id participant_id from_participant_id to_participant_id created_at",
        ),
        _table(
            "statements",
            "id lead_provider_id cohort_year programme name month year deadline_date "
            "payment_date output_fee state contract_version created_at updated_at",
        ),
        _table(
            "declarations",
            "id lead_provider_id participant_id participant_profile_id cohort_year "
            "course_identifier declaration_type declaration_date evidence_held state "
            "delivery_partner_id mentor_participant_id pupil_premium_uplift sparsity_uplift "
            "ineligibility_reason superseded_by_id billable_slot voided_at created_at updated_at",
        ),
        _table(
            "statement_line_items",
            "id statement_id declaration_id state created_at updated_at",
        ),
    ]
    return {t.name: t for t in specs}


def billable_slot(participant_id: uuid.UUID, course_identifier: str, declaration_type: str) -> str:
    """The key that lets only one counting declaration exist per person, course and type."""
    return f"{participant_id}:{course_identifier}:{declaration_type}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _midnight(value: date) -> datetime:
    return datetime.combine(value, time(0), UTC)


@dataclass
class _Statement:
    id: uuid.UUID
    deadline: date
    state: str
    output_fee: bool


@dataclass
class _Induction:
    """An induction record while it is being built (the row is emitted at the end)."""

    id: uuid.UUID
    profile_id: uuid.UUID
    school_id: uuid.UUID
    cohort: int
    partnership_id: uuid.UUID | None
    provider_id: uuid.UUID | None
    delivery_partner_id: uuid.UUID | None
    schedule_id: uuid.UUID
    email: str
    training_status: str
    induction_status: str
    start: datetime
    end: datetime | None
    school_transfer: bool
    created: datetime
    updated: datetime
    mentor_profile_id: uuid.UUID | None = None


@dataclass
class _Profile:
    id: uuid.UUID
    person_id: uuid.UUID
    kind: str  # ect | mentor
    cohort: int
    schedule_identifier: str
    school_id: uuid.UUID
    eligible: bool
    pupil_premium: bool
    sparsity: bool
    created: datetime
    inductions: list[_Induction] = field(default_factory=list)


class _Builder:
    def __init__(self, plan: Plan, schedule_ids: dict[tuple[str, int], uuid.UUID]) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.now = plan.as_of
        self.today = self.now.date()
        self.schedule_ids = schedule_ids
        self.tables = _tables()
        self.sequence = 0
        self.trn_sequence = 2_000_000
        self.urns = 100_000

    # -- primitives ---------------------------------------------------------------------------

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, table: str, *values: object) -> None:
        self.tables[table].rows.append(values)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def instant_between(self, start: datetime, end: datetime) -> datetime:
        end = min(end, self.now - timedelta(hours=1))
        if end <= start:
            return start.replace(microsecond=0)
        seconds = int((end - start).total_seconds())
        return (start + timedelta(seconds=self.rng.randint(0, seconds))).replace(microsecond=0)

    def later(self, start: datetime, max_days: int) -> datetime:
        return self.instant_between(start, start + timedelta(days=max_days))

    def person_name(self) -> tuple[str, str]:
        self.sequence += 1
        first = self.rng.choice(FIRST_NAMES)
        last = self.rng.choice(LAST_NAMES)
        return f"{first} {last}", f"{first.lower()}.{last.lower()}.{self.sequence}@example.org"

    def next_trn(self) -> str:
        self.trn_sequence += 1
        return f"{self.trn_sequence:07d}"

    # -- organisations ------------------------------------------------------------------------

    def providers(self) -> None:
        founded = datetime(2021, 5, 1, tzinfo=UTC)
        self.provider_ids: dict[str, uuid.UUID] = {}
        self.tokens: dict[str, str] = {}
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        for name, ecf, npq, _, _ in PROVIDERS:
            provider_id = self.uid()
            self.provider_ids[name] = provider_id
            self.add("lead_providers", provider_id, name, ecf, npq, founded, founded)
            token = "".join(self.rng.choice(alphabet) for _ in range(43))
            self.tokens[name] = token
            self.add(
                "api_tokens",
                self.uid(),
                provider_id,
                "lead_provider",
                digest(token),
                "benchmark",
                founded,
            )
        self.ecf_providers = [self.provider_ids[p[0]] for p in PROVIDERS if p[1]]
        self.ecf_weights = [p[3] for p in PROVIDERS if p[1]]
        self.npq_providers = [self.provider_ids[p[0]] for p in PROVIDERS if p[2]]
        self.npq_weights = [p[4] for p in PROVIDERS if p[2]]

    def delivery_partners(self) -> None:
        count = self.plan.count("delivery_partners", minimum=len(self.ecf_providers) * 2)
        self.partners_of: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        created = datetime(2021, 5, 10, tzinfo=UTC)
        for number in range(count):
            partner_id = self.uid()
            stamp = created + timedelta(minutes=number)
            self.add(
                "delivery_partners", partner_id, f"Delivery Partner {number + 1}", stamp, stamp
            )
            # Every partner works with one provider, a fifth of them with a second one too.
            providers = {self.ecf_providers[number % len(self.ecf_providers)]}
            if self.chance(0.2):
                providers.add(self.rng.choice(self.ecf_providers))
            for provider_id in providers:
                self.partners_of[provider_id].append(partner_id)
                for cohort in COHORTS:
                    self.add(
                        "provider_relationships", self.uid(), provider_id, partner_id, cohort, stamp
                    )

    def schools(self) -> None:
        count = self.plan.count("schools", minimum=12)
        self.school_ids: list[uuid.UUID] = []
        self.school_urn: dict[uuid.UUID, str] = {}
        # (school, cohort) -> (partnership id, provider id, delivery partner id) or None
        self.programme: dict[tuple[uuid.UUID, int], tuple | None] = {}
        created = datetime(2021, 4, 1, tzinfo=UTC)
        for number in range(count):
            school_id = self.uid()
            self.urns += 1
            urn = str(self.urns)
            self.school_ids.append(school_id)
            self.school_urn[school_id] = urn
            cip_only = self.chance(0.01)
            stamp = created + timedelta(seconds=number)
            self.add(
                "schools",
                school_id,
                urn,
                f"School {number + 1}",
                f"1{self.urns:07d}",
                "01",
                "1",
                True,
                False,
                not cip_only,
                cip_only,
                "Ina Tutor",
                f"tutor{number + 1}@school.example.org",
                stamp,
                self.later(stamp, 1500),
            )
            home = self.rng.choices(self.ecf_providers, self.ecf_weights)[0]
            for cohort in COHORTS:
                if self.chance(0.15):  # schools move provider between cohorts
                    home = self.rng.choices(self.ecf_providers, self.ecf_weights)[0]
                self.school_cohort(school_id, cohort, home, cip_only)

    def school_cohort(
        self, school_id: uuid.UUID, cohort: int, provider_id: uuid.UUID, cip_only: bool
    ) -> None:
        opened = datetime(cohort, 5, 15, tzinfo=UTC)
        stamp = self.later(opened, 60)
        school_led = cip_only or self.chance(0.04)
        choice = "core_induction_programme" if school_led else "full_induction_programme"
        self.add("school_cohorts", self.uid(), school_id, cohort, choice, stamp, stamp)
        if school_led:
            self.programme[(school_id, cohort)] = None
            return
        partner_id = self.rng.choice(self.partners_of[provider_id])
        partnership_id = self.uid()
        challenged = self.chance(0.02)
        pending = not challenged and self.chance(0.01)
        self.add(
            "partnerships",
            partnership_id,
            school_id,
            cohort,
            provider_id,
            partner_id,
            self.later(stamp, 30) if challenged else None,
            "mistake" if challenged else None,
            (stamp + timedelta(days=14)).date(),
            pending,
            False,
            stamp,
            self.later(stamp, 40),
        )
        if self.chance(0.01):  # a relationship partnership: never listed, still a link
            other = self.rng.choice(self.ecf_providers)
            if other != provider_id:
                self.add(
                    "partnerships",
                    self.uid(),
                    school_id,
                    cohort,
                    other,
                    self.rng.choice(self.partners_of[other]),
                    None,
                    None,
                    None,
                    False,
                    True,
                    stamp,
                    stamp,
                )
        self.programme[(school_id, cohort)] = (partnership_id, provider_id, partner_id, challenged)

    # -- ECF participants ---------------------------------------------------------------------

    def ecf_participants(self) -> None:
        count = self.plan.count("ecf_participants", minimum=30)
        self.profiles: list[_Profile] = []
        self.person_email: dict[uuid.UUID, str] = {}
        self.person_trn: dict[uuid.UUID, str] = {}
        self.person_created: dict[uuid.UUID, datetime] = {}
        self.person_updated: dict[uuid.UUID, datetime] = {}
        self.person_rows: dict[uuid.UUID, list] = {}
        self.mentors_at: dict[uuid.UUID, list[_Profile]] = defaultdict(list)
        self.all_mentors: list[_Profile] = []
        ects: list[_Profile] = []
        for _ in range(count):
            person_id = self.uid()
            cohort = self.rng.choices(COHORTS, ECF_COHORT_WEIGHTS)[0]
            roll = self.rng.random()
            kinds = ["ect"] if roll < 0.72 else ["mentor"] if roll < 0.97 else ["ect", "mentor"]
            name, email = self.person_name()
            trn = self.next_trn() if self.chance(0.97) else None
            first_profile: datetime | None = None
            for position, kind in enumerate(kinds):
                profile_cohort = cohort if position == 0 else min(cohort + 2, 2025)
                profile = self.ecf_profile(person_id, kind, profile_cohort, email)
                if profile is None:
                    continue
                first_profile = first_profile or profile.created
                (ects if kind == "ect" else self.all_mentors).append(profile)
                if kind == "mentor":
                    self.mentors_at[profile.school_id].append(profile)
            if first_profile is None:
                continue
            self.person_email[person_id] = email
            self.person_trn[person_id] = trn
            self.person_created[person_id] = first_profile
            self.person_updated[person_id] = first_profile
            self.person_rows[person_id] = [
                person_id,
                name,
                email,
                trn,
                date(
                    1970 + self.rng.randint(0, 30),
                    1 + self.rng.randint(0, 11),
                    1 + self.rng.randint(0, 27),
                ),
            ]
        self.assign_mentors(ects)

    def ecf_profile(
        self, person_id: uuid.UUID, kind: str, cohort: int, email: str
    ) -> _Profile | None:
        school_id = self.rng.choice(self.school_ids)
        opened = datetime(cohort, 6, 1, tzinfo=UTC)
        created = self.instant_between(opened, opened + timedelta(days=270))
        if created >= self.now - timedelta(hours=1):
            return None
        family = self.rng.choices(
            ("standard", "reduced", "extended", "replacement"),
            (0.88, 0.04, 0.04, 0.04 if kind == "mentor" else 0.0),
        )[0]
        identifier = f"ecf-{family}-{self.rng.choices(SCHEDULE_MONTHS, (0.8, 0.12, 0.08))[0]}"
        profile = _Profile(
            id=self.uid(),
            person_id=person_id,
            kind=kind,
            cohort=cohort,
            schedule_identifier=identifier,
            school_id=school_id,
            eligible=self.chance(0.86),
            pupil_premium=self.chance(0.15),
            sparsity=self.chance(0.08),
            created=created,
        )
        schedule_id = self.schedule_ids[(identifier, cohort)]
        first = self.induction(profile, school_id, cohort, schedule_id, email, created)
        profile.inductions.append(first)
        history = self.rng.random()
        if history < 0.08:  # moved within the same provider (or was edited): changed + copy
            moved = self.later(created, 400)
            first.induction_status, first.end = "changed", moved
            next_school = self.rng.choice(self.school_ids) if self.chance(0.5) else school_id
            second = self.induction(profile, next_school, cohort, schedule_id, email, moved)
            second.school_transfer = next_school != school_id
            if second.provider_id != first.provider_id and first.provider_id is not None:
                # Stayed with the first provider: the new school's provider does not train them.
                (second.partnership_id, second.provider_id, second.delivery_partner_id) = (
                    first.partnership_id,
                    first.provider_id,
                    first.delivery_partner_id,
                )
            profile.inductions.append(second)
        elif history < 0.10:  # transferring to another provider: leaving + joining
            leaving = self.later(created, 500) + timedelta(days=self.rng.randint(-30, 60))
            first.induction_status, first.end = "leaving", leaving
            second = self.induction(
                profile, self.rng.choice(self.school_ids), cohort, schedule_id, email, leaving
            )
            second.school_transfer = True
            profile.inductions.append(second)
        elif history < 0.13:
            first.induction_status = "withdrawn"
        elif history < 0.16 and cohort <= 2022:
            first.induction_status = "completed"
        self.training_status(profile)
        self.profiles.append(profile)
        return profile

    def induction(
        self,
        profile: _Profile,
        school_id: uuid.UUID,
        cohort: int,
        schedule_id: uuid.UUID,
        email: str,
        start: datetime,
    ) -> _Induction:
        programme = self.programme[(school_id, cohort)]
        partnership_id, provider_id, partner_id = (
            programme[:3] if programme is not None else (None, None, None)
        )
        return _Induction(
            id=self.uid(),
            profile_id=profile.id,
            school_id=school_id,
            cohort=cohort,
            partnership_id=partnership_id,
            provider_id=provider_id,
            delivery_partner_id=partner_id,
            schedule_id=schedule_id,
            email=email,
            training_status="active",
            induction_status="active",
            start=start,
            end=None,
            school_transfer=False,
            created=min(start, self.now - timedelta(hours=1)),
            updated=self.later(min(start, self.now - timedelta(hours=1)), 200),
        )

    def training_status(self, profile: _Profile) -> None:
        """Provider-reported deferrals and withdrawals, with the profile-state events that
        give the v3 `withdrawal`/`deferral` their reason and date."""
        latest = profile.inductions[-1]
        roll = self.rng.random()
        if roll >= 0.10 or latest.provider_id is None:
            return
        state = "withdrawn" if roll < 0.06 else "deferred"
        reasons = WITHDRAW_REASONS if state == "withdrawn" else DEFER_REASONS
        when = self.later(latest.start, 300)
        latest.training_status = state
        latest.updated = max(latest.updated, when)
        self.add(
            "participant_profile_states",
            self.uid(),
            profile.id,
            latest.provider_id,
            state,
            self.rng.choice(reasons),
            when,
        )

    def assign_mentors(self, ects: list[_Profile]) -> None:
        for profile in ects:
            if not self.all_mentors or not self.chance(0.7):
                continue
            nearby = self.mentors_at.get(profile.school_id)
            mentor = (
                self.rng.choice(nearby)
                if nearby and self.chance(0.75)
                else self.rng.choice(self.all_mentors)
            )
            for record in profile.inductions:
                record.mentor_profile_id = mentor.id
            # Linking a mentor touches the mentor's user (ecf.md 8.1).
            self.touch(mentor.person_id, profile.inductions[-1].updated)

    def touch(self, person_id: uuid.UUID, instant: datetime) -> None:
        if instant > self.person_updated[person_id]:
            self.person_updated[person_id] = instant

    def emit_ecf(self) -> None:
        for profile in self.profiles:
            induction_completion = mentor_completion = completion_reason = None
            ineligible_reason = None
            if profile.kind == "ect" and profile.cohort <= 2022 and self.chance(0.4):
                induction_completion = date(profile.cohort + 2, 7, 20)
            if profile.kind == "mentor" and profile.cohort <= 2022 and self.chance(0.3):
                mentor_completion = date(profile.cohort + 2, 4, 30)
                completion_reason = "completed_declaration_received"
                ineligible_reason = "completed_declaration_received"
            updated = max(r.updated for r in profile.inductions)
            eligibility = (
                "eligible" if profile.eligible else self.rng.choice(("ineligible", "manual_check"))
            )
            self.add(
                "participant_profiles",
                profile.id,
                profile.person_id,
                profile.kind,
                profile.school_id,
                profile.cohort,
                None,
                self.schedule_ids[(profile.schedule_identifier, profile.cohort)],
                "ecf-induction" if profile.kind == "ect" else "ecf-mentor",
                None,
                "active",
                profile.inductions[-1].training_status,
                eligibility,
                None if profile.eligible else "previous_participation",
                self.chance(0.93),
                profile.pupil_premium,
                profile.sparsity,
                profile.created.date(),
                induction_completion,
                mentor_completion,
                completion_reason,
                ineligible_reason,
                False,
                profile.created,
                updated,
            )
            for record in profile.inductions:
                self.add(
                    "induction_records",
                    record.id,
                    record.profile_id,
                    record.school_id,
                    record.cohort,
                    record.partnership_id,
                    record.schedule_id,
                    record.mentor_profile_id,
                    record.email,
                    record.training_status,
                    record.induction_status,
                    record.start,
                    record.end,
                    record.school_transfer,
                    record.created,
                    record.updated,
                )
            self.touch(profile.person_id, updated)

    # -- NPQ ----------------------------------------------------------------------------------

    def npq_applications(self) -> None:
        count = self.plan.count("npq_applications", minimum=20)
        courses = [c for c in ref.NPQ_COURSES]
        self.npq_profiles: list[tuple] = []
        existing = list(self.person_rows)
        taken: set[tuple[uuid.UUID, str]] = set()  # one application per person and course
        for _ in range(count):
            cohort = self.rng.choices(COHORTS, NPQ_COHORT_WEIGHTS)[0]
            course = self.rng.choice(courses)
            schedules = [
                s
                for s in ref.NPQ_SCHEDULES
                if s.cohort == cohort and s.kind == f"npq-{course.group}"
            ]
            if not schedules:  # e.g. the additional support offer only ran in 2021
                course = courses[0]
                schedules = [
                    s
                    for s in ref.NPQ_SCHEDULES
                    if s.cohort == cohort and s.kind == "npq-leadership"
                ]
            schedule = self.rng.choice(schedules)
            opened = datetime(cohort, 4, 1, tzinfo=UTC)
            created = self.instant_between(opened, opened + timedelta(days=240))
            person_id = self.rng.choice(existing) if existing and self.chance(0.15) else None
            if person_id is not None and (person_id, course.identifier) not in taken:
                taken.add((person_id, course.identifier))
                name, email = self.person_rows[person_id][1], self.person_email[person_id]
                trn = self.person_trn[person_id]
                self.touch(person_id, created)
            else:
                person_id = self.uid()
                name, email = self.person_name()
                trn = self.next_trn() if self.chance(0.9) else None
                self.person_rows[person_id] = [person_id, name, email, trn, None]
                self.person_email[person_id] = email
                self.person_trn[person_id] = trn
                self.person_created[person_id] = created
                self.person_updated[person_id] = created
            provider_id = self.rng.choices(self.npq_providers, self.npq_weights)[0]
            roll = self.rng.random()
            status = "accepted" if roll < 0.6 else "pending" if roll < 0.85 else "rejected"
            application_id = self.uid()
            funding_cap = ref.cohort_spec(cohort).npq_funding_cap  # type: ignore[union-attr]
            eligible = self.chance(0.7)
            accepted_at = self.later(created, 60) if status == "accepted" else None
            updated = self.later(accepted_at or created, 300)
            schedule_id = self.schedule_ids[(schedule.identifier, cohort)]
            self.add(
                "npq_applications",
                application_id,
                person_id,
                provider_id,
                course.identifier,
                cohort,
                status,
                "registration_expired" if status == "rejected" else None,
                name,
                email,
                trn,
                trn is not None,
                str(self.rng.randint(100001, 150000)),
                None,
                None,
                "no",
                "school" if eligible else "self",
                True,
                f"Employer {self.rng.randint(1, 999)}",
                "Teacher",
                eligible,
                (eligible if funding_cap else None) if status == "accepted" else None,
                self.chance(0.1),
                "england",
                "United Kingdom",
                "GBR",
                None,
                None,
                schedule_id if status == "accepted" else None,
                accepted_at,
                created,
                updated,
            )
            self.touch(person_id, updated)
            if status == "accepted":
                self.add(
                    "participant_profiles",
                    application_id,
                    person_id,
                    "npq",
                    None,
                    cohort,
                    provider_id,
                    schedule_id,
                    course.identifier,
                    application_id,
                    "active",
                    "active",
                    None,
                    None,
                    trn is not None,
                    False,
                    False,
                    None,
                    None,
                    None,
                    None,
                    None,
                    False,
                    accepted_at,
                    updated,
                )
                self.npq_profiles.append(
                    (
                        application_id,
                        person_id,
                        provider_id,
                        cohort,
                        course.identifier,
                        schedule.identifier,
                        accepted_at,
                        eligible,
                    )
                )

    def npq_contracts(self) -> None:
        stamp = datetime(2021, 5, 1, tzinfo=UTC)
        for provider_id in self.npq_providers:
            for cohort in COHORTS:
                capped = ref.cohort_spec(cohort).npq_funding_cap  # type: ignore[union-attr]
                for course in ref.NPQ_COURSES:
                    self.add(
                        "npq_contracts",
                        self.uid(),
                        provider_id,
                        cohort,
                        course.identifier,
                        "0.0.1",
                        1000 if capped else 0,
                        1500,
                        stamp,
                        stamp,
                    )

    def people(self) -> None:
        for person_id, row in self.person_rows.items():
            created = self.person_created[person_id]
            updated = max(self.person_updated[person_id], created)
            self.add("participants", *row, created, updated)
        # A few merged duplicates: the retired id points at the survivor.
        survivors = list(self.person_rows)
        for person_id in self.rng.sample(survivors, max(1, len(survivors) // 300)):
            when = self.later(self.person_created[person_id], 400)
            self.add("participant_id_changes", self.uid(), person_id, self.uid(), person_id, when)

    # -- money --------------------------------------------------------------------------------

    def statements(self) -> None:
        self.statement_index: dict[tuple[uuid.UUID, int, str], list[_Statement]] = {}
        for programme, providers in (("ecf", self.ecf_providers), ("npq", self.npq_providers)):
            for provider_id in providers:
                for cohort in COHORTS:
                    series: list[_Statement] = []
                    year, month = cohort, 11
                    while (year, month) <= (cohort + 3, 7):
                        deadline = _month_end(year, month)
                        payment = date(year + (month == 12), month % 12 + 1, 25)
                        if deadline < self.today - timedelta(days=31):
                            state = "paid"
                        elif deadline < self.today:
                            state = "payable"
                        else:
                            state = "open"
                        output_fee = month != 1  # January statements pay service fees only
                        statement = _Statement(self.uid(), deadline, state, output_fee)
                        series.append(statement)
                        stamp = _midnight(date(year, month, 1) - timedelta(days=90))
                        self.add(
                            "statements",
                            statement.id,
                            provider_id,
                            cohort,
                            programme,
                            f"{calendar.month_name[month]} {year}",
                            month,
                            year,
                            deadline,
                            payment,
                            output_fee,
                            state,
                            "0.0.1",
                            stamp,
                            min(self.now, _midnight(payment)),
                        )
                        month += 1
                        if month == 13:
                            year, month = year + 1, 1
                    self.statement_index[(provider_id, cohort, programme)] = [
                        s for s in series if s.output_fee
                    ]

    def statement_for(
        self, provider_id: uuid.UUID, cohort: int, programme: str, on: date
    ) -> _Statement | None:
        series = self.statement_index.get((provider_id, cohort, programme))
        if not series:
            return None
        position = bisect.bisect_left([s.deadline for s in series], on)
        return series[position] if position < len(series) else None

    def ecf_declaration_plans(self) -> Iterator[tuple]:
        """(profile, induction record in force, type, date) for every declared milestone."""
        specs = {(s.identifier, s.cohort): s for s in ref.ECF_SCHEDULES}
        for profile in self.profiles:
            spec = specs[(profile.schedule_identifier, profile.cohort)]
            types = list(spec.declaration_types)
            if profile.kind == "mentor" and profile.cohort >= 2025:
                types = ["started", "completed"]
            wanted = min(len(types), ECF_DECLARED_MILESTONES[profile.cohort])
            wanted = max(0, wanted - self.rng.choice((0, 0, 0, 1, 2)))
            cursor = profile.created
            for declaration_type in types[:wanted]:
                milestone = spec.milestone(declaration_type)
                start = _midnight(milestone.start_date)  # type: ignore[union-attr]
                closes = milestone.milestone_date  # type: ignore[union-attr]
                if closes is not None:
                    end = _midnight(closes) + timedelta(hours=20)
                    start = max(start, cursor) if end > cursor else start
                else:
                    start = max(start, cursor)
                    end = start + timedelta(days=120)
                if start >= self.now - timedelta(days=2):
                    break
                when = self.instant_between(start, end)
                cursor = when
                record = self.record_in_force(profile, when)
                if record is None or record.provider_id is None:
                    break
                yield profile, record, declaration_type, when

    @staticmethod
    def record_in_force(profile: _Profile, instant: datetime) -> _Induction | None:
        found = None
        for record in profile.inductions:
            if record.start <= instant:
                found = record
        return found or profile.inductions[0]

    def declarations(self) -> None:
        target = self.plan.count("declarations", minimum=50)
        mentor_person = {p.id: p.person_id for p in self.all_mentors}
        declared: list[tuple] = []
        for profile, record, declaration_type, when in self.ecf_declaration_plans():
            evidence = (
                None
                if declaration_type == "started" and profile.cohort < 2025
                else ("training-event-attended")
            )
            declared.append(
                self.declaration(
                    record.provider_id,
                    profile.person_id,
                    profile.id,
                    profile.cohort,
                    "ecf-induction" if profile.kind == "ect" else "ecf-mentor",
                    declaration_type,
                    when,
                    evidence,
                    "ecf",
                    profile.eligible,
                    record.delivery_partner_id,
                    mentor_person.get(record.mentor_profile_id) if profile.kind == "ect" else None,
                    profile.pupil_premium,
                    profile.sparsity,
                )
            )
        for (
            profile_id,
            person_id,
            provider_id,
            cohort,
            course,
            schedule_identifier,
            accepted_at,
            eligible,
        ) in self.npq_profiles:
            kind = schedule_identifier.rsplit("-", 1)[0]
            types = ref.NPQ_DECLARATION_TYPES_BY_KIND[kind]
            wanted = max(0, NPQ_DECLARED_MILESTONES[cohort] - self.rng.choice((0, 0, 1)))
            cursor = accepted_at
            for declaration_type in types[:wanted]:
                when = self.later(cursor, 150)
                if when >= self.now - timedelta(days=2):
                    break
                cursor = when
                declared.append(
                    self.declaration(
                        provider_id,
                        person_id,
                        profile_id,
                        cohort,
                        course,
                        declaration_type,
                        when,
                        None,
                        "npq",
                        eligible,
                        None,
                        None,
                        None,
                        None,
                    )
                )
        # Voided earlier attempts (resubmitted later) fill the national volume.
        while len(declared) < target and declared:
            original = self.rng.choice(declared)
            declared.append(self.voided_copy(original))
        self.emit_declarations(declared[:target] if len(declared) > target else declared)

    def declaration(
        self,
        provider_id,
        person_id,
        profile_id,
        cohort,
        course,
        declaration_type,
        when,
        evidence,
        programme,
        eligible,
        partner_id,
        mentor_id,
        pupil_premium,
        sparsity,
    ) -> dict:
        created = self.later(when, 10)
        return {
            "id": self.uid(),
            "provider": provider_id,
            "person": person_id,
            "profile": profile_id,
            "cohort": cohort,
            "course": course,
            "type": declaration_type,
            "date": when,
            "evidence": evidence,
            "programme": programme,
            "eligible": eligible,
            "partner": partner_id,
            "mentor": mentor_id,
            "pupil_premium": pupil_premium,
            "sparsity": sparsity,
            "created": created,
        }

    def voided_copy(self, original: dict) -> dict:
        copy = dict(original)
        copy["id"] = self.uid()
        copy["created"] = max(original["date"], original["created"] - timedelta(days=3))
        copy["voided"] = True
        return copy

    def emit_declarations(self, declared: list[dict]) -> None:
        states: defaultdict[str, int] = defaultdict(int)
        for item in declared:
            statement = self.statement_for(
                item["provider"], item["cohort"], item["programme"], item["created"].date()
            )
            created, updated = item["created"], item["created"]
            lines: list[tuple[uuid.UUID, str]] = []
            voided_at = None
            if item.get("voided"):
                state = "voided"
                voided_at = updated = self.later(created, 5)
                if statement is not None and item["eligible"]:
                    lines.append((statement.id, "voided"))
            elif not item["eligible"] or statement is None:
                state = "submitted"
            else:
                state = {"paid": "paid", "payable": "payable", "open": "eligible"}[statement.state]
                lines.append((statement.id, state))
                if statement.state != "open":
                    updated = min(self.now, _midnight(statement.deadline) + timedelta(days=3))
                if state == "paid" and self.chance(0.01):
                    later = self.statement_for(
                        item["provider"],
                        item["cohort"],
                        item["programme"],
                        statement.deadline + timedelta(days=1),
                    )
                    if later is not None:
                        state = "clawed_back" if later.state == "paid" else "awaiting_clawback"
                        lines.append((later.id, state))
                        updated = min(self.now, _midnight(later.deadline) - timedelta(days=5))
            states[state] += 1
            counting = state in ("submitted", "eligible", "payable", "paid")
            self.add(
                "declarations",
                item["id"],
                item["provider"],
                item["person"],
                item["profile"],
                item["cohort"],
                item["course"],
                item["type"],
                item["date"],
                item["evidence"],
                state,
                item["partner"],
                item["mentor"],
                item["pupil_premium"],
                item["sparsity"],
                None,
                None,
                billable_slot(item["person"], item["course"], item["type"]) if counting else None,
                voided_at,
                created,
                updated,
            )
            for statement_id, line_state in lines:
                self.add(
                    "statement_line_items",
                    self.uid(),
                    statement_id,
                    item["id"],
                    line_state,
                    created,
                    updated,
                )
        self.declaration_states = dict(states)


def build(plan: Plan, schedule_ids: dict[tuple[str, int], uuid.UUID]) -> Dataset:
    """Every row of the benchmark dataset. `schedule_ids` maps (identifier, cohort) to the
    ids `cpd-api db upgrade` gave the reference schedules."""
    builder = _Builder(plan, schedule_ids)
    builder.providers()
    builder.delivery_partners()
    builder.schools()
    builder.ecf_participants()
    builder.emit_ecf()
    builder.npq_applications()
    builder.npq_contracts()
    builder.people()
    builder.statements()
    builder.declarations()
    facts = {
        "seed": plan.seed,
        "scale": plan.scale,
        "as_of": plan.as_of.isoformat(),
        "declaration_states": builder.declaration_states,
    }
    return Dataset(builder.tables, builder.tokens, builder.provider_ids, facts)
