"""FastAPI dependencies giving endpoints the calling provider, checked for the programme.

`async def` so that FastAPI calls them on the event loop instead of in a worker thread:
they only read what the API gate put in the request scope."""

from __future__ import annotations

from starlette.requests import Request

from .authentication import CallingProvider, calling_provider


async def ecf_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "ecf")


async def npq_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "npq")


async def any_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "any")


async def ecf_or_npq_provider(request: Request) -> CallingProvider:
    return calling_provider(request.scope.get("state", {}), "ecf_or_npq")
