"""v3 partnership documents: the plain-dict serializer, and pydantic models that describe the
requests, responses and filters in the published OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import cohort_text, timestamp, timestamp_millis
from cpd_api.core.jsonapi import resource

from . import rules
from .queries import PartnershipRow

RESOURCE_TYPE = "partnership"


def partnership_attributes(row: PartnershipRow) -> dict:
    # The school's and delivery partner's own changes show in the partnership too.
    updated_at = max(row.updated_at, row.school_updated_at, row.delivery_partner_updated_at)
    return {
        "cohort": cohort_text(row.cohort),
        "urn": row.urn,
        "school_id": str(row.school_id),
        "delivery_partner_id": str(row.delivery_partner_id),
        "delivery_partner_name": row.delivery_partner_name,
        "status": rules.status(row.challenge_reason),
        "challenged_reason": row.challenge_reason,
        "challenged_at": timestamp_millis(row.challenged_at),
        "induction_tutor_name": row.induction_tutor_name,
        "induction_tutor_email": row.induction_tutor_email,
        "updated_at": timestamp(updated_at),
        "created_at": timestamp(row.created_at),
    }


def partnership_resource(row: PartnershipRow) -> dict:
    return resource(row.id, RESOURCE_TYPE, partnership_attributes(row))


# --- OpenAPI documentation models -----------------------------------------------------------


class PartnershipsFilter(BaseModel):
    """Filter partnerships to return more specific results."""

    cohort: str | None = Field(
        None, description="Comma-separated cohort start years.", examples=["2021,2022"]
    )
    updated_since: str | None = Field(
        None,
        description="Only partnerships updated at or after this date and time (ISO 8601).",
        examples=["2021-05-13T11:21:55Z"],
    )
    delivery_partner_id: str | None = Field(
        None, description="Comma-separated delivery partner ids."
    )


ChallengeReason = Literal[
    "another_provider", "not_confirmed", "do_not_recognise", "no_ects", "mistake"
]


class ECFPartnershipAttributes(BaseModel):
    cohort: str
    urn: str
    school_id: str
    delivery_partner_id: str
    delivery_partner_name: str | None
    status: Literal["active", "challenged"]
    challenged_reason: ChallengeReason | None
    challenged_at: datetime | None
    induction_tutor_name: str | None
    induction_tutor_email: str | None
    updated_at: datetime
    created_at: datetime


class ECFPartnership(BaseModel):
    id: str
    type: Literal["partnership"]
    attributes: ECFPartnershipAttributes


class ECFPartnershipResponse(BaseModel):
    data: ECFPartnership


class MultipleECFPartnershipsResponse(BaseModel):
    data: list[ECFPartnership]


class ECFPartnershipRequestAttributes(BaseModel):
    cohort: str = Field(description="The cohort start year", examples=["2024"])
    school_id: str = Field(description="The school's id (from GET /schools/ecf)")
    delivery_partner_id: str = Field(description="The delivery partner's id")


class ECFPartnershipRequestData(BaseModel):
    type: Literal["ecf-partnership"] = "ecf-partnership"
    attributes: ECFPartnershipRequestAttributes


class ECFPartnershipRequest(BaseModel):
    data: ECFPartnershipRequestData


class ECFPartnershipUpdateRequestAttributes(BaseModel):
    delivery_partner_id: str = Field(description="The new delivery partner's id")


class ECFPartnershipUpdateRequestData(BaseModel):
    type: Literal["ecf-partnership-update"] = "ecf-partnership-update"
    attributes: ECFPartnershipUpdateRequestAttributes


class ECFPartnershipUpdateRequest(BaseModel):
    data: ECFPartnershipUpdateRequestData


class ErrorItem(BaseModel):
    title: str = Field(description="The attribute that failed validation")
    detail: str


class ErrorResponse(BaseModel):
    errors: list[ErrorItem]
