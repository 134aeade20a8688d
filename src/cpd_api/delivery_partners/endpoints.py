"""v3 `/delivery-partners`: the partners a provider may name in its partnerships."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from cpd_api.core.dependencies import db_session, list_filters, page, query_params
from cpd_api.core.errors import NotFound
from cpd_api.core.filters import Filters
from cpd_api.core.identifiers import path_id
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.openapi import deep_object, json_response, page_parameter, sort_parameter
from cpd_api.core.paging import Page
from cpd_api.core.query import QueryParams
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import ecf_provider

from . import queries
from .schemas import (
    DeliveryPartnerResponse,
    DeliveryPartnersFilter,
    DeliveryPartnersResponse,
    delivery_partner_resource,
)

_FILTER = deep_object(
    "filter", DeliveryPartnersFilter, "Refine delivery partners to return.", "filter[cohort]=2021"
)
_PAGE = page_parameter("delivery partners")
_SORT = sort_parameter(["created_at", "updated_at"], "delivery partners")

v3 = APIRouter(tags=["Delivery partners"])


@v3.get(
    "/delivery-partners",
    summary="Retrieve multiple delivery partners",
    openapi_extra={"parameters": [_FILTER, _PAGE, _SORT]},
    responses={200: json_response(DeliveryPartnersResponse, "A list of delivery partners")},
)
def list_delivery_partners(
    filters: Filters = Depends(list_filters),
    paging: Page = Depends(page),
    params: QueryParams = Depends(query_params),
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    rows = queries.list_delivery_partners(
        session, provider.id, cohorts=filters.cohorts(), sort=params.get("sort"), page=paging
    )
    return JsonApiResponse({"data": [delivery_partner_resource(row) for row in rows]})


@v3.get(
    "/delivery-partners/{id}",
    summary="Get a single delivery partner",
    responses={200: json_response(DeliveryPartnerResponse, "A delivery partner")},
)
def show_delivery_partner(
    id: str,
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    partner_id = path_id(id)
    row = queries.find_delivery_partner(session, provider.id, partner_id)
    if row is None:
        raise NotFound()
    return JsonApiResponse({"data": delivery_partner_resource(row)})


routers: dict[str, APIRouter] = {"v3": v3}
