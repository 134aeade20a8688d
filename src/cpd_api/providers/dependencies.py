"""FastAPI dependencies giving endpoints the calling provider, checked for the programme."""

from __future__ import annotations

from starlette.requests import Request

from .authentication import CallingProvider, calling_provider


def ecf_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "ecf")


def npq_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "npq")


def any_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "any")


def ecf_or_npq_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "ecf_or_npq")
