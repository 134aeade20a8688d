"""`/participants/npq` (v1, v2, v3) and `/npq-enrolments.csv` (v2): the provider's NPQ
participants and the actions on their enrolments."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from cpd_api.core.body import data_attributes, read_json
from cpd_api.core.config import Settings
from cpd_api.core.dependencies import db_session, list_filters, page, query_params, settings
from cpd_api.core.errors import NotAcceptable, NotFound
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
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import npq_provider

from . import queries, service
from .schemas import (
    SERIALIZERS,
    NpqChangeScheduleRequest,
    NpqDeferRequest,
    NpqParticipantDocument,
    NpqParticipantFilter,
    NpqParticipantFilterV3,
    NpqParticipantsDocument,
    NpqResumeRequest,
    NpqWithdrawRequest,
    csv_response,
    enrolments_csv,
)

_FILTER_V12 = deep_object(
    "filter",
    NpqParticipantFilter,
    "Refine NPQ participants to return.",
    "filter[updated_since]=2020-11-13T11:21:55Z",
)
_FILTER_V3 = deep_object(
    "filter",
    NpqParticipantFilterV3,
    "Refine NPQ participants to return.",
    "filter[updated_since]=2020-11-13T11:21:55Z&filter[training_status]=active",
)
_PAGE = page_parameter("NPQ participants")
_SORT = sort_parameter(["created_at", "updated_at"], "NPQ participants")
_ONE = {200: json_response(NpqParticipantDocument, "An NPQ participant")}


def _render(session: Session, provider: CallingProvider, participant_id, version: str):
    person = queries.participant_of_provider(session, provider.id, participant_id)
    if person is None:
        raise NotFound()
    views = queries.load_views(session, provider.id, [person], with_history=version == "v3")
    return JsonApiResponse({"data": SERIALIZERS[version](views[0])})


def _list_handler(version: str) -> Callable[..., JsonApiResponse]:
    def list_participants(
        filters: Filters = Depends(list_filters),
        paging: Page = Depends(page),
        params: QueryParams = Depends(query_params),
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        v3 = version == "v3"
        query = queries.participants_query(
            provider.id,
            updated_since=filters.updated_since(),
            inclusive_since=v3,
            training_status=filters.training_status() if v3 else None,
            from_participant_id=(filters.ids("from_participant_id", multiple=False) or [None])[0]
            if v3
            else None,
        )
        people = queries.participants_page(
            session, query, paging, params.get("sort") if v3 else None
        )
        views = queries.load_views(session, provider.id, people, with_history=v3)
        serialize = SERIALIZERS[version]
        return JsonApiResponse({"data": [serialize(view) for view in views]})

    return list_participants


def _show_handler(version: str) -> Callable[..., JsonApiResponse]:
    def show_participant(
        id: str,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
    ) -> JsonApiResponse:
        participant_id = path_id(id)
        return _render(session, provider, participant_id, version)

    return show_participant


def _action_handler(version: str, action: Callable[..., object]) -> Callable[..., object]:
    async def participant_action(
        id: str,
        request: Request,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(npq_provider),
        config: Settings = Depends(settings),
    ) -> JsonApiResponse:
        attributes = data_attributes(await read_json(request)) or {}
        if action is service.change_schedule:
            person_id = service.change_schedule(
                session, provider, id, attributes, capping_on=config.funded_place
            )
        else:
            person_id = action(session, provider, id, attributes)
        return _render(session, provider, person_id, version)

    return participant_action


_ACTIONS = (
    ("withdraw", service.withdraw, NpqWithdrawRequest, "Withdraw a participant from a course"),
    ("defer", service.defer, NpqDeferRequest, "Defer a participant's course"),
    ("resume", service.resume, NpqResumeRequest, "Resume a participant's course"),
    (
        "change-schedule",
        service.change_schedule,
        NpqChangeScheduleRequest,
        "Notify that a participant is changing schedule",
    ),
)


def _enrolments_csv(
    filters: Filters = Depends(list_filters),
    session: Session = Depends(db_session),
    provider: CallingProvider = Depends(npq_provider),
    config: Settings = Depends(settings),
) -> Response:
    rows = queries.enrolments_for_csv(session, provider.id, filters.updated_since())
    return csv_response(enrolments_csv(rows, funded_place=config.funded_place))


def _enrolments_json(_provider: CallingProvider = Depends(npq_provider)) -> Response:
    raise NotAcceptable()


def _router(version: str) -> APIRouter:
    router = APIRouter(tags=["NPQ participants"])
    if version == "v2":
        router.add_api_route(
            "/npq-enrolments.csv",
            _enrolments_csv,
            methods=["GET"],
            summary="Retrieve all NPQ enrolments in CSV format",
            openapi_extra={"parameters": [_FILTER_V12]},
            responses={200: {"description": "NPQ enrolments as CSV", "content": {"text/csv": {}}}},
        )
        router.add_api_route(
            "/npq-enrolments", _enrolments_json, methods=["GET"], include_in_schema=False
        )
    parameters = [_FILTER_V3, _PAGE, _SORT] if version == "v3" else [_FILTER_V12, _PAGE]
    router.add_api_route(
        "/participants/npq",
        _list_handler(version),
        methods=["GET"],
        summary="Retrieve multiple NPQ participants",
        openapi_extra={"parameters": parameters},
        responses={200: json_response(NpqParticipantsDocument, "A list of NPQ participants")},
        response_class=JsonApiResponse,
    )
    router.add_api_route(
        "/participants/npq/{id}",
        _show_handler(version),
        methods=["GET"],
        summary="Retrieve a single NPQ participant",
        responses=_ONE,
        response_class=JsonApiResponse,
    )
    for name, action, body_model, summary in _ACTIONS:
        router.add_api_route(
            f"/participants/npq/{{id}}/{name}",
            _action_handler(version, action),
            methods=["PUT"],
            summary=summary,
            openapi_extra=json_request_body(body_model),
            responses=_ONE,
            response_class=JsonApiResponse,
        )
    return router


routers: dict[str, APIRouter] = {version: _router(version) for version in ("v1", "v2", "v3")}
