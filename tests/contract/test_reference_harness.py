"""Self-tests of the contract harness (tests/contract/reference.py).

Each test is written so that it fails if the harness is wrong: too lenient (accepting bodies the
documents forbid), too strict (rejecting the documents' own valid examples), or looking in the
wrong place for the documents.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from tests.contract import reference as ref

# --------------------------------------------------------------------------------------------
# Example sweep
# --------------------------------------------------------------------------------------------
#
# Two kinds of examples hang off documented 200 responses:
#
# * media-type examples (``content.<type>.example`` / ``examples``): whole response bodies.
#   Only v3 has them (18: 15 responses, three with ``success_ecf`` + ``success_npq``).
# * schema ``example``s on nodes reachable from a 200 response schema: values for that node.
#
# All are validated. The ones that fail do so because of defects in the documents themselves,
# listed below with the JSON paths that fail; anything else failing means the harness is wrong
# (or the documents changed). None of the failures is about ``.000Z`` timestamps: RFC 3339
# allows fractional seconds, so ``2021-05-31T02:22:32.000Z`` is a valid ``date-time``.
#
# Defects found (all upstream, none introduced by the merge):
# * malformed UUIDs used as examples: ``cd3a12347-7308-4879-942a-c4a70ced400a`` (9 hex digits in
#   the first group), ``dd4a11347-7308-4879-942a-c4a70ced400v`` (also a ``v``),
#   ``53847955-7cfg-41eb-a322-96c50adc742b`` (a ``g``);
# * an impossible date: ``2021-06-31T02:22:32.000Z`` (June has 30 days);
# * numbers where the schema says string: ``cohort: 2021``, ``school_urn: 123456``;
# * v3 transfers: ``transfers`` is an array of objects, the examples give one object;
# * list examples from older revisions: attributes that later became required are missing
#   (``training_record_id``, ``schedule_identifier``, ``state``, ``updated_at``, ``voided``,
#   ``lead_provider_name``), and ``null`` given for non-nullable attributes (v1/v2 ECF
#   participant #3, NPQ application ``funding_choice``/``headteacher_status``);
# * ``has_passed: "nil"`` (a Ruby nil written as a string), NPQ withdrawal reason
#   ``moved-school`` (not in the enum), NPQ CSV ``headteacher_status`` whose enum holds the
#   boolean ``false`` where ``"no"`` was meant (YAML 1.1 coercion upstream).

_KNOWN_BAD_MEDIA_EXAMPLES: dict[tuple[str, str, str, str], set[str]] = {
    ("v3", "POST", "/api/v3/partnerships/ecf", "success"): {
        "$.data.attributes.cohort",
        "$.data.attributes.school_id",
        "$.data.id",
    },
    ("v3", "PUT", "/api/v3/partnerships/ecf/{id}", "success"): {
        "$.data.attributes.cohort",
        "$.data.attributes.school_id",
        "$.data.id",
    },
    ("v3", "GET", "/api/v3/participants/ecf/transfers", "success"): {
        "$.data[0].attributes.transfers",
    },
    ("v3", "PUT", "/api/v3/participants/ecf/{id}/defer", "success"): {
        "$.data.attributes.ecf_enrolments[0].deferral.date",
        "$.data.attributes.ecf_enrolments[0].delivery_partner_id",
    },
    ("v3", "PUT", "/api/v3/participants/ecf/{id}/withdraw", "success"): {
        "$.data.attributes.ecf_enrolments[0].delivery_partner_id",
        "$.data.attributes.ecf_enrolments[0].withdrawal.date",
    },
}

_V1_V2_BAD_SCHEMA_EXAMPLES: dict[str, set[str]] = {
    "#/components/schemas/MultipleNPQApplicationsResponse/properties/data": {
        "$[0].attributes.funding_choice",
        "$[0].attributes.headteacher_status",
        "$[0].attributes.participant_id",
    },
    "#/components/schemas/NPQApplicationCsvRow/properties/headteacher_status": {"$"},
    "#/components/schemas/ParticipantDeclarationResponse/properties/id": {"$"},
    "#/components/schemas/NPQOutcome/properties/id": {"$"},
    "#/components/schemas/MultipleECFParticipantsResponse/properties/data": {
        "$[0].attributes",
        "$[1].attributes",
        "$[2].attributes",
        "$[2].attributes.cohort",
        "$[2].attributes.full_name",
        "$[2].attributes.participant_type",
        "$[2].attributes.pupil_premium_uplift",
        "$[2].attributes.school_urn",
        "$[2].attributes.sparsity_uplift",
    },
    "#/components/schemas/MultipleParticipantDeclarationsResponse/properties/data": {
        "$[0].attributes",
        "$[1].attributes",
    },
}

_V3_UUID_DEFECTS = [
    "DeliveryPartner/properties/id",
    "ECFPartnership/properties/id",
    "ECFPartnershipAttributes/properties/school_id",
    "ECFPartnershipAttributes/properties/delivery_partner_id",
    "ECFSchool/properties/id",
    "NPQOutcome/properties/id",
    "ParticipantDeclarationResponse/properties/id",
    "ParticipantDeclarationAttributes/properties/delivery_partner_id",
    "ParticipantDeclarationAttributes/properties/statement_id",
    "ParticipantDeclarationAttributes/properties/clawback_statement_id",
    "ParticipantDeclarationAttributes/properties/mentor_id",
    "ECFEnrolment/properties/delivery_partner_id",
    "Statement/properties/id",
]

_V3_BAD_SCHEMA_EXAMPLES: dict[str, set[str]] = {
    **{f"#/components/schemas/{name}": {"$"} for name in _V3_UUID_DEFECTS},
    "#/components/schemas/ECFPartnershipAttributes/properties/cohort": {"$"},
    "#/components/schemas/ECFSchoolAttributes/properties/cohort": {"$"},
    "#/components/schemas/NPQWithdrawal/properties/reason": {"$"},
    "#/components/schemas/ParticipantDeclarationAttributes/properties/has_passed": {"$"},
    "#/components/schemas/ECFParticipantLeaving": {"$.school_urn"},
    "#/components/schemas/ECFParticipantLeaving/properties/school_urn": {"$"},
    "#/components/schemas/ECFParticipantJoining": {"$.school_urn"},
    "#/components/schemas/ECFParticipantJoining/properties/school_urn": {"$"},
    "#/components/schemas/MultipleNPQApplicationsResponse/properties/data": {
        "$[0].attributes.funding_choice",
        "$[0].attributes.headteacher_status",
        "$[0].attributes.participant_id",
    },
    "#/components/schemas/MultipleParticipantDeclarationsResponse/properties/data": {
        "$[0].attributes",
        "$[1].attributes",
    },
    "#/components/schemas/MultipleECFParticipantTransferResponse/properties/data": {
        "$[0].attributes.transfers",
        "$[1].attributes.transfers",
    },
}

_KNOWN_BAD_SCHEMA_EXAMPLES = {
    "v1": _V1_V2_BAD_SCHEMA_EXAMPLES,
    "v2": _V1_V2_BAD_SCHEMA_EXAMPLES,
    "v3": _V3_BAD_SCHEMA_EXAMPLES,
}

# Expected number of examples per version (guards against the sweep silently finding nothing).
_MEDIA_EXAMPLE_COUNTS = {"v1": 0, "v2": 0, "v3": 18}


def _paths_of(problems: list[str]) -> set[str]:
    return {line.strip().split(": ", 1)[0] for line in problems}


def _ok_200_media(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for template, item in document["paths"].items():
        for method, op in item.items():
            if method not in ref.HTTP_METHODS:
                continue
            response = op.get("responses", {}).get("200")
            for content_type, media in (response or {}).get("content", {}).items():
                yield method.upper(), template, content_type, media


def media_examples(version: str) -> Iterator[tuple[str, str, str, str, Any]]:
    """(method, template, content type, example name, value) of every 200 media example."""
    document = ref.load_reference(version)
    for method, template, content_type, media in _ok_200_media(document):
        if "example" in media:
            yield method, template, content_type, "example", media["example"]
        for name, example in (media.get("examples") or {}).items():
            if "$ref" in example:
                example = ref._resolve_pointer(document, example["$ref"])
            yield method, template, content_type, name, example["value"]


def schema_examples(version: str) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(JSON pointer, schema node, example) for every schema ``example`` reachable from a
    documented 200 response schema; each component node is visited once."""
    document = ref.load_reference(version)
    visited: set[str] = set()

    def walk(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any], Any]]:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            target = node["$ref"]
            if target not in visited:
                visited.add(target)
                yield from walk(ref._resolve_pointer(document, target), target)
            return
        if "example" in node:
            yield pointer, node, node["example"]
        for name, sub in node.get("properties", {}).items():
            yield from walk(sub, f"{pointer}/properties/{name}")
        for key in ("items", "additionalProperties", "not"):
            yield from walk(node.get(key), f"{pointer}/{key}")
        for key in ("allOf", "anyOf", "oneOf"):
            for index, sub in enumerate(node.get(key, [])):
                yield from walk(sub, f"{pointer}/{key}/{index}")

    for method, template, content_type, media in _ok_200_media(document):
        pointer = f"#/paths/{template}/{method.lower()}/responses/200/content/{content_type}/schema"
        yield from walk(media.get("schema"), pointer)


@pytest.mark.parametrize("version", ref.VERSIONS)
def test_documented_200_media_examples_validate(version: str) -> None:
    found = list(media_examples(version))
    failures: dict[tuple[str, str, str, str], set[str]] = {}
    for method, template, content_type, name, value in found:
        problems = ref.contract_violations(
            version,
            method,
            template,
            200,
            value,
            content_type=content_type,
            strict_attributes=True,
        )
        if problems:
            failures[(version, method, template, name)] = _paths_of(problems)
    print(
        f"{version}: {len(found)} media-type examples on 200 responses, "
        f"{len(found) - len(failures)} valid, {len(failures)} with document defects"
    )
    assert len(found) == _MEDIA_EXAMPLE_COUNTS[version]
    expected = {k: v for k, v in _KNOWN_BAD_MEDIA_EXAMPLES.items() if k[0] == version}
    assert failures == expected


@pytest.mark.parametrize("version", ref.VERSIONS)
def test_schema_examples_on_200_responses_validate(version: str) -> None:
    document = ref.load_reference(version)
    found = list(schema_examples(version))
    failures: dict[str, set[str]] = {}
    for pointer, node, example in found:
        problems = ref.schema_violations(ref.to_json_schema(document, node), example)
        if problems:
            failures[pointer] = _paths_of(problems)
    print(
        f"{version}: {len(found)} schema examples under 200 responses, "
        f"{len(found) - len(failures)} valid, {len(failures)} with document defects"
    )
    assert len(found) > 150
    assert failures == _KNOWN_BAD_SCHEMA_EXAMPLES[version]


# --------------------------------------------------------------------------------------------
# Hand-made bodies: violations are reported with their JSON path
# --------------------------------------------------------------------------------------------

DECLARATION = "/api/v3/participant-declarations/db3a7848-7308-4879-942a-c4a70ced400a"


def _declaration_body() -> dict[str, Any]:
    examples = ref.operation("v3", "GET", DECLARATION)["responses"]["200"]["content"][
        "application/json"
    ]["examples"]
    return copy.deepcopy(examples["success_ecf"]["value"])


def _violation(body: Any, **kwargs: Any) -> str:
    with pytest.raises(ref.ContractViolation) as excinfo:
        ref.assert_matches_contract("v3", "GET", DECLARATION, 200, body, **kwargs)
    return str(excinfo.value)


def test_valid_declaration_body_passes_strictly() -> None:
    ref.assert_matches_contract(
        "v3", "GET", DECLARATION, 200, _declaration_body(), strict_attributes=True
    )


def test_wrong_enum_value_fails_naming_the_path() -> None:
    body = _declaration_body()
    body["data"]["attributes"]["state"] = "approved"
    message = _violation(body)
    assert '$.data.attributes.state: "approved" is not one of' in message


def test_missing_required_attribute_fails_naming_the_path() -> None:
    body = _declaration_body()
    del body["data"]["attributes"]["lead_provider_name"]
    message = _violation(body)
    assert "$.data.attributes: 'lead_provider_name' is a required property" in message


def test_non_uuid_id_fails_naming_the_path() -> None:
    body = _declaration_body()
    body["data"]["id"] = "DB3A7848-7308-4879-942A-C4A70CED400A"  # upper case is not canonical
    message = _violation(body)
    assert "$.data.id:" in message and "is not a valid uuid" in message


def test_null_where_not_nullable_fails_naming_the_path() -> None:
    body = _declaration_body()
    body["data"]["attributes"]["declaration_type"] = None
    body["data"]["attributes"]["uplift_paid"] = None
    message = _violation(body)
    assert "$.data.attributes.declaration_type: null is not of type 'string'" in message
    assert "$.data.attributes.uplift_paid: null is not of type 'boolean'" in message


def test_null_where_nullable_passes_also_with_enum_and_format() -> None:
    body = _declaration_body()
    attributes = body["data"]["attributes"]
    attributes["evidence_held"] = None  # nullable + enum
    attributes["mentor_id"] = None  # nullable + format: uuid
    attributes["has_passed"] = None  # nullable boolean
    ref.assert_matches_contract("v3", "GET", DECLARATION, 200, body, strict_attributes=True)


def test_every_violation_is_listed_in_one_failure() -> None:
    body = _declaration_body()
    body["data"]["type"] = 7
    body["data"]["attributes"]["declaration_date"] = "2020-11-13 11:21:55"
    body["data"]["attributes"]["course_identifier"] = "ecf-unknown"
    message = _violation(body)
    assert "3 problem(s)" in message
    for path in (
        "$.data.type",
        "$.data.attributes.declaration_date",
        "$.data.attributes.course_identifier",
    ):
        assert f"{path}:" in message


def test_violations_inside_list_items_name_the_index() -> None:
    item = _declaration_body()["data"]
    broken = copy.deepcopy(item)
    broken["attributes"]["participant_id"] = "not-a-uuid"
    body = {"data": [item, broken]}
    with pytest.raises(ref.ContractViolation) as excinfo:
        ref.assert_matches_contract("v3", "GET", "/api/v3/participant-declarations", 200, body)
    assert "$.data[1].attributes.participant_id:" in str(excinfo.value)
    assert "$.data[0]" not in str(excinfo.value)


def test_strict_attributes_rejects_undocumented_and_omitted_attributes() -> None:
    extra = _declaration_body()
    extra["data"]["attributes"]["voided"] = False  # v1 attribute, not documented in v3
    ref.assert_matches_contract("v3", "GET", DECLARATION, 200, extra)  # not strict: allowed
    message = _violation(extra, strict_attributes=True)
    assert "$.data.attributes: undocumented attribute(s) voided" in message

    omitted = _declaration_body()
    del omitted["data"]["attributes"]["mentor_id"]  # optional, but must be emitted (as null)
    ref.assert_matches_contract("v3", "GET", DECLARATION, 200, omitted)
    message = _violation(omitted, strict_attributes=True)
    assert "$.data.attributes: missing documented attribute(s) mentor_id" in message


def test_strict_attributes_checks_every_list_item() -> None:
    item = _declaration_body()["data"]
    short = copy.deepcopy(item)
    del short["attributes"]["created_at"]
    body = {"data": [item, short]}
    with pytest.raises(ref.ContractViolation) as excinfo:
        ref.assert_matches_contract(
            "v3", "GET", "/api/v3/participant-declarations", 200, body, strict_attributes=True
        )
    assert "$.data[1].attributes: missing documented attribute(s) created_at" in str(excinfo.value)


def test_attribute_violations_accept_any_documented_variant() -> None:
    schema = ref.to_json_schema(
        {},
        {
            "type": "object",
            "properties": {
                "data": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "attributes": {
                                "oneOf": [
                                    {"type": "object", "properties": {"a": {}, "b": {}}},
                                    {"type": "object", "properties": {"a": {}, "c": {}}},
                                ],
                                "nullable": True,
                            }
                        },
                    },
                }
            },
        },
    )

    def body(*key_sets: tuple[str, ...]) -> dict[str, Any]:
        return {"data": [{"attributes": dict.fromkeys(keys, 1)} for keys in key_sets]}

    assert ref.attribute_violations(schema, body(("a", "b"), ("c", "a"))) == []
    problems = ref.attribute_violations(schema, body(("a", "b"), ("a", "b", "c"), ("a",)))
    assert [p.split(":", 1)[0] for p in problems] == [
        "$.data[1].attributes",
        "$.data[2].attributes",
    ]
    assert "closest of 2 documented variants" in problems[0]


# --------------------------------------------------------------------------------------------
# OpenAPI 3.0 -> JSON Schema conversion (synthetic documents: no reference needed)
# --------------------------------------------------------------------------------------------

SYNTHETIC = {
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "example": "x"}},
                "example": {"name": "x"},
                "xml": {"name": "thing"},
                "discriminator": {"propertyName": "name"},
            },
            "Node": {
                "type": "object",
                "required": ["value"],
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            },
        }
    }
}


def _errors(schema: Any, instance: Any) -> list[str]:
    return ref.schema_violations(ref.to_json_schema(SYNTHETIC, schema), instance)


def test_nullable_with_enum_allows_null_only_in_addition() -> None:
    schema = {"type": "string", "enum": ["a", "b"], "nullable": True}
    assert _errors(schema, None) == []
    assert _errors(schema, "a") == []
    assert _errors(schema, "c")
    assert _errors({"type": "string", "enum": ["a", "b"]}, None)


def test_nullable_with_format_allows_null_and_checks_strings() -> None:
    schema = {"type": "string", "format": "uuid", "nullable": True}
    assert _errors(schema, None) == []
    assert _errors(schema, "nope") == ['$: "nope" is not a valid uuid']


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#/components/schemas/Thing", "nullable": True},
        {"allOf": [{"$ref": "#/components/schemas/Thing"}], "nullable": True},
        {"oneOf": [{"$ref": "#/components/schemas/Thing"}], "nullable": True},
        {"type": "object", "anyOf": [{"$ref": "#/components/schemas/Thing"}], "nullable": True},
    ],
    ids=["ref-sibling", "allOf", "oneOf", "anyOf"],
)
def test_nullable_next_to_composition_allows_null(schema: dict[str, Any]) -> None:
    assert _errors(schema, None) == []
    assert _errors(schema, {"name": "n"}) == []
    problems = _errors(schema, {"name": 5})
    assert problems == ["$.name: 5 is not of type 'string'"]  # the null branch is not noise
    assert _errors({k: v for k, v in schema.items() if k != "nullable"}, None)


def test_openapi_only_keywords_are_dropped_and_refs_inlined() -> None:
    converted = ref.to_json_schema(
        SYNTHETIC,
        {
            "type": "object",
            "properties": {
                "thing": {"$ref": "#/components/schemas/Thing"},
                "old": {"type": "string", "deprecated": True, "readOnly": True},
                "new": {"type": "string", "writeOnly": True, "externalDocs": {"url": "x"}},
            },
            "examples": {"a": {}},
        },
    )
    text = repr(converted)
    for keyword in ref.OPENAPI_ONLY_KEYWORDS:
        assert f"'{keyword}'" not in text, keyword
    assert "$ref" not in text and "$defs" not in converted
    assert converted["properties"]["thing"]["required"] == ["name"]


def test_additional_properties_only_where_documented() -> None:
    closed = {"type": "object", "properties": {"a": {}}, "additionalProperties": False}
    assert _errors({"type": "object", "properties": {"a": {}}}, {"a": 1, "b": 2}) == []
    assert _errors(closed, {"a": 1, "b": 2}) == [
        "$: Additional properties are not allowed ('b' was unexpected)"
    ]


def test_recursive_schemas_are_converted_safely() -> None:
    converted = ref.to_json_schema(SYNTHETIC, {"$ref": "#/components/schemas/Node"})
    assert converted["$defs"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    tree = {"value": 1, "children": [{"value": 2, "children": [{"value": "three"}]}]}
    assert _errors({"$ref": "#/components/schemas/Node"}, tree) == [
        "$.children[0].children[0].value: \"three\" is not of type 'integer'"
    ]


def test_boolean_exclusive_bounds_are_converted() -> None:
    schema = {"type": "integer", "minimum": 1, "exclusiveMinimum": True, "maximum": 3}
    assert _errors(schema, 1)
    assert _errors(schema, 2) == []
    assert _errors(schema, 3) == []
    assert _errors(schema, 4)


# --------------------------------------------------------------------------------------------
# Strict formats
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2021-05-31T02:22:32Z", True),
        ("2021-05-31T02:22:32.000Z", True),
        ("2021-05-31T02:22:32+01:00", True),
        ("2024-02-29T23:59:59-05:30", True),
        ("2021-05-31T02:22:32", False),  # no offset
        ("2021-05-31 02:22:32Z", False),  # space separator
        ("2021-06-31T02:22:32Z", False),  # no such day
        ("2023-02-29T00:00:00Z", False),  # not a leap year
        ("2021-05-31T24:00:00Z", False),
        ("2021-05-31T02:22Z", False),  # no seconds
        ("2021-05-31", False),
        ("2021-05-31T02:22:32Z\n", False),
        ("２０２１-05-31T02:22:32Z", False),  # non-ASCII digits
    ],
)
def test_date_time_format(value: str, valid: bool) -> None:
    assert ref.is_date_time(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2021-05-31", True),
        ("2024-02-29", True),
        ("2021-02-29", False),
        ("2021-13-01", False),
        ("20210531", False),
        ("2021-5-31", False),
        ("2021-05-31T00:00:00Z", False),
    ],
)
def test_date_format(value: str, valid: bool) -> None:
    assert ref.is_date(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("db3a7848-7308-4879-942a-c4a70ced400a", True),
        ("DB3A7848-7308-4879-942A-C4A70CED400A", False),
        ("db3a78487308487994 2ac4a70ced400a".replace(" ", ""), False),
        ("{db3a7848-7308-4879-942a-c4a70ced400a}", False),
        ("cd3a12347-7308-4879-942a-c4a70ced400a", False),
        ("db3a7848-7308-4879-942a-c4a70ced400g", False),
    ],
)
def test_uuid_format(value: str, valid: bool) -> None:
    assert ref.is_uuid(value) is valid


def test_formats_only_constrain_strings() -> None:
    checker = ref.format_checker()
    for name in ("date-time", "date", "uuid"):
        assert checker.conforms(None, name)
        assert checker.conforms(12, name)
        assert not checker.conforms("x", name)
    # the strict variants: jsonschema's default uuid check accepts upper case
    assert not checker.conforms("DB3A7848-7308-4879-942A-C4A70CED400A", "uuid")
    assert not checker.conforms("db3a78487308487994 2ac4a70ced400a".replace(" ", ""), "uuid")
    assert not checker.conforms("20210531", "date")
    assert checker.conforms("2021-05-31T02:22:32.000Z", "date-time")
    assert checker.conforms("anything", "email")  # other formats are annotations only


# --------------------------------------------------------------------------------------------
# Operations, paths and statuses
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "count"), [("v1", 31), ("v2", 28), ("v3", 38)])
def test_reference_operations(version: str, count: int) -> None:
    operations = ref.reference_operations(version)
    assert len(operations) == count
    assert ("PUT", f"/api/{version}/participant-declarations/{{id}}/void") in operations
    assert ("GET", f"/api/{version}/participants") not in operations  # undocumented alias


@pytest.mark.parametrize(
    ("version", "method", "path", "template"),
    [
        ("v3", "GET", "/api/v3/participants/ecf/transfers", "/api/v3/participants/ecf/transfers"),
        (
            "v3",
            "GET",
            "/api/v3/participants/ecf/5f1f6c8e-9a2b-4c3d-8e7f-0a1b2c3d4e5f",
            "/api/v3/participants/ecf/{id}",
        ),
        (
            "v3",
            "GET",
            "/api/v3/participants/ecf/5f1f6c8e-9a2b-4c3d-8e7f-0a1b2c3d4e5f/transfers",
            "/api/v3/participants/ecf/{id}/transfers",
        ),
        ("v3", "GET", "/api/v3/participants/npq/outcomes", "/api/v3/participants/npq/outcomes"),
        (
            "v3",
            "GET",
            "/participants/ecf/transfers?page[page]=2",
            "/api/v3/participants/ecf/transfers",
        ),
        ("v3", "GET", "/api/v3/participants/ecf/{id}", "/api/v3/participants/ecf/{id}"),
        ("v1", "GET", "/api/v1/participants/ecf.csv", "/api/v1/participants/ecf.csv"),
        ("v1", "PUT", "/api/v1/participants/abc/defer", "/api/v1/participants/{id}/defer"),
        ("v1", "PUT", "/api/v1/participants/ecf/abc/defer", "/api/v1/participants/ecf/{id}/defer"),
        ("v3", "put", "/api/v3/partnerships/ecf/abc/", "/api/v3/partnerships/ecf/{id}"),
    ],
)
def test_concrete_paths_match_the_most_literal_template(
    version: str, method: str, path: str, template: str
) -> None:
    assert ref.match_path(version, method, path) == template
    assert (
        ref.operation(version, method, path)
        is ref.load_reference(version)["paths"][template][method.lower()]
    )


def test_select_template_prefers_literal_segments_from_the_left() -> None:
    templates = ["/a/{x}/{y}", "/a/{x}/c", "/a/b/{y}", "/a/{x}", "/a/b/c/d"]
    assert ref.select_template(templates, "/a/b/c") == "/a/b/{y}"
    assert ref.select_template(templates, "/a/z/c") == "/a/{x}/c"
    assert ref.select_template(templates, "/a/z/q") == "/a/{x}/{y}"
    assert ref.select_template(list(reversed(templates)), "/a/b/c") == "/a/b/{y}"
    assert ref.select_template(templates, "/a//c") is None  # a parameter is never empty
    assert ref.select_template(templates, "/b/c") is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v3/participants"),  # undocumented alias, and not a v3 route
        ("GET", "/api/v3/participants/ecf/abc/unknown"),
        ("DELETE", "/api/v3/participants/ecf/abc"),
        ("PUT", "/api/v3/participants/ecf/transfers"),
    ],
)
def test_undocumented_operations_fail(method: str, path: str) -> None:
    with pytest.raises(ref.NotDocumented):
        ref.operation("v3", method, path)
    with pytest.raises(ref.NotDocumented):
        ref.assert_matches_contract("v3", method, path, 200, {"data": []})


def test_undocumented_2xx_status_fails_and_errors_are_rejected() -> None:
    with pytest.raises(ref.NotDocumented, match="status 201 is not documented"):
        ref.assert_matches_contract("v3", "POST", "/api/v3/participant-declarations", 201, {})
    with pytest.raises(ValueError, match="assert_error_document"):
        ref.assert_matches_contract("v3", "GET", DECLARATION, 404, {"errors": []})


def test_documented_statuses() -> None:
    path = "/api/v3/participants/ecf/abc"
    assert ref.documented_statuses("v3", "GET", path) == {"200", "401", "404"}
    for status in (200, 401, 404, 403, 406, 429):
        ref.assert_documented_status("v3", "GET", path, status)
    with pytest.raises(ref.NotDocumented, match="status 422"):
        ref.assert_documented_status("v3", "GET", path, 422)
    ref.assert_documented_status("v1", "GET", "/api/v1/participants/ecf/abc", 404, also=[404])


def test_response_schema_prefers_json_and_reports_csv() -> None:
    assert ref.response_content_type("v1", "GET", "/api/v1/participants/ecf.csv", 200) == "text/csv"
    assert ref.response_schema("v1", "GET", "/api/v1/participants/ecf.csv", 200)["type"] == "string"
    schema = ref.response_schema("v3", "GET", DECLARATION, 200)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert ref.response_schema("v3", "GET", DECLARATION, "200") is schema  # cached


def test_attribute_names_keep_document_order() -> None:
    assert ref.attribute_names("v3", "ECFParticipantAttributes") == [
        "full_name",
        "teacher_reference_number",
        "updated_at",
        "ecf_enrolments",
        "participant_id_changes",
    ]
    names = ref.attribute_names("v3", "ParticipantDeclarationAttributes")
    assert names[:3] == ["participant_id", "declaration_type", "declaration_date"]
    assert names[-1] == "lead_provider_name"
    with pytest.raises(ref.NotDocumented):
        ref.attribute_names("v3", "NoSuchSchema")


def test_request_examples_are_documented_and_valid() -> None:
    path = "/api/v3/participants/ecf/abc/defer"
    examples = ref.request_examples("v3", "PUT", path)
    assert set(examples) == {"schema:ECFParticipantDeferRequest"}
    example = examples["schema:ECFParticipantDeferRequest"]
    assert example["data"]["type"] == "participant-defer"
    assert ref.schema_violations(ref.request_schema("v3", "PUT", path), example) == []
    example["data"] = None  # a copy: the document is unchanged
    assert (
        ref.request_examples("v3", "PUT", path)["schema:ECFParticipantDeferRequest"]["data"]["type"]
        == "participant-defer"
    )
    assert ref.request_examples("v3", "POST", "/api/v3/participant-declarations") == {}
    assert ref.request_examples("v3", "GET", "/api/v3/statements") == {}


# --------------------------------------------------------------------------------------------
# Error bodies
# --------------------------------------------------------------------------------------------


def test_error_document() -> None:
    ref.assert_error_document(
        {"errors": [{"title": "Bad request", "detail": "correct json data structure required"}]},
        title="Bad request",
    )
    ref.assert_error_document(
        {"error": "Resource not Found", "errors": [{"title": "Resource not found", "detail": "x"}]}
    )
    for body, path in [
        ({"error": [{"title": "t", "detail": "d"}]}, "$.error"),
        ({"errors": []}, "$.errors"),
        ({"errors": [{"title": "t"}]}, "$.errors[0].detail"),
        ({"errors": [{"title": "t", "detail": 3}]}, "$.errors[0].detail"),
        ({"errors": [{"title": "t", "detail": "d", "status": 422}]}, "$.errors[0].status"),
        ([], "$"),
    ]:
        with pytest.raises(ref.ContractViolation) as excinfo:
            ref.assert_error_document(body)
        assert f"{path}:" in str(excinfo.value)
    with pytest.raises(ref.ContractViolation, match="no error has title"):
        ref.assert_error_document({"errors": [{"title": "a", "detail": "b"}]}, title="c")


def test_not_found_and_unauthorised_documents() -> None:
    ref.assert_not_found_document({"error": "Resource not Found"})
    ref.assert_not_found_document({"errors": [{"title": "Resource not found", "detail": "d"}]})
    with pytest.raises(ref.ContractViolation):
        ref.assert_not_found_document({"message": "nope"})
    ref.assert_unauthorised_document({"error": "HTTP Token: Access denied"})
    with pytest.raises(ref.ContractViolation):
        ref.assert_unauthorised_document({"errors": [{"title": "Unauthorized", "detail": "d"}]})


# --------------------------------------------------------------------------------------------
# Locating the documents, and the skip rule
# --------------------------------------------------------------------------------------------


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    ref.clear_caches()
    yield
    ref.clear_caches()


def test_default_location_is_the_sibling_shared_folder(
    monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    monkeypatch.delenv(ref.ENV_VAR, raising=False)
    expected = ref._REPO_ROOT.parent / "shared" / "reference" / "openapi"
    assert ref.searched_dir() == expected
    assert ref.reference_dir() in (expected, None)


def test_environment_variable_points_at_the_documents(
    monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    monkeypatch.delenv(ref.ENV_VAR, raising=False)
    real = ref.reference_dir()
    if real is None:
        pytest.skip(f"reference documents not found in {ref.searched_dir()}")
    monkeypatch.setenv(ref.ENV_VAR, str(real))
    assert ref.reference_dir() == real
    assert ref.load_reference("v3")["info"]["version"] == "3.0.0"
    assert ref.load_reference(2)["info"]["version"] == "2.0.0"


@pytest.mark.parametrize("missing", ["empty", "absent"])
def test_missing_documents_skip_with_the_folder_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, fresh_caches: None, missing: str
) -> None:
    folder = tmp_path if missing == "empty" else tmp_path / "nowhere"
    monkeypatch.setenv(ref.ENV_VAR, str(folder))
    assert ref.reference_dir() is None
    assert ref.find_reference("v3") is None
    with pytest.raises(pytest.skip.Exception) as excinfo:
        ref.load_reference("v3")
    assert str(folder.resolve()) in str(excinfo.value)
    assert ref.ENV_VAR in str(excinfo.value)
    with pytest.raises(pytest.skip.Exception):
        ref.assert_matches_contract("v3", "GET", DECLARATION, 200, {})
    with pytest.raises(pytest.skip.Exception):
        ref.reference_operations("v1")


def test_unknown_version_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown API version"):
        ref.find_reference("v4")
