"""NPQ outcome documents (npq.md 5.2) and the request body of recording one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import midnight_offset, timestamp
from cpd_api.core.jsonapi import resource

from .queries import OutcomeRow

RESOURCE_TYPE = "participant-outcome"


def outcome_resource(row: OutcomeRow, version: str) -> dict[str, Any]:
    outcome, participant_id, course_identifier = row
    attributes: dict[str, Any] = {
        "participant_id": str(participant_id),
        "course_identifier": course_identifier,
        "state": outcome.state,
        "completion_date": midnight_offset(outcome.completion_date),
        "created_at": timestamp(outcome.created_at),
    }
    if version == "v3":
        attributes["updated_at"] = timestamp(outcome.updated_at)
    return resource(outcome.id, RESOURCE_TYPE, attributes)


class NpqOutcomeFilter(BaseModel):
    created_since: str | None = Field(
        None, description="Only outcomes created at or after this instant (ISO 8601)"
    )


class NpqOutcomeAttributesRequest(BaseModel):
    course_identifier: str = Field(..., examples=["npq-headship"])
    state: Literal["passed", "failed"]
    completion_date: str = Field(..., examples=["2024-05-31"])


class NpqOutcomeRequest(BaseModel):
    class Data(BaseModel):
        type: Literal["npq-outcome-confirmation"] = "npq-outcome-confirmation"
        attributes: NpqOutcomeAttributesRequest

    data: Data


class NpqOutcomeDocument(BaseModel):
    """`{"data": {"id", "type": "participant-outcome", "attributes": {...}}}`"""

    data: dict[str, Any]


class NpqOutcomesDocument(BaseModel):
    """`{"data": [{"id", "type": "participant-outcome", "attributes": {...}}, ...]}`"""

    data: list[dict[str, Any]]
