"""The OpenAPI documents the service publishes describe the same operations and query
parameters as the reference documents, version by version."""

from __future__ import annotations

import pytest
import yaml

from tests.contract.reference import load_reference, reference_operations

VERSIONS = ("v1", "v2", "v3")
METHODS = ("get", "post", "put", "patch", "delete")


def _operations(document: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document.get("paths", {}).items()
        for method in item
        if method in METHODS
    }


@pytest.fixture
def published(client):
    def fetch(version: str) -> dict:
        response = client.get(f"/lead-providers/api-docs/{version}/api_spec.yml")
        assert response.status_code == 200
        return yaml.safe_load(response.text)

    return fetch


@pytest.mark.parametrize("version", VERSIONS)
def test_every_reference_operation_is_published(published, version):
    missing = reference_operations(version) - _operations(published(version))
    assert not missing, f"{version}: operations not published: {sorted(missing)}"


@pytest.mark.parametrize("version", VERSIONS)
def test_published_operations_exist_in_the_reference(published, version):
    extra = _operations(published(version)) - reference_operations(version)
    assert not extra, f"{version}: operations the reference does not have: {sorted(extra)}"


def _query_parameters(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}


@pytest.mark.parametrize("version", VERSIONS)
def test_query_parameters_match_the_reference(published, version):
    ours = published(version)["paths"]
    reference = load_reference(version)["paths"]
    differences = []
    for path, item in reference.items():
        for method, operation in item.items():
            if method not in METHODS or path not in ours or method not in ours[path]:
                continue
            expected = _query_parameters(operation)
            actual = _query_parameters(ours[path][method])
            if expected != actual:
                differences.append((method.upper(), path, sorted(expected), sorted(actual)))
    assert not differences, f"{version}: query parameters differ: {differences}"
