"""JSON:API documents and the response classes that carry them.

Serialisers build plain dicts (fast); this module wraps them in `{"data": ...}` and encodes
them with orjson under `application/vnd.api+json`, with no charset parameter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from starlette.background import BackgroundTask
from starlette.responses import Response

JSON_API = "application/vnd.api+json"
JSON_REQUEST_TYPES = ("application/json", "application/vnd.api+json", "text/x-json")

ENCODING = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS | orjson.OPT_NAIVE_UTC
"""UUIDs, dates and UTC datetimes may be handed to the encoder as they are: it writes them in
C exactly as `formats.uuid_text`, `formats.calendar_date` and `formats.timestamp` would
(`2021-05-31T02:22:32Z`), which on a page of 3000 saves ~15,000 Python calls."""


class JsonApiResponse(Response):
    media_type = JSON_API

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, JSON_API, background)

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, bytes):
            return content
        return orjson.dumps(content, option=ENCODING)


def resource(resource_id: object, resource_type: str, attributes: dict) -> dict:
    return {"id": str(resource_id), "type": resource_type, "attributes": attributes}


def single(item: dict) -> JsonApiResponse:
    return JsonApiResponse({"data": item})


def collection(items: Iterable[dict]) -> JsonApiResponse:
    return JsonApiResponse({"data": list(items)})


def empty(status_code: int) -> Response:
    return Response(b"", status_code=status_code, media_type=None)
