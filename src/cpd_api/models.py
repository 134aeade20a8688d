"""Imports every table so that metadata (Alembic, tests) sees the whole schema."""

from cpd_api.core.audit import AuditEvent
from cpd_api.core.database import Base
from cpd_api.core.idempotency import IdempotencyRecord
from cpd_api.declarations.models import Declaration, SharedProfile, StatementLineItem
from cpd_api.delivery_partners.models import DeliveryPartner, ProviderRelationship
from cpd_api.npq_applications.models import NpqApplication, NpqContract
from cpd_api.outcomes.models import ParticipantOutcome
from cpd_api.participants.models import (
    InductionRecord,
    Participant,
    ParticipantIdChange,
    ParticipantProfile,
    ParticipantProfileState,
    VisibleEnrolment,
)
from cpd_api.partnerships.models import Partnership
from cpd_api.providers.models import ApiToken, LeadProvider
from cpd_api.schedules.models import Cohort, Milestone, NpqCourse, Schedule
from cpd_api.schools.models import School, SchoolCohort
from cpd_api.statements.models import Statement

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Cohort",
    "Declaration",
    "DeliveryPartner",
    "IdempotencyRecord",
    "InductionRecord",
    "LeadProvider",
    "Milestone",
    "NpqApplication",
    "NpqContract",
    "NpqCourse",
    "Participant",
    "ParticipantIdChange",
    "ParticipantOutcome",
    "ParticipantProfile",
    "ParticipantProfileState",
    "Partnership",
    "ProviderRelationship",
    "Schedule",
    "School",
    "SchoolCohort",
    "SharedProfile",
    "Statement",
    "StatementLineItem",
    "VisibleEnrolment",
]
