"""A test-only router that exercises the shared request machinery (auth by programme,
paging, filters, bodies, the clock) independently of any resource."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from cpd_api.core import clock
from cpd_api.core.body import data_attributes, read_json
from cpd_api.core.dependencies import list_filters, page
from cpd_api.core.filters import Filters
from cpd_api.core.formats import timestamp
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.core.paging import Page
from cpd_api.providers.authentication import CallingProvider
from cpd_api.providers.dependencies import any_provider, ecf_provider, npq_provider

router = APIRouter()


@router.get("/probe/ecf")
def ecf_only(provider: CallingProvider = Depends(ecf_provider)) -> JsonApiResponse:
    return JsonApiResponse({"data": {"provider": str(provider.id)}})


@router.get("/probe/npq")
def npq_only(provider: CallingProvider = Depends(npq_provider)) -> JsonApiResponse:
    return JsonApiResponse({"data": {"provider": str(provider.id)}})


@router.get("/probe/list")
def listing(
    _: CallingProvider = Depends(any_provider),
    paging: Page = Depends(page),
    filters: Filters = Depends(list_filters),
) -> JsonApiResponse:
    since = filters.updated_since()
    return JsonApiResponse(
        {
            "page": paging.number,
            "per_page": paging.per_page,
            "cohorts": filters.cohorts(),
            "updated_since": timestamp(since),
            "training_status": filters.training_status(),
        }
    )


@router.get("/probe/schools")
def required_filter(
    _: CallingProvider = Depends(any_provider), filters: Filters = Depends(list_filters)
) -> JsonApiResponse:
    return JsonApiResponse({"cohort": filters.require("cohort")})


@router.post("/probe/body")
async def body(request: Request, _: CallingProvider = Depends(any_provider)) -> JsonApiResponse:
    attributes = data_attributes(await read_json(request))
    return JsonApiResponse({"data": {"attributes": attributes}})


@router.get("/probe/now")
def now(_: CallingProvider = Depends(any_provider)) -> JsonApiResponse:
    return JsonApiResponse({"now": timestamp(clock.now())})


@router.get("/probe/boom")
def boom(_: CallingProvider = Depends(any_provider)) -> JsonApiResponse:
    raise RuntimeError("secret internals must not leak")


def mount(app) -> None:
    app.include_router(router, prefix="/api/v3")
