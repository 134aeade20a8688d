"""v3 `/schools/ecf`: schools a provider may partner with for a cohort (same for everyone)."""

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
    ECFSchoolResponse,
    ECFSchoolsFilter,
    MultipleECFSchoolsResponse,
    school_resource,
)

_FILTER_DESCRIPTION = "Refine schools to return."
_COHORT = deep_object(
    "filter[cohort]", ECFSchoolsFilter, _FILTER_DESCRIPTION, "filter[cohort]=2021", required=True
)
_URN = deep_object("filter[urn]", ECFSchoolsFilter, _FILTER_DESCRIPTION, "filter[urn]=106286")
_UPDATED_SINCE = deep_object(
    "filter[updated_since]",
    ECFSchoolsFilter,
    _FILTER_DESCRIPTION,
    "filter[updated_since]=2020-11-13T11:21:55Z",
)
_PAGE = page_parameter("schools")
_SORT = sort_parameter(["updated_at"], "schools")

v3 = APIRouter(tags=["ECF schools"])


def _cohort(filters: Filters) -> int | None:
    return queries.parse_single_cohort(filters.require("cohort"))


@v3.get(
    "/schools/ecf",
    summary="Retrieve multiple schools scoped to cohort",
    openapi_extra={"parameters": [_COHORT, _URN, _UPDATED_SINCE, _PAGE, _SORT]},
    responses={200: json_response(MultipleECFSchoolsResponse, "A list of schools")},
)
def list_schools(
    filters: Filters = Depends(list_filters),
    paging: Page = Depends(page),
    params: QueryParams = Depends(query_params),
    session: Session = Depends(db_session),
    _provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    cohort = _cohort(filters)
    rows = queries.list_schools(
        session,
        cohort=cohort,
        urn=filters.text("urn"),
        updated_since=filters.updated_since(),
        sort=params.get("sort"),
        page=paging,
    )
    return JsonApiResponse({"data": [school_resource(row) for row in rows]})


@v3.get(
    "/schools/ecf/{id}",
    summary="Get a single school scoped to cohort",
    openapi_extra={"parameters": [_COHORT]},
    responses={200: json_response(ECFSchoolResponse, "A single school")},
)
def show_school(
    id: str,
    filters: Filters = Depends(list_filters),
    session: Session = Depends(db_session),
    _provider: CallingProvider = Depends(ecf_provider),
) -> JsonApiResponse:
    cohort = _cohort(filters)
    school_id = path_id(id)
    row = queries.find_school(session, school_id, cohort=cohort)
    if row is None:
        raise NotFound()
    return JsonApiResponse({"data": school_resource(row)})


routers: dict[str, APIRouter] = {"v3": v3}
