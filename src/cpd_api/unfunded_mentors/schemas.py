"""v3 unfunded mentor documents: the plain-dict serializer, and pydantic models that describe
responses and filters in the published OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import timestamp
from cpd_api.core.jsonapi import resource

from .queries import UnfundedMentorRow

RESOURCE_TYPE = "unfunded-mentor"


def unfunded_mentor_resource(row: UnfundedMentorRow) -> dict:
    return resource(
        row.id,
        RESOURCE_TYPE,
        {
            "full_name": row.full_name,
            "email": row.email,
            "teacher_reference_number": row.trn,
            "created_at": timestamp(row.created_at),
            "updated_at": timestamp(row.updated_at),
        },
    )


class UnfundedMentorsFilter(BaseModel):
    """Filter unfunded mentors to return more specific results."""

    updated_since: str | None = Field(
        None,
        description="Only mentors updated at or after this date and time (ISO 8601).",
        examples=["2021-05-13T11:21:55Z"],
    )


class UnfundedMentorAttributes(BaseModel):
    full_name: str
    email: str
    teacher_reference_number: str | None
    created_at: datetime
    updated_at: datetime


class UnfundedMentor(BaseModel):
    id: str
    type: Literal["unfunded-mentor"]
    attributes: UnfundedMentorAttributes


class UnfundedMentorResponse(BaseModel):
    data: UnfundedMentor


class MultipleUnfundedMentorsResponse(BaseModel):
    data: list[UnfundedMentor]
