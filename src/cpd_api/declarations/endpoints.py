"""`/participant-declarations` in v1, v2 and v3: list (+ `.csv` in v1/v2), show, submit
and void. ECF and NPQ share these endpoints; the course identifier decides the rules."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cpd_api.core import idempotency
from cpd_api.core.audit import Actor
from cpd_api.core.body import data_attributes, read_json
from cpd_api.core.database import lock_for_write
from cpd_api.core.dependencies import db_session, list_filters, page
from cpd_api.core.errors import NotAcceptable, NotFound, UnprocessableEntity
from cpd_api.core.filters import Filters
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.openapi import (
    deep_object,
    json_request_body,
    json_response,
    page_parameter,
)
from cpd_api.core.paging import Page
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import ecf_or_npq_provider

from . import queries, rules, schemas, service

IDEMPOTENCY_HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255


def _filters(version: str, filters: Filters) -> queries.DeclarationFilters:
    """v3 filters lists and includes `updated_since`; v1/v2 take one participant and compare
    `updated_since` strictly (ecf.md 4.12)."""
    if version == "v3":
        return queries.DeclarationFilters(
            cohorts=filters.cohorts(),
            participant_ids=filters.ids("participant_id"),
            updated_since=filters.updated_since(),
            updated_since_inclusive=True,
            delivery_partner_ids=filters.ids("delivery_partner_id"),
            default_cohorts=True,
        )
    return queries.DeclarationFilters(
        participant_ids=filters.ids("participant_id", multiple=False),
        updated_since=filters.updated_since(),
        updated_since_inclusive=False,
    )


def _view(recorded: service.Recorded, provider: CallingProvider) -> queries.DeclarationView:
    return queries.new_view(
        recorded.declaration, provider.name, recorded.statement_id, recorded.has_passed
    )


def _wants_csv(request: Request) -> bool:
    return "text/csv" in request.headers.get("accept", "")


def _csv_response(session: Session, provider: CallingProvider, version: str, filters) -> Response:
    views = queries.all_declarations(session, provider.id, version, _filters(version, filters))
    return Response(schemas.csv_text(views, version), media_type="text/csv")


def _replay_or_conflict(
    session: Session, provider: CallingProvider, key: str, digest: str
) -> Response | None:
    """An earlier answer to this key: replayed when the request is identical, refused when
    the key is being reused for a different request."""
    stored = idempotency.find(session, str(provider.id), key)
    if stored is None:
        return None
    if stored.request_digest != digest:
        raise UnprocessableEntity(
            [
                (
                    "Idempotency-Key",
                    "This Idempotency-Key was already used for a different request in the "
                    "last 24 hours. Send a new key for a new request.",
                )
            ]
        )
    return JsonApiResponse(stored.response_body, status_code=stored.status_code)


def _version_routes(version: str) -> APIRouter:
    router = APIRouter(tags=["Participant declarations"])
    single, many = schemas.DOCUMENTS[version]
    filter_model = schemas.DeclarationsFilterV3 if version == "v3" else schemas.DeclarationsFilterV1
    list_parameters = [
        deep_object(
            "filter",
            filter_model,
            "Refine participant declarations to return.",
            "filter[participant_id]=ab3a7848-1208-7679-942a-b4a70eed400a",
            version=version,
        ),
        page_parameter("participant declarations"),
    ]

    @router.get(
        "/participant-declarations",
        summary="List participant declarations",
        name=f"list_declarations_{version}",
        openapi_extra={"parameters": list_parameters},
        responses={200: json_response(many, "A list of participant declarations", version)},
    )
    def list_declarations(
        request: Request,
        filters: Filters = Depends(list_filters),
        paging: Page = Depends(page),
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_or_npq_provider),
    ) -> Response:
        if version != "v3" and _wants_csv(request):
            return _csv_response(session, provider, version, filters)
        views = queries.list_declarations(
            session, provider.id, version, _filters(version, filters), paging
        )
        return JsonApiResponse({"data": [schemas.serialize(v, version) for v in views]})

    if version == "v3":

        @router.get(
            "/participant-declarations.csv",
            include_in_schema=False,
            name="list_declarations_csv_v3",
        )
        def no_csv_in_v3(_provider: CallingProvider = Depends(ecf_or_npq_provider)) -> Response:
            """v3 dropped the CSV exports: the format is not offered (platform.md 4.9)."""
            raise NotAcceptable()

    else:

        @router.get(
            "/participant-declarations.csv",
            summary="List participant declarations as CSV",
            name=f"list_declarations_csv_{version}",
            responses={200: {"description": "CSV", "content": {"text/csv": {}}}},
        )
        def list_declarations_csv(
            filters: Filters = Depends(list_filters),
            session: Session = Depends(db_session),
            provider: CallingProvider = Depends(ecf_or_npq_provider),
        ) -> Response:
            return _csv_response(session, provider, version, filters)

    @router.get(
        "/participant-declarations/{id}",
        summary="Get a single participant declaration",
        name=f"show_declaration_{version}",
        responses={200: json_response(single, "A single participant declaration", version)},
    )
    def show_declaration(
        id: str,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_or_npq_provider),
    ) -> JsonApiResponse:
        view = queries.find_declaration(session, provider.id, version, id)
        if view is None:
            raise NotFound()
        return JsonApiResponse({"data": schemas.serialize(view, version)})

    @router.post(
        "/participant-declarations",
        summary="Declare a participant has reached a milestone",
        name=f"create_declaration_{version}",
        openapi_extra=json_request_body(schemas.DeclarationRequest),
        responses={200: json_response(single, "The declaration recorded", version)},
    )
    async def create_declaration(
        request: Request,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_or_npq_provider),
    ) -> Response:
        raw = await request.body()
        attributes = data_attributes(await read_json(request))
        assert attributes is not None
        submission = rules.submission_from_attributes(attributes)
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        # The use case blocks on the database (locks, commit): run it off the event loop so
        # one worker keeps serving other requests meanwhile.
        return await run_in_threadpool(
            _create, session, provider, version, request.url.path, key, raw, submission
        )

    @router.put(
        "/participant-declarations/{id}/void",
        summary="Void a participant declaration",
        name=f"void_declaration_{version}",
        responses={200: json_response(single, "The voided declaration", version)},
    )
    def void_declaration(
        id: str,
        session: Session = Depends(db_session),
        provider: CallingProvider = Depends(ecf_or_npq_provider),
    ) -> JsonApiResponse:
        declaration = service.void_declaration(
            session, provider.id, id, Actor.provider(provider.id, provider.name)
        )
        view = queries.view_of(session, declaration.id)
        return JsonApiResponse({"data": schemas.serialize(view, version)})

    return router


def _create(
    session: Session,
    provider: CallingProvider,
    version: str,
    path: str,
    key: str,
    raw: bytes,
    submission: rules.Submission,
) -> Response:
    actor = Actor.provider(provider.id, provider.name)
    if key:
        return _idempotent_create(session, provider, version, path, key, raw, submission, actor)
    recorded = service.record_declaration(session, provider.id, submission, actor)
    return JsonApiResponse({"data": schemas.serialize(_view(recorded, provider), version)})


def _idempotent_create(
    session: Session,
    provider: CallingProvider,
    version: str,
    path: str,
    key: str,
    raw: bytes,
    submission: rules.Submission,
    actor: Actor,
) -> Response:
    """Spec decision 6: within 24 hours the same key and body get the first answer back.

    The key's lock is held for the whole use case and the answer is stored in the same
    transaction as the declaration, so concurrent retries of one key see exactly one."""
    if len(key) > MAX_KEY_LENGTH:
        raise UnprocessableEntity(
            [
                (
                    "Idempotency-Key",
                    f"The Idempotency-Key must be at most {MAX_KEY_LENGTH} characters",
                )
            ]
        )
    digest = idempotency.request_digest("POST", path, raw)
    lock_for_write(session, f"idempotency:{provider.id}:{key}")
    replay = _replay_or_conflict(session, provider, key, digest)
    if replay is not None:
        session.rollback()
        return replay
    stored: dict[str, bytes] = {}

    def remember(recorded: service.Recorded) -> None:
        body = orjson.dumps({"data": schemas.serialize(_view(recorded, provider), version)})
        stored["body"] = body
        idempotency.remember(
            session,
            owner=str(provider.id),
            key=key,
            method="POST",
            path=path,
            digest=digest,
            status_code=200,
            body=body,
        )

    service.record_declaration(session, provider.id, submission, actor, before_commit=remember)
    return JsonApiResponse(stored["body"])


routers: dict[str, APIRouter] = {
    version: _version_routes(version) for version in ("v1", "v2", "v3")
}
