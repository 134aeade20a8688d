"""Reading ECF participants for a provider: the list and show hot paths of every version.

Each list is two steps: (1) one indexed query selects the page (participant ids and sort
keys, or training-record ids for v1/v2) of the people visible to the provider; (2) a fixed
handful of `IN (...)` queries batch-load everything the page shows. No query runs per row,
so a page of 3000 costs the same number of statements as a page of 1."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from cpd_api.core.database import among
from cpd_api.core.paging import Page
from cpd_api.core.sorting import order_by
from cpd_api.partnerships.models import Partnership
from cpd_api.schedules.models import Schedule
from cpd_api.schools.models import School

from ..models import (
    InductionRecord,
    Participant,
    ParticipantIdChange,
    ParticipantProfile,
    ParticipantProfileState,
    VisibleEnrolment,
)
from . import rules

ECF_TYPES = ("ect", "mentor")
BATCH = 3000
SORT_COLUMNS = {"created_at": Participant.created_at, "updated_at": Participant.updated_at}


@dataclass(frozen=True, slots=True)
class Person:
    id: uuid.UUID
    full_name: str
    email: str
    trn: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Enrolment:
    """One training record as the provider sees it, through one chosen induction record."""

    profile: Any  # row: ParticipantProfile columns
    record: Any  # row: InductionRecord columns + school_urn, schedule_identifier, dp id
    mentor_participant_id: uuid.UUID | None = None
    withdrawal: tuple[str | None, datetime] | None = None
    deferral: tuple[str | None, datetime] | None = None


@dataclass(slots=True)
class ParticipantView:
    person: Person
    enrolments: list[Enrolment]
    id_changes: list[Any]


def _chunks(values: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _unchallenged_for(provider_id: uuid.UUID, partnership: Any = Partnership) -> ColumnElement:
    return and_(
        partnership.lead_provider_id == provider_id,
        partnership.challenged_at.is_(None),
        partnership.challenge_reason.is_(None),
    )


def _later_visible_record(record: Any, provider_id: uuid.UUID) -> ColumnElement:
    """A visible record of the same profile that ranks before `record` (ecf.md 1.4 order),
    so `NOT EXISTS` of it means `record` is the profile's visible one."""
    other = aliased(InductionRecord)
    other_partnership = aliased(Partnership)
    both_open = and_(other.end_date.is_(None), record.end_date.is_(None))
    both_closed = and_(other.end_date.is_not(None), record.end_date.is_not(None))
    ranks_before = or_(
        and_(other.end_date.is_(None), record.end_date.is_not(None)),
        and_(
            or_(both_open, both_closed),
            or_(
                other.start_date > record.start_date,
                and_(
                    other.start_date == record.start_date,
                    or_(
                        other.created_at > record.created_at,
                        and_(other.created_at == record.created_at, other.id > record.id),
                    ),
                ),
            ),
        ),
    )
    return exists(
        select(other.id)
        .join(other_partnership, other_partnership.id == other.partnership_id)
        .where(
            other.participant_profile_id == record.participant_profile_id,
            _unchallenged_for(provider_id, other_partnership),
            ranks_before,
        )
    )


def _visible_profile_exists(
    profile: Any,
    provider_id: uuid.UUID,
    *,
    cohorts: list[int] | None = None,
    training_status: str | None = None,
    latest_only: bool = False,
) -> ColumnElement:
    """The profile has a visible induction record for the provider (optionally: one in these
    schedule cohorts; with `latest_only` the filters apply to the visible record itself)."""
    record = aliased(InductionRecord)
    partnership = aliased(Partnership)
    query = (
        select(record.id)
        .join(partnership, partnership.id == record.partnership_id)
        .where(
            record.participant_profile_id == profile.id, _unchallenged_for(provider_id, partnership)
        )
    )
    if cohorts is not None:
        schedule = aliased(Schedule)
        query = query.join(schedule, schedule.id == record.schedule_id).where(
            schedule.cohort_year.in_(cohorts)
        )
    if training_status is not None:
        query = query.where(record.training_status == training_status)
    if latest_only:
        query = query.where(~_later_visible_record(record, provider_id))
    return exists(query)


def _person_columns() -> list[Any]:
    return [
        Participant.id,
        Participant.full_name,
        Participant.email,
        Participant.trn,
        Participant.created_at,
        Participant.updated_at,
    ]


def _person(row: Any) -> Person:
    return Person(row.id, row.full_name, row.email, row.trn, row.created_at, row.updated_at)


# ---------------------------------------------------------------------------------------------
# Step 2: batch loading
# ---------------------------------------------------------------------------------------------

_PROFILE_COLUMNS = (
    ParticipantProfile.id,
    ParticipantProfile.participant_id,
    ParticipantProfile.profile_type,
    ParticipantProfile.created_at,
    ParticipantProfile.eligibility_status,
    ParticipantProfile.trn_validated,
    ParticipantProfile.pupil_premium_uplift,
    ParticipantProfile.sparsity_uplift,
    ParticipantProfile.induction_completion_date,
    ParticipantProfile.mentor_completion_date,
    ParticipantProfile.mentor_completion_reason,
    ParticipantProfile.mentor_ineligible_for_funding_reason,
    ParticipantProfile.cohort_changed_after_payments_frozen,
)


# Built once: constructing an alias on every request costs more than the query it joins.
_MENTOR_PROFILE = aliased(ParticipantProfile, name="mentor_profile")


def _record_query(provider_id: uuid.UUID, *, visible_only: bool) -> Any:
    partnership_join = Partnership.id == InductionRecord.partnership_id
    condition = (
        _unchallenged_for(provider_id)
        if visible_only
        else Partnership.lead_provider_id == provider_id
    )
    mentor = _MENTOR_PROFILE  # its owner is the ECT's `mentor_id`: no extra query
    return (
        select(
            InductionRecord.id,
            InductionRecord.participant_profile_id,
            InductionRecord.cohort_year,
            InductionRecord.mentor_profile_id,
            InductionRecord.email,
            InductionRecord.training_status,
            InductionRecord.induction_status,
            InductionRecord.start_date,
            InductionRecord.end_date,
            InductionRecord.created_at,
            School.urn.label("school_urn"),
            Schedule.identifier.label("schedule_identifier"),
            Schedule.cohort_year.label("schedule_cohort"),
            Partnership.delivery_partner_id,
            mentor.participant_id.label("mentor_participant_id"),
        )
        .join(Partnership, and_(partnership_join, condition))
        .join(School, School.id == InductionRecord.school_id)
        .join(Schedule, Schedule.id == InductionRecord.schedule_id)
        .outerjoin(mentor, mentor.id == InductionRecord.mentor_profile_id)
    )


def _recency(row: Any) -> tuple:
    return rules.induction_record_recency(
        row.end_date, row.start_date, row.created_at, row.id, end_date_tiebreak=False
    )


def _visible_records(
    session: Session,
    provider_id: uuid.UUID,
    profile_ids: Sequence[uuid.UUID],
    cohorts: list[int] | None,
) -> dict[uuid.UUID, Any]:
    """The visible induction record of each profile (latest first by ecf.md 1.4)."""
    best: dict[uuid.UUID, Any] = {}
    for chunk in _chunks(profile_ids):
        if cohorts is None:  # the maintained visible record: exactly one row per profile
            query = _record_query(provider_id, visible_only=True).join(
                VisibleEnrolment,
                and_(
                    VisibleEnrolment.induction_record_id == InductionRecord.id,
                    VisibleEnrolment.lead_provider_id == provider_id,
                ),
            )
            chosen = among(session, VisibleEnrolment.participant_profile_id, chunk)
            best.update(
                (row.participant_profile_id, row) for row in session.execute(query.where(chosen))
            )
            continue
        query = _record_query(provider_id, visible_only=True).where(
            among(session, InductionRecord.participant_profile_id, chunk)
        )
        if cohorts is not None:
            query = query.where(Schedule.cohort_year.in_(cohorts))
        for row in session.execute(query):
            current = best.get(row.participant_profile_id)
            if current is None or _recency(row) > _recency(current):
                best[row.participant_profile_id] = row
    return best


def _profiles(
    session: Session, *, participant_ids: Sequence[uuid.UUID] = (), ids: Sequence[uuid.UUID] = ()
) -> list[Any]:
    found: list[Any] = []
    column = ParticipantProfile.participant_id if participant_ids else ParticipantProfile.id
    for chunk in _chunks(list(participant_ids or ids)):
        found.extend(
            session.execute(
                select(*_PROFILE_COLUMNS)
                .where(
                    among(session, column, chunk), ParticipantProfile.profile_type.in_(ECF_TYPES)
                )
                .order_by(ParticipantProfile.created_at, ParticipantProfile.id)
            )
        )
    return found


def _complete(
    session: Session,
    provider_id: uuid.UUID,
    enrolments: list[Enrolment],
    *,
    with_states: bool,
) -> None:
    """Fill in mentors' participant ids and (v3) withdrawal and deferral details."""
    for enrolment in enrolments:
        if enrolment.profile.profile_type == "ect":
            enrolment.mentor_participant_id = enrolment.record.mentor_participant_id
    if not with_states:
        return
    wanted = [
        e.profile.id for e in enrolments if e.record.training_status in ("withdrawn", "deferred")
    ]
    latest: dict[tuple[uuid.UUID, str], tuple[str | None, datetime]] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(
                ParticipantProfileState.participant_profile_id,
                ParticipantProfileState.state,
                ParticipantProfileState.reason,
                ParticipantProfileState.created_at,
            )
            .where(
                among(session, ParticipantProfileState.participant_profile_id, chunk),
                ParticipantProfileState.lead_provider_id == provider_id,
                ParticipantProfileState.state.in_(("withdrawn", "deferred")),
            )
            .order_by(ParticipantProfileState.created_at, ParticipantProfileState.id)
        )
        for row in rows:
            latest[(row.participant_profile_id, row.state)] = (row.reason, row.created_at)
    for enrolment in enrolments:
        status = enrolment.record.training_status
        if status == "withdrawn":
            enrolment.withdrawal = latest.get((enrolment.profile.id, "withdrawn"))
        elif status == "deferred":
            enrolment.deferral = latest.get((enrolment.profile.id, "deferred"))


def _id_changes(session: Session, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list]:
    changes: dict[uuid.UUID, list] = {pid: [] for pid in participant_ids}
    for chunk in _chunks(list(participant_ids)):
        rows = session.execute(
            select(
                ParticipantIdChange.participant_id,
                ParticipantIdChange.from_participant_id,
                ParticipantIdChange.to_participant_id,
                ParticipantIdChange.created_at,
            )
            .where(among(session, ParticipantIdChange.participant_id, chunk))
            .order_by(ParticipantIdChange.created_at, ParticipantIdChange.id)
        )
        for row in rows:
            changes[row.participant_id].append(row)
    return changes


def _views(session: Session, provider_id: uuid.UUID, people: list[Person]) -> list[ParticipantView]:
    """v3 records for these people: every visible enrolment, unfiltered (ecf.md 2.4 note)."""
    ids = [p.id for p in people]
    profiles = _profiles(session, participant_ids=ids)
    records = _visible_records(session, provider_id, [p.id for p in profiles], None)
    by_person: dict[uuid.UUID, list[Enrolment]] = {pid: [] for pid in ids}
    enrolments = []
    for profile in profiles:
        record = records.get(profile.id)
        if record is not None:
            enrolment = Enrolment(profile, record)
            enrolments.append(enrolment)
            by_person[profile.participant_id].append(enrolment)
    _complete(session, provider_id, enrolments, with_states=True)
    changes = _id_changes(session, ids)
    return [ParticipantView(p, by_person[p.id], changes[p.id]) for p in people]


# ---------------------------------------------------------------------------------------------
# v3
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class V3Filters:
    cohorts: list[int] | None = None
    updated_since: datetime | None = None
    training_status: str | None = None
    from_participant_ids: list[uuid.UUID] | None = None
    sort: Sequence[tuple[str, bool]] = ()


def _visible_enrolments(provider_id: uuid.UUID, filters: V3Filters) -> Any:
    """The provider's visible enrolments, narrowed by the cohort and training-status filters,
    which apply to each profile's visible (latest) record (ecf.md 2.4)."""
    query = select(VisibleEnrolment.participant_id).where(
        VisibleEnrolment.lead_provider_id == provider_id
    )
    if filters.cohorts is not None or filters.training_status is not None:
        query = query.join(
            InductionRecord, InductionRecord.id == VisibleEnrolment.induction_record_id
        )
    if filters.cohorts is not None:
        query = query.join(Schedule, Schedule.id == InductionRecord.schedule_id).where(
            Schedule.cohort_year.in_(filters.cohorts)
        )
    if filters.training_status is not None:
        query = query.where(InductionRecord.training_status == filters.training_status)
    return query


def _v3_visible(provider_id: uuid.UUID, filters: V3Filters) -> ColumnElement:
    return exists(
        _visible_enrolments(provider_id, filters).where(
            VisibleEnrolment.participant_id == Participant.id
        )
    )


def _v3_page_in_created_order(
    session: Session, provider_id: uuid.UUID, filters: V3Filters, page: Page
) -> list[Person]:
    """The default order walks the (provider, created_at, id) index of the visible
    enrolments, so page 300 reads 30,000 index entries rather than deciding visibility for
    every person created before them; the page's people are then read by primary key (one
    array parameter), which no planner turns into a scan of every participant."""
    ids = session.scalars(
        _visible_enrolments(provider_id, filters)
        .add_columns(VisibleEnrolment.participant_created_at)
        .distinct()
        .order_by(VisibleEnrolment.participant_created_at, VisibleEnrolment.participant_id)
        .limit(page.limit)
        .offset(page.offset)
    ).all()
    if not ids:
        return []
    found = {
        row.id: _person(row)
        for row in session.execute(
            select(*_person_columns()).where(among(session, Participant.id, ids))
        )
    }
    return [found[pid] for pid in ids if pid in found]


def list_v3(
    session: Session, provider_id: uuid.UUID, filters: V3Filters, page: Page | None
) -> list[ParticipantView]:
    default_order = not filters.sort or list(filters.sort) == [("created_at", False)]
    if (
        page is not None
        and default_order
        and filters.updated_since is None
        and filters.from_participant_ids is None
    ):
        people = _v3_page_in_created_order(session, provider_id, filters, page)
        return _views(session, provider_id, people)
    query = select(*_person_columns()).where(_v3_visible(provider_id, filters))
    if filters.updated_since is not None:
        query = query.where(Participant.updated_at >= filters.updated_since)
    if filters.from_participant_ids is not None:
        query = query.where(
            Participant.id.in_(
                select(ParticipantIdChange.participant_id).where(
                    ParticipantIdChange.from_participant_id.in_(filters.from_participant_ids)
                )
            )
        )
    ordering = order_by(filters.sort, SORT_COLUMNS) or [Participant.created_at.asc()]
    query = query.order_by(*ordering, Participant.id.asc())
    if page is not None:
        query = query.limit(page.limit).offset(page.offset)
    people = [_person(row) for row in session.execute(query)]
    return _views(session, provider_id, people)


def show_v3(
    session: Session, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> ParticipantView | None:
    row = session.execute(
        select(*_person_columns()).where(
            Participant.id == participant_id, _v3_visible(provider_id, V3Filters())
        )
    ).first()
    if row is None:
        return None
    return _views(session, provider_id, [_person(row)])[0]


# ---------------------------------------------------------------------------------------------
# v1 / v2: one row per training record
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class TrainingRecordRow:
    person: Person
    enrolment: Enrolment


def _rows(
    session: Session,
    provider_id: uuid.UUID,
    selected: list[tuple[Person, uuid.UUID]],
    cohorts: list[int] | None,
) -> list[TrainingRecordRow]:
    profiles = {p.id: p for p in _profiles(session, ids=[pid for _, pid in selected])}
    records = _visible_records(session, provider_id, list(profiles), cohorts)
    rows = [
        TrainingRecordRow(person, Enrolment(profiles[pid], records[pid]))
        for person, pid in selected
        if pid in records
    ]
    _complete(session, provider_id, [r.enrolment for r in rows], with_states=False)
    return rows


def _v1_selection(
    provider_id: uuid.UUID, cohorts: list[int] | None, updated_since: datetime | None
) -> Any:
    query = select(*_person_columns(), ParticipantProfile.id.label("profile_id")).join(
        ParticipantProfile, ParticipantProfile.participant_id == Participant.id
    )
    if cohorts is None:  # every visible profile: the maintained visible enrolments
        query = query.join(
            VisibleEnrolment,
            and_(
                VisibleEnrolment.participant_profile_id == ParticipantProfile.id,
                VisibleEnrolment.lead_provider_id == provider_id,
            ),
        ).where(ParticipantProfile.profile_type.in_(ECF_TYPES))
    else:
        query = query.where(
            ParticipantProfile.profile_type.in_(ECF_TYPES),
            _visible_profile_exists(ParticipantProfile, provider_id, cohorts=cohorts),
        )
    if updated_since is not None:
        return query.where(Participant.updated_at >= updated_since).order_by(
            Participant.updated_at, Participant.id, ParticipantProfile.created_at
        )
    if cohorts is None:  # the same order, read from the (provider, created_at, id) index
        return query.order_by(
            VisibleEnrolment.participant_created_at,
            VisibleEnrolment.participant_id,
            ParticipantProfile.created_at,
        )
    return query.order_by(Participant.created_at, Participant.id, ParticipantProfile.created_at)


def list_v1(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohorts: list[int] | None,
    updated_since: datetime | None,
    page: Page | None,
) -> list[TrainingRecordRow]:
    """v1/v2 rows (one per training record); `page` None = every row (CSV)."""
    query = _v1_selection(provider_id, cohorts, updated_since).order_by(ParticipantProfile.id)
    if page is not None:
        query = query.limit(page.limit).offset(page.offset)
    selected = [(_person(row), row.profile_id) for row in session.execute(query)]
    return _rows(session, provider_id, selected, cohorts)


def show_v1(
    session: Session, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> TrainingRecordRow | None:
    """The person's ECT row when they have both roles, else their only row (ecf.md 2.3)."""
    query = _v1_selection(provider_id, None, None).where(Participant.id == participant_id)
    rows = _rows(
        session, provider_id, [(_person(r), r.profile_id) for r in session.execute(query)], None
    )
    if not rows:
        return None
    rows.sort(key=lambda r: r.enrolment.profile.profile_type != "ect")
    return rows[0]


def row_for_record(
    session: Session, provider_id: uuid.UUID, profile_id: uuid.UUID, record_id: uuid.UUID
) -> TrainingRecordRow:
    """A v1/v2 row built from one given induction record (action responses use the relevant
    record, whether or not its partnership is challenged)."""
    profile = _profiles(session, ids=[profile_id])[0]
    record = session.execute(
        _record_query(provider_id, visible_only=False).where(InductionRecord.id == record_id)
    ).one()
    person_row = session.execute(
        select(*_person_columns()).where(Participant.id == profile.participant_id)
    ).one()
    row = TrainingRecordRow(_person(person_row), Enrolment(profile, record))
    _complete(session, provider_id, [row.enrolment], with_states=False)
    return row


def view_for_person(
    session: Session, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> ParticipantView:
    """The v3 record of a person, with whatever enrolments are visible (maybe none)."""
    person_row = session.execute(
        select(*_person_columns()).where(Participant.id == participant_id)
    ).one()
    return _views(session, provider_id, [_person(person_row)])[0]


def visible_participant_ids(session: Session, provider_id: uuid.UUID) -> Iterable[uuid.UUID]:
    """Everyone the provider can see (other resources' rules, e.g. unfunded mentors)."""
    return session.scalars(
        select(Participant.id).where(_v3_visible(provider_id, V3Filters()))
    ).all()
