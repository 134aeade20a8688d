"""`cpd-api seed`: deterministic, refuses where it would do harm, and covers every situation
operations.md 4 asks the sandbox to show, for every provider."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cpd_api.core.audit import Actor
from cpd_api.core.database import Base
from cpd_api.declarations.models import DECLARATION_STATES, Declaration
from cpd_api.npq_applications.models import NpqApplication, NpqContract
from cpd_api.participants.models import (
    InductionRecord,
    ParticipantIdChange,
    ParticipantProfile,
)
from cpd_api.partnerships.models import Partnership
from cpd_api.providers.models import LeadProvider
from cpd_api.schedules.reference_data import NPQ_COURSE_IDENTIFIERS
from cpd_api.seed.generator import SeedOptions, sandbox_token
from cpd_api.seed.names import PROVIDERS
from cpd_api.seed.writer import SeedRefused, seed_database
from cpd_api.statements.models import Statement

ACTOR = Actor.operator("tests")
TODAY = date(2026, 11, 27)
REFERENCE = {"cohorts", "schedules", "milestones", "npq_courses", "alembic_version"}


def _seed(db, *, seed: int = 5, providers: int = 2, participants: int = 40, force: bool = False):
    with db.session() as session:
        return seed_database(
            session,
            SeedOptions(providers=providers, participants=participants, seed=seed),
            actor=ACTOR,
            production=False,
            force=force,
            today=TODAY,
        )


def _dump(db) -> dict[str, list[tuple]]:
    """Every row of every seeded table (audit events carry the real time: left out)."""
    tables = [
        t
        for t in Base.metadata.sorted_tables
        if t.name not in REFERENCE and t.name != "audit_events"
    ]
    with db.engine.connect() as connection:
        return {
            t.name: sorted(
                (tuple(str(v) for v in row) for row in connection.execute(select(t))),
            )
            for t in tables
        }


def test_the_same_seed_gives_the_same_data_and_another_seed_different_data(db):
    _seed(db, seed=5)
    first = _dump(db)
    _seed(db, seed=5, force=True)
    assert _dump(db) == first
    _seed(db, seed=6, force=True)
    other = _dump(db)
    assert other["participants"] != first["participants"]
    assert sum(len(rows) for rows in first.values()) > 1000


def test_it_refuses_production_and_a_database_in_use(db):
    with db.session() as session, pytest.raises(SeedRefused, match="production"):
        seed_database(session, SeedOptions(), actor=ACTOR, production=True)
    _seed(db)
    with pytest.raises(SeedRefused, match="--force"):
        _seed(db)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(LeadProvider)) == 2


def test_providers_are_real_lead_providers_with_memorable_sandbox_tokens(db, client):
    data = _seed(db, providers=3)
    assert [p.name for p in data.providers] == [p.name for p in PROVIDERS[:3]]
    assert data.providers[0].token == "ambition-token-sandbox-0000000001"
    for number, provider in enumerate(data.providers, start=1):
        assert provider.token == sandbox_token(PROVIDERS[number - 1], number)
        assert len(provider.token) >= 32
        response = client.get(
            "/api/v3/participants/ecf", headers={"Authorization": f"Bearer {provider.token}"}
        )
        assert response.status_code == 200
        assert response.json()["data"]


def _count(session, *conditions, model=None) -> int:
    query = select(func.count()).select_from(model)
    for condition in conditions:
        query = query.where(condition)
    return session.scalar(query)


def test_every_provider_gets_every_state_and_scenario(db):
    data = _seed(db, providers=3, participants=60)
    with db.session() as session:
        for provider in data.providers:
            pid = provider.id
            states = set(
                session.scalars(
                    select(Declaration.state).where(Declaration.lead_provider_id == pid).distinct()
                )
            )
            assert states == set(DECLARATION_STATES), provider.name
            profiles = (
                select(ParticipantProfile.id)
                .join(
                    InductionRecord, InductionRecord.participant_profile_id == ParticipantProfile.id
                )
                .join(Partnership, Partnership.id == InductionRecord.partnership_id)
            )
            mine = profiles.where(Partnership.lead_provider_id == pid)
            for status in ("active", "deferred", "withdrawn"):
                assert session.scalar(
                    select(func.count())
                    .select_from(ParticipantProfile)
                    .where(
                        ParticipantProfile.training_status == status,
                        ParticipantProfile.id.in_(mine),
                    )
                ), (provider.name, status)
            records = (
                select(InductionRecord.induction_status, InductionRecord.school_transfer)
                .join(Partnership, Partnership.id == InductionRecord.partnership_id)
                .where(Partnership.lead_provider_id == pid)
            )
            seen = {row.induction_status for row in session.execute(records)}
            assert {"active", "leaving", "withdrawn", "changed"} <= seen, provider.name
            assert any(row.school_transfer for row in session.execute(records)), provider.name
            challenged = _count(
                session,
                Partnership.lead_provider_id == pid,
                Partnership.challenge_reason.is_not(None),
                model=Partnership,
            )
            assert challenged >= 1
            applications = {
                (course, status)
                for course, status in session.execute(
                    select(NpqApplication.course_identifier, NpqApplication.status).where(
                        NpqApplication.lead_provider_id == pid
                    )
                )
            }
            for course in NPQ_COURSE_IDENTIFIERS:
                for status in ("pending", "accepted", "rejected"):
                    assert (course, status) in applications, (provider.name, course, status)
            assert _count(session, NpqContract.lead_provider_id == pid, model=NpqContract)
            statement_states = set(
                session.scalars(
                    select(Statement.state).where(Statement.lead_provider_id == pid).distinct()
                )
            )
            assert statement_states == {"open", "payable", "paid"}
        assert session.scalar(select(func.count()).select_from(ParticipantIdChange)) >= 2 * 3


def test_values_look_real(db):
    _seed(db)
    dump = _dump(db)
    with db.session() as session:
        from cpd_api.participants.models import Participant
        from cpd_api.schools.models import School

        trns = [t for t in session.scalars(select(Participant.trn)) if t]
        urns = list(session.scalars(select(School.urn)))
        names = list(session.scalars(select(Participant.full_name)))
    assert trns and all(len(t) == 7 and t.isdigit() for t in trns)
    assert len(set(trns)) == len(trns)
    assert urns and all(len(u) == 6 and u.isdigit() for u in urns)
    assert all(" " in name and not any(c.isdigit() for c in name) for name in names)
    assert dump["declarations"]
