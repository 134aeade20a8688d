"""Delivery partners a provider works with: two statements per page (the partners, then the
cohorts of every partner on the page in one `IN` query)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from cpd_api.core.paging import Page
from cpd_api.core.sorting import order_by, parse_sort

from .models import DeliveryPartner, ProviderRelationship

SORT_COLUMNS = {
    "created_at": DeliveryPartner.created_at,
    "updated_at": DeliveryPartner.updated_at,
    "name": DeliveryPartner.name,
}


@dataclass(frozen=True, slots=True)
class DeliveryPartnerRow:
    id: uuid.UUID
    name: str
    cohorts: list[int]
    created_at: datetime
    updated_at: datetime


def _works_with(provider_id: uuid.UUID, cohorts: list[int] | None):
    condition = exists().where(
        ProviderRelationship.delivery_partner_id == DeliveryPartner.id,
        ProviderRelationship.lead_provider_id == provider_id,
    )
    if cohorts is not None:
        return condition.where(ProviderRelationship.cohort_year.in_(cohorts))
    return condition.where(ProviderRelationship.cohort_year > 2020)


def _cohorts_by_partner(
    session: Session, provider_id: uuid.UUID, partner_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[int]]:
    """Every cohort each partner works with the provider in (not narrowed by the filter)."""
    result: dict[uuid.UUID, list[int]] = defaultdict(list)
    if not partner_ids:
        return result
    rows = session.execute(
        select(ProviderRelationship.delivery_partner_id, ProviderRelationship.cohort_year)
        .where(
            ProviderRelationship.lead_provider_id == provider_id,
            ProviderRelationship.delivery_partner_id.in_(partner_ids),
        )
        .order_by(ProviderRelationship.cohort_year)
    )
    for partner_id, cohort in rows:
        if cohort not in result[partner_id]:
            result[partner_id].append(cohort)
    return result


def _rows(session: Session, provider_id: uuid.UUID, partners) -> list[DeliveryPartnerRow]:
    cohorts = _cohorts_by_partner(session, provider_id, [p.id for p in partners])
    return [
        DeliveryPartnerRow(p.id, p.name, cohorts.get(p.id, []), p.created_at, p.updated_at)
        for p in partners
    ]


def list_delivery_partners(
    session: Session,
    provider_id: uuid.UUID,
    *,
    cohorts: list[int] | None,
    sort: str | None,
    page: Page,
) -> list[DeliveryPartnerRow]:
    ordering = order_by(parse_sort(sort, SORT_COLUMNS), SORT_COLUMNS)
    query = (
        select(
            DeliveryPartner.id,
            DeliveryPartner.name,
            DeliveryPartner.created_at,
            DeliveryPartner.updated_at,
        )
        .where(_works_with(provider_id, cohorts))
        .order_by(*ordering, DeliveryPartner.created_at, DeliveryPartner.id)
        .offset(page.offset)
        .limit(page.limit)
    )
    return _rows(session, provider_id, session.execute(query).all())


def find_delivery_partner(
    session: Session, provider_id: uuid.UUID, partner_id: uuid.UUID
) -> DeliveryPartnerRow | None:
    query = select(
        DeliveryPartner.id,
        DeliveryPartner.name,
        DeliveryPartner.created_at,
        DeliveryPartner.updated_at,
    ).where(
        DeliveryPartner.id == partner_id,
        exists().where(
            ProviderRelationship.delivery_partner_id == DeliveryPartner.id,
            ProviderRelationship.lead_provider_id == provider_id,
        ),
    )
    partners = session.execute(query).all()
    return _rows(session, provider_id, partners)[0] if partners else None
