"""The published OpenAPI documents, generated from the routes and schemas in the code.

Each version gets its own document built from the routes under `/api/vN`. Query parameters
that FastAPI cannot describe (deepObject `filter` and `page`) are declared by endpoints with
`deep_object()`; the pydantic models behind them are registered here as components."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import yaml
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from .openapi_polish import polish

VERSIONS = ("v1", "v2", "v3")
REF = "#/components/schemas/{model}"
SERVERS = [
    {
        "url": "https://sb.manage-training-for-early-career-teachers.education.gov.uk",
        "description": "Sandbox",
    },
    {"url": "/", "description": "Current environment"},
    {
        "url": "https://manage-training-for-early-career-teachers.education.gov.uk",
        "description": "Production",
    },
]
SECURITY_SCHEMES = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "string"}}
DESCRIPTIONS = {
    "v1": "Lead provider API for ECF and NPQ training, version 1.",
    "v2": "Lead provider API for ECF and NPQ training, version 2.",
    "v3": "Lead provider API for ECF and NPQ training, version 3.",
}

_extra_schemas: dict[str, dict[str, dict[str, Any]]] = {v: {} for v in VERSIONS}


def _register(version: str | None, model: type[BaseModel]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template=REF)
    definitions = schema.pop("$defs", {})
    targets = [version] if version else list(VERSIONS)
    for target in targets:
        _extra_schemas[target][model.__name__] = schema
        _extra_schemas[target].update(definitions)
    return {"$ref": REF.format(model=model.__name__)}


def schema_ref(model: type[BaseModel], version: str | None = None) -> dict[str, str]:
    """A `$ref` to `model`, registering it (and what it references) as a component."""
    return _register(version, model)


def deep_object(
    name: str,
    model: type[BaseModel],
    description: str,
    example: str | None = None,
    *,
    required: bool = False,
    version: str | None = None,
) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "schema": schema_ref(model, version),
        "style": "deepObject",
        "explode": True,
        "required": required,
        "description": description,
    }
    if example:
        parameter["example"] = example
    return parameter


def form_parameter(
    name: str, schema: dict[str, Any], description: str, example: str | None = None
) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "schema": schema,
        "style": "form",
        "explode": False,
        "required": False,
        "description": description,
    }
    if example:
        parameter["example"] = example
    return parameter


def json_request_body(
    model: type[BaseModel], *, required: bool = True, version: str | None = None
) -> dict[str, Any]:
    """`openapi_extra` describing a JSON:API request body of `model`."""
    return {
        "requestBody": {
            "required": required,
            "content": {"application/json": {"schema": schema_ref(model, version)}},
        }
    }


def json_response(
    model: type[BaseModel] | None, description: str, version: str | None = None
) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if model is not None:
        content = {"application/json": {"schema": schema_ref(model, version)}}
    return (
        {"description": description, "content": content}
        if content
        else {"description": description}
    )


def _flatten(routes: Iterable[Any]) -> list[Any]:
    """Every route, also those inside included routers: FastAPI >= 0.16x keeps included
    routers as lazy `_IncludedRouter` entries and describes their routes as `RouteContext`s."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are already flat APIRoutes
        return list(routes)
    return list(iter_route_contexts(list(routes)))


def version_get_paths(routes: Iterable[Any], version: str) -> list[str]:
    """Paths of the GET operations registered for `version` (tests walk every list)."""
    return [
        route.path
        for route in _version_routes(routes, version)
        if "GET" in getattr(getattr(route, "original_route", route), "methods", ())
    ]


def _version_routes(routes: Iterable[Any], version: str) -> list[Any]:
    prefix = f"/api/{version}/"
    selected = []
    for route in _flatten(routes):
        original = getattr(route, "original_route", route)
        path = getattr(route, "path", None) or ""
        if isinstance(original, APIRoute) and path.startswith(prefix):
            selected.append(route)
    return selected


def build_document(app_routes: Iterable[Any], version: str, app_version: str) -> dict[str, Any]:
    document = get_openapi(
        title=f"Lead provider API {version}",
        version={"v1": "1.0.0", "v2": "2.0.0", "v3": "3.0.0"}[version],
        openapi_version="3.0.1",
        description=DESCRIPTIONS[version] + f" Served by cpd-api {app_version}.",
        routes=_version_routes(app_routes, version),
        servers=SERVERS,
    )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in _extra_schemas[version].items():
        schemas.setdefault(name, copy.deepcopy(schema))
    components["securitySchemes"] = SECURITY_SCHEMES
    document["security"] = [{"bearerAuth": []}]
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            operation.setdefault("security", [{"bearerAuth": []}])
            if _is_framework_422(operation):
                operation["responses"].pop("422")
    # Summaries, descriptions and examples for every operation (see openapi_polish).
    return polish(_downgrade_to_30(document))


def _is_framework_422(operation: dict[str, Any]) -> bool:
    response = operation.get("responses", {}).get("422", {})
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").endswith("/HTTPValidationError")


def _downgrade_to_30(node: Any) -> Any:
    """pydantic emits JSON Schema 2020-12; OpenAPI 3.0 wants `nullable` instead of null types."""
    if isinstance(node, list):
        return [_downgrade_to_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _downgrade_to_30(value) for key, value in node.items()}
    for key in ("anyOf", "oneOf"):
        variants = node.get(key)
        if isinstance(variants, list) and {"type": "null"} in variants:
            rest = [v for v in variants if v != {"type": "null"}]
            node.pop(key)
            if len(rest) == 1:
                if "$ref" in rest[0]:
                    node["allOf"] = rest
                else:
                    node.update(rest[0])
            else:
                node[key] = rest
            node["nullable"] = True
    if isinstance(node.get("type"), list):
        types = [t for t in node["type"] if t != "null"]
        if len(types) != len(node["type"]):
            node["nullable"] = True
        node["type"] = types[0] if len(types) == 1 else types
    if "const" in node:
        node["enum"] = [node.pop("const")]
    node.pop("$schema", None)
    if "examples" in node and isinstance(node["examples"], list) and "example" not in node:
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    return node


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


class PublishedSpecs:
    """Builds each version's YAML once per process (routes do not change after start-up)."""

    def __init__(self, app_routes: Iterable[Any], app_version: str) -> None:
        self._routes = list(app_routes)
        self._app_version = app_version
        self._yaml: dict[str, str] = {}
        self._documents: dict[str, dict[str, Any]] = {}

    def document(self, version: str) -> dict[str, Any]:
        if version not in self._documents:
            self._documents[version] = build_document(self._routes, version, self._app_version)
        return self._documents[version]

    def yaml(self, version: str) -> str:
        if version not in self._yaml:
            self._yaml[version] = to_yaml(self.document(version))
        return self._yaml[version]


class Pagination(BaseModel):
    """Countless paging: ask for pages until one comes back short or empty."""

    page: int | None = Field(None, ge=1, description="The page number (from 1).", examples=[1])
    per_page: int | None = Field(
        None, ge=1, description="Records per page (default 100, at most 3000).", examples=[100]
    )


def page_parameter(what: str) -> dict[str, Any]:
    """The deepObject `page` parameter of a list operation; `what` names the records."""
    return deep_object(
        "page",
        Pagination,
        f"Pagination options to navigate through the list of {what}.",
        "page[page]=1&page[per_page]=5",
    )


def sort_parameter(fields: Iterable[str], what: str) -> dict[str, Any]:
    """The v3 form-style `sort` parameter over `fields` (each also accepted with `-`)."""
    values: list[str] = []
    for name in fields:
        values.extend((name, f"-{name}"))
    return form_parameter(
        "sort",
        {"type": "array", "items": {"type": "string", "enum": values}},
        f"Sort {what} being returned.",
        "sort=-updated_at",
    )
