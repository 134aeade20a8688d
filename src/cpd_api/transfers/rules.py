"""Pairing a training record's induction history into school transfers, as one provider
sees them. Pure: the query hands over the records, these functions decide the pairs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class InductionPeriod:
    """One induction record with the school and provider it names."""

    id: uuid.UUID
    profile_id: uuid.UUID
    school_id: uuid.UUID
    school_urn: str
    provider_id: uuid.UUID | None
    provider_name: str | None
    induction_status: str
    school_transfer: bool
    start_date: datetime | None
    end_date: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Transfer:
    training_record_id: uuid.UUID
    transfer_type: str
    status: str
    created_at: datetime
    leaving: InductionPeriod
    joining: InductionPeriod | None


def _transfer_type(leaving: InductionPeriod, joining: InductionPeriod | None) -> str:
    if joining is None:
        return "unknown"
    if (
        leaving.provider_id is not None
        and joining.provider_id is not None
        and leaving.provider_id != joining.provider_id
    ):
        return "new_provider"
    return "new_school"


def _status(leaving: InductionPeriod, joining: InductionPeriod | None, today: date) -> str:
    """Complete once both the leaving and the joining dates (those known) have passed."""
    dates = [leaving.end_date, joining.start_date if joining else None]
    known = [d.date() for d in dates if d is not None]
    if not known:
        return "incomplete"
    return "incomplete" if max(known) > today else "complete"


def profile_transfers(
    periods: Iterable[InductionPeriod], provider_id: uuid.UUID, today: date
) -> list[Transfer]:
    """The transfers of one training record that `provider_id` is party to."""
    ordered = sorted(periods, key=lambda p: (p.created_at, str(p.id)))
    used: set[uuid.UUID] = set()
    transfers: list[Transfer] = []
    for leaving in ordered:
        if leaving.induction_status != "leaving":
            continue
        joining = next(
            (
                candidate
                for candidate in ordered
                if candidate.id not in used
                and candidate.induction_status != "leaving"
                and candidate.school_id != leaving.school_id
                and candidate.school_transfer
            ),
            None,
        )
        if joining is not None:
            used.add(joining.id)
            involved = provider_id in (leaving.provider_id, joining.provider_id)
        else:
            involved = leaving.provider_id == provider_id
        if not involved:
            continue
        transfers.append(
            Transfer(
                training_record_id=leaving.profile_id,
                transfer_type=_transfer_type(leaving, joining),
                status=_status(leaving, joining, today),
                created_at=leaving.created_at,
                leaving=leaving,
                joining=joining,
            )
        )
    return transfers


def transfers_updated_at(transfers: list[Transfer], participant_updated_at: datetime) -> datetime:
    """The latest change to any record forming the transfers (the person's when none)."""
    stamps = [t.leaving.updated_at for t in transfers]
    stamps += [t.joining.updated_at for t in transfers if t.joining is not None]
    return max(stamps) if stamps else participant_updated_at
