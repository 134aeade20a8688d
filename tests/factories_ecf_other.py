"""Fixture F of ecf.md section 10 (partnerships, schools, delivery partners, statements and
the ECT/mentor pair), built directly in the database for the v3 "other ECF" endpoints."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from cpd_api.core.database import Database
from cpd_api.delivery_partners.models import DeliveryPartner
from cpd_api.participants.models import Participant, ParticipantProfile
from cpd_api.partnerships.models import Partnership
from cpd_api.schools.models import School
from cpd_api.statements.models import Statement
from tests import builders as b
from tests.factories import ProviderWithToken, provider_with_token

DP1_ID = uuid.UUID("11111111-0000-4000-8000-000000000001")
DP2_ID = uuid.UUID("11111111-0000-4000-8000-000000000002")
DP3_ID = uuid.UUID("11111111-0000-4000-8000-000000000003")
E1_ID = uuid.UUID("aaaaaaaa-0000-4000-8000-00000000000e")
M1_ID = uuid.UUID("bbbbbbbb-0000-4000-8000-00000000000a")


@dataclass
class FixtureF:
    lp_a: ProviderWithToken
    lp_b: ProviderWithToken
    dp1: DeliveryPartner
    dp2: DeliveryPartner
    dp3: DeliveryPartner
    s1: School
    s2: School
    pa1: Partnership
    pb2: Partnership
    e1: ParticipantProfile
    m1: ParticipantProfile
    statements_a: dict[str, Statement]
    statements_b: dict[str, Statement]


def _partner(session, partner_id: uuid.UUID, name: str) -> DeliveryPartner:
    partner = DeliveryPartner(id=partner_id, name=name)
    session.add(partner)
    session.flush()
    return partner


def _person(session, person_id: uuid.UUID, name: str, trn: str) -> Participant:
    person = Participant(
        id=person_id, full_name=name, email=f"{name.lower().replace(' ', '.')}@example.com", trn=trn
    )
    session.add(person)
    session.flush()
    return person


def _statements(session, provider_id) -> dict[str, Statement]:
    dates = {
        "ST-OCT24": (date(2024, 10, 31), date(2024, 11, 25)),
        "ST-FEB25": (date(2025, 2, 28), date(2025, 3, 25)),
        "ST-MAR25": (date(2025, 3, 31), date(2025, 4, 25)),
        "ST-APR25": (date(2025, 4, 30), date(2025, 5, 25)),
    }
    made = {
        key: b.statement(session, provider_id, cohort=2024, deadline=deadline, payment=payment)
        for key, (deadline, payment) in dates.items()
    }
    made["ST-SEP25"] = b.statement(
        session, provider_id, cohort=2025, deadline=date(2025, 9, 30), payment=date(2025, 10, 25)
    )
    return made


def fixture_f(db: Database) -> FixtureF:
    lp_a = provider_with_token(db, "Alpha Institute", ecf=True, npq=False)
    lp_b = provider_with_token(db, "Beta Learning", ecf=True, npq=False)
    with db.session() as session:
        dp1 = _partner(session, DP1_ID, "Delivery Partner One")
        dp2 = _partner(session, DP2_ID, "Delivery Partner Two")
        dp3 = _partner(session, DP3_ID, "Delivery Partner Three")
        b.provider_relationship(session, lp_a.id, dp1, 2024)
        b.provider_relationship(session, lp_a.id, dp1, 2025)
        b.provider_relationship(session, lp_a.id, dp2, 2024)
        b.provider_relationship(session, lp_b.id, dp3, 2024)
        s1 = b.school(session, urn="100001", name="School One")
        s2 = b.school(session, urn="100002", name="School Two")
        pa1 = b.partnership(session, lp_a.id, cohort=2024, school_=s1, partner=dp1)
        pb2 = b.partnership(session, lp_b.id, cohort=2024, school_=s2, partner=dp3)
        m1_person = _person(session, M1_ID, "Mentor One", "7654321")
        m1 = b.mentor(session, pa1, person=m1_person, start_date=b.at("2024-09-01T00:00:00Z"))
        e1_person = _person(session, E1_ID, "Ect One", "1234567")
        e1 = b.ect(
            session,
            pa1,
            person=e1_person,
            mentor=m1,
            pupil_premium_uplift=True,
            start_date=b.at("2024-09-01T00:00:00Z"),
        )
        statements_a = _statements(session, lp_a.id)
        statements_b = _statements(session, lp_b.id)
    return FixtureF(lp_a, lp_b, dp1, dp2, dp3, s1, s2, pa1, pb2, e1, m1, statements_a, statements_b)
