"""`cpd-api import ecf-participants FILE`: what schools report about ECTs and mentors, which
reaches this service outside the provider API (ecf.md 13, operations.md 2).

One row per event, chosen by `action`:

* `register`: a new ECT or mentor training record at a school for a cohort (creating the
  person when `participant_id` is new); trained through the school's partnership for that
  cohort, or school-led when it has none;
* `transfer`: the participant leaves their school on `end_date` and joins `school_urn` on
  `start_date` (the old record becomes `leaving`, a new record opens at the new school);
* `withdraw`: the school reports the participant gone (a new record version, `withdrawn`);
* `assign-mentor`: the ECT's mentor becomes `mentor_participant_id`;
* `eligibility`: funding eligibility and TRN validation of the training record.

Rows are applied in file order, so a file can register a mentor and then assign them. Every
row is checked first; one bad row rejects the whole file and nothing is written."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Literal

from pydantic import BaseModel, field_validator, model_validator
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError
from cpd_api.partnerships.models import Partnership
from cpd_api.schedules.models import Cohort, Schedule
from cpd_api.schools.models import School

from ..models import InductionRecord, Participant, ParticipantProfile
from ..timestamps import touch_participants
from .service import new_record_version

COURSES = {"ect": "ecf-induction", "mentor": "ecf-mentor"}
REQUIRED = {
    "register": ("participant_type", "school_urn", "cohort"),
    "transfer": ("participant_id", "participant_type", "school_urn", "start_date"),
    "withdraw": ("participant_id", "participant_type"),
    "assign-mentor": ("participant_id", "mentor_participant_id"),
    "eligibility": ("participant_id", "participant_type", "eligibility_status"),
}


class EcfParticipantRow(BaseModel):
    action: Literal["register", "transfer", "withdraw", "assign-mentor", "eligibility"]
    participant_id: uuid.UUID | None = None
    participant_type: Literal["ect", "mentor"] | None = None
    full_name: str | None = None
    email: str | None = None
    trn: str | None = None
    school_urn: str | None = None
    cohort: int | None = None
    schedule_identifier: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    mentor_participant_id: uuid.UUID | None = None
    eligibility_status: (
        Literal["eligible", "ineligible", "manual_check", "matched", "no_match"] | None
    ) = None
    eligibility_reason: str | None = None
    trn_validated: bool | None = None
    pupil_premium_uplift: bool | None = None
    sparsity_uplift: bool | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or value.strip() != value or " " in value):
            raise ValueError("not an email address")
        return value

    @field_validator("start_date", "end_date", mode="before")
    @classmethod
    def _utc(cls, value: object) -> object:
        """Dates mean midnight UTC; times without an offset are UTC."""
        if isinstance(value, str) and len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value.strip()), time.min, tzinfo=UTC)
        return value

    @field_validator("start_date", "end_date")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @model_validator(mode="after")
    def _required_for_action(self) -> EcfParticipantRow:
        missing = [name for name in REQUIRED[self.action] if getattr(self, name) is None]
        if self.action == "register" and self.participant_id is None:
            missing += [n for n in ("full_name", "email") if getattr(self, n) is None]
        if missing:
            raise ValueError(f"{self.action} needs {', '.join(missing)}")
        return self


class _Rejections:
    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def add(self, line: int, message: str) -> None:
        self.errors.append(RowError(line, message))


def _latest_record(session: Session, profile_id: uuid.UUID) -> InductionRecord | None:
    """The profile's current record whoever trains it (open first, latest start)."""
    return session.scalar(
        select(InductionRecord)
        .where(InductionRecord.participant_profile_id == profile_id)
        .order_by(
            case((InductionRecord.end_date.is_(None), 0), else_=1),
            InductionRecord.start_date.desc(),
            InductionRecord.created_at.desc(),
        )
        .limit(1)
    )


def _profile(
    session: Session, participant_id: uuid.UUID, profile_type: str
) -> ParticipantProfile | None:
    return session.scalar(
        select(ParticipantProfile)
        .where(
            ParticipantProfile.participant_id == participant_id,
            ParticipantProfile.profile_type == profile_type,
        )
        .order_by(ParticipantProfile.status, ParticipantProfile.created_at)
        .limit(1)
    )


def _school_partnership(session: Session, school_id: uuid.UUID, cohort: int) -> Partnership | None:
    """The school's own (non-relationship), unchallenged partnership for the cohort."""
    return session.scalar(
        select(Partnership).where(
            Partnership.school_id == school_id,
            Partnership.cohort_year == cohort,
            Partnership.relationship.is_(False),
            Partnership.challenged_at.is_(None),
            Partnership.challenge_reason.is_(None),
        )
    )


class _Applier:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.rejections = _Rejections()
        self.touched: set[uuid.UUID] = set()
        self.created = 0
        self.updated = 0

    # -- lookups that report a row error instead of failing --------------------------------

    def school(self, line: int, urn: str) -> School | None:
        found = self.session.scalar(select(School).where(School.urn == urn))
        if found is None:
            self.rejections.add(line, f"no school with URN {urn}")
        return found

    def profile(self, line: int, participant_id: uuid.UUID, kind: str) -> ParticipantProfile | None:
        found = _profile(self.session, participant_id, kind)
        if found is None:
            self.rejections.add(line, f"participant {participant_id} has no {kind} record")
        return found

    def current(self, line: int, profile: ParticipantProfile) -> InductionRecord | None:
        record = _latest_record(self.session, profile.id)
        if record is None:
            self.rejections.add(line, "the training record has no induction record")
        return record

    def audit(self, entity_id: uuid.UUID, action: str, changes: dict) -> None:
        record_change(self.session, self.actor, "participant_profile", entity_id, action, changes)

    # -- actions ------------------------------------------------------------------------------

    def register(self, line: int, row: EcfParticipantRow) -> None:
        assert row.participant_type and row.school_urn and row.cohort
        session = self.session
        school = self.school(line, row.school_urn)
        if session.get(Cohort, row.cohort) is None:
            self.rejections.add(line, f"no cohort {row.cohort}")
            return
        identifier = row.schedule_identifier or "ecf-standard-september"
        plan = session.scalar(
            select(Schedule).where(
                Schedule.identifier == identifier, Schedule.cohort_year == row.cohort
            )
        )
        if plan is None or not plan.kind.startswith("ecf-"):
            self.rejections.add(line, f"no ECF schedule {identifier} in cohort {row.cohort}")
            return
        if plan.kind == "ecf-replacement" and row.participant_type == "ect":
            self.rejections.add(line, f"{identifier} is for mentors only")
            return
        mentor = None
        if row.mentor_participant_id is not None:
            if row.participant_type != "ect":
                self.rejections.add(line, "only ECTs have mentors")
                return
            mentor = self.profile(line, row.mentor_participant_id, "mentor")
        person = session.get(Participant, row.participant_id) if row.participant_id else None
        if person is None and (row.full_name is None or row.email is None):
            self.rejections.add(
                line, f"participant {row.participant_id} is new: give full_name and email"
            )
            return
        if person is not None and _profile(session, person.id, row.participant_type):
            self.rejections.add(
                line, f"participant {person.id} already has a {row.participant_type} record"
            )
            return
        if school is None or (row.mentor_participant_id and mentor is None):
            return
        if person is None:
            person = Participant(
                id=row.participant_id or uuid.uuid4(),
                full_name=row.full_name,
                email=str(row.email),
                trn=row.trn,
            )
            session.add(person)
            session.flush()
        elif row.trn and person.trn != row.trn:
            person.trn = row.trn
        trn_validated = row.trn_validated
        if trn_validated is None:
            trn_validated = (
                bool(person.trn)
                and row.eligibility_status is not None
                and (row.eligibility_reason != "different_trn")
            )
        profile = ParticipantProfile(
            participant_id=person.id,
            profile_type=row.participant_type,
            course_identifier=COURSES[row.participant_type],
            school_id=school.id,
            cohort_year=row.cohort,
            schedule_id=plan.id,
            eligibility_status=row.eligibility_status,
            eligibility_reason=row.eligibility_reason,
            trn_validated=trn_validated,
            pupil_premium_uplift=bool(row.pupil_premium_uplift),
            sparsity_uplift=bool(row.sparsity_uplift),
            induction_start_date=(row.start_date or clock.now()).date(),
        )
        session.add(profile)
        session.flush()
        partnership = _school_partnership(session, school.id, row.cohort)
        session.add(
            InductionRecord(
                participant_profile_id=profile.id,
                school_id=school.id,
                cohort_year=row.cohort,
                partnership_id=partnership.id if partnership else None,
                schedule_id=plan.id,
                mentor_profile_id=mentor.id if mentor else None,
                email=str(row.email) if row.email else person.email,
                start_date=row.start_date or clock.now_seconds(),
            )
        )
        session.flush()
        self.touched.add(person.id)
        if mentor is not None:
            self.touched.add(mentor.participant_id)
        self.audit(profile.id, "register", {"school_urn": school.urn, "cohort": row.cohort})
        self.created += 1

    def transfer(self, line: int, row: EcfParticipantRow) -> None:
        assert row.participant_id and row.participant_type and row.school_urn and row.start_date
        school = self.school(line, row.school_urn)
        profile = self.profile(line, row.participant_id, row.participant_type)
        record = self.current(line, profile) if profile else None
        if school is None or profile is None or record is None:
            return
        leaving = row.end_date or row.start_date
        if leaving < record.start_date:
            self.rejections.add(line, "the leaving date is before the current record started")
            return
        old_partnership = (
            self.session.get(Partnership, record.partnership_id) if record.partnership_id else None
        )
        partnership = _school_partnership(self.session, school.id, record.cohort_year)
        same_provider = (
            old_partnership is not None
            and partnership is not None
            and old_partnership.lead_provider_id == partnership.lead_provider_id
        )
        record.induction_status = "leaving"
        record.end_date = leaving
        self.session.add(
            InductionRecord(
                participant_profile_id=profile.id,
                school_id=school.id,
                cohort_year=record.cohort_year,
                partnership_id=partnership.id if partnership else None,
                schedule_id=record.schedule_id,
                mentor_profile_id=row_mentor_id(self, line, row),
                email=record.email,
                training_status=record.training_status if same_provider else "active",
                start_date=row.start_date,
                school_transfer=True,
            )
        )
        profile.school_id = school.id
        self.session.flush()
        self.touched.add(profile.participant_id)
        self.audit(profile.id, "transfer", {"school_urn": school.urn, "leaving": leaving})
        self.updated += 1

    def withdraw(self, line: int, row: EcfParticipantRow) -> None:
        assert row.participant_id and row.participant_type
        profile = self.profile(line, row.participant_id, row.participant_type)
        record = self.current(line, profile) if profile else None
        if profile is None or record is None:
            return
        if record.induction_status == "withdrawn":
            self.rejections.add(line, "the school has already withdrawn this participant")
            return
        new_record_version(self.session, record, induction_status="withdrawn")
        self.touched.add(profile.participant_id)
        self.audit(profile.id, "school-withdrawal", {})
        self.updated += 1

    def assign_mentor(self, line: int, row: EcfParticipantRow) -> None:
        assert row.participant_id and row.mentor_participant_id
        ect = self.profile(line, row.participant_id, "ect")
        mentor = self.profile(line, row.mentor_participant_id, "mentor")
        record = self.current(line, ect) if ect else None
        if ect is None or mentor is None or record is None:
            return
        if record.mentor_profile_id == mentor.id:
            return
        new_record_version(self.session, record, mentor_profile_id=mentor.id)
        self.touched.update({ect.participant_id, mentor.participant_id})
        self.audit(ect.id, "assign-mentor", {"mentor_profile_id": mentor.id})
        self.updated += 1

    def eligibility(self, line: int, row: EcfParticipantRow) -> None:
        assert row.participant_id and row.participant_type
        profile = self.profile(line, row.participant_id, row.participant_type)
        if profile is None:
            return
        before = (profile.eligibility_status, profile.eligibility_reason, profile.trn_validated)
        profile.eligibility_status = row.eligibility_status
        profile.eligibility_reason = row.eligibility_reason
        if row.trn_validated is not None:
            profile.trn_validated = row.trn_validated
        else:
            profile.trn_validated = row.eligibility_reason != "different_trn"
        for flag in ("pupil_premium_uplift", "sparsity_uplift"):
            if getattr(row, flag) is not None:
                setattr(profile, flag, getattr(row, flag))
        after = (profile.eligibility_status, profile.eligibility_reason, profile.trn_validated)
        self.session.flush()
        self.touched.add(profile.participant_id)
        self.audit(profile.id, "eligibility", {"before": list(before), "after": list(after)})
        self.updated += 1


def row_mentor_id(applier: _Applier, line: int, row: EcfParticipantRow) -> uuid.UUID | None:
    if row.mentor_participant_id is None:
        return None
    mentor = applier.profile(line, row.mentor_participant_id, "mentor")
    return mentor.id if mentor else None


def apply_ecf_participants(
    session: Session, rows: list[tuple[int, EcfParticipantRow]], actor: Actor
) -> IntakeResult:
    applier = _Applier(session, actor)
    handlers = {
        "register": applier.register,
        "transfer": applier.transfer,
        "withdraw": applier.withdraw,
        "assign-mentor": applier.assign_mentor,
        "eligibility": applier.eligibility,
    }
    for line, row in rows:
        handlers[row.action](line, row)
    if applier.rejections.errors:
        raise IntakeRejected(applier.rejections.errors)
    touch_participants(session, applier.touched)
    session.commit()
    return IntakeResult(
        "ecf-participants", len(rows), created=applier.created, updated=applier.updated
    )


ECF_PARTICIPANTS = IntakeKind(
    name="ecf-participants",
    row_model=EcfParticipantRow,
    apply=apply_ecf_participants,
    description=(
        "ECTs and mentors as schools report them: action = register, transfer, withdraw, "
        "assign-mentor or eligibility (see README)"
    ),
)
