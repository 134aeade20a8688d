"""NPQ outcomes in every version: `GET /participants/npq/outcomes` (all of the provider's,
paged) and `GET`/`POST /participants/npq/{participant_id}/outcomes`.

Registered before the NPQ participant routes so that "outcomes" is never read as an id."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from cpd_api.core.body import data_attributes, read_json
from cpd_api.core.dependencies import db_session, list_filters, page
from cpd_api.core.filters import Filters
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.openapi import (
    deep_object,
    json_request_body,
    json_response,
    page_parameter,
)
from cpd_api.core.paging import Page
from cpd_api.participants.npq.service import resolve_person
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import npq_provider

from . import queries, service
from .schemas import (
    NpqOutcomeDocument,
    NpqOutcomeFilter,
    NpqOutcomeRequest,
    NpqOutcomesDocument,
    outcome_resource,
)

_FILTER = deep_object(
    "filter",
    NpqOutcomeFilter,
    "Refine participant outcomes to return.",
    "filter[created_since]=2020-11-13T11:21:55Z",
)
_PAGE = page_parameter("participant NPQ outcomes")
_MANY = {200: json_response(NpqOutcomesDocument, "A list of participant outcomes")}


def _list_handler(version: str) -> Callable[..., JsonApiResponse]:
    def list_outcomes(
        filters: Filters = Depends(list_filters),
        paging: Page = Depends(page),
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        rows = queries.list_outcomes(
            session, provider.id, filters.timestamp("created_since"), paging
        )
        return JsonApiResponse({"data": [outcome_resource(row, version) for row in rows]})

    return list_outcomes


def _participant_list_handler(version: str) -> Callable[..., JsonApiResponse]:
    def participant_outcomes(
        participant_id: str,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        person = resolve_person(session, participant_id)
        rows = (
            [] if person is None else queries.participant_outcomes(session, provider.id, person.id)
        )
        return JsonApiResponse({"data": [outcome_resource(row, version) for row in rows]})

    return participant_outcomes


def _create_handler(version: str) -> Callable[..., object]:
    async def create_outcome(
        participant_id: str,
        request: Request,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        attributes = data_attributes(await read_json(request)) or {}
        outcome_id = service.record_outcome(session, provider, participant_id, attributes)
        row = queries.outcome_row(session, outcome_id)
        return JsonApiResponse({"data": outcome_resource(row, version)})

    return create_outcome


def _router(version: str) -> APIRouter:
    router = APIRouter(tags=["NPQ outcomes"])
    router.add_api_route(
        "/participants/npq/outcomes",
        _list_handler(version),
        methods=["GET"],
        summary="List all participant NPQ outcomes",
        openapi_extra={"parameters": [_FILTER, _PAGE]},
        responses=_MANY,
        response_class=JsonApiResponse,
    )
    router.add_api_route(
        "/participants/npq/{participant_id}/outcomes",
        _participant_list_handler(version),
        methods=["GET"],
        summary="List NPQ outcomes for a single participant",
        responses=_MANY,
        response_class=JsonApiResponse,
    )
    router.add_api_route(
        "/participants/npq/{participant_id}/outcomes",
        _create_handler(version),
        methods=["POST"],
        summary="Submit an NPQ outcome for a single participant",
        openapi_extra=json_request_body(NpqOutcomeRequest),
        responses={200: json_response(NpqOutcomeDocument, "A participant outcome")},
        response_class=JsonApiResponse,
    )
    return router


routers: dict[str, APIRouter] = {version: _router(version) for version in ("v1", "v2", "v3")}
