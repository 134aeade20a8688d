"""NPQ participant documents per version (npq.md 3.3) and the request bodies of the actions.

Serializers build plain dicts in the attribute order of the reference documents; the pydantic
models only describe requests and responses for the published OpenAPI documents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.responses import Response

from cpd_api.core.formats import cohort_text, timestamp
from cpd_api.core.jsonapi import resource

from .queries import Enrolment, ParticipantView

RESOURCE_TYPE = "npq-participant"
ENROLMENTS_CSV_COLUMNS = (
    "participant_id",
    "course_identifier",
    "schedule_identifier",
    "cohort",
    "npq_application_id",
    "eligible_for_funding",
    "funded_place",
    "training_status",
    "school_urn",
)


def _state(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"reason": row.reason, "date": timestamp(row.created_at)}


def _enrolment_v2(enrolment: Enrolment) -> dict[str, Any]:
    application = enrolment.application
    return {
        "course_identifier": enrolment.profile.course_identifier,
        "schedule_identifier": enrolment.schedule_identifier,
        "cohort": cohort_text(enrolment.cohort),
        "npq_application_id": str(application.id),
        "eligible_for_funding": application.eligible_for_funding,
        "training_status": enrolment.profile.training_status,
        "school_urn": application.school_urn,
        "targeted_delivery_funding_eligibility": application.targeted_delivery_funding_eligibility,
        "funded_place": application.funded_place,
    }


def _enrolment_v3(enrolment: Enrolment) -> dict[str, Any]:
    application = enrolment.application
    status = enrolment.profile.training_status
    return {
        "email": application.email,
        "course_identifier": enrolment.profile.course_identifier,
        "schedule_identifier": enrolment.schedule_identifier,
        "cohort": cohort_text(enrolment.cohort),
        "npq_application_id": str(application.id),
        "eligible_for_funding": application.eligible_for_funding,
        "training_status": status,
        "school_urn": application.school_urn,
        "targeted_delivery_funding_eligibility": application.targeted_delivery_funding_eligibility,
        "withdrawal": _state(enrolment.withdrawal) if status == "withdrawn" else None,
        "deferral": _state(enrolment.deferral) if status == "deferred" else None,
        "created_at": timestamp(enrolment.profile.created_at),
        "funded_place": application.funded_place,
    }


def participant_v1(view: ParticipantView) -> dict[str, Any]:
    person = view.participant
    return resource(
        person.id,
        RESOURCE_TYPE,
        {
            "participant_id": str(person.id),
            "email": person.email,
            "full_name": person.full_name,
            "npq_courses": [e.profile.course_identifier for e in view.enrolments],
            "funded_places": [
                {
                    "npq_course": e.profile.course_identifier,
                    "funded_place": e.application.funded_place,
                    "npq_application_id": str(e.application.id),
                }
                for e in view.enrolments
            ],
            "teacher_reference_number": person.trn,
            "updated_at": timestamp(person.updated_at),
        },
    )


def participant_v2(view: ParticipantView) -> dict[str, Any]:
    person = view.participant
    return resource(
        person.id,
        RESOURCE_TYPE,
        {
            "email": person.email,
            "full_name": person.full_name,
            "teacher_reference_number": person.trn,
            "updated_at": timestamp(person.updated_at),
            "npq_enrolments": [_enrolment_v2(e) for e in view.enrolments],
        },
    )


def participant_v3(view: ParticipantView) -> dict[str, Any]:
    person = view.participant
    return resource(
        person.id,
        RESOURCE_TYPE,
        {
            "full_name": person.full_name,
            "teacher_reference_number": person.trn,
            "updated_at": timestamp(person.updated_at),
            "npq_enrolments": [_enrolment_v3(e) for e in view.enrolments],
            "participant_id_changes": [
                {
                    "from_participant_id": str(c.from_participant_id),
                    "to_participant_id": str(c.to_participant_id),
                    "changed_at": timestamp(c.created_at),
                }
                for c in view.id_changes
            ],
        },
    )


SERIALIZERS = {"v1": participant_v1, "v2": participant_v2, "v3": participant_v3}


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_response(text: str) -> Response:
    """`text/csv` exactly: Starlette would append a charset to a text media type."""
    return Response(text.encode(), headers={"content-type": "text/csv"})


def enrolments_csv(enrolments: Iterable[Enrolment], *, funded_place: bool) -> str:
    """v2 `npq-enrolments.csv`: the header row always, `funded_place` only while the
    funded-place feature is on."""
    columns = [c for c in ENROLMENTS_CSV_COLUMNS if funded_place or c != "funded_place"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for enrolment in enrolments:
        application = enrolment.application
        values = {
            "participant_id": enrolment.profile.participant_id,
            "course_identifier": enrolment.profile.course_identifier,
            "schedule_identifier": enrolment.schedule_identifier,
            "cohort": cohort_text(enrolment.cohort),
            "npq_application_id": application.id,
            "eligible_for_funding": application.eligible_for_funding,
            "funded_place": application.funded_place,
            "training_status": enrolment.profile.training_status,
            "school_urn": application.school_urn,
        }
        writer.writerow([_csv_value(values[c]) for c in columns])
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Documentation models (request bodies, filters)
# ---------------------------------------------------------------------------------------------


class NpqParticipantFilter(BaseModel):
    updated_since: str | None = Field(
        None, description="Only participants changed after this instant (ISO 8601)"
    )


class NpqParticipantFilterV3(NpqParticipantFilter):
    training_status: Literal["active", "deferred", "withdrawn"] | None = Field(
        None, description="Only participants with an enrolment in this training status"
    )
    from_participant_id: str | None = Field(
        None, description="Only the participant that a retired participant id now points to"
    )


class NpqParticipantsSort(BaseModel):
    sort: str | None = Field(None, examples=["-updated_at,created_at"])


class NpqWithdrawAttributes(BaseModel):
    reason: str = Field(..., examples=["other"])
    course_identifier: str = Field(..., examples=["npq-headship"])


class NpqDeferAttributes(BaseModel):
    reason: Literal["bereavement", "long-term-sickness", "parental-leave", "career-break", "other"]
    course_identifier: str = Field(..., examples=["npq-headship"])


class NpqResumeAttributes(BaseModel):
    course_identifier: str = Field(..., examples=["npq-headship"])


class NpqChangeScheduleAttributes(BaseModel):
    schedule_identifier: str = Field(..., examples=["npq-leadership-spring"])
    course_identifier: str = Field(..., examples=["npq-headship"])
    cohort: str | None = Field(None, examples=["2024"])


class _Data(BaseModel):
    type: str


class NpqWithdrawRequest(BaseModel):
    class Data(_Data):
        type: Literal["participant-withdraw"] = "participant-withdraw"
        attributes: NpqWithdrawAttributes

    data: Data


class NpqDeferRequest(BaseModel):
    class Data(_Data):
        type: Literal["participant-defer"] = "participant-defer"
        attributes: NpqDeferAttributes

    data: Data


class NpqResumeRequest(BaseModel):
    class Data(_Data):
        type: Literal["participant-resume"] = "participant-resume"
        attributes: NpqResumeAttributes

    data: Data


class NpqChangeScheduleRequest(BaseModel):
    class Data(_Data):
        type: Literal["participant-change-schedule"] = "participant-change-schedule"
        attributes: NpqChangeScheduleAttributes

    data: Data


class NpqParticipantDocument(BaseModel):
    """`{"data": {"id", "type": "npq-participant", "attributes": {...}}}`"""

    data: dict[str, Any]


class NpqParticipantsDocument(BaseModel):
    """`{"data": [{"id", "type": "npq-participant", "attributes": {...}}, ...]}`"""

    data: list[dict[str, Any]]
