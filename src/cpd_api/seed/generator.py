"""The whole sandbox for N providers, as rows ready to insert (no I/O here).

Each provider gets the same shape of world: forced scenarios first, so that every state a
provider can meet exists for every provider however small the run, then random participants
up to the requested number."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from cpd_api.providers.rules import digest
from cpd_api.schedules.reference_data import NPQ_COURSE_IDENTIFIERS

from . import names
from .context import Row, SeedContext
from .ecf import ECF_COHORTS, EcfGenerator, Planned, ProviderWorld
from .finance import Ledger
from .npq import NPQ_COHORTS, STATUSES, NpqGenerator

MIN_TOKEN_LENGTH = 32
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SeedOptions:
    providers: int = 6
    participants: int = 300
    seed: int = 1


@dataclass(frozen=True)
class SeededProvider:
    id: uuid.UUID
    name: str
    token: str


@dataclass
class SeedData:
    tables: dict[str, list[Row]]
    providers: list[SeededProvider]

    def count(self, table: str) -> int:
        return len(self.tables[table])

    @property
    def total_rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def provider_identities(count: int) -> list[names.ProviderIdentity]:
    known = list(names.PROVIDERS[:count])
    for number in range(len(known) + 1, count + 1):
        known.append(names.ProviderIdentity(f"Lead Provider {number}", f"provider-{number}"))
    return known


def sandbox_token(identity: names.ProviderIdentity, number: int) -> str:
    """A memorable sandbox token, e.g. `ambition-token-sandbox-0000000001`."""
    prefix = f"{identity.slug}-token-sandbox-"
    return f"{prefix}{number:0{max(10, MIN_TOKEN_LENGTH - len(prefix))}d}"


def split_participants(participants: int) -> tuple[int, int]:
    """(ECF people, NPQ applications) for one provider: a fifth NPQ, with floors that leave
    room for every scenario."""
    npq = max(len(NPQ_COURSE_IDENTIFIERS) * len(STATUSES), participants // 5)
    return max(30, participants - npq), npq


class SandboxGenerator:
    def __init__(
        self,
        options: SeedOptions,
        today: date,
        schedule_ids: dict[tuple[str, int], uuid.UUID],
        progress: Progress | None = None,
    ) -> None:
        self.options = options
        self.context = SeedContext(options.seed, today, schedule_ids)
        self.ledger = Ledger(self.context)
        self.ecf = EcfGenerator(self.context, self.ledger)
        self.npq = NpqGenerator(self.context, self.ledger)
        self.progress = progress or (lambda _label: None)

    def generate(self) -> SeedData:
        context = self.context
        ecf_people, _ = split_participants(self.options.participants)
        worlds: list[ProviderWorld] = []
        seeded: list[SeededProvider] = []
        for number, identity in enumerate(provider_identities(self.options.providers), start=1):
            provider, token = self._provider(identity, number)
            seeded.append(SeededProvider(provider["id"], provider["name"], token))
            worlds.append(self.ecf.provider_world(provider, max(4, math.ceil(ecf_people / 40))))
        for _ in range(4):
            self.ecf.school()
        self.ecf.school(cip_only=True)
        for index, world in enumerate(worlds):
            self.progress(f"ECF participants of {world.provider['name']}")
            self._scenarios(world, worlds[(index + 1) % len(worlds)])
            self._fill(world, ecf_people)
            self._histories(world)
        for world in worlds:
            self.progress(f"NPQ applications of {world.provider['name']}")
            self._npq(world)
        context.finish_people()
        return SeedData(context.tables, seeded)

    # --- providers -----------------------------------------------------------------------------

    def _provider(self, identity: names.ProviderIdentity, number: int) -> tuple[Row, str]:
        context = self.context
        created = context.at(date(2021, 3, 1))
        provider = context.add(
            "lead_providers",
            {
                "id": context.uid(),
                "name": identity.name,
                "ecf": True,
                "npq": True,
                "created_at": created,
                "updated_at": created,
            },
        )
        token = sandbox_token(identity, number)
        context.add(
            "api_tokens",
            {
                "id": context.uid(),
                "lead_provider_id": provider["id"],
                "kind": "lead_provider",
                "hashed_token": digest(token),
                "description": "sandbox seed",
                "last_used_at": None,
                "created_at": context.now,
            },
        )
        for cohort in ECF_COHORTS:
            self.ledger.add_calendar(provider["id"], cohort, "ecf")
        for cohort in NPQ_COHORTS:
            self.ledger.add_calendar(provider["id"], cohort, "npq")
        return provider, token

    # --- ECF -----------------------------------------------------------------------------------

    def _scenarios(self, world: ProviderWorld, neighbour: ProviderWorld) -> None:
        """Participants every provider must be able to find: each declaration state, each
        training status and participant status, transfers, unfunded mentors, id changes."""
        context = self.context
        ecf = self.ecf
        today = context.today
        first_of_month = today.replace(day=1)
        paid_day = date(2025, 9, 20)

        def planned(day, story="normal", declaration_type="started"):
            at = context.at(day) if day < today else context.now
            return [Planned(declaration_type, at, at, story)]

        def ect(explicit=None, **kwargs):
            values = {
                "profile_type": "ect",
                "cohort": 2025,
                "schedule": "ecf-standard-september",
                "training_status": "active",
                "eligibility": "eligible",
            }
            values.update(kwargs)
            return ecf.participant(world, explicit=explicit, **values)

        ect(planned(today))  # eligible on the open statement
        ect(planned(first_of_month - timedelta(days=2)))  # payable
        ect(planned(paid_day))  # paid
        ect(planned(paid_day, "duplicate"))  # paid, and an ineligible duplicate
        ect(planned(today, "void"))  # voided
        ect(planned(paid_day, "clawback"))  # awaiting clawback
        ect(planned(paid_day, "clawed_back"))  # clawed back
        ect(planned(paid_day), eligibility="manual_check")  # submitted
        ect(planned(paid_day), eligibility="ineligible")  # ineligible participant
        for status in ("active", "deferred", "withdrawn"):
            ect(training_status=status, cohort=2024)
            ecf.participant(world, profile_type="mentor", cohort=2024, training_status=status)
        # The school reported the ECT as no longer training there.
        ect(cohort=2024)
        context.tables["induction_records"][-1]["induction_status"] = "withdrawn"
        ecf.transfer(
            world, neighbour, leave=today - timedelta(days=60), join=today - timedelta(days=59)
        )
        ecf.transfer(
            world, neighbour, leave=today + timedelta(days=20), join=today + timedelta(days=21)
        )
        ecf.transfer(
            world, world, leave=today - timedelta(days=30), join=today - timedelta(days=29)
        )
        ecf.transfer(world, world, leave=today + timedelta(days=10), join=None)
        ecf.unfunded_mentor(world)
        ecf.unfunded_mentor(world)
        ecf.ect_who_became_mentor(world)

    def _fill(self, world: ProviderWorld, target: int) -> None:
        made = len({id(person) for _, person, _ in world.ects})
        remaining = max(0, target - made)
        mentors = remaining // 4
        for index in range(remaining):
            self.ecf.participant(world, profile_type="mentor" if index < mentors else "ect")

    def _histories(self, world: ProviderWorld) -> None:
        """Mentor changes (a closed induction record and its successor) and merged ids."""
        changed = 0
        for profile, person, place in world.ects:
            if changed == 3:
                break
            if place.mentors.get(profile["cohort_year"]):
                changed += self.ecf.changed_mentor(profile, person, place)
        for _, person, _ in world.ects[3:5]:
            self.ecf.merged_identity(person)

    # --- NPQ -----------------------------------------------------------------------------------

    def _npq(self, world: ProviderWorld) -> None:
        context = self.context
        provider = world.provider
        _, applications = split_participants(self.options.participants)
        schools = [place.school for place in world.places]
        self.npq.contracts(provider)
        made = 0
        for course in NPQ_COURSE_IDENTIFIERS:
            for status in STATUSES:
                self.npq.application(provider, schools, course=course, status=status)
                made += 1
        mentors = [person for entries in (p.mentors.values() for p in world.places)
                   for group in entries for _, person in group]  # fmt: skip
        for _ in range(max(0, applications - made)):
            person = context.pick(mentors) if mentors and context.chance(0.1) else None
            self.npq.application(provider, schools, person=person)


def generate(
    options: SeedOptions,
    today: date,
    schedule_ids: dict[tuple[str, int], uuid.UUID],
    progress: Progress | None = None,
) -> SeedData:
    return SandboxGenerator(options, today, schedule_ids, progress).generate()
