"""v3 school documents: the plain-dict serializer used by the endpoints, and pydantic models
that exist only to describe the responses and filters in the published OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import cohort_text, timestamp
from cpd_api.core.jsonapi import resource

from .queries import SchoolRow
from .rules import wire_programme_choice

RESOURCE_TYPE = "school"


def school_attributes(row: SchoolRow) -> dict:
    updated_at = row.updated_at
    if row.school_cohort_updated_at is not None and row.school_cohort_updated_at > updated_at:
        updated_at = row.school_cohort_updated_at
    return {
        "name": row.name,
        "urn": row.urn,
        "cohort": cohort_text(row.cohort),
        "in_partnership": row.in_partnership,
        "induction_programme_choice": wire_programme_choice(row.induction_programme_choice),
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(updated_at),
    }


def school_resource(row: SchoolRow) -> dict:
    return resource(row.id, RESOURCE_TYPE, school_attributes(row))


# --- OpenAPI documentation models -----------------------------------------------------------


class ECFSchoolsFilter(BaseModel):
    """Filter schools to return more specific results."""

    cohort: str = Field(
        description="Return schools within the specified cohort.", examples=["2021"]
    )
    urn: str | None = Field(None, description="Return a school with this URN.", examples=["106286"])
    updated_since: str | None = Field(
        None,
        description="Return only records updated at or after this date and time (ISO 8601).",
        examples=["2021-05-13T11:21:55Z"],
    )


class ECFSchoolAttributes(BaseModel):
    name: str
    urn: str
    cohort: str
    in_partnership: bool
    induction_programme_choice: Literal[
        "school_led", "provider_led", "no_early_career_teachers", "not_yet_known"
    ]
    created_at: datetime
    updated_at: datetime


class ECFSchool(BaseModel):
    id: str
    type: Literal["school"]
    attributes: ECFSchoolAttributes


class ECFSchoolResponse(BaseModel):
    data: ECFSchool


class MultipleECFSchoolsResponse(BaseModel):
    data: list[ECFSchool]
