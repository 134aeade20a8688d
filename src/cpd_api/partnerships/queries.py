"""Reading a provider's partnerships: one statement per page (school and delivery partner
are joined, never loaded per row)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from cpd_api.core.paging import Page
from cpd_api.core.sorting import order_by, parse_sort
from cpd_api.delivery_partners.models import DeliveryPartner
from cpd_api.schools.models import School

from .models import Partnership

SORT_COLUMNS = {"created_at": Partnership.created_at, "updated_at": Partnership.updated_at}


@dataclass(frozen=True, slots=True)
class PartnershipRow:
    id: uuid.UUID
    cohort: int
    urn: str
    school_id: uuid.UUID
    delivery_partner_id: uuid.UUID
    delivery_partner_name: str
    challenge_reason: str | None
    challenged_at: datetime | None
    challenge_deadline: date | None
    induction_tutor_name: str | None
    induction_tutor_email: str | None
    created_at: datetime
    updated_at: datetime
    school_updated_at: datetime
    delivery_partner_updated_at: datetime


def _select():
    return (
        select(
            Partnership.id,
            Partnership.cohort_year,
            School.urn,
            Partnership.school_id,
            Partnership.delivery_partner_id,
            DeliveryPartner.name.label("delivery_partner_name"),
            Partnership.challenge_reason,
            Partnership.challenged_at,
            Partnership.challenge_deadline,
            School.induction_tutor_name,
            School.induction_tutor_email,
            Partnership.created_at,
            Partnership.updated_at,
            School.updated_at.label("school_updated_at"),
            DeliveryPartner.updated_at.label("delivery_partner_updated_at"),
        )
        .select_from(Partnership)
        .join(School, School.id == Partnership.school_id)
        .join(DeliveryPartner, DeliveryPartner.id == Partnership.delivery_partner_id)
        .where(Partnership.relationship.is_(false()))
    )


def _row(row) -> PartnershipRow:
    return PartnershipRow(
        id=row.id,
        cohort=row.cohort_year,
        urn=row.urn,
        school_id=row.school_id,
        delivery_partner_id=row.delivery_partner_id,
        delivery_partner_name=row.delivery_partner_name,
        challenge_reason=row.challenge_reason,
        challenged_at=row.challenged_at,
        challenge_deadline=row.challenge_deadline,
        induction_tutor_name=row.induction_tutor_name,
        induction_tutor_email=row.induction_tutor_email,
        created_at=row.created_at,
        updated_at=row.updated_at,
        school_updated_at=row.school_updated_at,
        delivery_partner_updated_at=row.delivery_partner_updated_at,
    )


def list_partnerships(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohorts: list[int] | None,
    updated_since: datetime | None,
    delivery_partner_ids: list[uuid.UUID] | None,
    sort: str | None,
    page: Page,
) -> list[PartnershipRow]:
    query = _select().where(Partnership.lead_provider_id == provider_id)
    if cohorts is not None:
        query = query.where(Partnership.cohort_year.in_(cohorts))
    else:
        query = query.where(Partnership.cohort_year > 2020)
    if delivery_partner_ids is not None:
        query = query.where(Partnership.delivery_partner_id.in_(delivery_partner_ids))
    if updated_since is not None:
        query = query.where(
            or_(
                Partnership.updated_at >= updated_since,
                School.updated_at >= updated_since,
                DeliveryPartner.updated_at >= updated_since,
            )
        )
    ordering = order_by(parse_sort(sort, SORT_COLUMNS), SORT_COLUMNS)
    query = query.order_by(*ordering, Partnership.created_at, Partnership.id)
    query = query.offset(page.offset).limit(page.limit)
    return [_row(row) for row in session.execute(query)]


def find_partnership(
    session: Session, provider_id: uuid.UUID, partnership_id: uuid.UUID
) -> PartnershipRow | None:
    query = _select().where(
        Partnership.lead_provider_id == provider_id, Partnership.id == partnership_id
    )
    row = session.execute(query).first()
    return None if row is None else _row(row)
