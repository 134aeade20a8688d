"""Shared test data builders: schools, partnerships, ECTs and mentors with their induction
records, NPQ applications and enrolments, statements and contracts.

They write rows directly (no API), flush, and return the ORM objects, so a test can arrange
exactly the situation it needs. Engineers may append builders at the end of this file."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.delivery_partners.models import DeliveryPartner, ProviderRelationship
from cpd_api.npq_applications.models import NpqApplication, NpqContract
from cpd_api.participants.models import (
    InductionRecord,
    Participant,
    ParticipantIdChange,
    ParticipantProfile,
)
from cpd_api.partnerships.models import Partnership
from cpd_api.schedules.models import Schedule
from cpd_api.schools.models import School, SchoolCohort
from cpd_api.statements.models import Statement

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def at(text: str) -> datetime:
    """`at("2024-10-01T10:00:00Z")` → aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def schedule(session: Session, identifier: str, cohort: int) -> Schedule:
    found = session.scalar(
        select(Schedule).where(Schedule.identifier == identifier, Schedule.cohort_year == cohort)
    )
    if found is None:
        raise LookupError(f"no schedule {identifier} in cohort {cohort}")
    return found


def school(
    session: Session,
    *,
    urn: str | None = None,
    name: str | None = None,
    funding_eligible: bool = True,
    cip_only: bool = False,
    induction_tutor_name: str | None = "Ina Tutor",
    induction_tutor_email: str | None = "tutor@school.example.com",
) -> School:
    number = _next()
    created = School(
        urn=urn or f"{100000 + number:06d}",
        name=name or f"Test School {number}",
        funding_eligible=funding_eligible,
        cip_only=cip_only,
        induction_tutor_name=induction_tutor_name,
        induction_tutor_email=induction_tutor_email,
    )
    session.add(created)
    session.flush()
    return created


def school_cohort(
    session: Session, school_: School, cohort: int, choice: str = "full_induction_programme"
) -> SchoolCohort:
    existing = session.scalar(
        select(SchoolCohort).where(
            SchoolCohort.school_id == school_.id, SchoolCohort.cohort_year == cohort
        )
    )
    if existing is not None:
        existing.induction_programme_choice = choice
        session.flush()
        return existing
    created = SchoolCohort(
        school_id=school_.id, cohort_year=cohort, induction_programme_choice=choice
    )
    session.add(created)
    session.flush()
    return created


def delivery_partner(session: Session, name: str | None = None) -> DeliveryPartner:
    created = DeliveryPartner(name=name or f"Delivery Partner {_next()}")
    session.add(created)
    session.flush()
    return created


def provider_relationship(
    session: Session, provider_id: uuid.UUID, partner: DeliveryPartner, cohort: int
) -> ProviderRelationship:
    existing = session.scalar(
        select(ProviderRelationship).where(
            ProviderRelationship.lead_provider_id == provider_id,
            ProviderRelationship.delivery_partner_id == partner.id,
            ProviderRelationship.cohort_year == cohort,
        )
    )
    if existing is not None:
        return existing
    created = ProviderRelationship(
        lead_provider_id=provider_id, delivery_partner_id=partner.id, cohort_year=cohort
    )
    session.add(created)
    session.flush()
    return created


def partnership(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohort: int = 2024,
    school_: School | None = None,
    partner: DeliveryPartner | None = None,
    challenged_reason: str | None = None,
    relationship: bool = False,
    pending: bool = False,
) -> Partnership:
    """A partnership, with its school, school cohort (provider-led), delivery partner and the
    provider relationship that allows it."""
    school_ = school_ or school(session)
    partner = partner or delivery_partner(session)
    provider_relationship(session, provider_id, partner, cohort)
    school_cohort(session, school_, cohort)
    created = Partnership(
        school_id=school_.id,
        cohort_year=cohort,
        lead_provider_id=provider_id,
        delivery_partner_id=partner.id,
        relationship=relationship,
        pending=pending,
        challenge_reason=challenged_reason,
        challenged_at=clock.now_seconds() if challenged_reason else None,
    )
    session.add(created)
    session.flush()
    return created


def participant(
    session: Session,
    *,
    full_name: str | None = None,
    email: str | None = None,
    trn: str | None = "default",
) -> Participant:
    number = _next()
    created = Participant(
        full_name=full_name or f"Teacher {number}",
        email=email or f"teacher{number}@example.com",
        trn=f"{1000000 + number:07d}" if trn == "default" else trn,
    )
    session.add(created)
    session.flush()
    return created


def _ecf_profile(
    session: Session,
    profile_type: str,
    partnership_: Partnership | None,
    *,
    person: Participant | None,
    cohort: int | None,
    school_: School | None,
    schedule_identifier: str,
    eligibility: str,
    training_status: str,
    induction_status: str,
    start_date: datetime | None,
    end_date: datetime | None,
    mentor_profile: ParticipantProfile | None,
    pupil_premium_uplift: bool,
    sparsity_uplift: bool,
    trn_validated: bool,
) -> ParticipantProfile:
    person = person or participant(session)
    cohort = cohort or (partnership_.cohort_year if partnership_ else 2024)
    school_id = partnership_.school_id if partnership_ else school_.id  # type: ignore[union-attr]
    plan = schedule(session, schedule_identifier, cohort)
    profile = ParticipantProfile(
        participant_id=person.id,
        profile_type=profile_type,
        course_identifier="ecf-induction" if profile_type == "ect" else "ecf-mentor",
        school_id=school_id,
        cohort_year=cohort,
        schedule_id=plan.id,
        training_status=training_status,
        eligibility_status=eligibility,
        trn_validated=trn_validated,
        pupil_premium_uplift=pupil_premium_uplift,
        sparsity_uplift=sparsity_uplift,
        induction_start_date=(start_date or clock.now()).date(),
    )
    session.add(profile)
    session.flush()
    record = InductionRecord(
        participant_profile_id=profile.id,
        school_id=school_id,
        cohort_year=cohort,
        partnership_id=partnership_.id if partnership_ else None,
        schedule_id=plan.id,
        mentor_profile_id=mentor_profile.id if mentor_profile else None,
        email=person.email,
        training_status=training_status,
        induction_status=induction_status,
        start_date=start_date or clock.now_seconds(),
        end_date=end_date,
    )
    session.add(record)
    session.flush()
    return profile


def ect(
    session: Session,
    partnership_: Partnership | None,
    *,
    person: Participant | None = None,
    cohort: int | None = None,
    school_: School | None = None,
    schedule_identifier: str = "ecf-standard-september",
    eligibility: str = "eligible",
    training_status: str = "active",
    induction_status: str = "active",
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    mentor: ParticipantProfile | None = None,
    pupil_premium_uplift: bool = False,
    sparsity_uplift: bool = False,
    trn_validated: bool = True,
) -> ParticipantProfile:
    """An ECT profile with one induction record in `partnership_` (None = school-led)."""
    return _ecf_profile(
        session,
        "ect",
        partnership_,
        person=person,
        cohort=cohort,
        school_=school_,
        schedule_identifier=schedule_identifier,
        eligibility=eligibility,
        training_status=training_status,
        induction_status=induction_status,
        start_date=start_date,
        end_date=end_date,
        mentor_profile=mentor,
        pupil_premium_uplift=pupil_premium_uplift,
        sparsity_uplift=sparsity_uplift,
        trn_validated=trn_validated,
    )


def mentor(
    session: Session,
    partnership_: Partnership | None,
    *,
    person: Participant | None = None,
    cohort: int | None = None,
    school_: School | None = None,
    schedule_identifier: str = "ecf-standard-september",
    eligibility: str = "eligible",
    training_status: str = "active",
    induction_status: str = "active",
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    trn_validated: bool = True,
) -> ParticipantProfile:
    """A mentor profile with one induction record in `partnership_` (None = school-led)."""
    return _ecf_profile(
        session,
        "mentor",
        partnership_,
        person=person,
        cohort=cohort,
        school_=school_,
        schedule_identifier=schedule_identifier,
        eligibility=eligibility,
        training_status=training_status,
        induction_status=induction_status,
        start_date=start_date,
        end_date=end_date,
        mentor_profile=None,
        pupil_premium_uplift=False,
        sparsity_uplift=False,
        trn_validated=trn_validated,
    )


def retire_participant_id(
    session: Session, survivor: Participant, retired_id: uuid.UUID | None = None
) -> ParticipantIdChange:
    """Record that `retired_id` (a merged duplicate) now means `survivor`."""
    retired_id = retired_id or uuid.uuid4()
    change = ParticipantIdChange(
        participant_id=survivor.id, from_participant_id=retired_id, to_participant_id=survivor.id
    )
    session.add(change)
    session.flush()
    return change


NPQ_APPLICATION_DEFAULTS = {
    "headteacher_status": "no",
    "funding_choice": "school",
    "works_in_school": True,
    "employer_name": None,
    "employment_role": None,
    "school_ukprn": "10012345",
    "private_childcare_provider_urn": None,
    "teacher_catchment": "england",
    "teacher_catchment_country": "United Kingdom of Great Britain and Northern Ireland",
    "teacher_catchment_iso_country_code": "GBR",
    "itt_provider": None,
    "lead_mentor": False,
}


def npq_application(
    session: Session,
    provider_id: uuid.UUID,
    *,
    person: Participant | None = None,
    course: str = "npq-senior-leadership",
    cohort: int = 2024,
    status: str = "pending",
    eligible_for_funding: bool = True,
    funded_place: bool | None = None,
    targeted_delivery_funding_eligibility: bool = False,
    school_urn: str | None = "123456",
    trn_validated: bool = True,
    **overrides: object,
) -> NpqApplication:
    person = person or participant(session)
    values = {**NPQ_APPLICATION_DEFAULTS, **overrides}
    application = NpqApplication(
        participant_id=person.id,
        lead_provider_id=provider_id,
        course_identifier=course,
        cohort_year=cohort,
        status=status,
        full_name=person.full_name,
        email=person.email,
        trn=person.trn,
        trn_validated=trn_validated,
        school_urn=school_urn,
        eligible_for_funding=eligible_for_funding,
        funded_place=funded_place,
        targeted_delivery_funding_eligibility=targeted_delivery_funding_eligibility,
        **values,
    )
    session.add(application)
    session.flush()
    return application


def npq_enrolment(
    session: Session,
    provider_id: uuid.UUID,
    *,
    person: Participant | None = None,
    course: str = "npq-senior-leadership",
    cohort: int = 2024,
    schedule_identifier: str | None = None,
    training_status: str = "active",
    **application_fields: object,
) -> tuple[NpqApplication, ParticipantProfile]:
    """An accepted application and its enrolment (profile id = application id)."""
    application = npq_application(
        session,
        provider_id,
        person=person,
        course=course,
        cohort=cohort,
        status="accepted",
        **application_fields,
    )
    if schedule_identifier is None:
        family = {
            "npq-early-headship-coaching-offer": "npq-ehco-june",
            "npq-additional-support-offer": "npq-aso-december",
        }.get(course)
        if family is None:
            leadership = {
                "npq-senior-leadership",
                "npq-headship",
                "npq-executive-leadership",
                "npq-early-years-leadership",
                "npq-senco",
            }
            family = "npq-leadership-autumn" if course in leadership else "npq-specialist-autumn"
        schedule_identifier = family
    plan = schedule(session, schedule_identifier, cohort)
    application.schedule_id = plan.id
    application.accepted_at = clock.now_seconds()
    profile = ParticipantProfile(
        id=application.id,
        participant_id=application.participant_id,
        profile_type="npq",
        course_identifier=course,
        lead_provider_id=provider_id,
        cohort_year=cohort,
        schedule_id=plan.id,
        npq_application_id=application.id,
        training_status=training_status,
        trn_validated=application.trn_validated,
    )
    session.add(profile)
    session.flush()
    return application, profile


def npq_contract(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohort: int = 2024,
    course: str = "npq-senior-leadership",
    funding_cap: int = 0,
    version: str = "0.0.1",
) -> NpqContract:
    contract = NpqContract(
        lead_provider_id=provider_id,
        cohort_year=cohort,
        course_identifier=course,
        funding_cap=funding_cap,
        version=version,
    )
    session.add(contract)
    session.flush()
    return contract


def statement(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohort: int = 2024,
    programme: str = "ecf",
    deadline: date,
    payment: date | None = None,
    state: str = "open",
    output_fee: bool = True,
) -> Statement:
    created = Statement(
        lead_provider_id=provider_id,
        cohort_year=cohort,
        programme=programme,
        name=deadline.strftime("%B %Y"),
        month=deadline.month,
        year=deadline.year,
        deadline_date=deadline,
        payment_date=payment or deadline,
        output_fee=output_fee,
        state=state,
    )
    session.add(created)
    session.flush()
    return created
