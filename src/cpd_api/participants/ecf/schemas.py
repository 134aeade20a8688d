"""Pydantic models describing ECF participant requests, filters and responses in the
published OpenAPI documents. Requests are parsed leniently by the endpoints (the public
service ignores unknown attributes and answers bad values with its own 422s), and responses
are built as plain dicts by serializers.py; these models only document them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

ScheduleIdentifier = Literal[
    "ecf-standard-september",
    "ecf-standard-january",
    "ecf-standard-april",
    "ecf-reduced-september",
    "ecf-reduced-january",
    "ecf-reduced-april",
    "ecf-extended-september",
    "ecf-extended-january",
    "ecf-extended-april",
    "ecf-replacement-september",
    "ecf-replacement-january",
    "ecf-replacement-april",
]
CourseIdentifier = Literal["ecf-induction", "ecf-mentor"]


# --- filters ---------------------------------------------------------------------------------


class ParticipantListFilter(BaseModel):
    """Filter a list of records to return more specific results."""

    updated_since: str | None = Field(
        None,
        description="Return only records updated at or after this date and time (ISO 8601).",
        examples=["2021-05-13T11:21:55Z"],
    )
    cohort: str | None = Field(
        None, description="Return only records for the given cohort(s).", examples=["2022"]
    )


class ECFParticipantFilter(ParticipantListFilter):
    """Filter a list of records to return more specific results."""

    training_status: Literal["active", "deferred", "withdrawn"] | None = Field(
        None, description="Return only records that have this training status.", examples=["active"]
    )
    from_participant_id: str | None = Field(
        None,
        description="Return only records that have this retired (from) participant ID.",
        examples=["439ac4fe-a003-417f-9694-07c45b3482f8"],
    )


class ECFParticipantsPagination(BaseModel):
    """Countless paging: ask for pages until one comes back short or empty."""

    page: int | None = Field(None, ge=1, description="The page number (from 1).", examples=[1])
    per_page: int | None = Field(
        None, ge=1, description="Records per page (default 100, at most 3000).", examples=[100]
    )


# --- requests --------------------------------------------------------------------------------


class ECFParticipantWithdrawAttributes(BaseModel):
    reason: Literal[
        "left-teaching-profession",
        "moved-school",
        "mentor-no-longer-being-mentor",
        "switched-to-school-led",
        "other",
    ]
    course_identifier: CourseIdentifier


class ECFParticipantWithdraw(BaseModel):
    type: Literal["participant-withdraw"]
    attributes: ECFParticipantWithdrawAttributes


class ECFParticipantWithdrawRequest(BaseModel):
    data: ECFParticipantWithdraw


class ECFParticipantDeferAttributes(BaseModel):
    reason: Literal["bereavement", "long-term-sickness", "parental-leave", "career-break", "other"]
    course_identifier: CourseIdentifier


class ECFParticipantDefer(BaseModel):
    type: Literal["participant-defer"]
    attributes: ECFParticipantDeferAttributes


class ECFParticipantDeferRequest(BaseModel):
    data: ECFParticipantDefer


class ECFParticipantResumeAttributes(BaseModel):
    course_identifier: CourseIdentifier


class ECFParticipantResume(BaseModel):
    type: Literal["participant-resume"]
    attributes: ECFParticipantResumeAttributes


class ECFParticipantResumeRequest(BaseModel):
    data: ECFParticipantResume


class ECFParticipantChangeScheduleAttributes(BaseModel):
    schedule_identifier: ScheduleIdentifier
    course_identifier: CourseIdentifier
    cohort: str | None = Field(None, examples=["2024"])


class ECFParticipantChangeSchedule(BaseModel):
    type: Literal["participant-change-schedule"]
    attributes: ECFParticipantChangeScheduleAttributes


class ECFParticipantChangeScheduleRequest(BaseModel):
    data: ECFParticipantChangeSchedule


# --- v1 / v2 responses -----------------------------------------------------------------------


class ECFParticipantAttributesV1(BaseModel):
    email: str | None
    full_name: str
    mentor_id: str | None
    school_urn: str
    participant_type: Literal["ect", "mentor"]
    cohort: str
    status: Literal["active", "withdrawn"]
    teacher_reference_number: str | None
    teacher_reference_number_validated: bool | None
    eligible_for_funding: bool | None
    pupil_premium_uplift: bool
    sparsity_uplift: bool
    training_status: Literal["active", "deferred", "withdrawn"]
    training_record_id: str
    schedule_identifier: ScheduleIdentifier
    updated_at: datetime


class ECFParticipantV1(BaseModel):
    id: str
    type: Literal["participant"]
    attributes: ECFParticipantAttributesV1


class ECFParticipantResponseV1(BaseModel):
    data: ECFParticipantV1


class MultipleECFParticipantsResponseV1(BaseModel):
    data: list[ECFParticipantV1]


# --- v3 responses ----------------------------------------------------------------------------


class ECFWithdrawal(BaseModel):
    reason: str
    date: datetime


class ECFDeferral(BaseModel):
    reason: str
    date: datetime


class ECFEnrolment(BaseModel):
    training_record_id: str
    email: str
    mentor_id: str | None
    school_urn: str
    participant_type: Literal["ect", "mentor"]
    cohort: str
    training_status: Literal["active", "deferred", "withdrawn"]
    participant_status: Literal["active", "joining", "leaving", "left", "withdrawn"] | None
    teacher_reference_number_validated: bool | None
    eligible_for_funding: bool | None
    pupil_premium_uplift: bool
    sparsity_uplift: bool
    schedule_identifier: ScheduleIdentifier
    delivery_partner_id: str
    withdrawal: ECFWithdrawal | None
    deferral: ECFDeferral | None
    created_at: datetime
    induction_end_date: date | None
    mentor_funding_end_date: date | None
    cohort_changed_after_payments_frozen: bool
    mentor_ineligible_for_funding_reason: (
        Literal[
            "completed_declaration_received",
            "completed_during_early_roll_out",
            "started_not_completed",
        ]
        | None
    )


class ParticipantIdChange(BaseModel):
    from_participant_id: str
    to_participant_id: str
    changed_at: datetime


class ECFParticipantAttributesV3(BaseModel):
    full_name: str
    teacher_reference_number: str | None
    updated_at: datetime
    ecf_enrolments: list[ECFEnrolment]
    participant_id_changes: list[ParticipantIdChange]


class ECFParticipantV3(BaseModel):
    id: str
    type: Literal["participant"]
    attributes: ECFParticipantAttributesV3


class ECFParticipantResponseV3(BaseModel):
    data: ECFParticipantV3


class MultipleECFParticipantsResponseV3(BaseModel):
    data: list[ECFParticipantV3]
