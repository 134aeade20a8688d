"""v3 `/statements`: a provider's ECF and NPQ financial statements (read only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from cpd_api.core.dependencies import db_session, list_filters, page
from cpd_api.core.errors import NotFound
from cpd_api.core.filters import Filters
from cpd_api.core.identifiers import path_id
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.openapi import deep_object, json_response, page_parameter
from cpd_api.core.paging import Page
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import any_provider

from . import queries
from .schemas import StatementResponse, StatementsFilter, StatementsResponse, statement_resource

_FILTER = deep_object(
    "filter",
    StatementsFilter,
    "Refine statements to return.",
    "filter[cohort]=2021,2022&filter[type]=ecf&filter[updated_since]=2020-11-13T11:21:55Z",
)
_PAGE = page_parameter("statements")

v3 = APIRouter(tags=["Statements"])


@v3.get(
    "/statements",
    summary="Retrieve financial statements",
    openapi_extra={"parameters": [_FILTER, _PAGE]},
    responses={200: json_response(StatementsResponse, "A list of statements")},
)
def list_statements(
    filters: Filters = Depends(list_filters),
    paging: Page = Depends(page),
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(any_provider),
) -> JsonApiResponse:
    rows = queries.list_statements(
        session,
        provider.id,
        cohorts=filters.cohorts(),
        programmes=queries.programmes_for(filters.text("type")),
        updated_since=filters.updated_since(),
        page=paging,
    )
    return JsonApiResponse({"data": [statement_resource(row) for row in rows]})


@v3.get(
    "/statements/{id}",
    summary="Retrieve a specific financial statement",
    responses={200: json_response(StatementResponse, "A single statement")},
)
def show_statement(
    id: str,
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(any_provider),
) -> JsonApiResponse:
    statement_id = path_id(id)
    row = queries.find_statement(session, provider.id, statement_id)
    if row is None:
        raise NotFound()
    return JsonApiResponse({"data": statement_resource(row)})


routers: dict[str, APIRouter] = {"v3": v3}
