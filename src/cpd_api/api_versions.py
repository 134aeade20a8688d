"""The routers of every API version, gathered from the resource packages.

Each resource's `endpoints.py` exposes `routers`, a mapping of version ("v1", "v2", "v3") to
an `APIRouter` whose paths are relative to `/api/<version>`. Adding a resource means adding
its module here, nothing else."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

VERSIONS = ("v1", "v2", "v3")

RESOURCE_ENDPOINT_MODULES: tuple[str, ...] = (
    "cpd_api.schools.endpoints",
    "cpd_api.delivery_partners.endpoints",
    "cpd_api.partnerships.endpoints",
    "cpd_api.transfers.endpoints",  # its literal /participants/ecf/transfers before {id}
    "cpd_api.participants.ecf.endpoints",
    "cpd_api.unfunded_mentors.endpoints",
    "cpd_api.statements.endpoints",
    "cpd_api.declarations.endpoints",
    "cpd_api.npq_applications.endpoints",
    "cpd_api.outcomes.endpoints",  # its literal /participants/npq/outcomes before {id}
    "cpd_api.participants.npq.endpoints",
)


def version_routers() -> dict[str, APIRouter]:
    combined = {version: APIRouter() for version in VERSIONS}
    for module_name in RESOURCE_ENDPOINT_MODULES:
        module = importlib.import_module(module_name)
        for version, router in module.routers.items():
            combined[version].include_router(router)
    return combined
