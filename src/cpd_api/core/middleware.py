"""Request-shaping middleware: body size limit, the sandbox clock, API security headers."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import clock
from .errors import BadRequest, PayloadTooLarge
from .filters import parse_timestamp
from .responses import SECURITY_HEADERS, send_error

SERVER_DATE_HEADER = b"x-with-server-date"
SERVER_DATE_DETAIL = "The header 'X-With-Server-Date' must be a valid RFC 3339 date-time"


class BodyLimitMiddleware:
    """Refuse bodies over the limit with a JSON 413 before anything reads them whole."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await send_error(send, BadRequest("Invalid Content-Length header"))
                    return
                if declared > self.max_bytes:
                    await send_error(send, PayloadTooLarge(self.max_bytes))
                    return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise PayloadTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)


def _server_date(value: str):
    text = value.strip()
    if len(text) == 10:  # a bare date means midnight UTC, as the public service read it
        text += "T00:00:00Z"
    return parse_timestamp(text)


class SandboxClockMiddleware:
    """Honour `X-With-Server-Date` for the one request that carries it (sandbox only)."""

    def __init__(self, app: ASGIApp, *, enabled: bool) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = None
        for name, value in scope.get("headers", ()):
            if name == SERVER_DATE_HEADER:
                raw = value.decode("latin-1")
                break
        if raw is None:
            await self.app(scope, receive, send)
            return
        instant = _server_date(raw)
        if instant is None:
            await send_error(send, BadRequest(SERVER_DATE_DETAIL))
            return
        token = clock.set_offset(clock.offset_to(instant))
        try:
            await self.app(scope, receive, send)
        finally:
            clock.reset_offset(token)


class ApiSecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
