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
        return orjson.dumps(content)


def resource(resource_id: object, resource_type: str, attributes: dict) -> dict:
    return {"id": str(resource_id), "type": resource_type, "attributes": attributes}


def single(item: dict) -> JsonApiResponse:
    return JsonApiResponse({"data": item})


def collection(items: Iterable[dict]) -> JsonApiResponse:
    return JsonApiResponse({"data": list(items)})


def empty(status_code: int) -> Response:
    return Response(b"", status_code=status_code, media_type=None)
