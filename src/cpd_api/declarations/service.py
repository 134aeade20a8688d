"""Declaration use cases: record (ECF and NPQ), void, and promotion of waiting declarations
when a participant is confirmed eligible for funding. One transaction each.

The double-payment guarantee (spec decision 6) lives in the database: a counting declaration
holds `billable_slot`, a unique column, and every submission first takes a transaction-level
lock on that slot; if a racing insert still reaches the unique index, the loser gets the
same 422 as a sequential duplicate."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Row, and_, bindparam, exists, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from cpd_api.core import clock
from cpd_api.core.audit import Actor, AuditEvent, record_change
from cpd_api.core.database import lock_for_write
from cpd_api.core.errors import InvalidAction, NotFound, UnprocessableEntity
from cpd_api.npq_applications.models import NpqApplication, NpqContract
from cpd_api.outcomes.models import ParticipantOutcome
from cpd_api.participants.identity import resolve_participant
from cpd_api.participants.models import (
    InductionRecord,
    Participant,
    ParticipantProfile,
    ParticipantProfileState,
)
from cpd_api.participants.timestamps import touch_participant
from cpd_api.partnerships.models import Partnership
from cpd_api.schedules.models import Cohort, Milestone, Schedule
from cpd_api.schedules.reference_data import npq_course
from cpd_api.statements import service as statements
from cpd_api.statements.models import Statement

from . import rules
from .models import Declaration, StatementLineItem

REBRANDED = {
    "npq-additional-support-offer": (
        "npq-additional-support-offer",
        "npq-early-headship-coaching-offer",
    ),
    "npq-early-headship-coaching-offer": (
        "npq-additional-support-offer",
        "npq-early-headship-coaching-offer",
    ),
}


# --- shared look-ups -------------------------------------------------------------------------


@dataclass
class Person:
    id: uuid.UUID
    trn: str | None
    profiles: list[ParticipantProfile]


# The hot path of a POST runs a few fixed statements, built once with bind parameters so a
# request pays neither for building nor for cache-keying them.
_PERSON_WITH_PROFILES = (
    select(Participant.id, Participant.trn, ParticipantProfile)
    .outerjoin(ParticipantProfile, ParticipantProfile.participant_id == Participant.id)
    .where(Participant.id == bindparam("participant_id"))
    .order_by(ParticipantProfile.created_at, ParticipantProfile.id)
)


def find_person(session: Session, participant_id: uuid.UUID | None) -> Person | None:
    """The person an id means (ecf.md 1.3, retired ids included) and all their profiles.

    One query when the id is the person's own (the common case); a retired id falls back to
    the shared resolver."""
    if participant_id is None:
        return None
    rows = session.execute(_PERSON_WITH_PROFILES, {"participant_id": participant_id}).all()
    if not rows:
        survivor = resolve_participant(session, participant_id)
        if survivor is None:
            return None
        return find_person(session, survivor.id)
    return Person(rows[0][0], rows[0][1], [row[2] for row in rows if row[2] is not None])


@dataclass(frozen=True)
class ScheduleFacts:
    """The profile's schedule and cohort, the milestone for the declared type, the provider's
    latest training-status event and its next open output statement: one query."""

    cohort_year: int
    mentor_funding: bool
    detailed_evidence: bool
    window: rules.Window | None
    withdrawn_at: datetime | None
    next_statement_id: uuid.UUID | None


def _schedule_facts_statement():
    milestone = aliased(Milestone)
    own_state = (
        select(ParticipantProfileState.state, ParticipantProfileState.created_at)
        .where(
            ParticipantProfileState.participant_profile_id == bindparam("profile_id"),
            ParticipantProfileState.lead_provider_id == bindparam("provider_id"),
        )
        .order_by(ParticipantProfileState.created_at.desc())
        .limit(1)
        .subquery()
    )
    next_statement = (
        select(Statement.id)
        .where(
            Statement.lead_provider_id == bindparam("provider_id"),
            Statement.cohort_year == Schedule.cohort_year,
            Statement.programme == bindparam("programme"),
            Statement.state == "open",
            Statement.output_fee.is_(True),
            Statement.deadline_date >= bindparam("today"),
        )
        .order_by(Statement.deadline_date)
        .limit(1)
        .correlate(Schedule)
        .scalar_subquery()
    )
    return (
        select(
            Schedule.cohort_year,
            Cohort.mentor_funding,
            Cohort.detailed_evidence_types,
            milestone.start_date,
            milestone.milestone_date,
            milestone.id,
            own_state.c.state,
            own_state.c.created_at,
            next_statement,
        )
        .join(Cohort, Cohort.start_year == Schedule.cohort_year)
        .outerjoin(
            milestone,
            and_(
                milestone.schedule_id == Schedule.id,
                milestone.declaration_type == bindparam("declaration_type"),
            ),
        )
        .outerjoin(own_state, literal(True))
        .where(Schedule.id == bindparam("schedule_id"))
    )


_SCHEDULE_FACTS = _schedule_facts_statement()


def _schedule_facts(
    session: Session,
    *,
    schedule_id: uuid.UUID | None,
    declaration_type: object,
    profile_id: uuid.UUID,
    provider_id: uuid.UUID,
    programme: str,
) -> ScheduleFacts | None:
    if schedule_id is None:
        return None
    row = (
        session.connection()
        .execute(
            _SCHEDULE_FACTS,
            {
                "schedule_id": schedule_id,
                "declaration_type": str(declaration_type or ""),
                "profile_id": profile_id,
                "provider_id": provider_id,
                "programme": programme,
                "today": clock.today(),
            },
        )
        .first()
    )
    if row is None:
        return None
    window = rules.Window(row[3], row[4]) if row[5] is not None else None
    withdrawn_at = row[7] if row[6] == "withdrawn" else None
    return ScheduleFacts(row[0], row[1], row[2], window, withdrawn_at, row[8])


_DECLARATIONS = Declaration.__table__
_SLOT_HOLDER = select(_DECLARATIONS).where(_DECLARATIONS.c.billable_slot == bindparam("key"))


def _slot_holder(session: Session, key: str) -> Row | None:
    """The declaration holding the billable slot, as a plain row (columns by name)."""
    return session.connection().execute(_SLOT_HOLDER, {"key": key}).first()


def _identical(
    holder: Row | None,
    provider_id: uuid.UUID,
    declared_at: datetime | None,
    **same: object,
) -> rules.IdenticalDeclaration | None:
    """The slot holder counts as the very same declaration when everything matches."""
    if holder is None or holder.lead_provider_id != provider_id or declared_at is None:
        return None
    if holder.declaration_date != declared_at:
        return None
    if any(getattr(holder, name) != value for name, value in same.items()):
        return None
    return rules.IdenticalDeclaration(holder.state)


_OTHER_PERSON_DUPLICATE = (
    select(Declaration.id)
    .join(Participant, Participant.id == Declaration.participant_id)
    .where(
        Participant.trn == bindparam("trn"),
        Participant.id != bindparam("person_id"),
        Declaration.course_identifier == bindparam("course_identifier"),
        Declaration.declaration_type == bindparam("declaration_type"),
        Declaration.state.in_(rules.COUNTING_STATES),
        Declaration.superseded_by_id.is_(None),
    )
    .order_by(Declaration.created_at)
    .limit(1)
)


def _duplicate_of_other_person(
    session: Session, person: Person, course_identifier: str, declaration_type: str
) -> uuid.UUID | None:
    """ecf.md 4.6 step 2 / npq.md 4.5: another person record with the same TRN already holds
    a counting declaration of this event (its id)."""
    if not person.trn:
        return None
    return session.connection().scalar(
        _OTHER_PERSON_DUPLICATE,
        {
            "trn": person.trn,
            "person_id": person.id,
            "course_identifier": course_identifier,
            "declaration_type": declaration_type,
        },
    )


def _refuse(session: Session, errors: list[tuple[str, str]]) -> None:
    session.rollback()
    raise UnprocessableEntity(errors)


@dataclass(frozen=True)
class Recorded:
    """A declaration just recorded, with what its response needs beyond its own columns."""

    declaration: Declaration
    statement_id: uuid.UUID | None
    has_passed: bool | None


# --- ECF -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRecord:
    """One of the provider's induction records of the profile, with what declarations copy."""

    schedule_id: uuid.UUID
    training_status: str
    start_date: datetime
    end_date: datetime | None
    created_at: datetime
    delivery_partner_id: uuid.UUID | None
    mentor_participant_id: uuid.UUID | None

    def latest_key(self) -> tuple:
        """ecf.md 1.4: open records first, then start, end and creation, latest first."""
        far = datetime.max.replace(tzinfo=UTC)
        return (
            self.end_date is None,
            self.start_date,
            self.end_date or far,
            self.created_at,
        )


def _provider_records_statement():
    mentor = aliased(ParticipantProfile)
    return (
        select(
            InductionRecord.schedule_id,
            InductionRecord.training_status,
            InductionRecord.start_date,
            InductionRecord.end_date,
            InductionRecord.created_at,
            Partnership.delivery_partner_id,
            mentor.participant_id,
        )
        .join(Partnership, Partnership.id == InductionRecord.partnership_id)
        .outerjoin(mentor, mentor.id == InductionRecord.mentor_profile_id)
        .where(
            InductionRecord.participant_profile_id == bindparam("profile_id"),
            Partnership.lead_provider_id == bindparam("provider_id"),
        )
    )


_PROVIDER_RECORDS = _provider_records_statement()


def _provider_records(
    session: Session, profile_id: uuid.UUID, provider_id: uuid.UUID
) -> list[ProviderRecord]:
    rows = (
        session.connection()
        .execute(_PROVIDER_RECORDS, {"profile_id": profile_id, "provider_id": provider_id})
        .all()
    )
    return [ProviderRecord(*row) for row in rows]


def record_in_force(records: Iterable[ProviderRecord], at: datetime) -> ProviderRecord | None:
    """The provider's record in force at an instant: its latest one started by then."""
    started = [r for r in records if r.start_date <= at]
    return max(started, key=ProviderRecord.latest_key, default=None)


def _ecf_profile(person: Person | None, course_identifier: str) -> ParticipantProfile | None:
    wanted = rules.ECF_PROFILE_TYPES.get(course_identifier)
    if person is None or wanted is None:
        return None
    for profile in person.profiles:
        if profile.profile_type == wanted and profile.status == "active":
            return profile
    return None


def _record_ecf(
    session: Session, provider_id: uuid.UUID, submission: rules.Submission, actor: Actor
) -> Recorded:
    now = clock.now()
    person = find_person(session, submission.participant_id)
    profile = _ecf_profile(person, submission.course_identifier)
    declared_at = submission.date.value
    records: list[ProviderRecord] = []
    schedule = None
    withdrawn_at = None
    in_force = None
    next_statement = None
    holder = None
    key = ""
    if person is not None:
        key = rules.slot_key(
            person.id, submission.course_identifier, str(submission.declaration_type)
        )
        if person.id != submission.participant_id:
            lock_for_write(session, key)
        holder = _slot_holder(session, key)
    if profile is not None:
        records = _provider_records(session, profile.id, provider_id)
        schedule = _schedule_facts(
            session,
            schedule_id=profile.schedule_id,
            declaration_type=submission.declaration_type,
            profile_id=profile.id,
            provider_id=provider_id,
            programme="ecf",
        )
        if schedule is not None:
            withdrawn_at = schedule.withdrawn_at
            next_statement = schedule.next_statement_id
        if declared_at is not None:
            in_force = record_in_force(records, declared_at)
    profile_type = profile.profile_type if profile else None
    detailed = bool(schedule and schedule.detailed_evidence)
    evidence = (
        rules.stored_evidence(
            profile_type or "ect",
            str(submission.declaration_type),
            submission.evidence_held,
            detailed,
        )
        if profile
        else None
    )
    delivery_partner_id = in_force.delivery_partner_id if in_force else None
    mentor_id = in_force.mentor_participant_id if in_force and profile_type == "ect" else None
    facts = rules.EcfFacts(
        now=now,
        participant_found=person is not None,
        profile_found=profile is not None,
        profile_type=profile_type,
        declaration_type=submission.declaration_type,
        date=submission.date,
        evidence_held=submission.evidence_held,
        withdrawn_at=withdrawn_at,
        in_force_ir_active=bool(in_force and in_force.training_status == "active"),
        schedule_has_type=bool(schedule and schedule.window),
        window=schedule.window if schedule else None,
        fundable=bool(profile and profile.eligibility_status == "eligible"),
        has_next_statement=next_statement is not None,
        cohort_year=schedule.cohort_year if schedule else None,
        slot_taken=holder is not None,
        identical=_identical(
            holder,
            provider_id,
            declared_at.replace(microsecond=0) if declared_at else None,
            evidence_held=evidence,
            delivery_partner_id=delivery_partner_id,
            mentor_participant_id=mentor_id,
        ),
        mentor_funding=bool(schedule and schedule.mentor_funding),
        detailed_evidence=detailed,
        course_offered=profile is not None,
        trained_on_schedule=any(r.schedule_id == profile.schedule_id for r in records)
        if profile
        else False,
    )
    errors = rules.ecf_errors(facts)
    if errors:
        _refuse(session, errors)
    assert person is not None and profile is not None and schedule is not None
    assert declared_at is not None
    declaration = Declaration(
        lead_provider_id=provider_id,
        participant_id=person.id,
        participant_profile_id=profile.id,
        cohort_year=schedule.cohort_year,
        course_identifier=submission.course_identifier,
        declaration_type=str(submission.declaration_type),
        declaration_date=declared_at.replace(microsecond=0),
        evidence_held=evidence,
        state="submitted",
        delivery_partner_id=delivery_partner_id,
        mentor_participant_id=mentor_id,
        pupil_premium_uplift=profile.pupil_premium_uplift,
        sparsity_uplift=profile.sparsity_uplift,
        billable_slot=key,
    )
    statement_id = _settle_new_declaration(
        session,
        declaration,
        person,
        profile.eligibility_status == "eligible",
        next_statement,
        actor,
    )
    if profile_type == "mentor" and declaration.declaration_type == "completed":
        recompute_mentor_completion(session, profile)
    return Recorded(declaration, statement_id, None)


def _settle_new_declaration(
    session: Session,
    declaration: Declaration,
    person: Person,
    fundable: bool,
    next_statement: uuid.UUID | None,
    actor: Actor,
) -> uuid.UUID | None:
    """Insert, then apply the duplicate-person check, eligibility and statement attachment.
    Returns the statement the declaration now bills on, if any."""
    duplicate = _duplicate_of_other_person(
        session, person, declaration.course_identifier, declaration.declaration_type
    )
    state = rules.initial_state(duplicate is not None, fundable)
    if duplicate is not None:
        declaration.superseded_by_id = duplicate
        declaration.ineligibility_reason = "duplicate"
    declaration.state = state
    declaration.billable_slot = rules.slot_for_state(declaration.billable_slot or "", state)
    declaration.id = declaration.id or uuid.uuid4()
    declaration.created_at = declaration.updated_at = clock.now_seconds()
    # Plain INSERTs (not the unit of work): the hot path of the busiest endpoint. The object
    # stays out of the session; it only carries the values for the response.
    try:
        session.connection().execute(_INSERT_DECLARATION, _column_values(declaration))
    except IntegrityError as error:
        session.rollback()
        if "billable_slot" in str(error.orig):
            raise UnprocessableEntity([("base", rules.ALREADY_SUBMITTED)]) from None
        raise
    events = [("created", {"state": "submitted", "declaration_type": declaration.declaration_type})]
    attached = None
    if state != "submitted":
        if next_statement is not None:
            attached = next_statement
            session.connection().execute(
                _INSERT_LINE,
                {
                    "id": uuid.uuid4(),
                    "statement_id": next_statement,
                    "declaration_id": declaration.id,
                    "state": state,
                    "created_at": declaration.created_at,
                    "updated_at": declaration.created_at,
                },
            )
        events.append(
            (
                state,
                {
                    "state": ["submitted", state],
                    "statement_id": attached,
                    "superseded_by_id": declaration.superseded_by_id,
                },
            )
        )
    _audit_declaration(session, actor, declaration.id, events)
    return next_statement if state in rules.BILLABLE_STATES else None


_INSERT_DECLARATION = insert(Declaration.__table__)
_INSERT_LINE = insert(StatementLineItem.__table__)
_INSERT_AUDIT = insert(AuditEvent.__table__)


def _column_values(declaration: Declaration) -> dict:
    return {
        column.key: getattr(declaration, column.key) for column in Declaration.__table__.columns
    }


def _audit_declaration(
    session: Session, actor: Actor, declaration_id: uuid.UUID, events: list[tuple[str, dict]]
) -> None:
    """The declaration's audit rows in one statement (same rows `record_change` writes)."""
    now = clock.now()
    session.connection().execute(
        _INSERT_AUDIT,
        [
            {
                "id": uuid.uuid4(),
                "occurred_at": now,
                "actor_kind": actor.kind,
                "actor_id": actor.id,
                "actor_name": actor.name,
                "entity_type": "declaration",
                "entity_id": str(declaration_id),
                "action": action,
                "changes": {
                    name: str(value) if isinstance(value, uuid.UUID) else value
                    for name, value in changes.items()
                },
            }
            for action, changes in events
        ],
    )


def recompute_mentor_completion(session: Session, profile: ParticipantProfile) -> None:
    """ecf.md 4.10, moving the participant's `updated_at` when the v3 record changes."""
    dates = list(
        session.scalars(
            select(Declaration.declaration_date).where(
                Declaration.participant_profile_id == profile.id,
                Declaration.declaration_type == "completed",
                Declaration.state.in_(rules.COUNTING_STATES),
            )
        )
    )
    current = rules.MentorCompletion(
        profile.mentor_completion_date, profile.mentor_completion_reason
    )
    result = rules.mentor_completion(current, dates, clock.today())
    if result == current and profile.mentor_ineligible_for_funding_reason == result.reason:
        return
    profile.mentor_completion_date = result.completion_date
    profile.mentor_completion_reason = result.reason
    profile.mentor_ineligible_for_funding_reason = result.reason
    touch_participant(session, profile.participant_id)


# --- NPQ -------------------------------------------------------------------------------------


def _npq_enrolment(
    person: Person | None, course_identifier: str, provider_id: uuid.UUID
) -> ParticipantProfile | None:
    if person is None:
        return None
    for profile in person.profiles:
        if (
            profile.profile_type == "npq"
            and profile.course_identifier == course_identifier
            and profile.lead_provider_id == provider_id
        ):
            return profile
    return None


@dataclass(frozen=True)
class FundingFacts:
    eligible_for_funding: bool
    funded_place: bool | None
    previously_funded: bool
    has_contract: bool
    targeted_delivery_funding: bool

    @property
    def fundable(self) -> bool:
        return rules.npq_fundable(
            self.eligible_for_funding, self.funded_place, self.previously_funded
        )


def npq_funding(
    session: Session, application_id: uuid.UUID, cohort_year: int | None
) -> FundingFacts | None:
    """The application's funding facts, its "previously funded" flag and whether the
    provider has a contract for the cohort and course, in one query."""
    this = aliased(NpqApplication)
    other = aliased(NpqApplication)
    previously_funded = exists().where(
        other.participant_id == this.participant_id,
        other.id != this.id,
        other.status == "accepted",
        other.eligible_for_funding.is_(True),
        or_(other.funded_place.is_(None), other.funded_place.is_(True)),
        or_(
            other.course_identifier == this.course_identifier,
            and_(
                this.course_identifier.in_(tuple(REBRANDED)),
                other.course_identifier.in_(tuple(REBRANDED)),
            ),
        ),
    )
    contract = exists().where(
        NpqContract.lead_provider_id == this.lead_provider_id,
        NpqContract.cohort_year == (cohort_year if cohort_year is not None else this.cohort_year),
        NpqContract.course_identifier == this.course_identifier,
    )
    row = session.execute(
        select(
            this.eligible_for_funding,
            this.funded_place,
            previously_funded,
            contract,
            this.targeted_delivery_funding_eligibility,
        ).where(this.id == application_id)
    ).first()
    return FundingFacts(*row) if row else None


def _record_npq(
    session: Session, provider_id: uuid.UUID, submission: rules.Submission, actor: Actor
) -> Recorded:
    now = clock.now()
    person = find_person(session, submission.participant_id)
    enrolment = _npq_enrolment(person, submission.course_identifier, provider_id)
    declared_at = submission.date.value
    schedule = None
    funding = None
    withdrawn_at = None
    next_statement = None
    holder = None
    key = ""
    if person is not None:
        key = rules.slot_key(
            person.id, submission.course_identifier, str(submission.declaration_type)
        )
        if person.id != submission.participant_id:
            lock_for_write(session, key)
        holder = _slot_holder(session, key)
    if enrolment is not None:
        schedule = _schedule_facts(
            session,
            schedule_id=enrolment.schedule_id,
            declaration_type=submission.declaration_type,
            profile_id=enrolment.id,
            provider_id=provider_id,
            programme="npq",
        )
        if schedule is not None:
            withdrawn_at = schedule.withdrawn_at
            next_statement = schedule.next_statement_id
        funding = npq_funding(
            session,
            enrolment.npq_application_id or enrolment.id,
            schedule.cohort_year if schedule else None,
        )
    course = npq_course(submission.course_identifier)
    facts = rules.NpqFacts(
        now=now,
        participant_found=person is not None,
        enrolment_found=enrolment is not None,
        person_has_npq_enrolment=bool(
            person and any(p.profile_type == "npq" for p in person.profiles)
        ),
        declaration_type=submission.declaration_type,
        date=submission.date,
        withdrawn_at=withdrawn_at,
        schedule_has_type=bool(schedule and schedule.window),
        window=schedule.window if schedule else None,
        fundable=bool(funding and funding.fundable),
        has_next_statement=next_statement is not None,
        cohort_year=schedule.cohort_year if schedule else None,
        identical=_identical(
            holder, provider_id, declared_at.replace(microsecond=0) if declared_at else None
        ),
        needs_has_passed=bool(course and course.has_outcomes),
        has_passed=submission.has_passed,
        slot_taken=holder is not None,
        has_contract=bool(funding and funding.has_contract),
    )
    errors = rules.npq_errors(facts)
    if errors:
        _refuse(session, errors)
    assert person is not None and enrolment is not None and schedule is not None
    assert declared_at is not None and funding is not None
    declaration = Declaration(
        lead_provider_id=provider_id,
        participant_id=person.id,
        participant_profile_id=enrolment.id,
        cohort_year=schedule.cohort_year,
        course_identifier=submission.course_identifier,
        declaration_type=str(submission.declaration_type),
        declaration_date=declared_at.replace(microsecond=0),
        evidence_held=None,
        state="submitted",
        billable_slot=key,
    )
    statement_id = _settle_new_declaration(
        session, declaration, person, funding.fundable, next_statement, actor
    )
    passed = None
    if declaration.declaration_type == "completed" and course is not None and course.has_outcomes:
        passed = rules.parse_has_passed(submission.has_passed)
        session.add(
            ParticipantOutcome(
                participant_profile_id=enrolment.id,
                declaration_id=declaration.id,
                lead_provider_id=provider_id,
                state="passed" if passed else "failed",
                completion_date=declaration.declaration_date.date(),
            )
        )
    return Recorded(declaration, statement_id, passed)


# --- entry points ----------------------------------------------------------------------------


def record_declaration(
    session: Session,
    provider_id: uuid.UUID,
    submission: rules.Submission,
    actor: Actor,
    *,
    before_commit=None,
) -> Recorded:
    """Validate and record one declaration; ECF or NPQ rules by its course identifier.

    `before_commit(recorded)` runs inside the transaction (the endpoint stores the
    Idempotency-Key response there, so the record and its replay commit together)."""
    lock_for_write(session, submission.lock_key)
    if submission.is_npq:
        recorded = _record_npq(session, provider_id, submission, actor)
    else:
        recorded = _record_ecf(session, provider_id, submission, actor)
    session.flush()
    if before_commit is not None:
        before_commit(recorded)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        if "billable_slot" in str(error.orig):
            raise UnprocessableEntity([("base", rules.ALREADY_SUBMITTED)]) from None
        raise
    return recorded


def _parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def void_declaration(
    session: Session, provider_id: uuid.UUID, declaration_id: str, actor: Actor
) -> Declaration:
    """Void before payment, or claw back a paid declaration (ecf.md 4.8, npq.md 4.8). Only
    the provider that submitted a declaration can void it; anyone else gets a 404."""
    key = _parse_id(declaration_id)
    lock_for_write(session, f"declaration:{key}")
    declaration = session.scalar(
        select(Declaration)
        .where(Declaration.id == key, Declaration.lead_provider_id == provider_id)
        .with_for_update()
    )
    if declaration is None:
        session.rollback()
        raise NotFound()
    is_npq = declaration.course_identifier.startswith("npq-")
    lines = list(
        session.scalars(
            select(StatementLineItem).where(StatementLineItem.declaration_id == declaration.id)
        )
    )
    next_statement = None
    if declaration.state == "paid":
        next_statement = statements.next_output_statement(
            session,
            provider_id,
            declaration.cohort_year,
            "npq" if is_npq else "ecf",
            clock.today(),
        )
    decision = rules.decide_void(
        declaration.state,
        npq=is_npq,
        has_refundable_line=any(line.state in rules.REFUNDABLE_STATES for line in lines),
        has_next_statement=next_statement is not None,
        cohort_year=declaration.cohort_year,
    )
    if isinstance(decision, str):
        session.rollback()
        raise InvalidAction(decision)
    before = declaration.state
    now = clock.now_seconds()
    declaration.state = decision.target
    declaration.billable_slot = None
    declaration.updated_at = now
    changes: dict = {"state": [before, decision.target]}
    if decision.target == "voided":
        declaration.voided_at = now
        for line in lines:
            if line.state in ("eligible", "payable", "ineligible"):
                line.state = "voided"
    else:
        assert next_statement is not None
        statements.attach(session, declaration.id, next_statement.id, "awaiting_clawback")
        changes["clawback_statement_id"] = next_statement.id
    record_change(session, actor, "declaration", declaration.id, decision.target, changes)
    if declaration.declaration_type == "completed":
        _after_completed_retracted(session, declaration, is_npq)
    session.commit()
    return declaration


def _after_completed_retracted(session: Session, declaration: Declaration, is_npq: bool) -> None:
    if not is_npq:
        profile = session.get(ParticipantProfile, declaration.participant_profile_id)
        if profile is not None and profile.profile_type == "mentor":
            session.flush()
            recompute_mentor_completion(session, profile)
        return
    course = npq_course(declaration.course_identifier)
    if course is None or not course.has_outcomes:
        return
    latest = session.execute(
        select(ParticipantOutcome.state, ParticipantOutcome.created_at)
        .where(ParticipantOutcome.declaration_id == declaration.id)
        .order_by(ParticipantOutcome.created_at.desc())
        .limit(1)
    ).first()
    if latest is not None and latest.state == "voided":
        return
    # Outcomes are ordered by creation; one made within the same second as the previous one
    # must still sort after it, or "the latest outcome" (has_passed) would be ambiguous.
    created_at = clock.now()
    if latest is not None and latest.created_at >= created_at:
        created_at = latest.created_at + timedelta(microseconds=1)
    session.add(
        ParticipantOutcome(
            participant_profile_id=declaration.participant_profile_id,
            declaration_id=declaration.id,
            lead_provider_id=declaration.lead_provider_id,
            state="voided",
            completion_date=declaration.declaration_date.date(),
            created_at=created_at,
        )
    )


# --- eligibility confirmed later -------------------------------------------------------------


def promote_waiting_declarations(
    session: Session, profile_ids: Iterable[uuid.UUID], actor: Actor
) -> tuple[int, int]:
    """`submitted` declarations of newly fundable profiles become `eligible` and attach to
    their provider's next output statement for their cohort (ecf.md 4.7, operations.md 3.2).

    Returns (promoted, left waiting because no open statement exists). Does not commit: the
    caller's intake transaction does."""
    ids = list(profile_ids)
    if not ids:
        return 0, 0
    waiting = list(
        session.scalars(
            select(Declaration)
            .where(
                Declaration.participant_profile_id.in_(ids),
                Declaration.state == "submitted",
            )
            .order_by(Declaration.created_at)
            .with_for_update()
        )
    )
    today = clock.today()
    found: dict[tuple, Statement | None] = {}
    promoted = stranded = 0
    for declaration in waiting:
        programme = "npq" if declaration.course_identifier.startswith("npq-") else "ecf"
        cache_key = (declaration.lead_provider_id, declaration.cohort_year, programme)
        if cache_key not in found:
            found[cache_key] = statements.next_output_statement(
                session, declaration.lead_provider_id, declaration.cohort_year, programme, today
            )
        statement = found[cache_key]
        if statement is None:
            stranded += 1
            continue
        declaration.state = "eligible"
        declaration.updated_at = clock.now_seconds()
        statements.attach(session, declaration.id, statement.id, "eligible")
        record_change(
            session,
            actor,
            "declaration",
            declaration.id,
            "eligible",
            {"state": ["submitted", "eligible"], "statement_id": statement.id},
        )
        promoted += 1
    return promoted, stranded
