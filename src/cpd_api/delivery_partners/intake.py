"""`cpd-api import delivery-partners FILE`: delivery partners and the cohorts in which each
works with a lead provider (the provider relationships that partnerships require).

One row per partner, or per partner, provider and cohorts: `name` (and optionally `id`, to
keep ids stable across systems), `lead_provider` (name or id) and `cohorts`
(`2024,2025`). Relationships are only ever added here. A renamed partner moves the
`updated_at` of the partnerships that show its name."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError
from cpd_api.partnerships.models import Partnership
from cpd_api.providers.models import LeadProvider
from cpd_api.schedules.models import Cohort

from .models import DeliveryPartner, ProviderRelationship


class DeliveryPartnerIntakeRow(BaseModel):
    id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=255)
    lead_provider: str | None = None
    cohorts: list[int] = Field(default_factory=list)

    @field_validator("cohorts", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @model_validator(mode="after")
    def _cohorts_need_a_provider(self) -> DeliveryPartnerIntakeRow:
        if self.cohorts and not self.lead_provider:
            raise ValueError("cohorts need a lead_provider")
        if self.lead_provider and not self.cohorts:
            raise ValueError("a lead_provider needs cohorts")
        return self

    @property
    def key(self) -> str:
        return str(self.id) if self.id is not None else self.name.strip().lower()


def provider_lookup(session: Session) -> dict[str, LeadProvider]:
    """Providers by id and by lower-case name, as intake files name them."""
    lookup: dict[str, LeadProvider] = {}
    for provider in session.scalars(select(LeadProvider)):
        lookup[str(provider.id)] = provider
        lookup[provider.name.strip().lower()] = provider
    return lookup


def _check(session: Session, rows: list[tuple[int, DeliveryPartnerIntakeRow]]):
    problems: list[RowError] = []
    providers = provider_lookup(session)
    cohorts = set(session.scalars(select(Cohort.start_year)))
    names: dict[str, tuple[int, str]] = {}
    for line, row in rows:
        if row.lead_provider and row.lead_provider.strip().lower() not in providers:
            problems.append(RowError(line, f"no lead provider {row.lead_provider!r}"))
        for year in row.cohorts:
            if year not in cohorts:
                problems.append(RowError(line, f"no cohort {year}"))
        earlier = names.setdefault(row.key, (line, row.name.strip()))
        if earlier[1] != row.name.strip():
            problems.append(
                RowError(line, f"partner {row.key} is named differently on line {earlier[0]}")
            )
    if problems:
        raise IntakeRejected(problems)
    return providers


def _find(session: Session, row: DeliveryPartnerIntakeRow) -> DeliveryPartner | None:
    if row.id is not None:
        return session.get(DeliveryPartner, row.id)
    return session.scalar(
        select(DeliveryPartner)
        .where(func.lower(DeliveryPartner.name) == row.name.strip().lower())
        .order_by(DeliveryPartner.created_at)
        .limit(1)
    )


def apply_delivery_partners(
    session: Session, rows: list[tuple[int, DeliveryPartnerIntakeRow]], actor: Actor
) -> IntakeResult:
    providers = _check(session, rows)
    result = IntakeResult("delivery-partners", len(rows))
    now = clock.now_seconds()
    partners: dict[str, DeliveryPartner] = {}
    relationships = 0
    for _line, row in rows:
        partner = partners.get(row.key) or _find(session, row)
        if partner is None:
            partner = DeliveryPartner(id=row.id or uuid.uuid4(), name=row.name.strip())
            session.add(partner)
            session.flush()
            result.created += 1
            record_change(
                session, actor, "delivery_partner", partner.id, "created", {"name": partner.name}
            )
        elif row.key not in partners and partner.name != row.name.strip():
            record_change(
                session,
                actor,
                "delivery_partner",
                partner.id,
                "renamed",
                {"name": [partner.name, row.name.strip()]},
            )
            partner.name = row.name.strip()
            partner.updated_at = now
            session.execute(
                update(Partnership)
                .where(Partnership.delivery_partner_id == partner.id)
                .values(updated_at=now)
                .execution_options(synchronize_session=False)
            )
            result.updated += 1
        partners[row.key] = partner
        if row.lead_provider:
            provider = providers[row.lead_provider.strip().lower()]
            relationships += _relate(session, provider, partner, row.cohorts, actor)
    session.flush()
    if relationships:
        result.notes.append(f"{relationships} provider relationship(s) added")
    return result


def _relate(session, provider: LeadProvider, partner: DeliveryPartner, cohorts, actor) -> int:
    existing = set(
        session.scalars(
            select(ProviderRelationship.cohort_year).where(
                ProviderRelationship.lead_provider_id == provider.id,
                ProviderRelationship.delivery_partner_id == partner.id,
            )
        )
    )
    added = 0
    for year in sorted(set(cohorts) - existing):
        relationship = ProviderRelationship(
            id=uuid.uuid4(),
            lead_provider_id=provider.id,
            delivery_partner_id=partner.id,
            cohort_year=year,
        )
        session.add(relationship)
        record_change(
            session,
            actor,
            "provider_relationship",
            relationship.id,
            "created",
            {"lead_provider": provider.name, "delivery_partner": partner.name, "cohort": year},
        )
        added += 1
    session.flush()
    return added


DELIVERY_PARTNERS = IntakeKind(
    name="delivery-partners",
    row_model=DeliveryPartnerIntakeRow,
    apply=apply_delivery_partners,
    description="Delivery partners: name, optional id; lead_provider and cohorts add relationships",
)
