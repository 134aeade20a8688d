"""v3 `/partnerships/ecf`: list, show, confirm and update a provider's school partnerships."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from cpd_api.core.audit import Actor
from cpd_api.core.body import data_attributes, read_json
from cpd_api.core.dependencies import db_session, list_filters, page, query_params
from cpd_api.core.errors import NotFound
from cpd_api.core.filters import Filters
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.openapi import (
    deep_object,
    json_request_body,
    json_response,
    page_parameter,
    sort_parameter,
)
from cpd_api.core.paging import Page
from cpd_api.core.query import QueryParams
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import ecf_provider

from . import queries, service
from .schemas import (
    ECFPartnershipRequest,
    ECFPartnershipResponse,
    ECFPartnershipUpdateRequest,
    ErrorResponse,
    MultipleECFPartnershipsResponse,
    PartnershipsFilter,
    partnership_resource,
)

_FILTER = deep_object(
    "filter", PartnershipsFilter, "Refine partnerships to return.", "filter[cohort]=2021,2022"
)
_PAGE = page_parameter("partnerships")
_SORT = sort_parameter(["created_at", "updated_at"], "partnerships")
_UNPROCESSABLE = json_response(ErrorResponse, "Unprocessable entity")


v3 = APIRouter(tags=["ECF partnerships"])


def _partnership_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound() from None


def _show(session: Session, provider_id: uuid.UUID, partnership_id: uuid.UUID) -> JsonApiResponse:
    row = queries.find_partnership(session, provider_id, partnership_id)
    if row is None:
        raise NotFound()
    return JsonApiResponse({"data": partnership_resource(row)})


@v3.get(
    "/partnerships/ecf",
    summary="Retrieve multiple ECF partnerships",
    openapi_extra={"parameters": [_FILTER, _PAGE, _SORT]},
    responses={200: json_response(MultipleECFPartnershipsResponse, "A list of ECF partnerships")},
)
def list_partnerships(
    filters: Filters = Depends(list_filters),
    paging: Page = Depends(page),
    params: QueryParams = Depends(query_params),
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    rows = queries.list_partnerships(
        session,
        provider.id,
        cohorts=filters.cohorts(),
        updated_since=filters.updated_since(),
        delivery_partner_ids=filters.ids("delivery_partner_id"),
        sort=params.get("sort"),
        page=paging,
    )
    return JsonApiResponse({"data": [partnership_resource(row) for row in rows]})


@v3.post(
    "/partnerships/ecf",
    summary="Create an ECF partnership with a school and delivery partner",
    openapi_extra=json_request_body(ECFPartnershipRequest, version="v3"),
    responses={
        200: json_response(ECFPartnershipResponse, "Create an ECF partnership"),
        422: _UNPROCESSABLE,
    },
)
async def create_partnership(
    request: Request,
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    attributes = data_attributes(await read_json(request))
    assert attributes is not None
    partnership = service.confirm_partnership(
        session,
        service.PartnershipOwner(provider.id, provider.name),
        attributes,
        Actor.provider(provider.id, provider.name),
    )
    return _show(session, provider.id, partnership.id)


@v3.get(
    "/partnerships/ecf/{id}",
    summary="Get a single ECF partnership",
    responses={200: json_response(ECFPartnershipResponse, "An ECF partnership")},
)
def show_partnership(
    id: str,
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    return _show(session, provider.id, _partnership_id(id))


@v3.put(
    "/partnerships/ecf/{id}",
    summary="Update a partnership's delivery partner in an existing partnership in a cohort",
    openapi_extra=json_request_body(ECFPartnershipUpdateRequest, version="v3"),
    responses={
        200: json_response(ECFPartnershipResponse, "An ECF partnership"),
        422: _UNPROCESSABLE,
    },
)
async def update_partnership(
    id: str,
    request: Request,
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    partnership_id = _partnership_id(id)
    body = await read_json(request)
    if queries.find_partnership(session, provider.id, partnership_id) is None:
        raise NotFound()
    session.rollback()  # the use case starts its own transaction, taking its lock first
    attributes = data_attributes(body)
    assert attributes is not None
    service.change_delivery_partner(
        session,
        provider.id,
        partnership_id,
        attributes,
        Actor.provider(provider.id, provider.name),
    )
    return _show(session, provider.id, partnership_id)


routers: dict[str, APIRouter] = {"v3": v3}
