"""Finishing the published OpenAPI documents so they import cleanly into API tools: every
operation gets a summary, a description and examples, without each endpoint's owner having
to write them.

* Summary: the route's own summary, else the first line of its docstring, else one built from
  the method and path.
* Description: the route's docstring when it has one; otherwise a description assembled from
  what the operation actually declares (paging, filters, sorting, CSV, path ids, request body).
* Examples: generated from the response and request schemas (the same schemas the contract
  tests check responses against), so an example can never disagree with its schema. CSV
  responses get a header and a row built from the JSON variant of the same list.
* deepObject and form parameters get examples in the shape of their schema (an object, an
  array) instead of the query-string text that tools such as Swagger UI cannot submit.

Everything here works on the plain document dict after FastAPI has generated it."""

from __future__ import annotations

import copy
import re
from typing import Any

METHODS = ("get", "put", "post", "patch", "delete")
EXAMPLE_UUID = "db3a7848-7308-4879-942a-c4a70ced400a"
EXAMPLE_TIMESTAMP = "2025-05-31T02:22:32Z"
EXAMPLE_DATE = "2025-05-31"
MAX_DEPTH = 8


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema


def _string_example(schema: dict[str, Any], name: str) -> str:
    formats = {"uuid": EXAMPLE_UUID, "date-time": EXAMPLE_TIMESTAMP, "date": EXAMPLE_DATE}
    if schema.get("format") in formats:
        return formats[schema["format"]]
    lowered = name.lower()
    if lowered.endswith("_id") or lowered == "id":
        return EXAMPLE_UUID
    if lowered.endswith("_at"):
        return EXAMPLE_TIMESTAMP
    if lowered.endswith("_date"):
        return EXAMPLE_DATE
    if lowered == "email":
        return "jane.smith@example.com"
    return "string"


def example_for(document: dict[str, Any], schema: Any, name: str = "", depth: int = 0) -> Any:
    """A value that satisfies `schema`, preferring the examples the schema itself gives."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    schema = _resolve(document, schema)
    if "example" in schema:
        return copy.deepcopy(schema["example"])
    if schema.get("examples"):
        return copy.deepcopy(schema["examples"][0])
    if "default" in schema and schema["default"] is not None:
        return copy.deepcopy(schema["default"])
    if schema.get("enum"):
        return schema["enum"][0]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if schema.get(combinator):
            if combinator == "allOf" and len(schema[combinator]) > 1:
                merged: dict[str, Any] = {}
                for part in schema[combinator]:
                    value = example_for(document, part, name, depth + 1)
                    if isinstance(value, dict):
                        merged.update(value)
                if merged:
                    return merged
            return example_for(document, schema[combinator][0], name, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            key: example_for(document, value, key, depth + 1)
            for key, value in schema.get("properties", {}).items()
        }
    if kind == "array":
        item = example_for(document, schema.get("items", {}), name, depth + 1)
        return [] if item is None else [item]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "string":
        return _string_example(schema, name)
    return None


# --- parameters ------------------------------------------------------------------------------

_PAIR = re.compile(r"^([^\[=]+)\[([^\]]+)\]=(.*)$")


def _scalar(text: str) -> Any:
    return int(text) if text.isdigit() else text


def _parameter_example(parameter: dict[str, Any], document: dict[str, Any]) -> None:
    """Give deepObject (`filter`, `page`) and array parameters an example of their shape."""
    example = parameter.get("example")
    schema = _resolve(document, parameter.get("schema", {}))
    if parameter.get("style") == "deepObject" and "[" not in parameter.get("name", ""):
        if isinstance(example, str):
            values = {}
            for pair in example.split("&"):
                match = _PAIR.match(pair)
                if match and match.group(1) == parameter["name"]:
                    values[match.group(2)] = _scalar(match.group(3))
            if values:
                parameter["example"] = values
                return
            parameter.pop("example")
        if "example" not in parameter and schema.get("properties"):
            first = next(iter(schema["properties"]))
            value = example_for(document, schema["properties"][first], first)
            parameter["example"] = {first: value}
        return
    if schema.get("type") == "array" and isinstance(example, str):
        text = example.split("=", 1)[-1]
        parameter["example"] = [part for part in text.split(",") if part]


# --- summaries and descriptions --------------------------------------------------------------


def _summary(method: str, path: str) -> str:
    resource = path.rstrip("/").rsplit("/", 1)[-1]
    if resource.startswith("{"):
        resource = path.rstrip("/").rsplit("/", 2)[-2]
    words = resource.replace("-", " ").replace(".csv", " as CSV")
    verbs = {"get": "Read", "post": "Create", "put": "Update", "delete": "Delete"}
    return f"{verbs.get(method, method.upper())} {words}"


def _parameter_names(operation: dict[str, Any], document: dict[str, Any]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for parameter in operation.get("parameters", []):
        name = parameter.get("name", "")
        schema = _resolve(document, parameter.get("schema", {}))
        if parameter.get("style") == "deepObject" and "[" not in name:
            keys = list(schema.get("properties", {}))
            names.setdefault(name, []).extend(f"{name}[{key}]" for key in keys)
        elif "[" in name:
            names.setdefault(name.split("[", 1)[0], []).append(name)
        else:
            names.setdefault(name, []).append(name)
    return names


def describe(method: str, path: str, operation: dict[str, Any], document: dict[str, Any]) -> str:
    """A description from what the operation declares, for routes without a docstring."""
    summary = operation.get("summary") or _summary(method, path)
    sentences = [summary.rstrip(".") + "."]
    names = _parameter_names(operation, document)
    in_path = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"]
    if path.endswith(".csv"):
        sentences.append(
            "The response is CSV with a header row and one row per record, all records at once."
        )
    elif "page" in names:
        sentences.append(
            "The list is paged with `page[page]` and `page[per_page]` (100 by default, at most "
            "3000); a page shorter than `per_page` is the last one."
        )
    filters = names.get("filter", [])
    if filters:
        listed = ", ".join(f"`{name}`" for name in filters)
        sentences.append(f"Narrow the results with {listed}.")
    if "sort" in names:
        sentences.append(
            "Order them with `sort`, a comma-separated list of fields, each optionally "
            "prefixed with `-` for descending order."
        )
    if in_path:
        sentences.append(
            "A record that does not exist, or that belongs to another provider, gets `404`."
        )
    if operation.get("requestBody"):
        sentences.append(
            'Send a JSON:API document, `{"data": {"type": …, "attributes": {…}}}`. A body that '
            "is not JSON or has no `data` gets `400`; data that breaks a rule gets `422` with "
            "one error per attribute, and nothing is changed."
        )
    sentences.append("Only your own provider's data is ever returned or changed.")
    return " ".join(sentences)


# --- examples -------------------------------------------------------------------------------


def _csv_example(document: dict[str, Any], path: str) -> str | None:
    """A header and one row taken from the JSON example of the same list without `.csv`."""
    sibling = document.get("paths", {}).get(path.removesuffix(".csv"), {}).get("get")
    if not sibling:
        return None
    for response in sibling.get("responses", {}).values():
        for media in response.get("content", {}).values():
            example = media.get("example") if isinstance(media, dict) else None
            data = example.get("data") if isinstance(example, dict) else None
            if isinstance(data, list) and data and isinstance(data[0], dict):
                record = {"id": data[0].get("id"), **(data[0].get("attributes") or {})}
                columns = [k for k, v in record.items() if not isinstance(v, dict | list)]
                values = ["" if record[k] is None else str(record[k]) for k in columns]
                return ",".join(columns) + "\n" + ",".join(values) + "\n"
    return None


def _media_examples(
    document: dict[str, Any], path: str, content: dict[str, Any], *, csv_pass: bool
) -> None:
    for media_type, media in content.items():
        if not isinstance(media, dict) or "example" in media or "examples" in media:
            continue
        if "csv" in media_type:
            if csv_pass:
                media["example"] = _csv_example(document, path) or "id\n" + EXAMPLE_UUID + "\n"
            continue
        if csv_pass:
            continue
        value = example_for(document, media.get("schema", {}))
        if value is not None:
            media["example"] = value


def polish(document: dict[str, Any]) -> dict[str, Any]:
    """Fill summaries, descriptions and examples in place; returns the document."""
    operations = [
        (method, path, operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS and isinstance(operation, dict)
    ]
    for method, path, operation in operations:
        for parameter in operation.get("parameters", []):
            _parameter_example(parameter, document)
        if not operation.get("summary"):
            operation["summary"] = _summary(method, path)
        if not operation.get("description"):
            operation["description"] = describe(method, path, operation, document)
        body = operation.get("requestBody", {})
        _media_examples(document, path, body.get("content", {}), csv_pass=False)
        for response in operation.get("responses", {}).values():
            _media_examples(document, path, response.get("content", {}), csv_pass=False)
    for _method, path, operation in operations:
        for response in operation.get("responses", {}).values():
            _media_examples(document, path, response.get("content", {}), csv_pass=True)
    return document
