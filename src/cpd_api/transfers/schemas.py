"""v3 participant transfer documents: the plain-dict serializer, and pydantic models that
describe responses and filters in the published OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import calendar_date, timestamp
from cpd_api.core.jsonapi import resource

from .queries import ParticipantTransfers
from .rules import InductionPeriod, Transfer

RESOURCE_TYPE = "participant-transfer"


def _side(period: InductionPeriod, when: datetime | None) -> dict:
    return {
        "school_urn": period.school_urn,
        "provider": period.provider_name,
        "date": calendar_date(when),
    }


def transfer_element(transfer: Transfer) -> dict:
    joining = transfer.joining
    return {
        "training_record_id": str(transfer.training_record_id),
        "transfer_type": transfer.transfer_type,
        "status": transfer.status,
        "leaving": _side(transfer.leaving, transfer.leaving.end_date),
        "joining": None if joining is None else _side(joining, joining.start_date),
        "created_at": timestamp(transfer.created_at),
    }


def participant_transfers_resource(item: ParticipantTransfers) -> dict:
    return resource(
        item.id,
        RESOURCE_TYPE,
        {
            "updated_at": timestamp(item.updated_at),
            "transfers": [transfer_element(t) for t in item.transfers],
        },
    )


class TransfersFilter(BaseModel):
    """Filter participant transfers to return more specific results."""

    updated_since: str | None = Field(
        None,
        description="Only participants updated at or after this date and time (ISO 8601).",
        examples=["2021-05-13T11:21:55Z"],
    )


class ECFParticipantLeaving(BaseModel):
    school_urn: str
    provider: str | None
    date: date | None


class ECFParticipantJoining(BaseModel):
    school_urn: str
    provider: str | None
    date: date | None


class ECFParticipantTransfers(BaseModel):
    training_record_id: str
    transfer_type: Literal["new_school", "new_provider", "unknown"]
    status: Literal["incomplete", "complete"]
    leaving: ECFParticipantLeaving | None
    joining: ECFParticipantJoining | None
    created_at: datetime


class ECFParticipantTransferAttributes(BaseModel):
    updated_at: datetime
    transfers: list[ECFParticipantTransfers]


class ECFParticipantTransfer(BaseModel):
    id: str
    type: Literal["participant-transfer"]
    attributes: ECFParticipantTransferAttributes


class ECFParticipantTransferResponse(BaseModel):
    data: ECFParticipantTransfer


class MultipleECFParticipantTransferResponse(BaseModel):
    data: list[ECFParticipantTransfer]
