"""v3 `/participants/ecf/transfers` and `/participants/ecf/{id}/transfers`: school moves
involving the provider. The literal path is registered before participants' `{id}` routes
(this module comes first in `RESOURCE_ENDPOINT_MODULES`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.dependencies import db_session, list_filters, page
from cpd_api.core.errors import NotFound
from cpd_api.core.filters import Filters
from cpd_api.core.identifiers import path_id
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.openapi import deep_object, json_response, page_parameter
from cpd_api.core.paging import Page
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import ecf_provider

from . import queries
from .schemas import (
    ECFParticipantTransferResponse,
    MultipleECFParticipantTransferResponse,
    TransfersFilter,
    participant_transfers_resource,
)

_FILTER = deep_object(
    "filter",
    TransfersFilter,
    "Refine participant transfers to return.",
    "filter[updated_since]=2020-11-13T11:21:55Z",
)
_PAGE = page_parameter("participant transfers")

v3 = APIRouter(tags=["ECF participant transfers"])


@v3.get(
    "/participants/ecf/transfers",
    summary="Retrieve multiple participant transfers",
    openapi_extra={"parameters": [_FILTER, _PAGE]},
    responses={200: json_response(MultipleECFParticipantTransferResponse, "A list of transfers")},
)
def list_transfers(
    filters: Filters = Depends(list_filters),
    paging: Page = Depends(page),
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    items = queries.list_transfers(
        session,
        provider.id,
        updated_since=filters.updated_since(),
        page=paging,
        today=clock.today(),
    )
    return JsonApiResponse({"data": [participant_transfers_resource(i) for i in items]})


@v3.get(
    "/participants/ecf/{id}/transfers",
    summary="Get a single participant's transfers",
    responses={200: json_response(ECFParticipantTransferResponse, "A participant's transfers")},
)
def show_transfers(
    id: str,
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    participant_id = path_id(id)
    item = queries.find_transfers(session, provider.id, participant_id, today=clock.today())
    if item is None:
        raise NotFound()
    return JsonApiResponse({"data": participant_transfers_resource(item)})


routers: dict[str, APIRouter] = {"v3": v3}
