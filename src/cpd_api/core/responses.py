"""Sending an error straight from ASGI middleware, before any endpoint runs."""

from __future__ import annotations

import orjson
from starlette.types import Send

from .errors import ApiError
from .jsonapi import JSON_API

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; font-src 'none'; img-src 'none'; object-src 'none'; "
        b"script-src 'none'; style-src 'none'; frame-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
]


async def send_error(send: Send, error: ApiError) -> None:
    body = b"" if error.body is None else orjson.dumps(error.body)
    headers = [(b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", JSON_API.encode()))
    headers.extend((k.lower().encode(), v.encode()) for k, v in error.headers.items())
    headers.extend(SECURITY_HEADERS)
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
