"""The state one seed run shares between its generators: the random source, the day the data
is generated for, the rows produced so far (table by table, in insertion order) and helpers that
turn random draws into ids, people and instants.

Everything random comes from one `random.Random(seed)` drawn in a fixed order, and every id
and timestamp is derived from it or from `today`, never from the wall clock: the same seed on
the same day yields byte-for-byte the same rows."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from . import names

# Insertion order respects every foreign key between these tables.
TABLE_ORDER: tuple[str, ...] = (
    "lead_providers",
    "api_tokens",
    "delivery_partners",
    "provider_relationships",
    "schools",
    "school_cohorts",
    "partnerships",
    "participants",
    "npq_applications",
    "participant_profiles",
    "induction_records",
    "participant_profile_states",
    "participant_id_changes",
    "npq_contracts",
    "statements",
    "declarations",
    "statement_line_items",
    "participant_outcomes",
    "audit_events",
)

Row = dict[str, Any]


@dataclass
class Person:
    """A participant row under construction; `touched` collects the instants of every change
    to what the API shows about the person, so `updated_at` can be their maximum."""

    row: Row
    touched: list[datetime] = field(default_factory=list)

    @property
    def id(self) -> uuid.UUID:
        return self.row["id"]

    def touch(self, instant: datetime) -> None:
        self.touched.append(instant)


class SeedContext:
    def __init__(
        self, seed: int, today: date, schedule_ids: dict[tuple[str, int], uuid.UUID]
    ) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = datetime.combine(today, time(0, 0), UTC)
        self.schedule_ids = schedule_ids
        self.tables: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}
        self._trns: set[str] = set()
        self._urns: set[str] = set()
        self._people = 0
        self.people: list[Person] = []

    # --- ids and draws -----------------------------------------------------------------------

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, options: Any) -> Any:
        return options[self.rng.randrange(len(options))]

    def weighted(self, options: dict[Any, float]) -> Any:
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    def add(self, table: str, row: Row) -> Row:
        self.tables[table].append(row)
        return row

    # --- time ----------------------------------------------------------------------------------

    def at(self, day: date) -> datetime:
        """An office-hours instant on `day`, never later than the generation instant."""
        instant = datetime.combine(day, time(8, 0), UTC) + timedelta(
            minutes=self.rng.randrange(9 * 60), seconds=self.rng.randrange(60)
        )
        return min(instant, self.now)

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def past(self, day: date) -> date:
        """`day`, or yesterday when `day` has not come yet."""
        return min(day, self.today - timedelta(days=1))

    # --- reference values ----------------------------------------------------------------------

    def trn(self) -> str:
        while True:
            value = f"{self.rng.randrange(1000000, 10000000)}"
            if value not in self._trns:
                self._trns.add(value)
                return value

    def urn(self) -> str:
        while True:
            value = f"{self.rng.randrange(100000, 150000)}"
            if value not in self._urns:
                self._urns.add(value)
                return value

    def schedule_id(self, identifier: str, cohort: int) -> uuid.UUID:
        return self.schedule_ids[(identifier, cohort)]

    # --- people --------------------------------------------------------------------------------

    def person(self, created: datetime, *, with_trn: bool = True) -> Person:
        first = self.pick(names.FIRST_NAMES)
        last = self.pick(names.SURNAMES)
        self._people += 1
        born = date(1970, 1, 1) + timedelta(days=self.rng.randrange(365 * 31))
        row = self.add(
            "participants",
            {
                "id": self.uid(),
                "full_name": f"{first} {last}",
                "email": f"{first}.{last}.{self._people}@example.com".lower(),
                "trn": self.trn() if with_trn else None,
                "date_of_birth": born,
                "created_at": created,
                "updated_at": created,
            },
        )
        person = Person(row, [created])
        self.people.append(person)
        return person

    def finish_people(self) -> None:
        for person in self.people:
            person.row["updated_at"] = min(max(person.touched), self.now)

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())
