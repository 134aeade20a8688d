"""`cpd-api import eligibility FILE`: funding-eligibility decisions made outside the API.

One row per decision, for an ECF training record (`training_record_id` with
`eligibility_status` and optional `eligibility_reason`) or an NPQ application
(`npq_application_id` with `eligible_for_funding`). A decision that makes a participant
fundable turns their waiting `submitted` declarations `eligible` and attaches them to the
next open output statement (ecf.md 4.7, operations.md 3.2)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, model_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.participants.models import ParticipantProfile
from cpd_api.participants.npq.service import touch_course_applications
from cpd_api.participants.timestamps import touch_participants

from . import service

ECF_ELIGIBILITY_STATUSES = ("eligible", "ineligible", "manual_check", "matched", "no_match")


class EligibilityRow(BaseModel):
    training_record_id: uuid.UUID | None = None
    npq_application_id: uuid.UUID | None = None
    eligibility_status: Literal["eligible", "ineligible", "manual_check", "matched", "no_match"] | (
        None
    ) = None
    eligibility_reason: str | None = None
    eligible_for_funding: bool | None = None

    @model_validator(mode="after")
    def _one_decision(self) -> EligibilityRow:
        if (self.training_record_id is None) == (self.npq_application_id is None):
            raise ValueError("give exactly one of training_record_id and npq_application_id")
        if self.training_record_id is not None and self.eligibility_status is None:
            raise ValueError("an ECF decision needs eligibility_status")
        if self.npq_application_id is not None and self.eligible_for_funding is None:
            raise ValueError("an NPQ decision needs eligible_for_funding (true or false)")
        return self


def _load(
    session: Session, rows: list[tuple[int, EligibilityRow]]
) -> tuple[dict[uuid.UUID, ParticipantProfile], dict[uuid.UUID, NpqApplication]]:
    ecf_ids = {row.training_record_id for _, row in rows if row.training_record_id}
    npq_ids = {row.npq_application_id for _, row in rows if row.npq_application_id}
    profiles = {
        p.id: p
        for p in session.scalars(
            select(ParticipantProfile).where(
                ParticipantProfile.id.in_(ecf_ids),
                ParticipantProfile.profile_type.in_(("ect", "mentor")),
            )
        )
    }
    applications = {
        a.id: a
        for a in session.scalars(select(NpqApplication).where(NpqApplication.id.in_(npq_ids)))
    }
    problems = []
    for line, row in rows:
        if row.training_record_id and row.training_record_id not in profiles:
            problems.append(RowError(line, f"no ECF training record {row.training_record_id}"))
        if row.npq_application_id and row.npq_application_id not in applications:
            problems.append(RowError(line, f"no NPQ application {row.npq_application_id}"))
    if problems:
        raise IntakeRejected(problems)
    return profiles, applications


def _touch_npq_dependants(session: Session, application: NpqApplication) -> None:
    """The decision changes what more than this application shows: the person's other
    applications for the course derive their `eligible_for_funding` from it, and the
    enrolment (v2 enrolments CSV, `updated_since`) shows the raw flag."""
    touch_course_applications(session, application.participant_id, application.course_identifier)
    session.execute(
        update(ParticipantProfile)
        .where(ParticipantProfile.npq_application_id == application.id)
        .values(updated_at=clock.now_seconds())
        .execution_options(synchronize_session="fetch")
    )


def apply_eligibility(
    session: Session, rows: list[tuple[int, EligibilityRow]], actor: Actor
) -> IntakeResult:
    profiles, applications = _load(session, rows)
    fundable_now: set[uuid.UUID] = set()
    touched: set[uuid.UUID] = set()
    updated = 0
    for _, row in rows:
        if row.training_record_id is not None:
            profile = profiles[row.training_record_id]
            before = (profile.eligibility_status, profile.eligibility_reason)
            after = (row.eligibility_status, row.eligibility_reason)
            if before != after:
                profile.eligibility_status, profile.eligibility_reason = after
                record_change(
                    session,
                    actor,
                    "participant_profile",
                    profile.id,
                    "eligibility",
                    {"eligibility_status": [before[0], after[0]]},
                )
                touched.add(profile.participant_id)
                updated += 1
            if profile.eligibility_status == "eligible":
                fundable_now.add(profile.id)
        else:
            application = applications[row.npq_application_id]
            if application.eligible_for_funding != row.eligible_for_funding:
                record_change(
                    session,
                    actor,
                    "npq_application",
                    application.id,
                    "eligibility",
                    {
                        "eligible_for_funding": [
                            application.eligible_for_funding,
                            row.eligible_for_funding,
                        ]
                    },
                )
                application.eligible_for_funding = bool(row.eligible_for_funding)
                _touch_npq_dependants(session, application)
                touched.add(application.participant_id)
                updated += 1
    session.flush()
    for application in applications.values():
        funding = service.npq_funding(session, application.id, None)
        if application.status == "accepted" and funding is not None and funding.fundable:
            fundable_now.add(application.id)
    touch_participants(session, touched)
    promoted, stranded = service.promote_waiting_declarations(session, fundable_now, actor)
    notes = [f"{promoted} waiting declaration(s) became eligible"]
    if stranded:
        notes.append(
            f"{stranded} declaration(s) stay submitted: their provider has no open output "
            "statement for their cohort"
        )
    session.commit()
    return IntakeResult("eligibility", len(rows), created=0, updated=updated, notes=notes)


ELIGIBILITY = IntakeKind(
    name="eligibility",
    row_model=EligibilityRow,
    apply=apply_eligibility,
    description=(
        "Funding eligibility decisions: training_record_id + eligibility_status "
        "[+ eligibility_reason] for ECF, npq_application_id + eligible_for_funding for NPQ"
    ),
)
