"""`visible_enrolments` and `shared_profiles` follow every write that changes what a provider
may list (ecf.md 1.4-1.5), because database triggers maintain them: new, changed, moved and
deleted induction records and declarations, challenged partnerships, and profiles changing
owner."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, text, update

from cpd_api.core import clock
from cpd_api.declarations import sharing
from cpd_api.declarations.models import Declaration, SharedProfile
from cpd_api.participants import visibility
from cpd_api.participants.models import (
    InductionRecord,
    Participant,
    ParticipantProfile,
    VisibleEnrolment,
    VisiblePerson,
)
from cpd_api.partnerships.models import Partnership
from tests import builders
from tests.factories import provider_with_token


def _people(session) -> dict[tuple, tuple]:
    """`visible_people` as {(provider, person): (created_at, enrolments)}."""
    return {
        (row.lead_provider_id, row.participant_id): (row.participant_created_at, row.enrolments)
        for row in session.scalars(select(VisiblePerson))
    }


def _people_from_enrolments(session) -> dict[tuple, tuple]:
    rows = session.execute(
        select(
            VisibleEnrolment.lead_provider_id,
            VisibleEnrolment.participant_id,
            func.max(VisibleEnrolment.participant_created_at),
            func.count(),
        ).group_by(VisibleEnrolment.lead_provider_id, VisibleEnrolment.participant_id)
    )
    return {(provider, person): (created, count) for provider, person, created, count in rows}


def _rows(session) -> set[tuple]:
    """The visible enrolments, after checking that `visible_people` follows them exactly."""
    session.flush()
    assert _people(session) == _people_from_enrolments(session)
    return {
        tuple(row)
        for row in session.execute(
            select(
                VisibleEnrolment.lead_provider_id,
                VisibleEnrolment.participant_profile_id,
                VisibleEnrolment.induction_record_id,
                VisibleEnrolment.participant_id,
            )
        )
    }


def _record(session, profile) -> InductionRecord:
    return session.scalars(
        select(InductionRecord).where(InductionRecord.participant_profile_id == profile.id)
    ).one()


def test_a_new_record_in_an_unchallenged_partnership_is_visible_to_its_provider(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    partnership = builders.partnership(session, provider.id)
    profile = builders.ect(session, partnership)
    record = _record(session, profile)

    assert _rows(session) == {(provider.id, profile.id, record.id, profile.participant_id)}
    created = session.scalar(select(VisibleEnrolment.participant_created_at))
    assert created == profile.participant.created_at


def test_school_led_and_challenged_records_are_not_visible(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    school = builders.school(session)
    builders.ect(session, None, school_=school, cohort=2024)
    challenged = builders.partnership(session, provider.id, challenged_reason="mistake")
    builders.ect(session, challenged)

    assert _rows(session) == set()


def test_the_latest_record_wins_and_a_new_one_replaces_it(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    first = builders.partnership(session, provider.id)
    second = builders.partnership(session, provider.id)
    profile = builders.ect(session, first)
    old = _record(session, profile)
    old.induction_status, old.end_date = "changed", clock.now_seconds()
    newer = InductionRecord(
        participant_profile_id=profile.id,
        school_id=second.school_id,
        cohort_year=2024,
        partnership_id=second.id,
        schedule_id=old.schedule_id,
        training_status="active",
        induction_status="active",
        start_date=clock.now_seconds() + timedelta(seconds=1),
    )
    session.add(newer)

    assert _rows(session) == {(provider.id, profile.id, newer.id, profile.participant_id)}

    session.execute(delete(InductionRecord).where(InductionRecord.id == newer.id))
    assert _rows(session) == {(provider.id, profile.id, old.id, profile.participant_id)}


def test_each_provider_sees_its_own_record_of_a_transferred_participant(db, session):
    one = provider_with_token(db, "Provider A", ecf=True)
    two = provider_with_token(db, "Provider B", ecf=True)
    profile = builders.ect(session, builders.partnership(session, one.id))
    old = _record(session, profile)
    old.induction_status, old.end_date = "leaving", clock.now_seconds() + timedelta(days=30)
    joining = builders.partnership(session, two.id)
    newer = InductionRecord(
        participant_profile_id=profile.id,
        school_id=joining.school_id,
        cohort_year=2024,
        partnership_id=joining.id,
        schedule_id=old.schedule_id,
        training_status="active",
        induction_status="active",
        start_date=clock.now_seconds() + timedelta(days=30),
        school_transfer=True,
    )
    session.add(newer)

    assert _rows(session) == {
        (one.id, profile.id, old.id, profile.participant_id),
        (two.id, profile.id, newer.id, profile.participant_id),
    }


def test_challenging_a_partnership_hides_its_participants_and_undoing_it_shows_them(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    partnership = builders.partnership(session, provider.id)
    ect = builders.ect(session, partnership)
    mentor = builders.mentor(session, partnership)
    assert {row[1] for row in _rows(session)} == {ect.id, mentor.id}

    session.execute(
        update(Partnership)
        .where(Partnership.id == partnership.id)
        .values(challenged_at=clock.now_seconds(), challenge_reason="mistake")
    )
    assert _rows(session) == set()

    session.execute(
        update(Partnership)
        .where(Partnership.id == partnership.id)
        .values(challenged_at=None, challenge_reason=None)
    )
    assert {row[1] for row in _rows(session)} == {ect.id, mentor.id}


def test_a_profile_moved_to_another_person_follows_them(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    profile = builders.ect(session, builders.partnership(session, provider.id))
    survivor = builders.participant(session)

    session.execute(
        update(ParticipantProfile)
        .where(ParticipantProfile.id == profile.id)
        .values(participant_id=survivor.id)
    )
    assert {row[3] for row in _rows(session)} == {survivor.id}


def test_deleting_a_profile_removes_its_rows(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    profile = builders.ect(session, builders.partnership(session, provider.id))
    assert _rows(session)

    session.execute(
        delete(InductionRecord).where(InductionRecord.participant_profile_id == profile.id)
    )
    session.execute(delete(ParticipantProfile).where(ParticipantProfile.id == profile.id))
    assert _rows(session) == set()


def test_visible_people_has_one_row_per_person_counting_their_enrolments(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    partnership = builders.partnership(session, provider.id)
    ect = builders.ect(session, partnership)
    person = ect.participant
    mentor = builders.mentor(session, partnership, person=person)
    _rows(session)
    assert _people(session) == {(provider.id, person.id): (person.created_at, 2)}

    session.execute(delete(InductionRecord).where(InductionRecord.participant_profile_id == ect.id))
    _rows(session)
    assert _people(session) == {(provider.id, person.id): (person.created_at, 1)}

    moved = person.created_at - timedelta(days=3)
    session.execute(update(Participant).where(Participant.id == person.id).values(created_at=moved))
    _rows(session)
    assert _people(session) == {(provider.id, person.id): (moved, 1)}

    session.execute(
        delete(InductionRecord).where(InductionRecord.participant_profile_id == mentor.id)
    )
    _rows(session)
    assert _people(session) == {}


def test_rebuild_recomputes_rows_written_while_triggers_were_bypassed(db, session):
    provider = provider_with_token(db, "Provider A", ecf=True)
    profile = builders.ect(session, builders.partnership(session, provider.id))
    expected = _rows(session)
    session.execute(text("DELETE FROM visible_enrolments"))
    assert _rows(session) == set()
    session.execute(text("DELETE FROM visible_people"))

    visibility.rebuild(session.connection())
    assert _rows(session) == expected
    assert {row[1] for row in expected} == {profile.id}


# --- shared_profiles: records more than one provider trained or declared for ----------------


def _shared(session) -> set:
    session.flush()
    return set(session.scalars(select(SharedProfile.participant_profile_id)))


def _declaration(session, provider_id, profile) -> Declaration:
    declaration = Declaration(
        lead_provider_id=provider_id,
        participant_id=profile.participant_id,
        participant_profile_id=profile.id,
        cohort_year=2024,
        course_identifier="ecf-induction",
        declaration_type="started",
        declaration_date=clock.now_seconds(),
        state="submitted",
    )
    session.add(declaration)
    return declaration


def test_a_record_becomes_shared_with_a_second_provider_and_stops_when_it_goes(db, session):
    one = provider_with_token(db, "Provider A", ecf=True)
    two = provider_with_token(db, "Provider B", ecf=True)
    profile = builders.ect(session, builders.partnership(session, one.id))
    declaration = _declaration(session, one.id, profile)
    assert _shared(session) == set()

    other = _declaration(session, two.id, profile)
    assert _shared(session) == {profile.id}

    session.execute(delete(Declaration).where(Declaration.id == other.id))
    assert _shared(session) == set()

    joining = builders.partnership(session, two.id)
    record = InductionRecord(
        participant_profile_id=profile.id,
        school_id=joining.school_id,
        cohort_year=2024,
        partnership_id=joining.id,
        schedule_id=_record(session, profile).schedule_id,
        training_status="active",
        induction_status="active",
        start_date=clock.now_seconds(),
    )
    session.add(record)
    assert _shared(session) == {profile.id}

    session.execute(
        update(InductionRecord)
        .where(InductionRecord.id == record.id)
        .values(partnership_id=_record_in(session, profile, one.id))
    )
    assert _shared(session) == set()
    assert declaration.id is not None


def _record_in(session, profile, provider_id):
    return session.scalar(
        select(InductionRecord.partnership_id)
        .join(Partnership, Partnership.id == InductionRecord.partnership_id)
        .where(
            InductionRecord.participant_profile_id == profile.id,
            Partnership.lead_provider_id == provider_id,
        )
        .limit(1)
    )


def test_shared_profiles_rebuild_matches_the_triggers(db, session):
    one = provider_with_token(db, "Provider A", ecf=True)
    two = provider_with_token(db, "Provider B", ecf=True)
    profile = builders.ect(session, builders.partnership(session, one.id))
    _declaration(session, two.id, profile)
    expected = _shared(session)
    session.execute(text("DELETE FROM shared_profiles"))

    sharing.rebuild(session.connection())
    assert _shared(session) == expected == {profile.id}
