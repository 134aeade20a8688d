"""Fixture F of ecf.md section 10 (the parts participant tests need), plus small helpers to
add declarations and induction-record versions directly."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.database import Database
from cpd_api.declarations.models import Declaration
from cpd_api.participants.models import InductionRecord, Participant, ParticipantProfile
from tests import builders as b
from tests.factories import ProviderWithToken, provider_with_token

E1_ID = uuid.UUID("aaaaaaaa-0000-4000-8000-00000000000e")
M1_ID = uuid.UUID("bbbbbbbb-0000-4000-8000-00000000000a")
DP1_ID = uuid.UUID("11111111-0000-4000-8000-000000000001")
DP2_ID = uuid.UUID("11111111-0000-4000-8000-000000000002")
DP3_ID = uuid.UUID("11111111-0000-4000-8000-000000000003")


@dataclass
class FixtureF:
    lp_a: ProviderWithToken
    lp_b: ProviderWithToken
    s1_id: uuid.UUID
    s2_id: uuid.UUID
    pa1_id: uuid.UUID
    pb2_id: uuid.UUID
    e1_profile_id: uuid.UUID
    m1_profile_id: uuid.UUID
    e1_id: uuid.UUID = E1_ID
    m1_id: uuid.UUID = M1_ID


def person(session: Session, person_id: uuid.UUID, name: str, trn: str | None) -> Participant:
    created = Participant(
        id=person_id, full_name=name, email=f"{name.split()[0].lower()}@example.com", trn=trn
    )
    session.add(created)
    session.flush()
    return created


def fixture_f(db: Database) -> FixtureF:
    """Built as of 2024-08-01, so every record predates the scenarios' "now"."""
    with clock.travel_to(b.at("2024-08-01T00:00:00Z")):
        return _fixture_f(db)


def _fixture_f(db: Database) -> FixtureF:
    lp_a = provider_with_token(db, "Alpha Institute", ecf=True, npq=False)
    lp_b = provider_with_token(db, "Beta Learning", ecf=True, npq=False)
    with db.session() as session:
        dp1 = b.delivery_partner(session, "Delivery Partner One")
        dp1.id = DP1_ID
        dp2 = b.delivery_partner(session, "Delivery Partner Two")
        dp2.id = DP2_ID
        dp3 = b.delivery_partner(session, "Delivery Partner Three")
        dp3.id = DP3_ID
        session.flush()
        b.provider_relationship(session, lp_a.id, dp1, 2025)
        b.provider_relationship(session, lp_a.id, dp2, 2024)
        s1 = b.school(session, urn="100001", name="School One")
        s2 = b.school(session, urn="100002", name="School Two")
        pa1 = b.partnership(session, lp_a.id, cohort=2024, school_=s1, partner=dp1)
        pb2 = b.partnership(session, lp_b.id, cohort=2024, school_=s2, partner=dp3)
        m1_person = person(session, M1_ID, "Mina Mentor", "7654321")
        m1 = b.mentor(session, pa1, person=m1_person, start_date=b.at("2024-09-01T00:00:00Z"))
        e1_person = person(session, E1_ID, "Ella Teacher", "1234567")
        e1 = b.ect(
            session,
            pa1,
            person=e1_person,
            start_date=b.at("2024-09-01T00:00:00Z"),
            mentor=m1,
            pupil_premium_uplift=True,
        )
        return FixtureF(lp_a, lp_b, s1.id, s2.id, pa1.id, pb2.id, e1.id, m1.id)


def declaration(
    session: Session,
    profile: ParticipantProfile,
    provider_id: uuid.UUID,
    *,
    declaration_type: str = "started",
    declaration_date: datetime,
    state: str = "eligible",
    cohort: int | None = None,
) -> Declaration:
    created = Declaration(
        lead_provider_id=provider_id,
        participant_id=profile.participant_id,
        participant_profile_id=profile.id,
        cohort_year=cohort or profile.cohort_year,
        course_identifier=profile.course_identifier,
        declaration_type=declaration_type,
        declaration_date=declaration_date,
        state=state,
    )
    session.add(created)
    session.flush()
    return created


def records_of(session: Session, profile_id: uuid.UUID) -> list[InductionRecord]:
    return (
        session.query(InductionRecord)
        .filter_by(participant_profile_id=profile_id)
        .order_by(InductionRecord.start_date, InductionRecord.created_at)
        .all()
    )
