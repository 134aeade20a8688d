"""ECF sandbox data for one provider: delivery partners, schools in partnerships, ECTs and
mentors with their induction histories, training-status events and declarations, and the
scenarios a provider needs to test against (transfers, unfunded mentors, challenged
partnerships, merged participant ids, ECTs who became mentors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from cpd_api.schedules.reference_data import schedule_spec

from . import names
from .context import Person, Row, SeedContext
from .finance import Claim, Ledger

ECF_COHORTS = (2022, 2023, 2024, 2025)
COHORT_WEIGHTS = {2022: 0.1, 2023: 0.2, 2024: 0.35, 2025: 0.35}
ECT_SCHEDULES = {
    "ecf-standard-september": 0.70,
    "ecf-standard-january": 0.08,
    "ecf-standard-april": 0.05,
    "ecf-reduced-september": 0.05,
    "ecf-reduced-january": 0.03,
    "ecf-extended-september": 0.07,
    "ecf-extended-january": 0.02,
}
MENTOR_SCHEDULES = {
    "ecf-standard-september": 0.75,
    "ecf-standard-january": 0.10,
    "ecf-replacement-september": 0.10,
    "ecf-replacement-january": 0.05,
}
WITHDRAWAL_REASONS = (
    "left-teaching-profession",
    "moved-school",
    "mentor-no-longer-being-mentor",
    "switched-to-school-led",
    "other",
)
DEFERRAL_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")
CHALLENGE_REASONS = ("another_provider", "not_confirmed", "do_not_recognise", "no_ects", "mistake")
OLD_EVIDENCE = ("training-event-attended", "self-study-material-completed", "other")


@dataclass
class SchoolPlace:
    """A school partnered with the provider: its partnership per cohort and its mentors."""

    school: Row
    partnerships: dict[int, Row] = field(default_factory=dict)
    mentors: dict[int, list[tuple[Row, Person]]] = field(default_factory=dict)


@dataclass
class ProviderWorld:
    provider: Row
    partners: list[Row]
    places: list[SchoolPlace]
    ects: list[tuple[Row, Person, SchoolPlace]] = field(default_factory=list)


@dataclass(frozen=True)
class Planned:
    """A declaration a scenario makes on a given day, and what then happens to it."""

    declaration_type: str
    declared_at: datetime
    submitted_at: datetime
    story: str = "normal"


def _start_day(identifier: str, cohort: int) -> date:
    month = identifier.rsplit("-", 1)[1]
    return {
        "september": date(cohort, 9, 1),
        "january": date(cohort + 1, 1, 1),
        "april": date(cohort + 1, 4, 1),
    }[month]


class EcfGenerator:
    def __init__(self, context: SeedContext, ledger: Ledger) -> None:
        self.context = context
        self.ledger = ledger

    # --- organisations -------------------------------------------------------------------------

    def school(self, *, cip_only: bool = False) -> Row:
        context = self.context
        town = context.pick(names.TOWNS)
        ending, type_code = context.pick(names.SCHOOL_KINDS)
        feature = context.pick(names.SCHOOL_FEATURES)
        tutor_first, tutor_last = context.pick(names.FIRST_NAMES), context.pick(names.SURNAMES)
        created = context.at(date(2021, 3, 1) + timedelta(days=context.rng.randrange(200)))
        urn = context.urn()
        return context.add(
            "schools",
            {
                "id": context.uid(),
                "urn": urn,
                "name": f"{town} {feature} {ending}",
                "ukprn": f"10{context.rng.randrange(1000000):06d}",
                "establishment_type_code": type_code,
                "establishment_status_code": "1",
                "in_england": True,
                "section_41_approved": False,
                "funding_eligible": not cip_only,
                "cip_only": cip_only,
                "induction_tutor_name": f"{tutor_first} {tutor_last}",
                "induction_tutor_email": (
                    f"{tutor_first}.{tutor_last}@school-{urn}.example.org".lower()
                ),
                "created_at": created,
                "updated_at": created,
            },
        )

    def _school_cohort(self, school: Row, cohort: int, choice: str, at: datetime) -> None:
        self.context.add(
            "school_cohorts",
            {
                "id": self.context.uid(),
                "school_id": school["id"],
                "cohort_year": cohort,
                "induction_programme_choice": choice,
                "created_at": at,
                "updated_at": at,
            },
        )
        school["updated_at"] = max(school["updated_at"], at)

    def _partnership(
        self, provider: Row, school: Row, partner: Row, cohort: int, **extra: object
    ) -> Row:
        context = self.context
        created = context.at(context.day_between(date(cohort, 5, 15), date(cohort, 8, 31)))
        self._school_cohort(school, cohort, "full_induction_programme", created)
        row = context.add(
            "partnerships",
            {
                "id": context.uid(),
                "school_id": school["id"],
                "cohort_year": cohort,
                "lead_provider_id": provider["id"],
                "delivery_partner_id": partner["id"],
                "challenged_at": None,
                "challenge_reason": None,
                "challenge_deadline": date(cohort, 10, 31),
                "pending": False,
                "relationship": False,
                "created_at": created,
                "updated_at": created,
            },
        )
        row.update(extra)
        if row["challenged_at"] is not None:
            row["updated_at"] = row["challenged_at"]
        return row

    def provider_world(self, provider: Row, schools: int) -> ProviderWorld:
        context = self.context
        partners = []
        for _ in range(3):
            created = context.at(date(2021, 4, 1) + timedelta(days=context.rng.randrange(300)))
            town = context.pick(names.TOWNS)
            partner = context.add(
                "delivery_partners",
                {
                    "id": context.uid(),
                    "name": context.pick(names.DELIVERY_PARTNER_NAMES).format(town=town),
                    "created_at": created,
                    "updated_at": created,
                },
            )
            partners.append(partner)
            for cohort in ECF_COHORTS:
                context.add(
                    "provider_relationships",
                    {
                        "id": context.uid(),
                        "lead_provider_id": provider["id"],
                        "delivery_partner_id": partner["id"],
                        "cohort_year": cohort,
                        "created_at": context.at(date(cohort, 4, 1)),
                    },
                )
        places = []
        for index in range(schools):
            place = SchoolPlace(self.school())
            for cohort in ECF_COHORTS:
                if cohort == 2022 and index % 2:
                    continue
                partner = partners[(index + cohort) % len(partners)]
                place.partnerships[cohort] = self._partnership(
                    provider, place.school, partner, cohort
                )
            places.append(place)
        # A school that told DfE it is not working with this provider, and one whose
        # partnership the provider reported but the school has not confirmed yet.
        for reason_index, pending in ((0, False), (1, True)):
            school = self.school()
            reason = None if pending else context.pick(CHALLENGE_REASONS)
            challenged = None if pending else context.at(date(2025, 9, 20))
            self._partnership(
                provider,
                school,
                partners[reason_index],
                2025,
                challenged_at=challenged,
                challenge_reason=reason,
                pending=pending,
            )
        return ProviderWorld(provider, partners, places)

    # --- participants --------------------------------------------------------------------------

    def _profile(
        self,
        person: Person,
        profile_type: str,
        school: Row,
        cohort: int,
        schedule: str,
        *,
        created: datetime,
        eligibility: str | None,
        training_status: str,
    ) -> Row:
        context = self.context
        reason = None
        if eligibility == "ineligible":
            reason = context.pick(("previous_participation", "duplicate_profile"))
        elif eligibility == "manual_check":
            reason = context.pick(("different_trn", "no_induction", "active_flags"))
        row = context.add(
            "participant_profiles",
            {
                "id": context.uid(),
                "participant_id": person.id,
                "profile_type": profile_type,
                "school_id": school["id"],
                "cohort_year": cohort,
                "lead_provider_id": None,
                "schedule_id": context.schedule_id(schedule, cohort),
                "course_identifier": "ecf-induction" if profile_type == "ect" else "ecf-mentor",
                "npq_application_id": None,
                "status": "active",
                "training_status": training_status,
                "eligibility_status": eligibility,
                "eligibility_reason": reason,
                "trn_validated": bool(person.row["trn"]) and reason != "different_trn",
                "pupil_premium_uplift": profile_type == "ect" and context.chance(0.25),
                "sparsity_uplift": profile_type == "ect" and context.chance(0.1),
                "induction_start_date": None,
                "induction_completion_date": None,
                "mentor_completion_date": None,
                "mentor_completion_reason": None,
                "mentor_ineligible_for_funding_reason": None,
                "cohort_changed_after_payments_frozen": False,
                "created_at": created,
                "updated_at": created,
            },
        )
        person.touch(created)
        return row

    def _record(
        self,
        profile: Row,
        person: Person,
        school: Row,
        partnership: Row | None,
        *,
        start: datetime,
        created: datetime,
        end: datetime | None = None,
        induction_status: str = "active",
        mentor: Row | None = None,
        transfer: bool = False,
    ) -> Row:
        context = self.context
        row = context.add(
            "induction_records",
            {
                "id": context.uid(),
                "participant_profile_id": profile["id"],
                "school_id": school["id"],
                "cohort_year": profile["cohort_year"],
                "partnership_id": partnership["id"] if partnership else None,
                "schedule_id": profile["schedule_id"],
                "mentor_profile_id": mentor["id"] if mentor else None,
                "email": person.row["email"],
                "training_status": profile["training_status"],
                "induction_status": induction_status,
                "start_date": start,
                "end_date": end,
                "school_transfer": transfer,
                "created_at": created,
                "updated_at": created,
            },
        )
        person.touch(created)
        return row

    def _state(self, profile: Row, person: Person, provider: Row, state: str, day: date) -> date:
        context = self.context
        reasons = WITHDRAWAL_REASONS if state == "withdrawn" else DEFERRAL_REASONS
        at = context.at(day)
        context.add(
            "participant_profile_states",
            {
                "id": context.uid(),
                "participant_profile_id": profile["id"],
                "lead_provider_id": provider["id"],
                "state": state,
                "reason": context.pick(reasons),
                "created_at": at,
            },
        )
        person.touch(at)
        profile["updated_at"] = max(profile["updated_at"], at)
        return day

    def participant(
        self,
        world: ProviderWorld,
        *,
        profile_type: str | None = None,
        cohort: int | None = None,
        place: SchoolPlace | None = None,
        person: Person | None = None,
        training_status: str | None = None,
        eligibility: str | None = "draw",
        schedule: str | None = None,
        story: str = "normal",
        explicit: list[Planned] | None = None,
        until: date | None = None,
    ) -> tuple[Row, Person, SchoolPlace, Row]:
        """One ECT or mentor with an induction record in `world`'s provider's partnership,
        a training-status history and the declarations the provider would have made."""
        context = self.context
        provider = world.provider
        profile_type = profile_type or ("mentor" if context.chance(0.25) else "ect")
        cohort = cohort or context.weighted(COHORT_WEIGHTS)
        candidates = [p for p in world.places if cohort in p.partnerships]
        place = place or context.pick(candidates)
        partnership = place.partnerships[cohort]
        weights = ECT_SCHEDULES if profile_type == "ect" else MENTOR_SCHEDULES
        schedule = schedule or context.weighted(weights)
        start_day = context.past(
            _start_day(schedule, cohort) + timedelta(days=context.rng.randrange(30))
        )
        created = context.at(start_day - timedelta(days=context.rng.randrange(10, 60)))
        # Scenario participants (eligibility given) always have a TRN; others may lack one.
        with_trn = eligibility != "draw" or not context.chance(0.03)
        person = person or context.person(created, with_trn=with_trn)
        if eligibility == "draw":
            eligibility = context.weighted(
                {"eligible": 0.86, "manual_check": 0.07, "ineligible": 0.04, None: 0.03}
            )
        if not person.row["trn"]:
            eligibility = None
        training_status = training_status or context.weighted(
            {"active": 0.8, "deferred": 0.08, "withdrawn": 0.12}
        )
        profile = self._profile(
            person,
            profile_type,
            place.school,
            cohort,
            schedule,
            created=created,
            eligibility=eligibility,
            training_status=training_status,
        )
        profile["induction_start_date"] = start_day
        mentor = None
        mentors = place.mentors.get(cohort, [])
        if profile_type == "ect" and mentors and context.chance(0.75):
            mentor_profile, mentor_person = context.pick(mentors)
            mentor = mentor_profile
            mentor_person.touch(created)
        induction_status = "active"
        if profile_type == "ect" and cohort == 2022 and context.chance(0.6):
            induction_status = "completed"
            profile["induction_completion_date"] = context.past(date(2024, 7, 20))
        elif context.chance(0.04):
            induction_status = "withdrawn"
        if profile_type == "mentor" and cohort <= 2023 and context.chance(0.4):
            profile["mentor_completion_date"] = context.past(date(cohort + 2, 7, 31))
            profile["mentor_completion_reason"] = "completed_declaration_received"
            profile["mentor_ineligible_for_funding_reason"] = "completed_declaration_received"
        self._record(
            profile,
            person,
            place.school,
            partnership,
            start=context.at(start_day),
            created=created,
            induction_status=induction_status,
            mentor=mentor,
        )
        stop = min(until, context.today) if until else context.today
        if training_status != "active":
            state_day = context.day_between(
                start_day + timedelta(days=60), context.past(start_day + timedelta(days=500))
            )
            if state_day >= context.today:
                state_day = context.today - timedelta(days=1)
            stop = self._state(profile, person, provider, training_status, state_day)
        if profile_type == "mentor":
            place.mentors.setdefault(cohort, []).append((profile, person))
        else:
            world.ects.append((profile, person, place))
        self._declare_along(
            world, profile, person, partnership, mentor, schedule, start_day, stop, story,
            explicit,
        )  # fmt: skip
        return profile, person, place, partnership

    # --- declarations --------------------------------------------------------------------------

    def _evidence(self, profile: Row, declaration_type: str) -> str | None:
        if profile["cohort_year"] < 2025:
            return None if declaration_type == "started" else self.context.pick(OLD_EVIDENCE)
        if declaration_type in ("retained-2", "completed"):
            return "75-percent-engagement-met"
        return "training-event-attended"

    def _declare_along(
        self,
        world: ProviderWorld,
        profile: Row,
        person: Person,
        partnership: Row,
        mentor: Row | None,
        schedule: str,
        start_day: date,
        stop: date,
        story: str,
        explicit: list[Planned] | None,
    ) -> None:
        """Declare milestones in order while their windows have opened before `stop`, or
        exactly the `explicit` declarations a scenario needs."""
        context = self.context
        eligibility = profile["eligibility_status"]
        if eligibility not in ("eligible", "manual_check", "ineligible"):
            return
        cohort = profile["cohort_year"]
        spec = schedule_spec(schedule, cohort)
        if spec is None:
            return
        milestones = list(spec.milestones)
        if profile["profile_type"] == "mentor" and cohort >= 2025:
            milestones = [m for m in milestones if m.declaration_type in ("started", "completed")]
        if eligibility != "eligible":
            milestones = milestones[:1]
        mentor_person = mentor["participant_id"] if mentor is not None else None
        if explicit is not None:
            for planned in explicit:
                claim = self._claim(world, profile, person, partnership, mentor_person, planned)
                row = self.ledger.declare(claim)
                if row is not None and planned.story == "duplicate":
                    self.ledger.declare(claim, superseded=row)
            return
        previous = start_day
        for index, milestone in enumerate(milestones):
            spacing = 1 if milestone.milestone_date else 70
            first = max(milestone.start_date, previous + timedelta(days=spacing), start_day)
            last = milestone.milestone_date or (first + timedelta(days=120))
            last = min(last, stop - timedelta(days=1))
            if first > last:
                break
            day = context.day_between(first, min(last, first + timedelta(days=75)))
            previous = day
            declared = context.at(day)
            submitted = context.at(min(day + timedelta(days=context.rng.randrange(6)), stop))
            submitted = max(submitted, declared)
            is_last = index == len(milestones) - 1 or not context.chance(0.88)
            planned = Planned(
                milestone.declaration_type, declared, submitted, story if is_last else "normal"
            )
            claim = self._claim(world, profile, person, partnership, mentor_person, planned)
            row = self.ledger.declare(claim)
            if row is None:
                break
            if claim.story == "duplicate":
                self.ledger.declare(claim, superseded=row)
            if is_last:
                break
            if milestone.declaration_type == "completed" and profile["profile_type"] == "mentor":
                profile["mentor_completion_date"] = day
                break

    def _claim(
        self,
        world: ProviderWorld,
        profile: Row,
        person: Person,
        partnership: Row,
        mentor_person: object,
        planned: Planned,
    ) -> Claim:
        eligibility = profile["eligibility_status"]
        return Claim(
            provider_id=world.provider["id"],
            participant_id=person.id,
            profile_id=profile["id"],
            cohort=profile["cohort_year"],
            programme="ecf",
            course=profile["course_identifier"],
            declaration_type=planned.declaration_type,
            declared_at=planned.declared_at,
            submitted_at=planned.submitted_at,
            fundable=eligibility in ("eligible", "ineligible"),
            evidence_held=self._evidence(profile, planned.declaration_type),
            delivery_partner_id=partnership["delivery_partner_id"],
            mentor_participant_id=mentor_person,  # type: ignore[arg-type]
            pupil_premium_uplift=profile["pupil_premium_uplift"],
            sparsity_uplift=profile["sparsity_uplift"],
            participant_ineligible=eligibility == "ineligible",
            story=planned.story,
        )

    # --- scenarios -----------------------------------------------------------------------------

    def transfer(
        self, world: ProviderWorld, target: ProviderWorld, *, leave: date, join: date | None
    ) -> None:
        """An ECT leaving one of `world`'s schools; with `join`, joining a school of `target`
        (another provider, or the same one for a school move)."""
        context = self.context
        cohort = 2024
        source_places = [p for p in world.places if cohort in p.partnerships]
        profile, person, place, _ = self.participant(
            world,
            profile_type="ect",
            cohort=cohort,
            place=source_places[0],
            training_status="active",
            eligibility="eligible",
            schedule="ecf-standard-september",
            until=leave,  # the old provider declares only while the ECT trains with it
        )
        leaving = next(
            r
            for r in reversed(context.tables["induction_records"])
            if r["participant_profile_id"] == profile["id"]
        )
        reported = context.at(context.past(min(leave, join or leave) - timedelta(days=20)))
        leaving.update(
            induction_status="leaving",
            end_date=context.at(leave) if leave < context.today else _noon(leave),
            updated_at=reported,
        )
        person.touch(reported)
        if join is None:
            return
        candidates = [
            p for p in target.places if cohort in p.partnerships and p.school is not place.school
        ]
        new_place = candidates[-1]
        self._record(
            profile,
            person,
            new_place.school,
            new_place.partnerships[cohort],
            start=context.at(join) if join < context.today else _noon(join),
            created=reported,
            transfer=True,
        )

    def unfunded_mentor(self, world: ProviderWorld) -> None:
        """A mentor trained outside this provider (school-led) who mentors one of its ECTs."""
        context = self.context
        place = next(p for p in world.places if 2024 in p.partnerships)
        created = context.at(date(2024, 8, 20))
        person = context.person(created)
        mentor = self._profile(
            person,
            "mentor",
            place.school,
            2024,
            "ecf-standard-september",
            created=created,
            eligibility="eligible",
            training_status="active",
        )
        self._record(
            mentor, person, place.school, None, start=context.at(date(2024, 9, 2)), created=created
        )
        self.participant(
            world,
            profile_type="ect",
            cohort=2024,
            place=place,
            training_status="active",
            eligibility="eligible",
        )
        ect_record = context.tables["induction_records"][-1]
        ect_record["mentor_profile_id"] = mentor["id"]

    def ect_who_became_mentor(self, world: ProviderWorld) -> None:
        """Someone who trained as an ECT from 2023 and now mentors in 2025 (two profiles)."""
        _, person, _, _ = self.participant(
            world,
            profile_type="ect",
            cohort=2023,
            training_status="active",
            eligibility="eligible",
            schedule="ecf-standard-september",
        )
        self.participant(
            world,
            profile_type="mentor",
            cohort=2025,
            person=person,
            training_status="active",
            eligibility="eligible",
            schedule="ecf-standard-september",
        )

    def changed_mentor(self, profile: Row, person: Person, place: SchoolPlace) -> bool:
        """Close an ECT's induction record (`changed`) and open a copy with another mentor."""
        context = self.context
        records = [
            r
            for r in context.tables["induction_records"]
            if r["participant_profile_id"] == profile["id"]
        ]
        current = records[-1]
        mentors = place.mentors.get(profile["cohort_year"], [])
        if (
            current["end_date"] is not None
            or current["induction_status"] != "active"
            or not mentors
        ):
            return False
        changed = context.at(context.past(current["start_date"].date() + timedelta(days=90)))
        if changed <= current["start_date"]:
            return False
        current.update(induction_status="changed", end_date=changed, updated_at=changed)
        copy = dict(current)
        copy.update(
            id=context.uid(),
            induction_status="active",
            start_date=changed,
            end_date=None,
            mentor_profile_id=context.pick(mentors)[0]["id"],
            created_at=changed,
            updated_at=changed,
        )
        context.add("induction_records", copy)
        person.touch(changed)
        return True

    def merged_identity(self, person: Person) -> None:
        """A duplicate account of the person was merged: its id now resolves to them."""
        context = self.context
        retired = context.uid()
        at = context.at(context.past(person.row["created_at"].date() + timedelta(days=40)))
        context.add(
            "participant_id_changes",
            {
                "id": context.uid(),
                "participant_id": person.id,
                "from_participant_id": retired,
                "to_participant_id": person.id,
                "created_at": at,
            },
        )
        person.touch(at)


def _noon(day: date) -> datetime:
    """A future instant for dates the school reported ahead of time."""
    return datetime.combine(day, time(12, 0), UTC)
