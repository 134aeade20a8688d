"""The gate in front of `/operator/`: the whole API is absent (404) unless an operator token
is configured, and answers 401 to anything but that exact bearer token. Provider tokens never
open it, and it never consults the provider token table."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from cpd_api.core.errors import NotFound, Unauthorized
from cpd_api.core.responses import send_error
from cpd_api.providers.rules import token_from_header

PREFIX = "/operator"


def is_operator_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def authorised(header: str | None, expected: str) -> bool:
    """Constant-time comparison, so response timing does not reveal the token."""
    given = token_from_header(header)
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class OperatorGate:
    def __init__(self, app: ASGIApp, *, token: str | None) -> None:
        self.app = app
        self.token = token or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_operator_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        if self.token is None:
            await send_error(send, NotFound())
            return
        header = None
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        if not authorised(header, self.token):
            await send_error(send, Unauthorized())
            return
        await self.app(scope, receive, send)
