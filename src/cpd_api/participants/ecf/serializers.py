"""Plain-dict serialisers of ECF participants per version, attributes in the order of the
reference documents (v1 and v2 share one shape), and the v1/v2 CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cpd_api.core.formats import calendar_date, cohort_text, timestamp, uuid_text
from cpd_api.core.jsonapi import resource

from . import rules
from .queries import Enrolment, ParticipantView, TrainingRecordRow

RESOURCE_TYPE = "participant"
V1_COLUMNS = (
    "id",
    "email",
    "full_name",
    "mentor_id",
    "school_urn",
    "participant_type",
    "cohort",
    "status",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "eligible_for_funding",
    "pupil_premium_uplift",
    "sparsity_uplift",
    "training_status",
    "training_record_id",
    "schedule_identifier",
    "updated_at",
)


def _email(enrolment: Enrolment, fallback: str) -> str:
    return enrolment.record.email or fallback


def v1_attributes(row: TrainingRecordRow) -> dict[str, Any]:
    person, enrolment = row.person, row.enrolment
    profile, record = enrolment.profile, enrolment.record
    return {
        "email": _email(enrolment, person.email),
        "full_name": person.full_name,
        "mentor_id": uuid_text(enrolment.mentor_participant_id),
        "school_urn": record.school_urn,
        "participant_type": profile.profile_type,
        "cohort": cohort_text(record.cohort_year),
        "status": rules.record_status(record.induction_status),
        "teacher_reference_number": person.trn,
        "teacher_reference_number_validated": rules.trn_validated(
            person.trn, profile.trn_validated
        ),
        "eligible_for_funding": rules.eligible_for_funding(profile.eligibility_status),
        "pupil_premium_uplift": profile.pupil_premium_uplift,
        "sparsity_uplift": profile.sparsity_uplift,
        "training_status": record.training_status,
        "training_record_id": str(profile.id),
        "schedule_identifier": record.schedule_identifier,
        "updated_at": timestamp(person.updated_at),
    }


def v1_resource(row: TrainingRecordRow) -> dict[str, Any]:
    return resource(row.person.id, RESOURCE_TYPE, v1_attributes(row))


def _state(value: tuple[str | None, datetime] | None, *, withdrawal: bool) -> dict | None:
    if value is None:
        return None
    reason, at = value
    return {
        "reason": rules.shown_withdrawal_reason(reason) if withdrawal else reason,
        "date": timestamp(at),
    }


def v3_enrolment(enrolment: Enrolment, trn: str | None, now: datetime) -> dict[str, Any]:
    profile, record = enrolment.profile, enrolment.record
    is_mentor = profile.profile_type == "mentor"
    return {
        "training_record_id": str(profile.id),
        "email": record.email,
        "mentor_id": uuid_text(enrolment.mentor_participant_id),
        "school_urn": record.school_urn,
        "participant_type": profile.profile_type,
        "cohort": cohort_text(record.cohort_year),
        "training_status": record.training_status,
        "participant_status": rules.participant_status(
            record.induction_status, record.start_date, record.end_date, now
        ),
        "teacher_reference_number_validated": rules.trn_validated(trn, profile.trn_validated),
        "eligible_for_funding": rules.eligible_for_funding(profile.eligibility_status),
        "pupil_premium_uplift": profile.pupil_premium_uplift,
        "sparsity_uplift": profile.sparsity_uplift,
        "schedule_identifier": record.schedule_identifier,
        "delivery_partner_id": uuid_text(record.delivery_partner_id),
        "withdrawal": _state(enrolment.withdrawal, withdrawal=True),
        "deferral": _state(enrolment.deferral, withdrawal=False),
        "created_at": timestamp(profile.created_at),
        "induction_end_date": None
        if is_mentor
        else calendar_date(profile.induction_completion_date),
        "mentor_funding_end_date": calendar_date(profile.mentor_completion_date)
        if is_mentor
        else None,
        "cohort_changed_after_payments_frozen": profile.cohort_changed_after_payments_frozen,
        "mentor_ineligible_for_funding_reason": (
            profile.mentor_ineligible_for_funding_reason or profile.mentor_completion_reason
        )
        if is_mentor
        else None,
    }


def v3_resource(view: ParticipantView, now: datetime) -> dict[str, Any]:
    person = view.person
    enrolments = []
    for enrolment in view.enrolments:
        item = v3_enrolment(enrolment, person.trn, now)
        if item["email"] is None:
            item["email"] = person.email
        enrolments.append(item)
    return resource(
        person.id,
        RESOURCE_TYPE,
        {
            "full_name": person.full_name,
            "teacher_reference_number": person.trn,
            "updated_at": timestamp(person.updated_at),
            "ecf_enrolments": enrolments,
            "participant_id_changes": [
                {
                    "from_participant_id": str(change.from_participant_id),
                    "to_participant_id": str(change.to_participant_id),
                    "changed_at": timestamp(change.created_at),
                }
                for change in view.id_changes
            ],
        },
    )


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def v1_csv(rows: Iterable[TrainingRecordRow]) -> str:
    """Header plus one line per training record; no rows means an empty body."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    wrote_header = False
    for row in rows:
        if not wrote_header:
            writer.writerow(V1_COLUMNS)
            wrote_header = True
        values = {"id": str(row.person.id), **v1_attributes(row)}
        writer.writerow([_csv_value(values[column]) for column in V1_COLUMNS])
    return out.getvalue()
