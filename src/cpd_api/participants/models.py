"""People in training: the participant (a person), their training records (profiles), the
history of where and how they train (induction records), provider-reported training-status
events, and retired participant ids.

One person can hold an ECT profile, a mentor profile and several NPQ enrolments at once; the
API's `participant_id` is always the person's id, `training_record_id` the profile's."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpd_api.core import clock
from cpd_api.core.database import UUID, Base, UTCDateTime
from cpd_api.core.model_mixins import IdMixin, TimestampsMixin

PROFILE_TYPES = ("ect", "mentor", "npq")
TRAINING_STATUSES = ("active", "deferred", "withdrawn")
INDUCTION_STATUSES = ("active", "withdrawn", "changed", "leaving", "completed")


class Participant(IdMixin, TimestampsMixin, Base):
    """A person. `updated_at` is the composite "last changed" of everything the API shows
    about them: every write that changes any version's representation moves it."""

    __tablename__ = "participants"

    full_name: Mapped[str] = mapped_column(String(255), nullable=False)
    email: Mapped[str] = mapped_column(String(255), nullable=False)
    trn: Mapped[str | None] = mapped_column(String(16))
    date_of_birth: Mapped[date | None] = mapped_column(Date)

    profiles: Mapped[list[ParticipantProfile]] = relationship(
        back_populates="participant", foreign_keys="ParticipantProfile.participant_id"
    )

    __table_args__ = (
        Index("ix_participants_created_at", "created_at", "id"),
        Index("ix_participants_updated_at", "updated_at", "id"),
        Index("ix_participants_trn", "trn"),
    )


class ParticipantProfile(IdMixin, TimestampsMixin, Base):
    """A training record: an ECT or mentor profile, or an NPQ enrolment (whose id is the id
    of the application it was accepted from)."""

    __tablename__ = "participant_profiles"

    participant_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
    )
    profile_type: Mapped[str] = mapped_column(String(8), nullable=False)
    # ECF: the school and cohort the profile was registered in; NPQ: the provider.
    school_id: Mapped[uuid.UUID | None] = mapped_column(UUID, ForeignKey("schools.id"))
    cohort_year: Mapped[int | None] = mapped_column(Integer, ForeignKey("cohorts.start_year"))
    lead_provider_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("lead_providers.id")
    )
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(UUID, ForeignKey("schedules.id"))
    course_identifier: Mapped[str] = mapped_column(String(64), nullable=False)
    npq_application_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("npq_applications.id"), unique=True
    )
    # Record status (active/withdrawn by the school) and provider-reported training status.
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    training_status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    # ECF funding eligibility: fundable exactly when "eligible".
    eligibility_status: Mapped[str | None] = mapped_column(String(32))
    eligibility_reason: Mapped[str | None] = mapped_column(String(64))
    trn_validated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    pupil_premium_uplift: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sparsity_uplift: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    induction_start_date: Mapped[date | None] = mapped_column(Date)
    induction_completion_date: Mapped[date | None] = mapped_column(Date)
    mentor_completion_date: Mapped[date | None] = mapped_column(Date)
    mentor_completion_reason: Mapped[str | None] = mapped_column(String(64))
    mentor_ineligible_for_funding_reason: Mapped[str | None] = mapped_column(String(64))
    cohort_changed_after_payments_frozen: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False
    )

    participant: Mapped[Participant] = relationship(
        back_populates="profiles", foreign_keys=[participant_id]
    )
    induction_records: Mapped[list[InductionRecord]] = relationship(
        back_populates="profile", foreign_keys="InductionRecord.participant_profile_id"
    )

    __table_args__ = (
        Index("ix_participant_profiles_participant_id", "participant_id"),
        Index("ix_participant_profiles_provider", "lead_provider_id", "created_at"),
        Index("ix_participant_profiles_school_id", "school_id"),
    )


class InductionRecord(IdMixin, TimestampsMixin, Base):
    """One period of a profile's training at a school with a provider. A change closes the
    current record (`changed`, `end_date`) and opens a copy, so history is never rewritten."""

    __tablename__ = "induction_records"

    participant_profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participant_profiles.id", ondelete="CASCADE"), nullable=False
    )
    school_id: Mapped[uuid.UUID] = mapped_column(UUID, ForeignKey("schools.id"), nullable=False)
    cohort_year: Mapped[int] = mapped_column(
        Integer, ForeignKey("cohorts.start_year"), nullable=False
    )
    # Null for school-led training: no provider sees such a record.
    partnership_id: Mapped[uuid.UUID | None] = mapped_column(UUID, ForeignKey("partnerships.id"))
    schedule_id: Mapped[uuid.UUID] = mapped_column(UUID, ForeignKey("schedules.id"), nullable=False)
    mentor_profile_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("participant_profiles.id")
    )
    email: Mapped[str | None] = mapped_column(String(255))
    training_status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    induction_status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    start_date: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    end_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    school_transfer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    profile: Mapped[ParticipantProfile] = relationship(
        back_populates="induction_records", foreign_keys=[participant_profile_id]
    )

    __table_args__ = (
        Index("ix_induction_records_profile", "participant_profile_id", "start_date"),
        Index("ix_induction_records_partnership_id", "partnership_id"),
        Index("ix_induction_records_mentor_profile_id", "mentor_profile_id"),
    )


class ParticipantProfileState(IdMixin, Base):
    """A training-status event reported by a provider (withdrawn, deferred, active again)."""

    __tablename__ = "participant_profile_states"

    participant_profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participant_profiles.id", ondelete="CASCADE"), nullable=False
    )
    lead_provider_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID, ForeignKey("lead_providers.id")
    )
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now_seconds
    )

    __table_args__ = (
        Index("ix_participant_profile_states_profile", "participant_profile_id", "created_at"),
    )


class ParticipantIdChange(IdMixin, Base):
    """A participant id retired when two records of the same person were merged."""

    __tablename__ = "participant_id_changes"

    participant_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
    )
    from_participant_id: Mapped[uuid.UUID] = mapped_column(UUID, nullable=False)
    to_participant_id: Mapped[uuid.UUID] = mapped_column(UUID, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now_seconds
    )

    __table_args__ = (
        Index("ix_participant_id_changes_participant_id", "participant_id"),
        Index("ix_participant_id_changes_from", "from_participant_id"),
    )


class VisibleEnrolment(Base):
    """Derived: for each provider, the visible induction record (ecf.md 1.4) of every ECF
    training record it may list, with the person's `created_at` copied for ordering.

    Listing a provider's participants then starts from one index range in page order instead
    of computing visibility through induction records and partnerships for every person, which
    is what keeps a late page as cheap as the first. The rows are written only by database
    triggers on induction records, partnerships, profiles and participants
    (`cpd_api.participants.visibility`), so every write path, ORM or SQL, keeps them exact."""

    __tablename__ = "visible_enrolments"

    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id", ondelete="CASCADE"), primary_key=True
    )
    participant_profile_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participant_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
    )
    induction_record_id: Mapped[uuid.UUID] = mapped_column(UUID, nullable=False)
    participant_created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        Index(
            "ix_visible_enrolments_page",
            "lead_provider_id",
            "participant_created_at",
            "participant_id",
        ),
        Index("ix_visible_enrolments_person", "lead_provider_id", "participant_id"),
        Index("ix_visible_enrolments_profile", "participant_profile_id"),
    )


class VisiblePerson(Base):
    """Derived: the people each provider may list (those with at least one visible
    enrolment), one row per person, in page order.

    A person with both an ECT and a mentor record has two visible enrolments; paging people
    straight off `visible_enrolments` needs a DISTINCT, which for page 300 costs more than
    skipping the 29,900 rows before it. `enrolments` counts the person's visible enrolments
    with the provider, so concurrent changes serialise on this row's lock rather than racing
    on "is there another one?". Written only by triggers on `visible_enrolments`
    (`cpd_api.participants.visibility`)."""

    __tablename__ = "visible_people"

    lead_provider_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("lead_providers.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        UUID, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    participant_created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    enrolments: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (
        Index(
            "ix_visible_people_page", "lead_provider_id", "participant_created_at", "participant_id"
        ),
    )
