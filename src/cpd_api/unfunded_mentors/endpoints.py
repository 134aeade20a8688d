"""v3 `/unfunded-mentors/ecf`: mentors of the provider's ECTs who train elsewhere (or no
longer train), so the provider can still give them access to its learning materials."""

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
    MultipleUnfundedMentorsResponse,
    UnfundedMentorResponse,
    UnfundedMentorsFilter,
    unfunded_mentor_resource,
)

_FILTER = deep_object(
    "filter",
    UnfundedMentorsFilter,
    "Refine unfunded mentors to return.",
    "filter[updated_since]=2020-11-13T11:21:55Z",
)
_PAGE = page_parameter("unfunded mentors")
_SORT = sort_parameter(["updated_at"], "unfunded mentors")

v3 = APIRouter(tags=["ECF unfunded mentors"])


@v3.get(
    "/unfunded-mentors/ecf",
    summary="Retrieve multiple unfunded mentors",
    openapi_extra={"parameters": [_FILTER, _PAGE, _SORT]},
    responses={200: json_response(MultipleUnfundedMentorsResponse, "A list of unfunded mentors")},
)
def list_unfunded_mentors(
    filters: Filters = Depends(list_filters),
    paging: Page = Depends(page),
    params: QueryParams = Depends(query_params),
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    rows = queries.list_unfunded_mentors(
        session,
        provider.id,
        updated_since=filters.updated_since(),
        sort=params.get("sort"),
        page=paging,
    )
    return JsonApiResponse({"data": [unfunded_mentor_resource(row) for row in rows]})


@v3.get(
    "/unfunded-mentors/ecf/{id}",
    summary="Get a single unfunded mentor",
    responses={200: json_response(UnfundedMentorResponse, "An unfunded mentor")},
)
def show_unfunded_mentor(
    id: str,
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    participant_id = path_id(id)
    row = queries.find_unfunded_mentor(session, provider.id, participant_id)
    if row is None:
        raise NotFound()
    return JsonApiResponse({"data": unfunded_mentor_resource(row)})


routers: dict[str, APIRouter] = {"v3": v3}
