"""NPQ application documents per version (npq.md 2.5), the CSV export (2.3) and the request
bodies of accept and change-funded-place.

Serializers build plain dicts in the attribute order of each version's reference document;
the pydantic models only describe requests and responses in the published OpenAPI."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import cohort_text, timestamp
from cpd_api.core.jsonapi import resource

from . import rules
from .queries import ApplicationView

RESOURCE_TYPE = "npq_application"

ATTRIBUTES_V1_V2 = (
    "course_identifier",
    "email",
    "email_validated",
    "employer_name",
    "employment_role",
    "full_name",
    "funding_choice",
    "headteacher_status",
    "ineligible_for_funding_reason",
    "participant_id",
    "private_childcare_provider_urn",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "school_urn",
    "school_ukprn",
    "status",
    "works_in_school",
    "created_at",
    "updated_at",
    "cohort",
    "eligible_for_funding",
    "funded_place",
    "targeted_delivery_funding_eligibility",
    "teacher_catchment",
    "teacher_catchment_country",
    "teacher_catchment_iso_country_code",
    "itt_provider",
    "lead_mentor",
)
ATTRIBUTES_V3 = (
    "participant_id",
    "full_name",
    "email",
    "email_validated",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "works_in_school",
    "employer_name",
    "employment_role",
    "school_urn",
    "private_childcare_provider_urn",
    "school_ukprn",
    "headteacher_status",
    "eligible_for_funding",
    "funded_place",
    "funding_choice",
    "course_identifier",
    "status",
    "created_at",
    "updated_at",
    "ineligible_for_funding_reason",
    "cohort",
    "targeted_delivery_funding_eligibility",
    "teacher_catchment",
    "teacher_catchment_country",
    "teacher_catchment_iso_country_code",
    "lead_mentor",
    "itt_provider",
    "schedule_identifier",
)
ATTRIBUTES = {"v1": ATTRIBUTES_V1_V2, "v2": ATTRIBUTES_V1_V2, "v3": ATTRIBUTES_V3}

_CSV_HEAD = (
    "id",
    "participant_id",
    "full_name",
    "email",
    "email_validated",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "school_urn",
    "school_ukprn",
    "private_childcare_provider_urn",
    "headteacher_status",
    "eligible_for_funding",
    "funded_place",
    "funding_choice",
    "course_identifier",
    "status",
    "works_in_school",
    "employer_name",
    "employment_role",
    "created_at",
    "updated_at",
    "cohort",
    "ineligible_for_funding_reason",
    "targeted_delivery_funding_eligibility",
)
CSV_COLUMNS = {
    "v1": (
        *_CSV_HEAD,
        "teacher_catchment",
        "teacher_catchment_country",
        "teacher_catchment_iso_country_code",
        "itt_provider",
        "lead_mentor",
    ),
    "v2": (*_CSV_HEAD, "itt_provider", "lead_mentor"),
}


def _values(view: ApplicationView) -> dict[str, Any]:
    application = view.application
    return {
        "id": str(application.id),
        "participant_id": str(application.participant_id),
        "full_name": application.full_name,
        "email": application.email,
        "email_validated": True,
        "teacher_reference_number": application.trn,
        "teacher_reference_number_validated": application.trn_validated,
        "works_in_school": application.works_in_school,
        "employer_name": application.employer_name,
        "employment_role": application.employment_role,
        "school_urn": application.school_urn,
        "private_childcare_provider_urn": application.private_childcare_provider_urn,
        "school_ukprn": application.school_ukprn,
        "headteacher_status": application.headteacher_status,
        "eligible_for_funding": view.eligible_for_funding,
        "funded_place": application.funded_place,
        "funding_choice": application.funding_choice,
        "course_identifier": application.course_identifier,
        "status": application.status,
        "created_at": timestamp(application.created_at),
        "updated_at": timestamp(application.updated_at),
        "ineligible_for_funding_reason": view.ineligible_for_funding_reason,
        "cohort": cohort_text(application.cohort_year),
        "targeted_delivery_funding_eligibility": (
            application.targeted_delivery_funding_eligibility
        ),
        "teacher_catchment": rules.teacher_catchment(application.teacher_catchment),
        "teacher_catchment_country": application.teacher_catchment_country,
        "teacher_catchment_iso_country_code": application.teacher_catchment_iso_country_code,
        "lead_mentor": application.lead_mentor,
        "itt_provider": application.itt_provider,
        "schedule_identifier": view.schedule_identifier,
    }


def application_resource(view: ApplicationView, version: str) -> dict[str, Any]:
    values = _values(view)
    attributes = {name: values[name] for name in ATTRIBUTES[version]}
    return resource(view.application.id, RESOURCE_TYPE, attributes)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def applications_csv(views: Iterable[ApplicationView], version: str, *, funded_place: bool) -> str:
    """The header row always; `funded_place` only while the funded-place feature is on."""
    columns = [c for c in CSV_COLUMNS[version] if funded_place or c != "funded_place"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for view in views:
        values = _values(view)
        writer.writerow([_csv_value(values[c]) for c in columns])
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Documentation models
# ---------------------------------------------------------------------------------------------


class NpqApplicationsFilter(BaseModel):
    cohort: str | None = Field(None, description="Cohort start year", examples=["2024"])
    updated_since: str | None = Field(
        None, description="Only applications changed after this instant (ISO 8601)"
    )


class NpqApplicationsFilterV3(NpqApplicationsFilter):
    participant_id: str | None = Field(
        None, description="Comma-separated participant ids", examples=["7a8fef46-..."]
    )


class NpqApplicationAcceptAttributes(BaseModel):
    funded_place: bool | None = Field(
        None, description="Required when the provider's contract for the course is capped"
    )


class NpqApplicationAcceptAttributesV3(NpqApplicationAcceptAttributes):
    schedule_identifier: str | None = Field(None, examples=["npq-leadership-spring"])


class NpqApplicationAcceptRequest(BaseModel):
    class Data(BaseModel):
        type: Literal["npq-application-accept"] = "npq-application-accept"
        attributes: NpqApplicationAcceptAttributes

    data: Data | None = None


class NpqApplicationAcceptRequestV3(BaseModel):
    class Data(BaseModel):
        type: Literal["npq-application-accept"] = "npq-application-accept"
        attributes: NpqApplicationAcceptAttributesV3

    data: Data | None = None


class ChangeFundedPlaceRequest(BaseModel):
    class Data(BaseModel):
        type: Literal["npq-application-change-funded-place"] = "npq-application-change-funded-place"
        attributes: dict[str, bool] = Field(..., examples=[{"funded_place": True}])

    data: Data


class NpqApplicationDocument(BaseModel):
    """`{"data": {"id", "type": "npq_application", "attributes": {...}}}`"""

    data: dict[str, Any]


class NpqApplicationsDocument(BaseModel):
    """`{"data": [{"id", "type": "npq_application", "attributes": {...}}, ...]}`"""

    data: list[dict[str, Any]]
