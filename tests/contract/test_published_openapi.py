"""The published YAML imports cleanly into API tools: it validates as OpenAPI 3.0, and every
operation of every version has a summary, a description and examples that fit their schemas."""

from __future__ import annotations

import functools

import pytest
import yaml
from fastapi.testclient import TestClient
from jsonschema import Draft4Validator
from openapi_spec_validator import validate

from cpd_api.app import create_app
from cpd_api.core.config import load_settings
from cpd_api.core.database import Database
from cpd_api.core.openapi_polish import example_for

VERSIONS = ("v1", "v2", "v3")
METHODS = ("get", "post", "put", "patch", "delete")


@functools.cache
def _published_yaml(version: str) -> str:
    """The YAML as served; built once per run (the spec does not depend on the database)."""
    app = create_app(load_settings(database_url="sqlite://"), database=Database("sqlite://"))
    with TestClient(app) as client:
        response = client.get(f"/lead-providers/api-docs/{version}/api_spec.yml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/yaml")
    return response.text


@pytest.fixture
def published():
    return lambda version: yaml.safe_load(_published_yaml(version))


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("version", VERSIONS)
def test_the_document_is_valid_openapi(published, version):
    document = published(version)
    validate(document)
    assert document["openapi"].startswith("3.0")
    assert document["paths"], "no operations published"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_has_a_summary_and_a_description(published, version):
    missing = [
        name
        for name, operation in _operations(published(version))
        if not operation.get("summary", "").strip() or not operation.get("description", "").strip()
    ]
    assert not missing, f"{version}: operations without summary or description: {missing}"


def _media(operation: dict):
    body = operation.get("requestBody", {})
    for media_type, media in body.get("content", {}).items():
        yield "request", media_type, media
    for status, response in operation.get("responses", {}).items():
        for media_type, media in response.get("content", {}).items():
            yield status, media_type, media


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_has_an_example(published, version):
    without = []
    for name, operation in _operations(published(version)):
        examples = [m for _, _, m in _media(operation) if "example" in m or "examples" in m]
        if not examples:
            without.append(name)
        if operation.get("requestBody"):
            request = [m for s, _, m in _media(operation) if s == "request" and "example" in m]
            if not request:
                without.append(f"{name} (request body)")
    assert not without, f"{version}: operations without examples: {without}"


def _schema_validator(document: dict, schema: dict) -> Draft4Validator:
    wrapper = {**schema, "components": document.get("components", {})}
    return Draft4Validator(_nullable_to_types(wrapper))


def _nullable_to_types(node):
    """OpenAPI 3.0 `nullable: true` means "or null" to a JSON Schema validator."""
    if isinstance(node, list):
        return [_nullable_to_types(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_types(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        elif "enum" in node:
            node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.mark.parametrize("version", VERSIONS)
def test_json_examples_fit_their_schemas(published, version):
    document = published(version)
    wrong = []
    for name, operation in _operations(document):
        for status, media_type, media in _media(operation):
            if "json" not in media_type or "example" not in media or not media.get("schema"):
                continue
            errors = list(
                _schema_validator(document, media["schema"]).iter_errors(media["example"])
            )
            if errors:
                wrong.append(f"{name} {status}: {errors[0].message[:160]}")
    assert not wrong, f"{version}: examples that break their schema: {wrong}"


@pytest.mark.parametrize("version", VERSIONS)
def test_deep_object_parameters_have_examples_tools_can_send(published, version):
    wrong = []
    for name, operation in _operations(published(version)):
        for parameter in operation.get("parameters", []):
            deep = parameter.get("style") == "deepObject" and "[" not in parameter["name"]
            if deep and "example" in parameter and not isinstance(parameter["example"], dict):
                wrong.append(f"{name} {parameter['name']}")
    assert not wrong, f"{version}: deepObject examples that are not objects: {wrong}"


def test_generated_examples_prefer_the_schemas_own_values():
    document = {
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "state": {"type": "string", "enum": ["eligible", "paid"]},
                        "count": {"type": "integer", "example": 7},
                        "when": {"type": "string", "format": "date-time"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                }
            }
        }
    }
    value = example_for(document, {"$ref": "#/components/schemas/Thing"})
    assert value["state"] == "eligible"
    assert value["count"] == 7
    assert value["when"] == "2025-05-31T02:22:32Z"
    assert len(value["id"]) == 36
    assert value["tags"] == ["string"]
