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
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, case, exists, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from cpd_api.core.database import (
    UUID,
    UTCDateTime,
    among,
    among_parameter,
    plan_as_key_lookups,
)
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
    VisiblePerson,
)
from . import rules

ECF_TYPES = ("ect", "mentor")
BATCH = 3000
SORT_COLUMNS = {
    "created_at": Participant.__table__.c.created_at,
    "updated_at": Participant.__table__.c.updated_at,
}


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


def _profiles(session: Session, ids: Sequence[uuid.UUID]) -> list[Any]:
    found: list[Any] = []
    for chunk in _chunks(list(ids)):
        found.extend(
            session.execute(
                select(*_PROFILE_COLUMNS)
                .where(
                    among(session, ParticipantProfile.id, chunk),
                    ParticipantProfile.profile_type.in_(ECF_TYPES),
                )
                .order_by(ParticipantProfile.created_at, ParticipantProfile.id)
            )
        )
    return found


def _complete(enrolments: list[Enrolment]) -> None:
    """Only an ECT shows a mentor (a mentor's own record may name one from a past role)."""
    for enrolment in enrolments:
        if enrolment.profile.profile_type == "ect":
            enrolment.mentor_participant_id = enrolment.record.mentor_participant_id


# ---------------------------------------------------------------------------------------------
# v3: one statement per request
# ---------------------------------------------------------------------------------------------
#
# A v3 page is read with a single SELECT: a `page` CTE picks the people (in page order), and
# the outer query joins each person's visible enrolments (with school, schedule, delivery
# partner, mentor and the latest withdrawal or deferral) and id changes. Rows come back as
# plain tuples in `V3_ROW` order and are grouped by the serialiser as they stream: no ORM
# objects, no id arrays sent back to the database, one round trip whatever the page size.
# The statements are built once per filter shape from the tables (not the ORM classes), so
# SQLAlchemy reuses both the cache key and the compiled SQL.


@dataclass(frozen=True, slots=True)
class V3Filters:
    cohorts: list[int] | None = None
    updated_since: datetime | None = None
    training_status: str | None = None
    from_participant_ids: list[uuid.UUID] | None = None
    sort: Sequence[tuple[str, bool]] = ()


_PEOPLE = Participant.__table__
_VISIBLE = VisibleEnrolment.__table__
_VISIBLE_PEOPLE = VisiblePerson.__table__
_PROFILES = ParticipantProfile.__table__
_RECORDS = InductionRecord.__table__
_PARTNERSHIPS = Partnership.__table__
_SCHOOLS = School.__table__
_SCHEDULES = Schedule.__table__
_STATES = ParticipantProfileState.__table__
_ID_CHANGES = ParticipantIdChange.__table__
_MENTOR_PROFILES = _PROFILES.alias("mentor_profiles")
_LATEST_STATES = _STATES.alias("latest_states")

PROVIDER = bindparam("provider", type_=UUID)
_PARTICIPANT = bindparam("participant", type_=UUID)
_LIMIT = bindparam("limit", type_=Integer)
_OFFSET = bindparam("offset", type_=Integer)
_COHORTS = bindparam("cohorts", type_=Integer, expanding=True)
_TRAINING_STATUS = bindparam("training_status", type_=String)
_UPDATED_SINCE = bindparam("updated_since", type_=UTCDateTime)
_FROM_IDS = bindparam("from_participant_ids", type_=UUID, expanding=True)


_V3_COLUMNS = {
    "participant_id": _PEOPLE.c.id,
    "full_name": _PEOPLE.c.full_name,
    "participant_email": _PEOPLE.c.email,
    "trn": _PEOPLE.c.trn,
    "updated_at": _PEOPLE.c.updated_at,
    "profile_id": _PROFILES.c.id,
    "profile_type": _PROFILES.c.profile_type,
    "profile_created_at": _PROFILES.c.created_at,
    "eligibility_status": _PROFILES.c.eligibility_status,
    "trn_validated": _PROFILES.c.trn_validated,
    "pupil_premium_uplift": _PROFILES.c.pupil_premium_uplift,
    "sparsity_uplift": _PROFILES.c.sparsity_uplift,
    "induction_completion_date": _PROFILES.c.induction_completion_date,
    "mentor_completion_date": _PROFILES.c.mentor_completion_date,
    "mentor_completion_reason": _PROFILES.c.mentor_completion_reason,
    "mentor_ineligible_for_funding_reason": _PROFILES.c.mentor_ineligible_for_funding_reason,
    "cohort_changed_after_payments_frozen": _PROFILES.c.cohort_changed_after_payments_frozen,
    "record_email": _RECORDS.c.email,
    "cohort_year": _RECORDS.c.cohort_year,
    "training_status": _RECORDS.c.training_status,
    "induction_status": _RECORDS.c.induction_status,
    "start_date": _RECORDS.c.start_date,
    "end_date": _RECORDS.c.end_date,
    "school_urn": _SCHOOLS.c.urn,
    "schedule_identifier": _SCHEDULES.c.identifier,
    "delivery_partner_id": _PARTNERSHIPS.c.delivery_partner_id,
    "mentor_participant_id": _MENTOR_PROFILES.c.participant_id,
    "state_reason": _LATEST_STATES.c.reason,
    "state_at": _LATEST_STATES.c.created_at,
    "id_change_id": _ID_CHANGES.c.id,
    "from_participant_id": _ID_CHANGES.c.from_participant_id,
    "to_participant_id": _ID_CHANGES.c.to_participant_id,
    "changed_at": _ID_CHANGES.c.created_at,
}
V3_ROW = tuple(_V3_COLUMNS)
"""The columns of every v3 row, in order: the serialiser unpacks rows positionally (a tuple
costs a tenth of a named lookup per value, and a page of 3000 reads ~100,000 values)."""


def _visible_filtered(cohorts: bool, training_status: bool) -> Any:
    """The provider's visible enrolments narrowed by the cohort and training-status filters,
    which apply to each profile's visible (latest) record (ecf.md 2.4)."""
    visible = _VISIBLE.alias("filtered_enrolments")
    source: Any = visible
    conditions = [visible.c.lead_provider_id == PROVIDER]
    if cohorts or training_status:
        record = _RECORDS.alias("filtered_records")
        source = source.join(record, record.c.id == visible.c.induction_record_id)
        if training_status:
            conditions.append(record.c.training_status == _TRAINING_STATUS)
        if cohorts:
            schedule = _SCHEDULES.alias("filtered_schedules")
            source = source.join(schedule, schedule.c.id == record.c.schedule_id)
            conditions.append(schedule.c.cohort_year.in_(_COHORTS))
    return visible, source, conditions


def _page_in_created_order(cohorts: bool, training_status: bool, paged: bool) -> Any:
    """The default order walks a (provider, created_at, id) index, so page 300 reads 30,000
    index entries rather than deciding visibility for every person created before them:
    `visible_people` (one entry per person) when no filter applies, else the visible
    enrolments that pass the filters, made distinct per person."""
    if not (cohorts or training_status):
        people = _VISIBLE_PEOPLE
        query = (
            select(
                people.c.participant_id.label("participant_id"),
                people.c.participant_created_at.label("created_at"),
            )
            .where(people.c.lead_provider_id == PROVIDER)
            .order_by(people.c.participant_created_at, people.c.participant_id)
        )
    else:
        visible, source, conditions = _visible_filtered(cohorts, training_status)
        query = (
            select(
                visible.c.participant_id.label("participant_id"),
                visible.c.participant_created_at.label("created_at"),
            )
            .select_from(source)
            .where(*conditions)
            .distinct()
            .order_by(visible.c.participant_created_at, visible.c.participant_id)
        )
    if paged:
        query = query.limit(_LIMIT).offset(_OFFSET)
    return query.cte("page")


def _visible_person(cohorts: bool = False, training_status: bool = False) -> Any:
    visible, source, conditions = _visible_filtered(cohorts, training_status)
    return exists(
        select(visible.c.participant_id)
        .select_from(source)
        .where(*conditions, visible.c.participant_id == _PEOPLE.c.id)
    )


def _latest_state_id() -> Any:
    """The provider's latest state row matching the record's withdrawn/deferred status."""
    state = _STATES.alias("candidate_states")
    return (
        select(state.c.id)
        .where(
            state.c.participant_profile_id == _PROFILES.c.id,
            state.c.lead_provider_id == PROVIDER,
            state.c.state == _RECORDS.c.training_status,
        )
        .order_by(state.c.created_at.desc(), state.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _v3_rows(page: Any, ordering: Sequence[Any]) -> Any:
    """Left joins in a chain from the page, each along a key (visible enrolments hold ECF
    profiles only, and a visible enrolment always has its profile, record, partnership,
    school and schedule): planned in this order, each step is an index probe per row."""
    people = (
        page.join(_PEOPLE, _PEOPLE.c.id == page.c.participant_id)
        .outerjoin(
            _VISIBLE,
            and_(
                _VISIBLE.c.lead_provider_id == PROVIDER,
                _VISIBLE.c.participant_id == _PEOPLE.c.id,
            ),
        )
        .outerjoin(_PROFILES, _PROFILES.c.id == _VISIBLE.c.participant_profile_id)
        .outerjoin(_RECORDS, _RECORDS.c.id == _VISIBLE.c.induction_record_id)
        .outerjoin(_PARTNERSHIPS, _PARTNERSHIPS.c.id == _RECORDS.c.partnership_id)
        .outerjoin(_SCHOOLS, _SCHOOLS.c.id == _RECORDS.c.school_id)
        .outerjoin(_SCHEDULES, _SCHEDULES.c.id == _RECORDS.c.schedule_id)
        .outerjoin(_MENTOR_PROFILES, _MENTOR_PROFILES.c.id == _RECORDS.c.mentor_profile_id)
        .outerjoin(
            _LATEST_STATES,
            # CASE, so that the latest-state lookup runs for withdrawn and deferred records
            # only; two comparisons rather than IN, which would be re-rendered per request
            _LATEST_STATES.c.id
            == case(
                (
                    or_(
                        _RECORDS.c.training_status == "withdrawn",
                        _RECORDS.c.training_status == "deferred",
                    ),
                    _latest_state_id(),
                ),
            ),
        )
        .outerjoin(_ID_CHANGES, _ID_CHANGES.c.participant_id == _PEOPLE.c.id)
    )
    return (
        select(*(column.label(name) for name, column in _V3_COLUMNS.items()))
        .select_from(people)
        .order_by(
            *ordering,
            _PROFILES.c.created_at,
            _PROFILES.c.id,
            _ID_CHANGES.c.created_at,
            _ID_CHANGES.c.id,
        )
    )


@cache
def _v3_default_page(cohorts: bool, training_status: bool, paged: bool) -> Any:
    page = _page_in_created_order(cohorts, training_status, paged)
    return _v3_rows(page, [page.c.created_at, page.c.participant_id])


@lru_cache(maxsize=64)  # sort lists vary; keep the cache bounded
def _v3_general_selection(
    cohorts: bool,
    training_status: bool,
    updated_since: bool,
    from_ids: bool,
    sort: tuple[tuple[str, bool], ...],
    paged: bool,
) -> Any:
    """The ids of a page in any sort, or with `updated_since` or `from_participant_id`:
    people first, visibility checked per person. Planned freely: how selective
    `updated_since` is decides between walking an index in page order and sorting the
    matches, and the planner knows that better than any fixed order."""
    selection = select(_PEOPLE.c.id).where(_visible_person(cohorts, training_status))
    if updated_since:
        selection = selection.where(_PEOPLE.c.updated_at >= _UPDATED_SINCE)
    if from_ids:
        selection = selection.where(
            _PEOPLE.c.id.in_(
                select(_ID_CHANGES.c.participant_id).where(
                    _ID_CHANGES.c.from_participant_id.in_(_FROM_IDS)
                )
            )
        )
    order = list(sort) or [("created_at", False)]
    selection = selection.order_by(*order_by(order, SORT_COLUMNS), _PEOPLE.c.id)
    if paged:
        selection = selection.limit(_LIMIT).offset(_OFFSET)
    return selection


@lru_cache(maxsize=64)
def _v3_rows_of_people(sort: tuple[tuple[str, bool], ...], dialect: str) -> Any:
    """The rows of the people chosen by `_v3_general_selection`, in the same order."""
    chosen = among_parameter(_PEOPLE.c.id, "people", dialect)
    page = (
        select(_PEOPLE.c.id.label("participant_id"), _PEOPLE.c.created_at, _PEOPLE.c.updated_at)
        .where(chosen)
        .cte("page")
    )
    order = list(sort) or [("created_at", False)]
    return _v3_rows(page, [*order_by(order, page.c), page.c.participant_id])


@cache
def _v3_person(visible_only: bool) -> Any:
    selection = select(_PEOPLE.c.id.label("participant_id")).where(_PEOPLE.c.id == _PARTICIPANT)
    if visible_only:
        selection = selection.where(_visible_person())
    page = selection.cte("page")
    return _v3_rows(page, [page.c.participant_id])


def list_v3(
    connection: Connection, provider_id: uuid.UUID, filters: V3Filters, page: Page | None
) -> Iterable[Sequence[Any]]:
    """v3 rows (`V3_ROW`) of one page of people, grouped by person in page order."""
    params: dict[str, Any] = {"provider": provider_id}
    if page is not None:
        params.update(limit=page.limit, offset=page.offset)
    if filters.cohorts is not None:
        params["cohorts"] = filters.cohorts
    if filters.training_status is not None:
        params["training_status"] = filters.training_status
    # The default order starts from the visible enrolments' page index, in one statement;
    # any other order or `updated_since` chooses the page first, then reads its rows.
    default_order = not filters.sort or list(filters.sort) == [("created_at", False)]
    shape = (filters.cohorts is not None, filters.training_status is not None)
    if default_order and filters.updated_since is None and filters.from_participant_ids is None:
        statement = _v3_default_page(*shape, page is not None)
    else:
        if filters.updated_since is not None:
            params["updated_since"] = filters.updated_since
        if filters.from_participant_ids is not None:
            params["from_participant_ids"] = filters.from_participant_ids
        sort = tuple(filters.sort)
        selection = _v3_general_selection(
            *shape,
            filters.updated_since is not None,
            filters.from_participant_ids is not None,
            sort,
            page is not None,
        )
        people = connection.execute(selection, params).scalars().all()
        if not people:
            return []
        statement = _v3_rows_of_people(sort, connection.dialect.name)
        params = {"provider": provider_id, "people": people}
    plan_as_key_lookups(connection)
    return connection.execute(statement, params)


def show_v3(
    connection: Connection, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> list[Sequence[Any]]:
    """The v3 rows of one visible person (none when the provider may not see them)."""
    plan_as_key_lookups(connection)
    parameters = {"provider": provider_id, "participant": participant_id}
    return list(connection.execute(_v3_person(True), parameters))


def view_for_person(
    connection: Connection, provider_id: uuid.UUID, participant_id: uuid.UUID
) -> list[Sequence[Any]]:
    """The v3 rows of a person, with whatever enrolments are visible (maybe none)."""
    plan_as_key_lookups(connection)
    parameters = {"provider": provider_id, "participant": participant_id}
    return list(connection.execute(_v3_person(False), parameters))


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
    profiles = {p.id: p for p in _profiles(session, [pid for _, pid in selected])}
    records = _visible_records(session, provider_id, list(profiles), cohorts)
    rows = [
        TrainingRecordRow(person, Enrolment(profiles[pid], records[pid]))
        for person, pid in selected
        if pid in records
    ]
    _complete([r.enrolment for r in rows])
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


@cache
def _v1_visible_keys(paged: bool) -> Any:
    """The induction record ids of a v1/v2 page of every visible training record, in page
    order (the person's creation, then the profile's), planned freely: the walk down the
    provider's visible enrolments is the whole cost of a deep page."""
    visible = _VISIBLE
    selection = (
        select(visible.c.induction_record_id)
        .join(_PROFILES, _PROFILES.c.id == visible.c.participant_profile_id)
        .where(visible.c.lead_provider_id == PROVIDER)
        .order_by(
            visible.c.participant_created_at,
            visible.c.participant_id,
            _PROFILES.c.created_at,
            _PROFILES.c.id,
        )
    )
    if paged:
        selection = selection.limit(_LIMIT).offset(_OFFSET)
    return selection


@cache
def _v1_rows_of_records(dialect: str) -> Any:
    """What v1/v2 rows show for the chosen (profile, record) pairs, in page order. Columns
    are labelled so that one row serves as both the `profile` and the `record` of an
    `Enrolment` (the v1 serialiser reads them by name)."""
    chosen = among_parameter(_RECORDS.c.id, "records", dialect)
    rows = (
        _RECORDS.join(_PROFILES, _PROFILES.c.id == _RECORDS.c.participant_profile_id)
        .join(_PEOPLE, _PEOPLE.c.id == _PROFILES.c.participant_id)
        .join(_SCHOOLS, _SCHOOLS.c.id == _RECORDS.c.school_id)
        .join(_SCHEDULES, _SCHEDULES.c.id == _RECORDS.c.schedule_id)
        .outerjoin(_MENTOR_PROFILES, _MENTOR_PROFILES.c.id == _RECORDS.c.mentor_profile_id)
    )
    return (
        select(
            _PEOPLE.c.id.label("person_id"),
            _PEOPLE.c.full_name.label("person_full_name"),
            _PEOPLE.c.email.label("person_email"),
            _PEOPLE.c.trn.label("person_trn"),
            _PEOPLE.c.created_at.label("person_created_at"),
            _PEOPLE.c.updated_at.label("person_updated_at"),
            _PROFILES.c.id,
            _PROFILES.c.profile_type,
            _PROFILES.c.eligibility_status,
            _PROFILES.c.trn_validated,
            _PROFILES.c.pupil_premium_uplift,
            _PROFILES.c.sparsity_uplift,
            _RECORDS.c.id.label("record_id"),
            _RECORDS.c.email,
            _RECORDS.c.cohort_year,
            _RECORDS.c.training_status,
            _RECORDS.c.induction_status,
            _SCHOOLS.c.urn.label("school_urn"),
            _SCHEDULES.c.identifier.label("schedule_identifier"),
            _MENTOR_PROFILES.c.participant_id.label("mentor_participant_id"),
        )
        .select_from(rows)
        .where(chosen)
    )


def _v1_visible_rows(
    connection: Connection, provider_id: uuid.UUID, page: Page | None
) -> list[TrainingRecordRow]:
    """Every visible training record (no filters): the page's record ids, then their rows."""
    params: dict[str, Any] = {"provider": provider_id}
    if page is not None:
        params.update(limit=page.limit, offset=page.offset)
    records = connection.execute(_v1_visible_keys(page is not None), params).scalars().all()
    if not records:
        return []
    position = {record_id: index for index, record_id in enumerate(records)}
    plan_as_key_lookups(connection)
    statement = _v1_rows_of_records(connection.dialect.name)
    found = [  # in batches: an unpaged CSV may hold tens of thousands of records
        row
        for batch in _chunks(list(position))
        for row in connection.execute(statement, {"records": list(batch)})
    ]
    found.sort(key=lambda row: position[row.record_id])
    rows = []
    for row in found:
        person = Person(
            row.person_id,
            row.person_full_name,
            row.person_email,
            row.person_trn,
            row.person_created_at,
            row.person_updated_at,
        )
        rows.append(TrainingRecordRow(person, Enrolment(row, row)))
    _complete([r.enrolment for r in rows])
    return rows


def list_v1(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohorts: list[int] | None,
    updated_since: datetime | None,
    page: Page | None,
) -> list[TrainingRecordRow]:
    """v1/v2 rows (one per training record); `page` None = every row (CSV)."""
    if cohorts is None and updated_since is None:
        return _v1_visible_rows(session.connection(), provider_id, page)
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
    profile = _profiles(session, [profile_id])[0]
    record = session.execute(
        _record_query(provider_id, visible_only=False).where(InductionRecord.id == record_id)
    ).one()
    person_row = session.execute(
        select(*_person_columns()).where(Participant.id == profile.participant_id)
    ).one()
    row = TrainingRecordRow(_person(person_row), Enrolment(profile, record))
    _complete([row.enrolment])
    return row
