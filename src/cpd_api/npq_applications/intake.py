"""`cpd-api import npq-applications FILE`: applications sent by the NPQ registration service.

One row per application: the applicant (`participant_id`, else matched by `email`, else a
new participant), the provider applied to (`lead_provider`, name or id), the course and
cohort, and the registration answers. A row with the `id` of an existing application updates
its registration answers (never its status or funded place). Every row is checked before
anything is written; one bad row rejects the file with its line number."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError
from cpd_api.participants.models import Participant, ParticipantProfile
from cpd_api.participants.npq.service import touch_course_applications
from cpd_api.participants.timestamps import touch_participants
from cpd_api.providers.models import LeadProvider
from cpd_api.schedules.models import Cohort
from cpd_api.schedules.reference_data import NPQ_COURSE_IDENTIFIERS

from .models import NpqApplication

HeadteacherStatus = Literal[
    "no",
    "yes_when_course_starts",
    "yes_in_first_two_years",
    "yes_over_two_years",
    "yes_in_first_five_years",
    "yes_over_five_years",
]
FundingChoice = Literal["school", "trust", "self", "another", "employer"]

# Registration answers copied onto the application; an update rewrites exactly these.
REGISTRATION_FIELDS = (
    "full_name",
    "email",
    "trn",
    "trn_validated",
    "school_urn",
    "school_ukprn",
    "private_childcare_provider_urn",
    "headteacher_status",
    "funding_choice",
    "works_in_school",
    "employer_name",
    "employment_role",
    "eligible_for_funding",
    "targeted_delivery_funding_eligibility",
    "teacher_catchment",
    "teacher_catchment_country",
    "teacher_catchment_iso_country_code",
    "itt_provider",
    "lead_mentor",
)
# Fields an NPQ participant's enrolment shows: changing them changes the participant.
ENROLMENT_FIELDS = (
    "email",
    "school_urn",
    "eligible_for_funding",
    "targeted_delivery_funding_eligibility",
)


class NpqApplicationRow(BaseModel):
    id: uuid.UUID | None = None
    participant_id: uuid.UUID | None = None
    lead_provider: str = Field(min_length=1)
    course_identifier: str
    cohort: int
    full_name: str = Field(min_length=1, max_length=255)
    email: str = Field(min_length=3, max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")
    trn: str | None = Field(None, pattern=r"^\d{5,7}$")
    trn_validated: bool = False
    school_urn: str | None = Field(None, max_length=16)
    school_ukprn: str | None = Field(None, max_length=16)
    private_childcare_provider_urn: str | None = Field(None, max_length=16)
    headteacher_status: HeadteacherStatus | None = None
    funding_choice: FundingChoice | None = None
    works_in_school: bool | None = None
    employer_name: str | None = Field(None, max_length=255)
    employment_role: str | None = Field(None, max_length=255)
    eligible_for_funding: bool = False
    targeted_delivery_funding_eligibility: bool = False
    teacher_catchment: str | None = Field(None, max_length=64)
    teacher_catchment_country: str | None = Field(None, max_length=128)
    teacher_catchment_iso_country_code: str | None = Field(None, min_length=3, max_length=3)
    itt_provider: str | None = Field(None, max_length=255)
    lead_mentor: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_means_default(cls, values: object) -> object:
        # An empty CSV cell (or a JSON null) leaves the field at its default.
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if v is not None}
        return values

    @field_validator("course_identifier")
    @classmethod
    def _npq_course(cls, value: str) -> str:
        if value not in NPQ_COURSE_IDENTIFIERS:
            raise ValueError(f"not an NPQ course identifier: {value!r}")
        return value


def _providers(session: Session) -> dict[str, LeadProvider]:
    lookup: dict[str, LeadProvider] = {}
    for provider in session.scalars(select(LeadProvider)):
        lookup[str(provider.id)] = provider
        lookup[provider.name.strip().lower()] = provider
    return lookup


def _check(
    session: Session, rows: list[tuple[int, NpqApplicationRow]]
) -> tuple[dict[str, LeadProvider], dict[uuid.UUID, NpqApplication]]:
    """Everything that needs the database, before anything is written."""
    providers = _providers(session)
    cohorts = set(session.scalars(select(Cohort.start_year)))
    ids = [row.id for _, row in rows if row.id is not None]
    existing = {
        a.id: a for a in session.scalars(select(NpqApplication).where(NpqApplication.id.in_(ids)))
    }
    problems: list[RowError] = []
    seen: dict[uuid.UUID, int] = {}
    for line, row in rows:
        provider = providers.get(row.lead_provider.strip().lower())
        if provider is None:
            problems.append(RowError(line, f"unknown lead_provider {row.lead_provider!r}"))
        elif not provider.npq:
            problems.append(RowError(line, f"lead provider {provider.name!r} does not offer NPQ"))
        if row.cohort not in cohorts:
            problems.append(RowError(line, f"unknown cohort {row.cohort}"))
        if row.id is not None:
            if row.id in seen:
                problems.append(RowError(line, f"application {row.id} repeats line {seen[row.id]}"))
            seen[row.id] = line
            current = existing.get(row.id)
            if current is not None and provider is not None:
                same = (
                    current.lead_provider_id == provider.id
                    and current.course_identifier == row.course_identifier
                    and current.cohort_year == row.cohort
                )
                if not same:
                    problems.append(
                        RowError(
                            line,
                            f"application {row.id} exists with another provider, course or "
                            "cohort; only registration answers can change",
                        )
                    )
    if problems:
        raise IntakeRejected(problems)
    return providers, existing


def _person(
    session: Session, row: NpqApplicationRow, created: dict[str, Participant]
) -> Participant:
    """The applicant: by id, else by email (within the file too), else a new participant."""
    if row.participant_id is not None:
        person = session.get(Participant, row.participant_id)
        if person is None:
            person = Participant(
                id=row.participant_id, full_name=row.full_name, email=row.email, trn=row.trn
            )
            session.add(person)
            session.flush()
        return person
    key = row.email.strip().lower()
    if key in created:
        return created[key]
    person = session.scalar(
        select(Participant)
        .where(func.lower(Participant.email) == key)
        .order_by(Participant.created_at, Participant.id)
        .limit(1)
    )
    if person is None:
        person = Participant(full_name=row.full_name, email=row.email, trn=row.trn)
        session.add(person)
        session.flush()
    created[key] = person
    return person


def apply_npq_applications(
    session: Session, rows: list[tuple[int, NpqApplicationRow]], actor: Actor
) -> IntakeResult:
    providers, existing = _check(session, rows)
    result = IntakeResult("npq-applications", len(rows))
    people: dict[str, Participant] = {}
    touched_people: set[uuid.UUID] = set()
    for _, row in rows:
        values = {name: getattr(row, name) for name in REGISTRATION_FIELDS}
        current = existing.get(row.id) if row.id is not None else None
        if current is None:
            person = _person(session, row, people)
            application = NpqApplication(
                participant_id=person.id,
                lead_provider_id=providers[row.lead_provider.strip().lower()].id,
                course_identifier=row.course_identifier,
                cohort_year=row.cohort,
                status="pending",
                **values,
            )
            if row.id is not None:
                application.id = row.id
            session.add(application)
            session.flush()
            record_change(session, actor, "npq_application", application.id, "register")
            result.created += 1
            continue
        changes = {
            name: [getattr(current, name), value]
            for name, value in values.items()
            if getattr(current, name) != value
        }
        if not changes:
            continue
        for name, (_, value) in changes.items():
            setattr(current, name, value)
        now = clock.now_seconds()
        current.updated_at = now
        if "eligible_for_funding" in changes:
            touch_course_applications(session, current.participant_id, current.course_identifier)
        enrolment = session.get(ParticipantProfile, current.id)
        if enrolment is not None and any(name in changes for name in ENROLMENT_FIELDS):
            enrolment.updated_at = now
            touched_people.add(current.participant_id)
        record_change(session, actor, "npq_application", current.id, "update", changes)
        result.updated += 1
    touch_participants(session, touched_people)
    session.flush()
    return result


NPQ_APPLICATIONS = IntakeKind(
    name="npq-applications",
    row_model=NpqApplicationRow,
    apply=apply_npq_applications,
    description=(
        "NPQ applications from the registration service: lead_provider, course_identifier, "
        "cohort, full_name, email [, id, participant_id, trn, trn_validated, school_urn, ...]"
    ),
)
