"""v3 delivery partner documents: the plain-dict serializer, and pydantic models that
describe responses and filters in the published OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import cohort_text, timestamp
from cpd_api.core.jsonapi import resource

from .queries import DeliveryPartnerRow

RESOURCE_TYPE = "delivery-partner"


def delivery_partner_attributes(row: DeliveryPartnerRow) -> dict:
    return {
        "name": row.name,
        "cohort": [cohort_text(year) for year in row.cohorts],
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
    }


def delivery_partner_resource(row: DeliveryPartnerRow) -> dict:
    return resource(row.id, RESOURCE_TYPE, delivery_partner_attributes(row))


class DeliveryPartnersFilter(BaseModel):
    """Filter delivery partners to return more specific results."""

    cohort: str | None = Field(
        None, description="Comma-separated cohort start years.", examples=["2021,2022"]
    )


class DeliveryPartnerAttributes(BaseModel):
    name: str
    cohort: list[str] = Field(
        description="The cohorts in which you may report partnerships with this partner"
    )
    created_at: datetime
    updated_at: datetime


class DeliveryPartner(BaseModel):
    id: str
    type: Literal["delivery-partner"]
    attributes: DeliveryPartnerAttributes


class DeliveryPartnerResponse(BaseModel):
    data: DeliveryPartner


class DeliveryPartnersResponse(BaseModel):
    data: list[DeliveryPartner]
