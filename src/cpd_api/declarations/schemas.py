"""Declarations on the wire: the v1/v2/v3 serializers (plain dicts, attribute order of the
reference documents), the v1/v2 CSV rows, and pydantic models that only document the request
and response shapes in the published OpenAPI."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import timestamp, uuid_text
from cpd_api.core.jsonapi import resource

from . import rules
from .queries import DeclarationView

RESOURCE_TYPE = "participant-declaration"


def attributes_v1(view: DeclarationView) -> dict:
    return {
        "participant_id": str(view.participant_id),
        "declaration_type": view.declaration_type,
        "declaration_date": timestamp(view.declaration_date),
        "course_identifier": view.course_identifier,
        "eligible_for_payment": view.state in ("eligible", "payable"),
        "voided": view.state == "voided",
        "state": rules.wire_state(view.state),
        "updated_at": timestamp(view.updated_at),
        "has_passed": view.has_passed,
    }


def attributes_v2(view: DeclarationView) -> dict:
    return {
        "participant_id": str(view.participant_id),
        "declaration_type": view.declaration_type,
        "declaration_date": timestamp(view.declaration_date),
        "course_identifier": view.course_identifier,
        "state": rules.wire_state(view.state),
        "updated_at": timestamp(view.updated_at),
        "has_passed": view.has_passed,
    }


def attributes_v3(view: DeclarationView) -> dict:
    return {
        "participant_id": str(view.participant_id),
        "declaration_type": view.declaration_type,
        "declaration_date": timestamp(view.declaration_date),
        "course_identifier": view.course_identifier,
        "state": rules.wire_state(view.state),
        "updated_at": timestamp(view.updated_at),
        "created_at": timestamp(view.created_at),
        "delivery_partner_id": uuid_text(view.delivery_partner_id),
        "statement_id": uuid_text(view.statement_id),
        "clawback_statement_id": uuid_text(view.clawback_statement_id),
        "ineligible_for_funding_reason": view.ineligible_for_funding_reason,
        "mentor_id": uuid_text(view.mentor_id),
        "uplift_paid": view.uplift_paid,
        "evidence_held": view.evidence_held,
        "has_passed": view.has_passed,
        "lead_provider_name": view.lead_provider_name,
    }


SERIALIZERS = {"v1": attributes_v1, "v2": attributes_v2, "v3": attributes_v3}


def serialize(view: DeclarationView, version: str) -> dict:
    return resource(view.id, RESOURCE_TYPE, SERIALIZERS[version](view))


# --- CSV (v1, v2) ----------------------------------------------------------------------------

# Column order of the public service's CSV (ecf.md 4.13), which differs from the JSON order.
CSV_COLUMNS = {
    "v1": (
        "participant_id",
        "declaration_type",
        "course_identifier",
        "eligible_for_payment",
        "declaration_date",
        "updated_at",
        "voided",
        "state",
        "has_passed",
    ),
    "v2": (
        "participant_id",
        "declaration_type",
        "course_identifier",
        "declaration_date",
        "updated_at",
        "state",
        "has_passed",
    ),
}


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(views: Iterable[DeclarationView], version: str) -> str:
    """Header plus one row per declaration; an empty body when there are no rows at all."""
    columns = CSV_COLUMNS[version]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    wrote_header = False
    for view in views:
        if not wrote_header:
            writer.writerow(("id", *columns))
            wrote_header = True
        attributes = SERIALIZERS[version](view)
        writer.writerow((str(view.id), *(_csv_value(attributes[c]) for c in columns)))
    return buffer.getvalue()


# --- documentation models --------------------------------------------------------------------

WireState = Literal[
    "submitted",
    "eligible",
    "payable",
    "paid",
    "voided",
    "ineligible",
    "awaiting-clawback",
    "clawed-back",
]


class DeclarationRequestAttributes(BaseModel):
    """ECF courses follow ecf.md 4.5; `npq-` courses follow npq.md 4.4."""

    participant_id: str = Field(description="The participant's id (retired ids still resolve)")
    declaration_type: str = Field(examples=["started"])
    declaration_date: str = Field(
        description="RFC 3339 date-time", examples=["2024-10-01T10:00:00Z"]
    )
    course_identifier: str = Field(examples=["ecf-induction"])
    evidence_held: str | None = Field(
        None, description="ECF only; required for every type except `started`"
    )
    has_passed: bool | None = Field(
        None, description="NPQ `completed` on leadership and specialist courses"
    )


class DeclarationRequestData(BaseModel):
    type: Literal["participant-declaration"] = "participant-declaration"
    attributes: DeclarationRequestAttributes


class DeclarationRequest(BaseModel):
    data: DeclarationRequestData


class DeclarationAttributesV1(BaseModel):
    participant_id: str
    declaration_type: str
    declaration_date: str
    course_identifier: str
    eligible_for_payment: bool
    voided: bool
    state: WireState
    updated_at: str
    has_passed: bool | None


class DeclarationAttributesV2(BaseModel):
    participant_id: str
    declaration_type: str
    declaration_date: str
    course_identifier: str
    state: WireState
    updated_at: str
    has_passed: bool | None


class DeclarationAttributesV3(BaseModel):
    participant_id: str
    declaration_type: str
    declaration_date: str
    course_identifier: str
    state: WireState
    updated_at: str
    created_at: str
    delivery_partner_id: str | None
    statement_id: str | None
    clawback_statement_id: str | None
    ineligible_for_funding_reason: str | None
    mentor_id: str | None
    uplift_paid: bool
    evidence_held: str | None
    has_passed: bool | None
    lead_provider_name: str


def _documents(attributes: type[BaseModel], suffix: str) -> tuple[type[BaseModel], type[BaseModel]]:
    resource_model = type(
        f"ParticipantDeclaration{suffix}",
        (BaseModel,),
        {
            "__annotations__": {"id": str, "type": str, "attributes": attributes},
            "type": RESOURCE_TYPE,
        },
    )
    single = type(
        f"SingleParticipantDeclaration{suffix}",
        (BaseModel,),
        {"__annotations__": {"data": resource_model}},
    )
    many = type(
        f"MultipleParticipantDeclarations{suffix}",
        (BaseModel,),
        {"__annotations__": {"data": list[resource_model]}},  # type: ignore[valid-type]
    )
    return single, many


DOCUMENTS = {
    "v1": _documents(DeclarationAttributesV1, "V1"),
    "v2": _documents(DeclarationAttributesV2, "V2"),
    "v3": _documents(DeclarationAttributesV3, "V3"),
}


class DeclarationsFilterV1(BaseModel):
    participant_id: str | None = Field(None, description="One participant id")
    updated_since: str | None = Field(None, description="Declarations updated after this instant")


class DeclarationsFilterV3(BaseModel):
    cohort: str | None = Field(None, description="Comma-separated cohort start years")
    participant_id: str | None = Field(None, description="Comma-separated participant ids")
    updated_since: str | None = Field(None, description="Declarations updated at or after")
    delivery_partner_id: str | None = Field(None, description="Comma-separated delivery partners")
