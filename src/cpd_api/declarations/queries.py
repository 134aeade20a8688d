"""Listing and showing declarations with the visibility rules of ecf.md 1.5 / 4.12.

A provider sees (a) every declaration it submitted, (b) other providers' counting
declarations for participants it now trains (an `active` or `completed` induction record in
one of its partnerships) and, in v3 only, (c) other providers' counting declarations dated
up to the leaving date of a participant leaving one of its partnerships.

A page costs a fixed handful of statements whatever its size: the provider's own
declarations read off the (provider, created_at) index up to the page, the inherited ones
(from profiles shared with another provider) up to the page too, then one query each for the
rows, their statement lines, NPQ outcomes and NPQ uplift eligibility, batched with `IN`."""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from cpd_api.core.database import favour_index_probes
from cpd_api.core.paging import Page
from cpd_api.npq_applications.models import NpqApplication
from cpd_api.outcomes.models import ParticipantOutcome
from cpd_api.participants.models import InductionRecord
from cpd_api.partnerships.models import Partnership
from cpd_api.providers.models import LeadProvider
from cpd_api.schedules.reference_data import npq_course

from . import rules
from .models import Declaration, SharedProfile, StatementLineItem

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


def _inherited_by(provider_id: uuid.UUID, version: str) -> ColumnElement[bool]:
    """Whether another provider's declaration is visible to this provider (ecf.md 1.5 (b)
    and, in v3, (c)): it trains the record now (an `active` or `completed` induction record
    in one of its partnerships) or, v3 only, the record is leaving it no earlier than the
    declaration date. Correlated to `Declaration`; counting states are checked apart."""
    record = aliased(InductionRecord, name="own_records")
    partnership = aliased(Partnership, name="own_partnerships")
    trained = record.induction_status.in_(("active", "completed"))
    if version == "v3":
        trained = or_(
            trained,
            and_(
                record.induction_status == "leaving",
                or_(record.end_date.is_(None), Declaration.declaration_date <= record.end_date),
            ),
        )
    return exists(
        select(record.id)
        .join(partnership, partnership.id == record.partnership_id)
        .where(
            record.participant_profile_id == Declaration.participant_profile_id,
            partnership.lead_provider_id == provider_id,
            trained,
        )
    )


def _inherited_keys(
    session: Session,
    provider_id: uuid.UUID,
    version: str,
    filters: DeclarationFilters,
    limit: int | None,
) -> list[tuple[datetime, uuid.UUID]]:
    """(created_at, id) of other providers' counting declarations this provider sees, up to
    `limit`. Only records in `shared_profiles` can have any (a provider declares only for
    records it trained), so the search starts from those of them the provider trains."""
    record = aliased(InductionRecord, name="shared_records")
    partnership = aliased(Partnership, name="shared_partnerships")
    trained_shared = (
        select(record.participant_profile_id)
        .join(SharedProfile, SharedProfile.participant_profile_id == record.participant_profile_id)
        .join(partnership, partnership.id == record.partnership_id)
        .where(
            partnership.lead_provider_id == provider_id,
            record.induction_status.in_(("active", "completed", "leaving")),
        )
    )
    query = _filtered(
        select(Declaration.created_at, Declaration.id).where(
            Declaration.participant_profile_id.in_(trained_shared),
            Declaration.lead_provider_id != provider_id,
            Declaration.state.in_(rules.COUNTING_STATES),
            _inherited_by(provider_id, version),
        ),
        filters,
    ).order_by(Declaration.created_at, Declaration.id)
    if limit is not None:
        query = query.limit(limit)
    return [(created_at, declaration_id) for created_at, declaration_id in session.execute(query)]


def _own_keys(
    session: Session, provider_id: uuid.UUID, filters: DeclarationFilters, limit: int | None
) -> list[tuple[datetime, uuid.UUID]]:
    query = _filtered(
        select(Declaration.created_at, Declaration.id).where(
            Declaration.lead_provider_id == provider_id
        ),
        filters,
    ).order_by(Declaration.created_at, Declaration.id)
    if limit is not None:
        query = query.limit(limit)
    return [(created_at, declaration_id) for created_at, declaration_id in session.execute(query)]


def visible_ids(
    session: Session,
    provider_id: uuid.UUID,
    version: str,
    filters: DeclarationFilters,
    page: Page | None,
) -> list[uuid.UUID]:
    """The ids of one page (or all, for CSV) of the visible declarations, oldest first.

    The provider's own declarations are read straight off the (provider, created_at) index,
    only as far as the page reaches; the few inherited ones are merged in order."""
    reach = None if page is None else page.offset + page.limit
    favour_index_probes(session.connection())
    merged = list(
        heapq.merge(
            _own_keys(session, provider_id, filters, reach),
            _inherited_keys(session, provider_id, version, filters, reach),
        )
    )
    if page is not None:
        merged = merged[page.offset : page.offset + page.limit]
    return [declaration_id for _, declaration_id in merged]


def list_declarations(
    session: Session,
    provider_id: uuid.UUID,
    version: str,
    filters: DeclarationFilters,
    page: Page,
) -> list[DeclarationView]:
    return load_views(session, visible_ids(session, provider_id, version, filters, page))


def all_declarations(
    session: Session, provider_id: uuid.UUID, version: str, filters: DeclarationFilters
) -> Iterator[DeclarationView]:
    """Every visible declaration, loaded in chunks (the unpaginated CSV)."""
    ids = visible_ids(session, provider_id, version, filters, None)
    for start in range(0, len(ids), CSV_CHUNK):
        yield from load_views(session, ids[start : start + CSV_CHUNK])


def find_declaration(
    session: Session, provider_id: uuid.UUID, version: str, declaration_id: str
) -> DeclarationView | None:
    """One declaration if the provider may see it (no list filters apply)."""
    try:
        key = uuid.UUID(str(declaration_id))
    except ValueError:
        return None
    visible = session.execute(
        select(Declaration.id).where(
            Declaration.id == key,
            or_(
                Declaration.lead_provider_id == provider_id,
                and_(
                    Declaration.state.in_(rules.COUNTING_STATES),
                    _inherited_by(provider_id, version),
                ),
            ),
        )
    ).first()
    if visible is None:
        return None
    views = load_views(session, [key])
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
