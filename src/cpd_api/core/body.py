"""Reading JSON:API request bodies with the public service's 400 for anything malformed."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from .errors import BadJson
from .jsonapi import JSON_REQUEST_TYPES


async def read_json(request: Request) -> Any:
    """The parsed body, or None when there is no JSON body at all.

    A non-JSON content type is treated as "no JSON body" (the public service did not parse
    it); a JSON content type with unparseable bytes is a 400, never a 500."""
    raw = await request.body()
    if not raw.strip():
        return None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in JSON_REQUEST_TYPES:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadJson() from None


def data_attributes(body: Any, *, required: bool = True) -> dict[str, Any] | None:
    """`data.attributes` of a body; a missing `data` member is the "correct json" 400."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        if required:
            raise BadJson()
        return None
    attributes = body["data"].get("attributes", {})
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        raise BadJson()
    return attributes
