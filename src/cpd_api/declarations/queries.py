"""Listing and showing declarations with the visibility rules of ecf.md 1.5 / 4.12.

A provider sees (a) every declaration it submitted, (b) other providers' counting
declarations for participants it now trains (an `active` or `completed` induction record in
one of its partnerships) and, in v3 only, (c) other providers' counting declarations dated
up to the leaving date of a participant leaving one of its partnerships.

A page costs a fixed handful of statements whatever its size: one UNION that picks the page's
ids, then one query each for the rows, their statement lines, NPQ outcomes and NPQ uplift
eligibility, batched with `IN (...)`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, exists, or_, select, union
from sqlalchemy.orm import Session

from cpd_api.core.paging import Page
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.outcomes.models import ParticipantOutcome
from cpd_api.participants.models import InductionRecord
from cpd_api.partnerships.models import Partnership
from cpd_api.providers.models import LeadProvider
from cpd_api.schedules.reference_data import npq_course

from . import rules
from .models import Declaration, StatementLineItem

CSV_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class DeclarationFilters:
    cohorts: list[int] | None = None
    participant_ids: list[uuid.UUID] | None = None
    updated_since: datetime | None = None
    updated_since_inclusive: bool = True
    delivery_partner_ids: list[uuid.UUID] | None = None
    default_cohorts: bool = False  # v3: absent cohort filter means every cohort after 2020


@dataclass(frozen=True, slots=True)
class DeclarationView:
    """Everything any version shows about one declaration, as plain values."""

    id: uuid.UUID
    participant_id: uuid.UUID
    declaration_type: str
    course_identifier: str
    declaration_date: datetime
    state: str
    created_at: datetime
    updated_at: datetime
    delivery_partner_id: uuid.UUID | None
    mentor_id: uuid.UUID | None
    statement_id: uuid.UUID | None
    clawback_statement_id: uuid.UUID | None
    ineligible_for_funding_reason: str | None
    uplift_paid: bool
    evidence_held: str | None
    has_passed: bool | None
    lead_provider_name: str


def _filtered(query: Select, filters: DeclarationFilters) -> Select:
    if filters.cohorts is not None:
        query = query.where(Declaration.cohort_year.in_(filters.cohorts))
    elif filters.default_cohorts:
        query = query.where(Declaration.cohort_year > 2020)
    if filters.participant_ids is not None:
        query = query.where(Declaration.participant_id.in_(filters.participant_ids))
    if filters.updated_since is not None:
        query = query.where(
            Declaration.updated_at >= filters.updated_since
            if filters.updated_since_inclusive
            else Declaration.updated_at > filters.updated_since
        )
    if filters.delivery_partner_ids is not None:
        query = query.where(Declaration.delivery_partner_id.in_(filters.delivery_partner_ids))
    return query


def visible_declarations(
    provider_id: uuid.UUID, version: str, filters: DeclarationFilters
) -> Select:
    """(id, created_at) of every declaration the provider may see, filters applied."""
    columns = (Declaration.id, Declaration.created_at)
    own = select(*columns).where(Declaration.lead_provider_id == provider_id)
    trained_now = (
        select(InductionRecord.participant_profile_id)
        .join(Partnership, Partnership.id == InductionRecord.partnership_id)
        .where(
            Partnership.lead_provider_id == provider_id,
            InductionRecord.induction_status.in_(("active", "completed")),
        )
    )
    inherited = select(*columns).where(
        Declaration.lead_provider_id != provider_id,
        Declaration.state.in_(rules.COUNTING_STATES),
        Declaration.participant_profile_id.in_(trained_now),
    )
    branches = [_filtered(own, filters), _filtered(inherited, filters)]
    if version == "v3":
        leaving = exists().where(
            InductionRecord.participant_profile_id == Declaration.participant_profile_id,
            Partnership.id == InductionRecord.partnership_id,
            Partnership.lead_provider_id == provider_id,
            InductionRecord.induction_status == "leaving",
            or_(
                InductionRecord.end_date.is_(None),
                Declaration.declaration_date <= InductionRecord.end_date,
            ),
        )
        left = select(*columns).where(
            Declaration.lead_provider_id != provider_id,
            Declaration.state.in_(rules.COUNTING_STATES),
            leaving,
        )
        branches.append(_filtered(left, filters))
    return union(*branches)


def list_declarations(
    session: Session,
    provider_id: uuid.UUID,
    version: str,
    filters: DeclarationFilters,
    page: Page,
) -> list[DeclarationView]:
    visible = visible_declarations(provider_id, version, filters).subquery()
    ids = list(
        session.scalars(
            select(visible.c.id)
            .order_by(visible.c.created_at, visible.c.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    )
    return load_views(session, ids)


def all_declarations(
    session: Session, provider_id: uuid.UUID, version: str, filters: DeclarationFilters
) -> Iterator[DeclarationView]:
    """Every visible declaration, loaded in chunks (the unpaginated CSV)."""
    visible = visible_declarations(provider_id, version, filters).subquery()
    ids = list(session.scalars(select(visible.c.id).order_by(visible.c.created_at, visible.c.id)))
    for start in range(0, len(ids), CSV_CHUNK):
        yield from load_views(session, ids[start : start + CSV_CHUNK])


def find_declaration(
    session: Session, provider_id: uuid.UUID, version: str, declaration_id: str
) -> DeclarationView | None:
    try:
        key = uuid.UUID(str(declaration_id))
    except ValueError:
        return None
    visible = visible_declarations(provider_id, version, DeclarationFilters()).subquery()
    found = session.scalar(select(visible.c.id).where(visible.c.id == key))
    if found is None:
        return None
    views = load_views(session, [found])
    return views[0] if views else None


def new_view(
    declaration: Declaration,
    provider_name: str,
    statement_id: uuid.UUID | None,
    has_passed: bool | None,
) -> DeclarationView:
    """The view of a declaration recorded by this request, built without reading it back: a
    new declaration has at most its billable line, no refund line, and is not yet paid."""
    view = _view(declaration, provider_name, statement_id, None, None, False)
    return replace(view, has_passed=has_passed)


def view_of(session: Session, declaration_id: uuid.UUID) -> DeclarationView:
    """The view of a declaration just written in this session (POST and void responses)."""
    return load_views(session, [declaration_id])[0]


def load_views(session: Session, ids: Sequence[uuid.UUID]) -> list[DeclarationView]:
    if not ids:
        return []
    rows = session.execute(
        select(Declaration, LeadProvider.name)
        .join(LeadProvider, LeadProvider.id == Declaration.lead_provider_id)
        .where(Declaration.id.in_(ids))
    ).all()
    by_id = {row[0].id: row for row in rows}
    billable: dict[uuid.UUID, uuid.UUID] = {}
    refundable: dict[uuid.UUID, uuid.UUID] = {}
    for declaration_id, statement_id, state in session.execute(
        select(
            StatementLineItem.declaration_id,
            StatementLineItem.statement_id,
            StatementLineItem.state,
        ).where(StatementLineItem.declaration_id.in_(ids))
    ):
        if state in rules.BILLABLE_STATES:
            billable[declaration_id] = statement_id
        elif state in rules.REFUNDABLE_STATES:
            refundable[declaration_id] = statement_id
    declarations = [row[0] for row in rows]
    outcomes = _latest_outcomes(session, declarations)
    targeted = _targeted_delivery_funding(session, declarations)
    views = []
    for declaration_id in ids:
        row = by_id.get(declaration_id)
        if row is None:
            continue
        declaration, provider_name = row
        views.append(
            _view(
                declaration,
                provider_name,
                billable.get(declaration.id),
                refundable.get(declaration.id),
                outcomes.get(declaration.id),
                targeted.get(declaration.participant_profile_id, False),
            )
        )
    return views


def _has_outcomes(declaration: Declaration) -> bool:
    if declaration.declaration_type != "completed":
        return False
    course = npq_course(declaration.course_identifier)
    return course is not None and course.has_outcomes


def _latest_outcomes(session: Session, declarations: list[Declaration]) -> dict[uuid.UUID, str]:
    wanted = [d.id for d in declarations if _has_outcomes(d)]
    if not wanted:
        return {}
    latest: dict[uuid.UUID, str] = {}
    for declaration_id, state in session.execute(
        select(ParticipantOutcome.declaration_id, ParticipantOutcome.state)
        .where(ParticipantOutcome.declaration_id.in_(wanted))
        .order_by(ParticipantOutcome.created_at, ParticipantOutcome.id)
    ):
        latest[declaration_id] = state
    return latest


def _targeted_delivery_funding(
    session: Session, declarations: list[Declaration]
) -> dict[uuid.UUID, bool]:
    """NPQ uplift needs the application's TDF flag; an enrolment's id is its application's."""
    wanted = {
        d.participant_profile_id
        for d in declarations
        if d.course_identifier.startswith("npq-")
        and d.declaration_type == "started"
        and d.state in rules.PAID_STATES
    }
    if not wanted:
        return {}
    return dict(
        session.execute(
            select(NpqApplication.id, NpqApplication.targeted_delivery_funding_eligibility).where(
                NpqApplication.id.in_(wanted)
            )
        ).all()
    )


def _view(
    declaration: Declaration,
    provider_name: str,
    statement_id: uuid.UUID | None,
    clawback_statement_id: uuid.UUID | None,
    outcome_state: str | None,
    targeted_delivery_funding: bool,
) -> DeclarationView:
    is_npq = declaration.course_identifier.startswith("npq-")
    if is_npq:
        uplift = rules.npq_uplift_paid(
            declaration.course_identifier,
            declaration.declaration_type,
            declaration.state,
            targeted_delivery_funding,
        )
    else:
        uplift = rules.ecf_uplift_paid(
            declaration.course_identifier,
            declaration.declaration_type,
            declaration.state,
            declaration.pupil_premium_uplift,
            declaration.sparsity_uplift,
        )
    return DeclarationView(
        id=declaration.id,
        participant_id=declaration.participant_id,
        declaration_type=declaration.declaration_type,
        course_identifier=declaration.course_identifier,
        declaration_date=declaration.declaration_date,
        state=declaration.state,
        created_at=declaration.created_at,
        updated_at=declaration.updated_at,
        delivery_partner_id=declaration.delivery_partner_id,
        mentor_id=declaration.mentor_participant_id,
        statement_id=statement_id,
        clawback_statement_id=clawback_statement_id,
        ineligible_for_funding_reason=rules.ineligible_for_funding_reason(
            declaration.state, declaration.ineligibility_reason
        ),
        uplift_paid=uplift,
        evidence_held=None if is_npq else declaration.evidence_held,
        has_passed=rules.has_passed_from_outcome(outcome_state) if is_npq else None,
        lead_provider_name=provider_name,
    )


__all__ = [
    "DeclarationFilters",
    "DeclarationView",
    "all_declarations",
    "find_declaration",
    "list_declarations",
    "load_views",
    "view_of",
]
