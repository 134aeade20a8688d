"""Resolving participant ids (own, retired, malformed) and the relevant/visible induction
record, which declarations and participant actions both rely on."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cpd_api.core import clock
from cpd_api.participants.identity import (
    relevant_induction_record,
    resolve_ecf,
    resolve_ecf_profile,
    visible_induction_record,
)
from cpd_api.participants.models import InductionRecord, Participant
from cpd_api.participants.timestamps import (
    touch_participant,
    touch_participants_in_partnership,
)
from tests import builders as b
from tests.factories import provider_with_token


def test_own_id_resolves_to_the_profile_of_the_course(db, session):
    lp = provider_with_token(db, "Alpha")
    pa = b.partnership(session, lp.id)
    ect = b.ect(session, pa)
    mentor = b.mentor(session, pa, person=ect.participant)
    assert resolve_ecf_profile(session, str(ect.participant_id), "ecf-induction").id == ect.id
    assert resolve_ecf_profile(session, ect.participant_id, "ecf-mentor").id == mentor.id


def test_course_that_does_not_fit_finds_the_person_but_no_profile(db, session):
    lp = provider_with_token(db, "Alpha")
    ect = b.ect(session, b.partnership(session, lp.id))
    found = resolve_ecf(session, str(ect.participant_id), "ecf-mentor")
    assert found.participant.id == ect.participant_id
    assert found.profile is None
    assert resolve_ecf(session, str(ect.participant_id), "npq-senco").profile is None


def test_retired_id_resolves_to_the_survivor(db, session):
    lp = provider_with_token(db, "Alpha")
    ect = b.ect(session, b.partnership(session, lp.id))
    change = b.retire_participant_id(session, ect.participant)
    assert resolve_ecf_profile(session, str(change.from_participant_id), "ecf-induction").id == (
        ect.id
    )


def test_unknown_and_malformed_ids_resolve_to_nothing(db, session):
    assert resolve_ecf(session, str(uuid.uuid4()), "ecf-induction").participant is None
    assert resolve_ecf(session, "not-a-uuid", "ecf-induction").participant is None
    assert resolve_ecf(session, None, "ecf-induction").participant is None


def test_withdrawn_record_status_profile_is_not_resolved(db, session):
    lp = provider_with_token(db, "Alpha")
    ect = b.ect(session, b.partnership(session, lp.id))
    ect.status = "withdrawn"
    session.flush()
    assert resolve_ecf_profile(session, ect.participant_id, "ecf-induction") is None


def test_relevant_record_prefers_open_then_latest_start_and_ignores_other_providers(db, session):
    lp_a = provider_with_token(db, "Alpha")
    lp_b = provider_with_token(db, "Beta")
    pa = b.partnership(session, lp_a.id)
    pb = b.partnership(session, lp_b.id)
    ect = b.ect(session, pa, start_date=b.at("2024-09-01T00:00:00Z"))
    first = session.query(InductionRecord).filter_by(participant_profile_id=ect.id).one()
    first.end_date = b.at("2025-01-01T00:00:00Z")
    first.induction_status = "changed"
    later_closed = InductionRecord(
        participant_profile_id=ect.id,
        school_id=pa.school_id,
        cohort_year=2024,
        partnership_id=pa.id,
        schedule_id=first.schedule_id,
        start_date=b.at("2025-01-01T00:00:00Z"),
        end_date=b.at("2025-02-01T00:00:00Z"),
    )
    open_older = InductionRecord(
        participant_profile_id=ect.id,
        school_id=pa.school_id,
        cohort_year=2024,
        partnership_id=pa.id,
        schedule_id=first.schedule_id,
        start_date=b.at("2024-10-01T00:00:00Z"),
    )
    other_provider = InductionRecord(
        participant_profile_id=ect.id,
        school_id=pb.school_id,
        cohort_year=2024,
        partnership_id=pb.id,
        schedule_id=first.schedule_id,
        start_date=b.at("2025-03-01T00:00:00Z"),
    )
    session.add_all([later_closed, open_older, other_provider])
    session.flush()
    assert relevant_induction_record(session, ect.id, lp_a.id).id == open_older.id
    assert relevant_induction_record(session, ect.id, lp_b.id).id == other_provider.id


def test_visible_record_skips_challenged_partnerships(db, session):
    lp = provider_with_token(db, "Alpha")
    pa = b.partnership(session, lp.id)
    ect = b.ect(session, pa)
    assert visible_induction_record(session, ect.id, lp.id) is not None
    pa.challenge_reason = "mistake"
    session.flush()
    assert visible_induction_record(session, ect.id, lp.id) is None
    assert relevant_induction_record(session, ect.id, lp.id) is not None


def test_touch_moves_updated_at(db, session):
    lp = provider_with_token(db, "Alpha")
    pa = b.partnership(session, lp.id)
    ect = b.ect(session, pa)
    other = b.ect(session, b.partnership(session, lp.id))
    later = clock.now() + timedelta(days=3)
    with clock.travel_to(later):
        touch_participant(session, ect.participant_id)
    session.expire_all()
    assert session.get(Participant, ect.participant_id).updated_at == later.replace(microsecond=0)
    assert session.get(Participant, other.participant_id).updated_at < later - timedelta(days=1)
    even_later = later + timedelta(days=3)
    with clock.travel_to(even_later):
        touch_participants_in_partnership(session, pa.id)
    session.expire_all()
    assert session.get(Participant, ect.participant_id).updated_at == even_later.replace(
        microsecond=0
    )
    assert session.get(Participant, other.participant_id).updated_at < later - timedelta(days=1)
