"""Plain-dict serialisers of ECF participants per version, attributes in the order of the
reference documents (v1 and v2 share one shape), and the v1/v2 CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cpd_api.core.formats import cohort_text, timestamp, uuid_text
from cpd_api.core.jsonapi import resource

from . import rules
from .queries import TrainingRecordRow

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


def _email(enrolment: Any, fallback: str) -> str:
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


def v3_resources(rows: Iterable[tuple], now: datetime) -> list[dict[str, Any]]:
    """v3 participants from rows in `queries.V3_ROW` order, grouped by person as they come.

    A person's rows repeat their enrolments once per id change (and the reverse), ordered
    by enrolment then change: an enrolment starts where the profile id changes, and id
    changes are read from the first enrolment's rows only. Ids and timestamps are left as
    UUID and datetime objects for the encoder (`jsonapi.JsonApiResponse`), which writes
    them in C in the service's formats."""
    resources: list[dict[str, Any]] = []
    current = last_profile = first_profile = None
    enrolments: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for (
        person_id, full_name, person_email, trn, updated_at,
        profile_id, profile_type, profile_created_at, eligibility_status, trn_validated,
        pupil_premium_uplift, sparsity_uplift, induction_completion_date,
        mentor_completion_date, mentor_completion_reason, mentor_ineligible_reason,
        cohort_changed, record_email, cohort_year, training_status, induction_status,
        start_date, end_date, school_urn, schedule_identifier, delivery_partner_id,
        mentor_participant_id, state_reason, state_at,
        change_id, from_participant_id, to_participant_id, changed_at,
    ) in rows:  # fmt: skip
        if person_id != current:
            current, last_profile, first_profile = person_id, None, profile_id
            enrolments, changes = [], []
            resources.append(
                {
                    "id": person_id,
                    "type": RESOURCE_TYPE,
                    "attributes": {
                        "full_name": full_name,
                        "teacher_reference_number": trn,
                        "updated_at": updated_at,
                        "ecf_enrolments": enrolments,
                        "participant_id_changes": changes,
                    },
                }
            )
        if change_id is not None and profile_id == first_profile:
            changes.append(
                {
                    "from_participant_id": from_participant_id,
                    "to_participant_id": to_participant_id,
                    "changed_at": changed_at,
                }
            )
        if profile_id is None or profile_id == last_profile:
            continue
        last_profile = profile_id
        is_mentor = profile_type == "mentor"
        state = None if state_at is None else {"reason": state_reason, "date": state_at}
        withdrawal = deferral = None
        if training_status == "withdrawn" and state is not None:
            state["reason"] = rules.shown_withdrawal_reason(state_reason)
            withdrawal = state
        elif training_status == "deferred":
            deferral = state
        enrolments.append(
            {
                "training_record_id": profile_id,
                "email": record_email or person_email,
                "mentor_id": None if is_mentor else mentor_participant_id,
                "school_urn": school_urn,
                "participant_type": profile_type,
                "cohort": cohort_text(cohort_year),
                "training_status": training_status,
                "participant_status": rules.participant_status(
                    induction_status, start_date, end_date, now
                ),
                "teacher_reference_number_validated": rules.trn_validated(trn, trn_validated),
                "eligible_for_funding": rules.eligible_for_funding(eligibility_status),
                "pupil_premium_uplift": pupil_premium_uplift,
                "sparsity_uplift": sparsity_uplift,
                "schedule_identifier": schedule_identifier,
                "delivery_partner_id": delivery_partner_id,
                "withdrawal": withdrawal,
                "deferral": deferral,
                "created_at": profile_created_at,
                "induction_end_date": None if is_mentor else induction_completion_date,
                "mentor_funding_end_date": mentor_completion_date if is_mentor else None,
                "cohort_changed_after_payments_frozen": cohort_changed,
                "mentor_ineligible_for_funding_reason": (
                    mentor_ineligible_reason or mentor_completion_reason
                )
                if is_mentor
                else None,
            }
        )
    return resources


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
