"""`/npq-applications` in every version: list (+ `.csv` in v1/v2), show, accept, reject and
change-funded-place."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from cpd_api.core.body import read_json
from cpd_api.core.config import Settings
from cpd_api.core.dependencies import db_session, list_filters, page, query_params, settings
from cpd_api.core.errors import NotFound
from cpd_api.core.filters import Filters
from cpd_api.core.identifiers import path_id
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
from cpd_api.participants.npq.schemas import csv_response
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import npq_provider

from . import queries, rules, service
from .schemas import (
    ChangeFundedPlaceRequest,
    NpqApplicationAcceptRequest,
    NpqApplicationAcceptRequestV3,
    NpqApplicationDocument,
    NpqApplicationsDocument,
    NpqApplicationsFilter,
    NpqApplicationsFilterV3,
    application_resource,
    applications_csv,
)

_FILTER_V12 = deep_object(
    "filter",
    NpqApplicationsFilter,
    "Refine NPQ applications to return.",
    "filter[cohort]=2021&filter[updated_since]=2020-11-13T11:21:55Z",
)
_FILTER_V3 = deep_object(
    "filter",
    NpqApplicationsFilterV3,
    "Refine NPQ applications to return.",
    "filter[cohort]=2021,2022&filter[updated_since]=2020-11-13T11:21:55Z",
)
_PAGE = page_parameter("NPQ applications")
_SORT = sort_parameter(["created_at", "updated_at"], "NPQ applications")
_ONE = {200: json_response(NpqApplicationDocument, "An NPQ application")}


def _cohorts(filters: Filters, version: str) -> list[int] | None:
    cohorts = filters.cohorts()
    if cohorts is None or version == "v3":
        return cohorts
    # v1 and v2 take a single cohort: only the leading year of a list counts.
    return cohorts[:1]


def _query(filters: Filters, provider: CallingProvider, version: str):
    v3 = version == "v3"
    return queries.applications_query(
        provider.id,
        cohorts=_cohorts(filters, version),
        updated_since=filters.updated_since(),
        inclusive_since=v3,
        participant_ids=filters.ids("participant_id") if v3 else None,
    )


def _render(session: Session, provider: CallingProvider, application_id, version: str):
    view = queries.application_of_provider(session, provider.id, application_id)
    if view is None:
        raise NotFound()
    return JsonApiResponse({"data": application_resource(view, version)})


def _list_handler(version: str) -> Callable[..., JsonApiResponse]:
    def list_applications(
        filters: Filters = Depends(list_filters),
        paging: Page = Depends(page),
        params: QueryParams = Depends(query_params),
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        views = queries.list_applications(
            session,
            _query(filters, provider, version),
            paging,
            params.get("sort") if version == "v3" else None,
        )
        return JsonApiResponse({"data": [application_resource(v, version) for v in views]})

    return list_applications


def _csv_handler(version: str) -> Callable[..., Response]:
    def applications_as_csv(
        filters: Filters = Depends(list_filters),
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
        config: Settings = Depends(settings),
    ) -> Response:
        views = queries.list_applications(session, _query(filters, provider, version), None)
        body = applications_csv(views, version, funded_place=config.funded_place)
        return csv_response(body)

    return applications_as_csv


def _show_handler(version: str) -> Callable[..., JsonApiResponse]:
    def show_application(
        id: str,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        application_id = path_id(id)
        return _render(session, provider, application_id, version)

    return show_application


def _accept_handler(version: str) -> Callable[..., object]:
    async def accept_application(
        id: str,
        request: Request,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
        config: Settings = Depends(settings),
    ) -> JsonApiResponse:
        attributes = rules.permitted_attributes(
            await read_json(request), rules.accept_permitted(version)
        )
        application_id = service.accept(
            session, provider, id, attributes, capping_on=config.funded_place
        )
        return _render(session, provider, application_id, version)

    return accept_application


def _reject_handler(version: str) -> Callable[..., JsonApiResponse]:
    def reject_application(
        id: str,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        application_id = service.reject(session, provider, id)
        return _render(session, provider, application_id, version)

    return reject_application


def _change_funded_place_handler(version: str) -> Callable[..., object]:
    async def change_funded_place(
        id: str,
        request: Request,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
        config: Settings = Depends(settings),
    ) -> JsonApiResponse:
        body = await read_json(request)
        attributes = rules.permitted_attributes(body, ("funded_place",))
        application_id = service.change_funded_place(
            session, provider, id, attributes, capping_on=config.funded_place
        )
        return _render(session, provider, application_id, version)

    return change_funded_place


def _router(version: str) -> APIRouter:
    router = APIRouter(tags=["NPQ applications"])
    v3 = version == "v3"
    router.add_api_route(
        "/npq-applications",
        _list_handler(version),
        methods=["GET"],
        summary="Retrieve multiple NPQ applications",
        openapi_extra={"parameters": [_FILTER_V3, _PAGE, _SORT] if v3 else [_FILTER_V12, _PAGE]},
        responses={200: json_response(NpqApplicationsDocument, "A list of NPQ applications")},
        response_class=JsonApiResponse,
    )
    if not v3:
        router.add_api_route(
            "/npq-applications.csv",
            _csv_handler(version),
            methods=["GET"],
            summary="Retrieve all NPQ applications in CSV format",
            openapi_extra={"parameters": [_FILTER_V12]},
            responses={
                200: {"description": "NPQ applications as CSV", "content": {"text/csv": {}}}
            },
        )
    router.add_api_route(
        "/npq-applications/{id}",
        _show_handler(version),
        methods=["GET"],
        summary="Get a single NPQ application",
        responses=_ONE,
        response_class=JsonApiResponse,
    )
    accept_model = NpqApplicationAcceptRequestV3 if v3 else NpqApplicationAcceptRequest
    router.add_api_route(
        "/npq-applications/{id}/accept",
        _accept_handler(version),
        methods=["POST"],
        summary="Accept an NPQ application",
        openapi_extra=json_request_body(accept_model, required=False),
        responses=_ONE,
        response_class=JsonApiResponse,
    )
    router.add_api_route(
        "/npq-applications/{id}/reject",
        _reject_handler(version),
        methods=["POST"],
        summary="Reject an NPQ application",
        responses=_ONE,
        response_class=JsonApiResponse,
    )
    router.add_api_route(
        "/npq-applications/{id}/change-funded-place",
        _change_funded_place_handler(version),
        methods=["PUT"],
        summary="Change an NPQ application's funded place",
        openapi_extra=json_request_body(ChangeFundedPlaceRequest),
        responses=_ONE,
        response_class=JsonApiResponse,
    )
    return router


routers: dict[str, APIRouter] = {version: _router(version) for version in ("v1", "v2", "v3")}
