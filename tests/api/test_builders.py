"""The shared builders produce rows the schema accepts, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from cpd_api.participants.models import InductionRecord, ParticipantProfile
from tests import builders
from tests.factories import provider_with_token


def test_builders_create_a_consistent_world(db):
    provider = provider_with_token(db)
    with db.session() as session:
        partnership = builders.partnership(session, provider.id, cohort=2024)
        mentor = builders.mentor(session, partnership)
        ect = builders.ect(session, partnership, mentor=mentor)
        application, enrolment = builders.npq_enrolment(session, provider.id)
        builders.statement(session, provider.id, deadline=builders.at("2025-01-31T00:00:00Z"))
        assert enrolment.id == application.id
        assert ect.course_identifier == "ecf-induction"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ParticipantProfile)) == 3
        record = session.scalar(
            select(InductionRecord).where(InductionRecord.participant_profile_id == ect.id)
        )
        assert record.mentor_profile_id == mentor.id
        assert record.partnership_id == partnership.id
