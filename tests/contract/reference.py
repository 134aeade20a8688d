"""Contract harness: the reference OpenAPI 3.0 documents as executable JSON Schema checks.

The documents (``v1.json``, ``v2.json``, ``v3.json``) are *read* from the reference folder, never
copied into the project. The folder is, in order of preference:

1. the directory named by the environment variable ``CPD_API_REFERENCE_SPECS``;
2. ``../shared/reference/openapi`` relative to the repository root (the sibling ``shared`` folder).

When a document is absent, :func:`load_reference` skips the calling test (or module) with a reason
naming the folder that was searched. :func:`find_reference` is the non-pytest variant that returns
``None`` instead.

Typical use from an endpoint test::

    from tests.contract.reference import assert_matches_contract

    response = client.get(f"/api/v3/participants/ecf/{participant_id}", headers=auth)
    assert response.status_code == 200
    assert_matches_contract("v3", "GET", response.request.url.path, 200, response.json(),
                            strict_attributes=True)
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

__all__ = [
    "ENV_VAR",
    "HTTP_METHODS",
    "OPENAPI_ONLY_KEYWORDS",
    "UNDOCUMENTED_STATUSES",
    "VERSIONS",
    "ContractViolation",
    "NotDocumented",
    "assert_documented_status",
    "assert_error_document",
    "assert_matches_contract",
    "assert_not_found_document",
    "assert_unauthorised_document",
    "attribute_names",
    "attribute_violations",
    "clear_caches",
    "contract_violations",
    "default_reference_dir",
    "documented_statuses",
    "error_document_violations",
    "find_reference",
    "format_checker",
    "is_date",
    "is_date_time",
    "is_uuid",
    "load_reference",
    "match_path",
    "operation",
    "reference_dir",
    "reference_operations",
    "request_examples",
    "request_schema",
    "response_content_type",
    "response_schema",
    "schema_violations",
    "searched_dir",
    "select_template",
    "to_json_schema",
]

ENV_VAR = "CPD_API_REFERENCE_SPECS"
VERSIONS = ("v1", "v2", "v3")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: Statuses the service may return that no reference document describes (README, "Known gaps").
UNDOCUMENTED_STATUSES = frozenset({403, 406, 429})

#: OpenAPI 3.0 schema keywords with no JSON Schema validation meaning; removed on conversion.
OPENAPI_ONLY_KEYWORDS = frozenset(
    {
        "example",
        "examples",
        "xml",
        "discriminator",
        "readOnly",
        "writeOnly",
        "deprecated",
        "externalDocs",
        "nullable",
    }
)

_REPO_ROOT = Path(__file__).resolve().parents[2]
_JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class NotDocumented(AssertionError):
    """The operation, status or schema asked for is not in the reference document."""


class ContractViolation(AssertionError):
    """A response body does not conform to the reference document."""


# --------------------------------------------------------------------------------------------
# Locating and loading the documents
# --------------------------------------------------------------------------------------------


def default_reference_dir() -> Path:
    """``../shared/reference/openapi`` relative to the repository root."""
    return _REPO_ROOT.parent / "shared" / "reference" / "openapi"


def searched_dir() -> Path:
    """The folder the documents are looked up in (whether or not it exists)."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    return default_reference_dir()


def reference_dir() -> Path | None:
    """The reference folder, or ``None`` when it does not hold any ``vN.json`` document."""
    folder = searched_dir()
    if folder.is_dir() and any((folder / f"{v}.json").is_file() for v in VERSIONS):
        return folder
    return None


def _normalise_version(version: str | int) -> str:
    text = str(version).strip().lower()
    if not text.startswith("v"):
        text = f"v{text}"
    if text not in VERSIONS:
        raise ValueError(f"unknown API version {version!r}; expected one of {', '.join(VERSIONS)}")
    return text


@functools.cache
def _read_document(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _document_path(version: str | int) -> Path:
    return searched_dir() / f"{_normalise_version(version)}.json"


def find_reference(version: str | int) -> dict[str, Any] | None:
    """The parsed reference document for ``version`` (cached), or ``None`` when absent.

    The returned dict is shared by every caller: treat it as read-only.
    """
    path = _document_path(version)
    if not path.is_file():
        return None
    return _read_document(str(path))


def _missing_reason(version: str | int) -> str:
    name = f"{_normalise_version(version)}.json"
    return (
        f"reference OpenAPI document {name} not found in {searched_dir()} "
        f"(set {ENV_VAR} to the folder holding v1.json, v2.json and v3.json, "
        f"or provide the sibling folder {default_reference_dir()})"
    )


def load_reference(version: str | int) -> dict[str, Any]:
    """The parsed reference document for ``version``; skips the test when it is absent."""
    document = find_reference(version)
    if document is None:
        pytest.skip(_missing_reason(version), allow_module_level=True)
    return document


def clear_caches() -> None:
    """Forget every loaded document and converted schema (e.g. after changing ``ENV_VAR``)."""
    _read_document.cache_clear()
    _converted_response_schema.cache_clear()
    _converted_request_schema.cache_clear()
    _validator_for.cache_clear()


# --------------------------------------------------------------------------------------------
# Operations and path matching
# --------------------------------------------------------------------------------------------


def _full_path(version: str, path: str) -> str:
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    if len(path) > 1:
        path = path.rstrip("/")
    if not path.startswith("/api/"):
        path = f"/api/{version}{path}"
    return path


def _is_template_segment(segment: str) -> bool:
    return len(segment) > 2 and segment.startswith("{") and segment.endswith("}")


def _template_rank(template: str, concrete: str) -> tuple[bool, ...] | None:
    """Literal-segment flags when ``concrete`` matches ``template``, else ``None``.

    A higher tuple (compared left to right) is a more literal, hence preferred, match.
    """
    t_parts = template.split("/")
    c_parts = concrete.split("/")
    if len(t_parts) != len(c_parts):
        return None
    flags = []
    for t_seg, c_seg in zip(t_parts, c_parts, strict=True):
        if _is_template_segment(t_seg):
            if not c_seg:
                return None
            flags.append(False)
        elif t_seg == c_seg:
            flags.append(True)
        else:
            return None
    return tuple(flags)


def reference_operations(version: str | int) -> set[tuple[str, str]]:
    """Every documented ``(METHOD, path template)`` pair."""
    document = load_reference(version)
    return {
        (method.upper(), template)
        for template, item in document.get("paths", {}).items()
        for method in item
        if method in HTTP_METHODS
    }


def select_template(templates: Iterable[str], path: str) -> str | None:
    """The template among ``templates`` that best matches the concrete (or template) ``path``.

    A ``{param}`` segment matches any single non-empty segment; literal segments must be equal.
    Literal matches win over ``{param}`` ones, compared segment by segment from the left (so
    ``/participants/ecf/transfers`` beats ``/participants/ecf/{id}``). ``None`` if none match.
    """
    ranked = []
    for template in templates:
        rank = _template_rank(template, path)
        if rank is not None:
            ranked.append((rank, template))
    if not ranked:
        return None
    ranked.sort(reverse=True)
    return ranked[0][1]


def match_path(version: str | int, method: str, path: str) -> str:
    """The documented path template that a template or concrete ``path`` designates.

    ``path`` may be a template (``/api/v3/participants/ecf/{id}``), a concrete path
    (``/api/v3/participants/ecf/5f1f...``, query string ignored) or either of those without the
    ``/api/vN`` prefix. Only templates documenting ``method`` are considered (as a router
    would); among those, :func:`select_template` picks the most literal one.
    """
    version = _normalise_version(version)
    paths = load_reference(version).get("paths", {})
    method_key = method.lower()
    wanted = _full_path(version, path)
    chosen = select_template((t for t, item in paths.items() if method_key in item), wanted)
    if chosen is not None:
        return chosen
    shape_matches = sorted(t for t in paths if _template_rank(t, wanted) is not None)
    if shape_matches:
        raise NotDocumented(
            f"{version}: {method.upper()} is not documented for {wanted} "
            f"(documented paths matching it: {', '.join(shape_matches)})"
        )
    raise NotDocumented(f"{version}: no documented path matches {wanted}")


def operation(version: str | int, method: str, path: str) -> dict[str, Any]:
    """The OpenAPI operation object for ``method`` on ``path`` (template or concrete)."""
    template = match_path(version, method, path)
    return load_reference(version)["paths"][template][method.lower()]


def documented_statuses(version: str | int, method: str, path: str) -> set[str]:
    """Response status keys documented for the operation (e.g. ``{"200", "401"}``)."""
    return set(operation(version, method, path).get("responses", {}))


def assert_documented_status(
    version: str | int, method: str, path: str, status: int | str, *, also: Iterable[int] = ()
) -> None:
    """Fail unless ``status`` is documented for the operation, or is one of the statuses the
    README lists as undocumented (:data:`UNDOCUMENTED_STATUSES`) or in ``also``."""
    code = int(status)
    if code in UNDOCUMENTED_STATUSES or code in set(also):
        return
    if _response_object(version, method, path, status, required=False) is None:
        template = match_path(version, method, path)
        listed = ", ".join(sorted(documented_statuses(version, method, path)))
        raise NotDocumented(
            f"{_normalise_version(version)}: status {code} is not documented for "
            f"{method.upper()} {template} (documented: {listed})"
        )


# --------------------------------------------------------------------------------------------
# OpenAPI 3.0 schema -> JSON Schema (2020-12)
# --------------------------------------------------------------------------------------------


def _resolve_pointer(document: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"only internal $refs are supported, got {ref!r}")
    node: Any = document
    pointer = ref[1:]
    if not pointer:
        return node
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise NotDocumented(f"$ref {ref!r} does not resolve")
    return node


class _Converter:
    """Inlines internal ``$ref``s and rewrites OpenAPI 3.0 keywords as JSON Schema.

    References met again while they are being expanded (recursive schemas) become
    ``{"$ref": "#/$defs/<name>"}``, and the expansion is stored once under ``$defs``.
    """

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.defs: dict[str, Any] = {}
        self._expanding: list[str] = []
        self._recursive: set[str] = set()
        self._names: dict[str, str] = {}

    def _def_name(self, ref: str) -> str:
        if ref not in self._names:
            base = re.sub(r"[^A-Za-z0-9_.-]", "_", ref.rsplit("/", 1)[-1]) or "root"
            name, counter = base, 1
            while name in self._names.values():
                counter += 1
                name = f"{base}_{counter}"
            self._names[ref] = name
        return self._names[ref]

    def root(self, schema: Any) -> Any:
        converted = self.convert(schema)
        if isinstance(converted, bool):
            converted = {} if converted else {"not": {}}
        result = {"$schema": _JSON_SCHEMA_DIALECT, **converted}
        if self.defs:
            result["$defs"] = self.defs
        return result

    def _expand_ref(self, ref: str) -> Any:
        if ref in self._expanding:
            self._recursive.add(ref)
            return {"$ref": f"#/$defs/{self._def_name(ref)}"}
        self._expanding.append(ref)
        try:
            expanded = self.convert(_resolve_pointer(self.document, ref))
        finally:
            self._expanding.pop()
        if ref in self._recursive and self._def_name(ref) not in self.defs:
            self.defs[self._def_name(ref)] = expanded
        return expanded

    def convert(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        nullable = node.get("nullable") is True
        if "$ref" in node:
            # OpenAPI 3.0 ignores siblings of $ref; ``nullable`` is honoured as the common intent.
            target = self._expand_ref(node["$ref"])
            return _allow_null(target) if nullable else target

        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in OPENAPI_ONLY_KEYWORDS or key.startswith("x-"):
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: self.convert(sub) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not"):
                out[key] = self.convert(value)
            elif key in ("allOf", "anyOf", "oneOf"):
                out[key] = [self.convert(sub) for sub in value]
            elif key == "required":
                if isinstance(value, list):  # a boolean ``required`` inside a property is a defect
                    out[key] = list(value)
            elif key in ("exclusiveMinimum", "exclusiveMaximum"):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if isinstance(value, bool):
                    if value and bound in node:
                        out[key] = node[bound]
                else:
                    out[key] = value
            elif key in ("minimum", "maximum"):
                flag = "exclusiveMinimum" if key == "minimum" else "exclusiveMaximum"
                if node.get(flag) is not True:
                    out[key] = value
            else:
                out[key] = copy.deepcopy(value)
        return _allow_null(out) if nullable else out


def _allow_null(schema: Any) -> Any:
    """``schema`` extended so that JSON ``null`` is also valid."""
    if not isinstance(schema, dict):
        return True if schema is False else schema
    if any(key in schema for key in ("allOf", "anyOf", "oneOf", "not", "$ref", "const")):
        return {"anyOf": [{"type": "null"}, schema]}
    out = dict(schema)
    if "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        if "null" not in types:
            out["type"] = [*types, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out


def to_json_schema(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """A standalone JSON Schema (2020-12) equivalent to the OpenAPI 3.0 ``schema``.

    Internal ``$ref``s are resolved against ``document``; ``nullable: true`` admits ``null``
    (also next to ``enum``, ``format``, ``$ref`` and ``allOf``/``anyOf``/``oneOf``); OpenAPI-only
    keywords are dropped. ``format`` is kept (see :func:`format_checker`).
    """
    return _Converter(document).root(schema)


# --------------------------------------------------------------------------------------------
# Formats (strict)
# --------------------------------------------------------------------------------------------

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))"
)


def _valid_ymd(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return 1 <= day <= days


def is_uuid(value: object) -> bool:
    """Canonical UUID text: lowercase hexadecimal, hyphenated 8-4-4-4-12."""
    return isinstance(value, str) and _UUID_RE.fullmatch(value) is not None


def is_date(value: object) -> bool:
    """RFC 3339 ``full-date`` (``YYYY-MM-DD``) naming a real calendar day."""
    if not isinstance(value, str):
        return False
    match = _DATE_RE.fullmatch(value)
    return match is not None and _valid_ymd(*(int(g) for g in match.groups()))


def is_date_time(value: object) -> bool:
    """RFC 3339 ``date-time``: date, ``T``, time with seconds, optional fraction, and a
    mandatory offset (``Z`` or ``±hh:mm``). ``T``/``Z`` may be lowercase, as RFC 3339 allows."""
    if not isinstance(value, str):
        return False
    match = _DATE_TIME_RE.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not _valid_ymd(year, month, day) or hour > 23 or minute > 59 or second > 60:
        return False
    off_hour, off_minute = match.group(7), match.group(8)
    return off_hour is None or (int(off_hour) <= 23 and int(off_minute) <= 59)


def format_checker() -> FormatChecker:
    """A format checker asserting ``date-time``, ``date`` and ``uuid`` strictly.

    Non-string instances pass (``format`` only constrains strings); other formats are
    annotations only.
    """
    checker = FormatChecker(formats=())
    for name, predicate in (("date-time", is_date_time), ("date", is_date), ("uuid", is_uuid)):
        checker.checks(name)(_string_only(predicate))
    return checker


def _string_only(predicate: Any) -> Any:
    def check(instance: object) -> bool:
        return not isinstance(instance, str) or predicate(instance)

    return check


_FORMAT_CHECKER = format_checker()


# --------------------------------------------------------------------------------------------
# Schemas of documented requests and responses
# --------------------------------------------------------------------------------------------


def _response_object(
    version: str | int, method: str, path: str, status: int | str, *, required: bool = True
) -> dict[str, Any] | None:
    responses = operation(version, method, path).get("responses", {})
    key = str(status).upper()
    for candidate in (key, f"{key[:1]}XX", "DEFAULT"):
        for documented, response in responses.items():
            if str(documented).upper() == candidate:
                if "$ref" in response:
                    response = _resolve_pointer(load_reference(version), response["$ref"])
                return response
    if not required:
        return None
    template = match_path(version, method, path)
    listed = ", ".join(sorted(responses)) or "none"
    raise NotDocumented(
        f"{_normalise_version(version)}: status {status} is not documented for "
        f"{method.upper()} {template} (documented: {listed})"
    )


def _pick_content(
    content: dict[str, Any], content_type: str | None
) -> tuple[str, dict[str, Any]] | None:
    if not content:
        return None
    if content_type is not None:
        wanted = content_type.split(";", 1)[0].strip().lower()
        for name, media in content.items():
            if name.lower() == wanted:
                return name, media
        return None
    for name, media in content.items():
        if name.lower() == "application/json":
            return name, media
    for name, media in content.items():
        if name.lower().endswith("+json") or name.lower().endswith("/json"):
            return name, media
    name = next(iter(content))
    return name, content[name]


@functools.cache
def _converted_response_schema(
    document_path: str,
    version: str,
    method: str,
    template: str,
    status: str,
    content_type: str | None,
) -> tuple[str, dict[str, Any]] | None:
    response = _response_object(version, method, template, status)
    assert response is not None
    picked = _pick_content(response.get("content", {}), content_type)
    if picked is None or "schema" not in picked[1]:
        return None
    name, media = picked
    return name, to_json_schema(load_reference(version), media["schema"])


def response_schema(
    version: str | int,
    method: str,
    path: str,
    status: int | str,
    content_type: str | None = None,
) -> dict[str, Any] | None:
    """The documented response body schema, as a standalone JSON Schema.

    Uses the ``application/json`` content when documented (else a ``*json`` one, else the first
    one), or exactly ``content_type`` when given. ``None`` when the response documents no body.
    Raises :class:`NotDocumented` for an undocumented operation or status. The returned dict is
    shared (cached): treat it as read-only.
    """
    version = _normalise_version(version)
    template = match_path(version, method, path)
    result = _converted_response_schema(
        str(_document_path(version)), version, method.lower(), template, str(status), content_type
    )
    return None if result is None else result[1]


def response_content_type(
    version: str | int, method: str, path: str, status: int | str
) -> str | None:
    """The media type whose schema :func:`response_schema` returns by default."""
    response = _response_object(version, method, path, status)
    assert response is not None
    picked = _pick_content(response.get("content", {}), None)
    return None if picked is None else picked[0]


@functools.cache
def _converted_request_schema(
    document_path: str, version: str, method: str, template: str
) -> dict[str, Any] | None:
    body = load_reference(version)["paths"][template][method].get("requestBody")
    if body is None:
        return None
    if "$ref" in body:
        body = _resolve_pointer(load_reference(version), body["$ref"])
    picked = _pick_content(body.get("content", {}), None)
    if picked is None or "schema" not in picked[1]:
        return None
    return to_json_schema(load_reference(version), picked[1]["schema"])


def request_schema(version: str | int, method: str, path: str) -> dict[str, Any] | None:
    """The documented request body schema as JSON Schema, or ``None`` when none is documented."""
    version = _normalise_version(version)
    template = match_path(version, method, path)
    return _converted_request_schema(
        str(_document_path(version)), version, method.lower(), template
    )


def request_examples(version: str | int, method: str, path: str) -> dict[str, Any]:
    """Documented request body examples, by label (empty when there are none).

    Labels: the names of media-type ``examples``; ``"example"`` for a media-type ``example``;
    ``"schema:<Name>"`` (or ``"schema"`` for an inline schema) for an ``example`` on the request
    body schema itself. Values are deep copies, free to modify.
    """
    version = _normalise_version(version)
    document = load_reference(version)
    body = operation(version, method, path).get("requestBody")
    if body is None:
        return {}
    if "$ref" in body:
        body = _resolve_pointer(document, body["$ref"])
    picked = _pick_content(body.get("content", {}), None)
    if picked is None:
        return {}
    media = picked[1]
    found: dict[str, Any] = {}
    for name, example in (media.get("examples") or {}).items():
        if "$ref" in example:
            example = _resolve_pointer(document, example["$ref"])
        if "value" in example:
            found[name] = copy.deepcopy(example["value"])
    if "example" in media:
        found["example"] = copy.deepcopy(media["example"])
    schema = media.get("schema")
    label = "schema"
    while isinstance(schema, dict) and "$ref" in schema:
        label = "schema:" + schema["$ref"].rsplit("/", 1)[-1]
        schema = _resolve_pointer(document, schema["$ref"])
    if isinstance(schema, dict) and "example" in schema:
        found[label] = copy.deepcopy(schema["example"])
    return found


def attribute_names(version: str | int, schema_name: str) -> list[str]:
    """Property names of component schema ``schema_name``, in document order.

    ``$ref``s are followed and ``allOf`` members contribute their properties in order.
    """
    document = load_reference(version)
    schemas = document.get("components", {}).get("schemas", {})
    if schema_name not in schemas:
        raise NotDocumented(
            f"{_normalise_version(version)}: no component schema named {schema_name!r}"
        )
    names: list[str] = []

    def collect(node: Any, seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            if node["$ref"] in seen:
                return
            collect(_resolve_pointer(document, node["$ref"]), seen | {node["$ref"]})
            return
        for name in node.get("properties", {}):
            if name not in names:
                names.append(name)
        for member in node.get("allOf", []):
            collect(member, seen)

    collect(schemas[schema_name], frozenset())
    return names


# --------------------------------------------------------------------------------------------
# Validation and reporting
# --------------------------------------------------------------------------------------------

_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _json_path(parts: Iterable[Any]) -> str:
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER_RE.fullmatch(str(part)):
            text += f".{part}"
        else:
            text += f"[{json.dumps(str(part))}]"
    return text


def _shorten(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_repr(value: Any, limit: int = 240) -> str:
    return _shorten(json.dumps(value, default=str), limit)


def _error_message(error: ValidationError) -> str:
    if error.validator == "format":
        return f"{_json_repr(error.instance, 120)} is not a valid {error.validator_value}"
    if error.validator == "enum":
        return f"{_json_repr(error.instance, 80)} is not one of {_json_repr(error.validator_value)}"
    if error.validator == "const":
        return f"{_json_repr(error.instance, 80)} is not {_json_repr(error.validator_value)}"
    if error.validator in ("type", "anyOf", "oneOf", "allOf", "not"):
        instance = _json_repr(error.instance, 80)
        if error.validator == "type":
            return f"{instance} is not of type {error.validator_value!r}"
        if error.validator == "oneOf" and not error.context:
            return f"{instance} matches more than one of the oneOf variants"
        return f"{instance} does not match {error.validator}"
    return _shorten(error.message)


def _is_null_branch_miss(errors: list[ValidationError]) -> bool:
    return (
        len(errors) == 1
        and errors[0].validator == "type"
        and errors[0].validator_value == "null"
        and not errors[0].relative_path
    )


def _describe(error: ValidationError, indent: str = "") -> list[str]:
    where = _json_path(error.absolute_path)
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
        relevant = {i: errs for i, errs in branches.items() if not _is_null_branch_miss(errs)}
        if len(relevant) == 1:  # e.g. a nullable wrapper: report the real branch directly
            (only,) = relevant.values()
            return [line for sub in _sorted(only) for line in _describe(sub, indent)]
        lines = [f"{indent}{where}: matches none of the {len(branches)} {error.validator} variants"]
        for index, errs in sorted(relevant.items()):
            lines.append(f"{indent}  variant {index}:")
            for sub in _sorted(errs):
                lines.extend(_describe(sub, indent + "    "))
        return lines
    return [f"{indent}{where}: {_error_message(error)}"]


def _sorted(errors: Iterable[ValidationError]) -> list[ValidationError]:
    return sorted(errors, key=lambda e: ([str(p) for p in e.absolute_path], str(e.validator)))


@functools.lru_cache(maxsize=256)
def _validator_for(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=_FORMAT_CHECKER)


def schema_violations(schema: dict[str, Any], instance: Any) -> list[str]:
    """Every violation of JSON Schema ``schema`` by ``instance``, as ``"<json path>: <what>"``."""
    validator = _validator_for(json.dumps(schema, sort_keys=True))
    return [line for error in _sorted(validator.iter_errors(instance)) for line in _describe(error)]


def _deref(root: dict[str, Any], node: Any) -> Any:
    seen = set()
    while isinstance(node, dict) and "$ref" in node and node["$ref"] not in seen:
        seen.add(node["$ref"])
        node = _resolve_pointer(root, node["$ref"])
    return node


def _variants(root: dict[str, Any], node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Object-ish alternatives of ``node``: expands ``anyOf``/``oneOf`` and drops null-only ones.

    ``allOf`` members are merged into the alternative (properties concatenated)."""
    node = _deref(root, node)
    if not isinstance(node, dict) or depth > 20:
        return
    if node.get("type") == "null":
        return
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives:
        base = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}
        for alternative in alternatives:
            for variant in _variants(root, alternative, depth + 1):
                yield _merge(base, variant)
        return
    if node.get("allOf"):
        merged: list[dict[str, Any]] = [{k: v for k, v in node.items() if k != "allOf"}]
        for member in node["allOf"]:
            options = list(_variants(root, member, depth + 1)) or [{}]
            merged = [_merge(left, right) for left in merged for right in options]
        yield from merged
        return
    yield node


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    if not left:
        return right
    out = dict(left)
    for key, value in right.items():
        if key == "properties" and "properties" in out:
            out["properties"] = {**out["properties"], **value}
        else:
            out[key] = value
    return out


def _property_schemas(root: dict[str, Any], node: Any, name: str) -> list[Any]:
    return [v["properties"][name] for v in _variants(root, node) if name in v.get("properties", {})]


def _item_schemas(root: dict[str, Any], node: Any) -> list[Any]:
    return [v["items"] for v in _variants(root, node) if isinstance(v.get("items"), dict)]


def attribute_violations(schema: dict[str, Any], body: Any) -> list[str]:
    """Resource ``attributes`` whose key set is not exactly a documented property set.

    Walks ``data`` (object) or ``data[]`` (list) items of ``body``; for each item's
    ``attributes`` object, the keys must equal the ``properties`` of at least one variant of
    the documented attributes schema (``anyOf``/``oneOf`` alternatives are tried in turn).
    Attributes schemas that document no properties are not checked.
    """
    if not isinstance(body, dict) or "data" not in body:
        return []
    data = body["data"]
    data_schemas = _property_schemas(schema, schema, "data")
    if isinstance(data, list):
        item_schemas = [i for s in data_schemas for i in _item_schemas(schema, s)]
        items = [(["data", index], item) for index, item in enumerate(data)]
    else:
        item_schemas = data_schemas
        items = [(["data"], data)]
    attribute_schemas = [
        a for s in item_schemas for a in _property_schemas(schema, s, "attributes")
    ]
    key_sets: list[list[str]] = []
    for attribute_schema in attribute_schemas:
        for variant in _variants(schema, attribute_schema):
            names = list(variant.get("properties", {}))
            if names and names not in key_sets:
                key_sets.append(names)
    if not key_sets:
        return []
    problems: list[str] = []
    for location, item in items:
        if not isinstance(item, dict) or not isinstance(item.get("attributes"), dict):
            continue
        actual = set(item["attributes"])
        if any(actual == set(names) for names in key_sets):
            continue
        closest = min(key_sets, key=lambda names: len(actual.symmetric_difference(names)))
        where = _json_path([*location, "attributes"])
        extra = sorted(actual.difference(closest))
        missing = [name for name in closest if name not in actual]
        details = []
        if extra:
            details.append(f"undocumented attribute(s) {', '.join(extra)}")
        if missing:
            details.append(f"missing documented attribute(s) {', '.join(missing)}")
        variants = f" (closest of {len(key_sets)} documented variants)" if len(key_sets) > 1 else ""
        problems.append(f"{where}: {'; '.join(details)}{variants}")
    return problems


def contract_violations(
    version: str | int,
    method: str,
    path: str,
    status: int | str,
    body: Any,
    *,
    strict_attributes: bool = False,
    content_type: str | None = None,
) -> list[str]:
    """Every way ``body`` departs from the documented 2xx response (empty when it conforms)."""
    code = int(status)
    if not 200 <= code <= 299:
        raise ValueError(
            f"assert_matches_contract checks 2xx responses only (got {code}); error bodies differ "
            "from the documents (README 'Known gaps'): use assert_error_document, "
            "assert_not_found_document or assert_unauthorised_document"
        )
    schema = response_schema(version, method, path, status, content_type)
    if schema is None:
        if body in (None, "", b""):
            return []
        return ["$: the documented response has no body, but one was given"]
    problems = schema_violations(schema, body)
    if strict_attributes:
        problems.extend(attribute_violations(schema, body))
    return problems


def assert_matches_contract(
    version: str | int,
    method: str,
    path: str,
    status: int | str,
    body: Any,
    *,
    strict_attributes: bool = False,
    content_type: str | None = None,
) -> None:
    """Fail unless the parsed JSON ``body`` of a 2xx response conforms to the reference document.

    ``path`` may be concrete (``/api/v3/participants/ecf/<uuid>``). With
    ``strict_attributes=True`` each resource's ``attributes`` must also carry exactly the
    documented attribute names (null rather than omitted). Raises :class:`NotDocumented` when
    the operation or status is not documented, :class:`ContractViolation` listing every
    violation with its JSON path otherwise.
    """
    problems = contract_violations(
        version,
        method,
        path,
        status,
        body,
        strict_attributes=strict_attributes,
        content_type=content_type,
    )
    if problems:
        template = match_path(version, method, path)
        header = (
            f"{_normalise_version(version)} {method.upper()} {template} {status}: response body "
            f"violates the reference document ({len(problems)} problem(s)):"
        )
        raise ContractViolation("\n".join([header, *("  " + p for p in problems)]))


# --------------------------------------------------------------------------------------------
# Error bodies (documented differently from what the service returns; see README "Known gaps")
# --------------------------------------------------------------------------------------------


def error_document_violations(body: Any, *, title: str | None = None) -> list[str]:
    """Departures from ``{"errors": [{"title": str, "detail": str}, ...]}``.

    A top-level ``"error"`` string is tolerated next to ``errors`` (the dual-shape 404 body);
    error objects must hold exactly ``title`` and ``detail``. With ``title``, at least one error
    must have that title.
    """
    if not isinstance(body, dict):
        return [f"$: expected an object, got {_json_repr(body, 80)}"]
    problems = []
    for key in body:
        if key == "error" and isinstance(body[key], str):
            continue
        if key != "errors":
            problems.append(f"$.{key}: unexpected member of an error document")
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        problems.append("$.errors: expected a non-empty array")
        return problems
    for index, item in enumerate(errors):
        where = f"$.errors[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object")
            continue
        for key in ("title", "detail"):
            if not isinstance(item.get(key), str):
                problems.append(f"{where}.{key}: expected a string, got {item.get(key)!r}")
        for key in sorted(set(item) - {"title", "detail"}):
            problems.append(f"{where}.{key}: unexpected member of an error object")
    if title is not None and not any(
        isinstance(item, dict) and item.get("title") == title for item in errors
    ):
        problems.append(f"$.errors: no error has title {title!r}")
    return problems


def assert_error_document(body: Any, *, title: str | None = None) -> None:
    """Fail unless ``body`` is ``{"errors": [{"title": str, "detail": str}, ...]}``."""
    problems = error_document_violations(body, title=title)
    if problems:
        raise ContractViolation("not an error document:\n" + "\n".join("  " + p for p in problems))


def assert_not_found_document(body: Any) -> None:
    """Fail unless ``body`` is a 404 body: the original ``{"error": str}``, the documented
    ``{"errors": [...]}`` shape, or both at once."""
    if isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"], str):
        return
    problems = error_document_violations(body)
    if problems:
        raise ContractViolation(
            'not a 404 body ({"error": str} and/or {"errors": [...]}):\n'
            + "\n".join("  " + p for p in problems)
        )


def assert_unauthorised_document(body: Any) -> None:
    """Fail unless ``body`` is exactly ``{"error": "HTTP Token: Access denied"}``."""
    expected = {"error": "HTTP Token: Access denied"}
    if body != expected:
        raise ContractViolation(f"401 body {_json_repr(body, 120)} != {json.dumps(expected)}")
