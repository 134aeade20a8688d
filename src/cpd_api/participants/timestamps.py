"""Moving `participants.updated_at`: the one column `filter[updated_since]` reads and every
version shows as the participant's `updated_at` (spec README decision 9).

Any write that changes what any version shows about a person (their profile, an induction
record, a withdrawal, a mentor assigned, a school transfer, a partnership challenged or its
delivery partner changed, a declaration that changes mentor funding) must call one of these
in the same transaction. Keeping it a maintained, indexed column (not a read-time maximum
over joined tables) is what keeps incremental sync both exact and fast."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cpd_api.core import clock

from .models import InductionRecord, Participant, ParticipantProfile


def touch_participants(session: Session, participant_ids: Iterable[uuid.UUID]) -> None:
    """Mark these people as changed now."""
    ids = list({pid for pid in participant_ids if pid is not None})
    if not ids:
        return
    session.execute(
        update(Participant)
        .where(Participant.id.in_(ids))
        .values(updated_at=clock.now_seconds())
        .execution_options(synchronize_session="fetch")
    )


def touch_participant(session: Session, participant_id: uuid.UUID) -> None:
    """Mark one person as changed now."""
    touch_participants(session, [participant_id])


def touch_profile_participants(session: Session, profile_ids: Iterable[uuid.UUID]) -> None:
    """Mark the owners of these training records (ECT, mentor or NPQ profiles) as changed."""
    ids = list(set(profile_ids))
    if not ids:
        return
    owners = session.scalars(
        select(ParticipantProfile.participant_id).where(ParticipantProfile.id.in_(ids))
    )
    touch_participants(session, owners)


def touch_participants_in_partnership(session: Session, partnership_id: uuid.UUID) -> None:
    """Mark everyone trained through a partnership as changed: a challenge hides them and a
    new delivery partner changes their `delivery_partner_id`."""
    owners = session.scalars(
        select(ParticipantProfile.participant_id)
        .join(InductionRecord, InductionRecord.participant_profile_id == ParticipantProfile.id)
        .where(InductionRecord.partnership_id == partnership_id)
        .distinct()
    )
    touch_participants(session, owners)


def touch_mentees_of(session: Session, mentor_profile_id: uuid.UUID) -> None:
    """Mark the ECTs whose records name this mentor (their `mentor_id` reads the mentor)."""
    owners = session.scalars(
        select(ParticipantProfile.participant_id)
        .join(InductionRecord, InductionRecord.participant_profile_id == ParticipantProfile.id)
        .where(InductionRecord.mentor_profile_id == mentor_profile_id)
        .distinct()
    )
    touch_participants(session, owners)
