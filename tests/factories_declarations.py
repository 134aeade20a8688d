"""Fixture F of ecf.md section 10 (and the NPQ fixtures of npq.md section 6), plus request
helpers for declaration tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from cpd_api.core import clock
from cpd_api.core.database import Database
from cpd_api.declarations.models import Declaration
from cpd_api.participants.models import Participant, ParticipantProfile
from tests import builders
from tests.factories import ProviderWithToken, provider_with_token

E1_ID = uuid.UUID("aaaaaaaa-0000-4000-8000-00000000000e")
M1_ID = uuid.UUID("bbbbbbbb-0000-4000-8000-00000000000a")
DP1_ID = uuid.UUID("11111111-0000-4000-8000-000000000001")
DP2_ID = uuid.UUID("11111111-0000-4000-8000-000000000002")
DP3_ID = uuid.UUID("11111111-0000-4000-8000-000000000003")

STATEMENTS_2024 = {
    "ST-OCT24": (date(2024, 10, 31), date(2024, 11, 25)),
    "ST-FEB25": (date(2025, 2, 28), date(2025, 3, 25)),
    "ST-MAR25": (date(2025, 3, 31), date(2025, 4, 25)),
    "ST-APR25": (date(2025, 4, 30), date(2025, 5, 25)),
}


@pytest.fixture
def still_clock():
    """Stop the clock's underlying time source for the test: a request sent with
    `X-With-Server-Date` then runs exactly at that instant, so timestamps in assertions do
    not depend on how long a loaded machine takes to answer."""
    import time

    frozen = time.time()
    with clock.use_source(lambda: frozen):
        yield


@dataclass
class FixtureF:
    db: Database
    lp_a: ProviderWithToken
    lp_b: ProviderWithToken
    s1_id: uuid.UUID
    s2_id: uuid.UUID
    pa1_id: uuid.UUID
    pb2_id: uuid.UUID
    e1_profile_id: uuid.UUID
    m1_profile_id: uuid.UUID
    statements_a: dict[str, uuid.UUID] = field(default_factory=dict)
    statements_b: dict[str, uuid.UUID] = field(default_factory=dict)

    e1 = E1_ID
    m1 = M1_ID


def person(session, person_id: uuid.UUID | None = None, *, trn: str | None = None, name=None):
    number = uuid.uuid4().hex[:6]
    created = Participant(
        id=person_id or uuid.uuid4(),
        full_name=name or f"Teacher {number}",
        email=f"teacher-{number}@example.com",
        trn=trn,
    )
    session.add(created)
    session.flush()
    return created


def fixture_f(db: Database) -> FixtureF:
    lp_a = provider_with_token(db, "Alpha Institute", ecf=True, npq=False)
    lp_b = provider_with_token(db, "Beta Learning", ecf=True, npq=False)
    with db.session() as session:
        dp1 = builders.DeliveryPartner(id=DP1_ID, name="Delivery Partner One")
        dp2 = builders.DeliveryPartner(id=DP2_ID, name="Delivery Partner Two")
        dp3 = builders.DeliveryPartner(id=DP3_ID, name="Delivery Partner Three")
        session.add_all([dp1, dp2, dp3])
        session.flush()
        builders.provider_relationship(session, lp_a.id, dp1, 2025)
        builders.provider_relationship(session, lp_a.id, dp2, 2024)
        s1 = builders.school(session, urn="100001", name="School One")
        s2 = builders.school(session, urn="100002", name="School Two")
        pa1 = builders.partnership(session, lp_a.id, cohort=2024, school_=s1, partner=dp1)
        pb2 = builders.partnership(session, lp_b.id, cohort=2024, school_=s2, partner=dp3)
        m1_person = person(session, M1_ID, trn="7654321", name="Mentor One")
        m1 = builders.mentor(
            session, pa1, person=m1_person, start_date=builders.at("2024-09-01T00:00:00Z")
        )
        e1_person = person(session, E1_ID, trn="1234567", name="ECT One")
        e1 = builders.ect(
            session,
            pa1,
            person=e1_person,
            mentor=m1,
            pupil_premium_uplift=True,
            start_date=builders.at("2024-09-01T00:00:00Z"),
        )
        fixture = FixtureF(db, lp_a, lp_b, s1.id, s2.id, pa1.id, pb2.id, e1.id, m1.id)
        for provider, target in ((lp_a, fixture.statements_a), (lp_b, fixture.statements_b)):
            for name, (deadline, payment) in STATEMENTS_2024.items():
                made = builders.statement(
                    session, provider.id, cohort=2024, deadline=deadline, payment=payment
                )
                target[name] = made.id
        sep25 = builders.statement(
            session, lp_a.id, cohort=2025, deadline=date(2025, 9, 30), payment=date(2025, 10, 25)
        )
        fixture.statements_a["ST-SEP25"] = sep25.id
    return fixture


def ect_on(db: Database, partnership_id: uuid.UUID, **options) -> ParticipantProfile:
    """Another ECT in a partnership (a fresh person unless `person_id`/`trn` say otherwise)."""
    with db.session() as session:
        partnership = session.get(builders.Partnership, partnership_id)
        owner = person(session, options.pop("person_id", None), trn=options.pop("trn", None))
        options.setdefault("start_date", builders.at("2024-09-01T00:00:00Z"))
        return builders.ect(session, partnership, person=owner, **options)


def mentor_on(db: Database, partnership_id: uuid.UUID, **options) -> ParticipantProfile:
    with db.session() as session:
        partnership = session.get(builders.Partnership, partnership_id)
        owner = person(session, options.pop("person_id", None), trn=options.pop("trn", None))
        options.setdefault("start_date", builders.at("2024-09-01T00:00:00Z"))
        return builders.mentor(session, partnership, person=owner, **options)


def body(participant_id, declaration_type, declaration_date, course="ecf-induction", **extra):
    attributes = {
        "participant_id": str(participant_id),
        "declaration_type": declaration_type,
        "declaration_date": declaration_date,
        "course_identifier": course,
        **extra,
    }
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def at_time(now: str) -> dict[str, str]:
    return {"X-With-Server-Date": now}


def post(client, provider: ProviderWithToken, payload: dict, now: str, version: str = "v3"):
    return client.post(
        f"/api/{version}/participant-declarations",
        json=payload,
        headers={**provider.headers, **at_time(now)},
    )


def void(client, provider: ProviderWithToken, declaration_id, now: str, version: str = "v3"):
    return client.put(
        f"/api/{version}/participant-declarations/{declaration_id}/void",
        headers={**provider.headers, **at_time(now)},
    )


def show(client, provider: ProviderWithToken, declaration_id, version: str = "v3", now=None):
    headers = {**provider.headers, **(at_time(now) if now else {})}
    return client.get(f"/api/{version}/participant-declarations/{declaration_id}", headers=headers)


def set_state(db: Database, declaration_id, state: str) -> None:
    """Move a declaration and its billable line directly (back office shortcut for tests)."""
    from cpd_api.declarations.models import StatementLineItem

    with db.session() as session:
        declaration = session.get(Declaration, uuid.UUID(str(declaration_id)))
        declaration.state = state
        for line in session.scalars(
            select(StatementLineItem).where(StatementLineItem.declaration_id == declaration.id)
        ):
            if line.state in ("eligible", "payable", "paid"):
                line.state = state
        if state not in ("submitted", "eligible", "payable", "paid"):
            declaration.billable_slot = None


def errors(response) -> list[dict]:
    return response.json()["errors"]
