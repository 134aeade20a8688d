"""HTTP for ECF participants: lists, CSV and show per version, and the four actions in both
path forms (`/participants/ecf/{id}/...` and v1/v2's legacy `/participants/{id}/...`).

Show routes take `{id:uuid}`: a malformed id falls through to the 404 of unknown routes, and
literal siblings such as v3 `/participants/ecf/transfers` can never be captured as an id,
whatever order the resource routers are registered in."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from cpd_api.core import clock
from cpd_api.core.body import data_attributes, read_json
from cpd_api.core.dependencies import (
    db_session,
    list_filters,
    page,
    query_params,
    run_with_session,
)
from cpd_api.core.errors import NotFound
from cpd_api.core.filters import Filters
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.openapi import (
    deep_object,
    form_parameter,
    json_request_body,
    json_response,
)
from cpd_api.core.paging import Page
from cpd_api.core.query import QueryParams
from cpd_api.core.sorting import parse_sort
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import ecf_provider

from . import queries, serializers, service
from .schemas import (
    ECFParticipantChangeScheduleRequest,
    ECFParticipantDeferRequest,
    ECFParticipantFilter,
    ECFParticipantResponseV1,
    ECFParticipantResponseV3,
    ECFParticipantResumeRequest,
    ECFParticipantsPagination,
    ECFParticipantWithdrawRequest,
    MultipleECFParticipantsResponseV1,
    MultipleECFParticipantsResponseV3,
    ParticipantListFilter,
)

TAGS = ["ECF participants"]
_V1_FILTER = deep_object(
    "filter",
    ParticipantListFilter,
    "Refine ECF participants to return.",
    "filter[cohort]=2022&filter[updated_since]=2020-11-13T11:21:55Z",
)
_V3_FILTER = deep_object(
    "filter",
    ECFParticipantFilter,
    "Refine ECF participants to return.",
    "filter[cohort]=2022&filter[training_status]=active&filter[updated_since]=2020-11-13T11:21:55Z",
    version="v3",
)
_PAGE = deep_object(
    "page",
    ECFParticipantsPagination,
    "Pagination options to navigate through the list of ECF participants.",
    "page[page]=1&page[per_page]=5",
)
_SORT = form_parameter(
    "sort",
    {
        "type": "array",
        "items": {
            "type": "string",
            "enum": ["created_at", "-created_at", "updated_at", "-updated_at"],
        },
    },
    "Sort ECF participants being returned.",
    "sort=-updated_at",
)

Action = Callable[[Session, CallingProvider, str, dict[str, Any]], service.ActionResult]
ACTIONS: dict[str, tuple[Action, type, str]] = {
    "withdraw": (
        service.withdraw,
        ECFParticipantWithdrawRequest,
        "Notify that an ECF participant has withdrawn from their course",
    ),
    "defer": (
        service.defer,
        ECFParticipantDeferRequest,
        "Notify that an ECF participant is taking a break from their course",
    ),
    "resume": (
        service.resume,
        ECFParticipantResumeRequest,
        "Notify that an ECF participant is resuming their course",
    ),
    "change-schedule": (
        service.change_schedule,
        ECFParticipantChangeScheduleRequest,
        "Notify that an ECF participant is changing training schedule",
    ),
}


class CsvResponse(Response):
    """`text/csv` exactly (Starlette would append a charset to a text media type)."""

    def __init__(self, content: str) -> None:
        super().__init__(content.encode(), headers={"content-type": "text/csv"})


# ---------------------------------------------------------------------------------------------
# v1 / v2
# ---------------------------------------------------------------------------------------------


def _v1_rows(
    session: Session, provider: CallingProvider, filters: Filters, paging: Page | None
) -> list[queries.TrainingRecordRow]:
    return queries.list_v1(
        session,
        provider.id,
        cohorts=filters.cohorts(),
        updated_since=filters.updated_since(),
        page=paging,
    )


def _v1_action_response(session: Session, provider: CallingProvider, result) -> JsonApiResponse:
    row = queries.row_for_record(session, provider.id, result.profile_id, result.record_id)
    return JsonApiResponse({"data": serializers.v1_resource(row)})


def _v3_action_response(session: Session, provider: CallingProvider, result) -> JsonApiResponse:
    rows = queries.view_for_person(session.connection(), provider.id, result.participant_id)
    return JsonApiResponse({"data": serializers.v3_resources(rows, clock.now())[0]})


def _add_action(
    router: APIRouter,
    path: str,
    name: str,
    respond: Callable,
    response_model: type,
    *,
    documented: bool = True,
):
    action, request_model, summary = ACTIONS[name]

    async def perform(
        request: Request,
        id: str,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_provider),
    ) -> JsonApiResponse:
        attributes = data_attributes(await read_json(request))

        def run() -> JsonApiResponse:
            result = action(session, provider, id, attributes or {})
            return respond(session, provider, result)

        return await run_in_threadpool(run)

    perform.__name__ = f"{name.replace('-', '_')}_ecf_participant"
    router.add_api_route(
        path.format(action=name),
        perform,
        methods=["PUT"],
        summary=summary,
        tags=TAGS,
        include_in_schema=documented,
        openapi_extra=json_request_body(request_model),
        responses={200: json_response(response_model, "The ECF participant after the change")},
    )


def _v1_router(version: str) -> APIRouter:
    """v1 and v2 share one shape. The legacy `/participants` paths are served in both but
    published only where the reference documents them (the action aliases in v1 only)."""
    router = APIRouter(tags=TAGS)

    def list_participants(
        filters: Filters = Depends(list_filters),
        paging: Page = Depends(page),
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_provider),
    ) -> JsonApiResponse:
        rows = _v1_rows(session, provider, filters, paging)
        return JsonApiResponse({"data": [serializers.v1_resource(r) for r in rows]})

    def participants_csv(
        filters: Filters = Depends(list_filters),
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_provider),
    ) -> CsvResponse:
        return CsvResponse(serializers.v1_csv(_v1_rows(session, provider, filters, None)))

    def show_participant(
        id: uuid.UUID,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_provider),
    ) -> JsonApiResponse:
        row = queries.show_v1(session, provider.id, id)
        if row is None:
            raise NotFound()
        return JsonApiResponse({"data": serializers.v1_resource(row)})

    listing = {
        "openapi_extra": {"parameters": [_V1_FILTER, _PAGE]},
        "responses": {200: json_response(MultipleECFParticipantsResponseV1, "ECF participants")},
    }
    router.add_api_route(
        "/participants/ecf",
        list_participants,
        methods=["GET"],
        summary="Retrieve multiple ECF participants",
        **listing,
    )
    router.add_api_route(
        "/participants/ecf.csv",
        participants_csv,
        methods=["GET"],
        summary="Retrieve all ECF participants in CSV format",
        openapi_extra={"parameters": [_V1_FILTER]},
        responses={200: {"description": "ECF participants as CSV", "content": {"text/csv": {}}}},
    )
    router.add_api_route(
        "/participants",
        list_participants,
        methods=["GET"],
        summary="Retrieve multiple ECF participants (legacy path)",
        include_in_schema=False,
        **listing,
    )
    router.add_api_route(
        "/participants/ecf/{id:uuid}",
        show_participant,
        methods=["GET"],
        summary="Get a single ECF participant",
        responses={200: json_response(ECFParticipantResponseV1, "An ECF participant")},
    )
    for name in ACTIONS:
        _add_action(
            router,
            "/participants/ecf/{{id}}/{action}",
            name,
            _v1_action_response,
            ECFParticipantResponseV1,
        )
        _add_action(
            router,
            "/participants/{{id}}/{action}",
            name,
            _v1_action_response,
            ECFParticipantResponseV1,
            documented=version == "v1",
        )
    return router


# ---------------------------------------------------------------------------------------------
# v3
# ---------------------------------------------------------------------------------------------


def _v3_filters(filters: Filters, params: QueryParams) -> queries.V3Filters:
    from_ids = filters.ids("from_participant_id", multiple=False)
    return queries.V3Filters(
        cohorts=filters.cohorts(),
        updated_since=filters.updated_since(),
        training_status=filters.training_status(),
        from_participant_ids=from_ids,
        sort=parse_sort(params.get("sort"), queries.SORT_COLUMNS),
    )


def _v3_router() -> APIRouter:
    router = APIRouter(tags=TAGS)

    async def list_participants(
        request: Request,
        filters: Filters = Depends(list_filters),
        params: QueryParams = Depends(query_params),
        paging: Page = Depends(page),
        provider: CallingProvider = Depends(ecf_provider),
    ) -> JsonApiResponse:
        wanted = _v3_filters(filters, params)

        def read(session: Session) -> list[dict]:
            rows = queries.list_v3(session.connection(), provider.id, wanted, paging)
            return serializers.v3_resources(rows, clock.now())

        return JsonApiResponse({"data": await run_with_session(request, read)})

    async def show_participant(
        request: Request,
        id: uuid.UUID,
        provider: CallingProvider = Depends(ecf_provider),
    ) -> JsonApiResponse:
        def read(session: Session) -> list[dict]:
            rows = queries.show_v3(session.connection(), provider.id, id)
            return serializers.v3_resources(rows, clock.now())

        found = await run_with_session(request, read)
        if not found:
            raise NotFound()
        return JsonApiResponse({"data": found[0]})

    router.add_api_route(
        "/participants/ecf",
        list_participants,
        methods=["GET"],
        summary="Retrieve multiple ECF participants",
        openapi_extra={"parameters": [_V3_FILTER, _PAGE, _SORT]},
        responses={200: json_response(MultipleECFParticipantsResponseV3, "ECF participants")},
    )
    router.add_api_route(
        "/participants/ecf/{id:uuid}",
        show_participant,
        methods=["GET"],
        summary="Get a single ECF participant",
        responses={200: json_response(ECFParticipantResponseV3, "An ECF participant")},
    )
    for name in ACTIONS:
        _add_action(
            router,
            "/participants/ecf/{{id}}/{action}",
            name,
            _v3_action_response,
            ECFParticipantResponseV3,
        )
    return router


routers: dict[str, APIRouter] = {
    "v1": _v1_router("v1"),
    "v2": _v1_router("v2"),
    "v3": _v3_router(),
}
