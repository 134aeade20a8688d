"""`cpd-api import partnerships FILE`: partnerships reported outside the API (by schools in
the school-facing service), including relationships and challenges.

Columns: `school_urn` (or `school_id`), `cohort`, `lead_provider` (name or id),
`delivery_partner_id` (or `delivery_partner`, its name), optional `relationship`,
`pending`, `challenge_reason` and `challenged_at`. The delivery partner must already work
with the provider in that cohort (import delivery-partners first), and a school can have
one confirmed partnership per cohort. A provider's existing partnership for the school and
cohort is updated in place, so re-importing a file is harmless."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, model_validator
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.intake import IntakeKind, IntakeRejected, IntakeResult, RowError
from cpd_api.delivery_partners.intake import provider_lookup
from cpd_api.delivery_partners.models import DeliveryPartner, ProviderRelationship
from cpd_api.schedules.models import Cohort
from cpd_api.schools.models import School

from . import rules, service
from .models import Partnership


class PartnershipIntakeRow(BaseModel):
    school_urn: str | None = None
    school_id: uuid.UUID | None = None
    cohort: int
    lead_provider: str
    delivery_partner_id: uuid.UUID | None = None
    delivery_partner: str | None = None
    relationship: bool | None = None
    pending: bool | None = None
    challenge_reason: Literal[rules.CHALLENGE_REASONS] | None = None  # type: ignore[valid-type]
    challenged_at: datetime | None = None

    @model_validator(mode="after")
    def _references(self) -> PartnershipIntakeRow:
        if (self.school_urn is None) == (self.school_id is None):
            raise ValueError("give exactly one of school_urn and school_id")
        if (self.delivery_partner_id is None) == (self.delivery_partner is None):
            raise ValueError("give exactly one of delivery_partner_id and delivery_partner")
        if self.challenged_at is not None and self.challenge_reason is None:
            raise ValueError("challenged_at needs a challenge_reason")
        if self.challenged_at is not None and self.challenged_at.tzinfo is None:
            raise ValueError("challenged_at needs a time zone (e.g. Z)")
        return self

    @property
    def challenged(self) -> bool:
        return self.challenge_reason is not None


class _Resolved:
    __slots__ = ("line", "partner", "provider_id", "provider_name", "row", "school")

    def __init__(self, line, row, school, provider, partner):
        self.line, self.row, self.school, self.partner = line, row, school, partner
        self.provider_id, self.provider_name = provider.id, provider.name


def _resolve(session: Session, rows: list[tuple[int, PartnershipIntakeRow]]) -> list[_Resolved]:
    providers = provider_lookup(session)
    cohorts = set(session.scalars(select(Cohort.start_year)))
    urns = {r.school_urn for _, r in rows if r.school_urn}
    school_ids = {r.school_id for _, r in rows if r.school_id}
    schools = list(
        session.scalars(select(School).where(or_(School.urn.in_(urns), School.id.in_(school_ids))))
    )
    by_urn = {s.urn: s for s in schools}
    by_school_id = {s.id: s for s in schools}
    partner_ids = {r.delivery_partner_id for _, r in rows if r.delivery_partner_id}
    partner_names = {r.delivery_partner.strip().lower() for _, r in rows if r.delivery_partner}
    partners = list(
        session.scalars(
            select(DeliveryPartner).where(
                or_(
                    DeliveryPartner.id.in_(partner_ids),
                    func.lower(DeliveryPartner.name).in_(partner_names),
                )
            )
        )
    )
    partner_by_id = {p.id: p for p in partners}
    partner_by_name = {p.name.strip().lower(): p for p in partners}
    related = {
        (r.lead_provider_id, r.delivery_partner_id, r.cohort_year)
        for r in session.scalars(
            select(ProviderRelationship).where(
                ProviderRelationship.delivery_partner_id.in_([p.id for p in partners])
            )
        )
    }
    problems: list[RowError] = []
    resolved: list[_Resolved] = []
    for line, row in rows:
        school = by_urn.get(row.school_urn) if row.school_urn else by_school_id.get(row.school_id)
        provider = providers.get(row.lead_provider.strip().lower())
        if row.delivery_partner_id is not None:
            partner = partner_by_id.get(row.delivery_partner_id)
        else:
            partner = partner_by_name.get((row.delivery_partner or "").strip().lower())
        found = True
        for missing, what in (
            (school is None, f"no school {row.school_urn or row.school_id}"),
            (row.cohort not in cohorts, f"no cohort {row.cohort}"),
            (provider is None, f"no lead provider {row.lead_provider!r}"),
            (
                partner is None,
                f"no delivery partner {row.delivery_partner_id or row.delivery_partner!r}",
            ),
        ):
            if missing:
                problems.append(RowError(line, what))
                found = False
        if not found:
            continue
        if provider is not None and not provider.ecf:
            problems.append(RowError(line, f"{provider.name} does not deliver ECF training"))
            continue
        if (provider.id, partner.id, row.cohort) not in related:
            problems.append(
                RowError(
                    line,
                    f"{partner.name} does not work with {provider.name} in cohort {row.cohort} "
                    "(import the relationship with delivery-partners first)",
                )
            )
            continue
        resolved.append(_Resolved(line, row, school, provider, partner))
    if not problems:
        problems.extend(_conflicts(session, resolved))
    if problems:
        raise IntakeRejected(sorted(problems, key=lambda e: e.line))
    return resolved


def _conflicts(session: Session, resolved: list[_Resolved]) -> list[RowError]:
    """One main partnership per provider, and one confirmed provider per school and cohort,
    counting both the file and what is already stored (and not challenged by the file)."""
    problems: list[RowError] = []
    mains = [r for r in resolved if not r.row.relationship]
    seen: dict[tuple, int] = {}
    for item in mains:
        key = (item.school.id, item.row.cohort, item.provider_id)
        if key in seen:
            problems.append(RowError(item.line, f"repeats the partnership on line {seen[key]}"))
        seen.setdefault(key, item.line)
    confirmed: dict[tuple, tuple[uuid.UUID, str]] = {}
    stored = session.execute(
        select(Partnership.school_id, Partnership.cohort_year, Partnership.lead_provider_id).where(
            Partnership.school_id.in_({r.school.id for r in mains}),
            Partnership.relationship.is_(false()),
            Partnership.challenged_at.is_(None),
            Partnership.challenge_reason.is_(None),
        )
    )
    in_file = {(r.school.id, r.row.cohort, r.provider_id) for r in mains}
    for school_id, cohort, provider_id in stored:
        if (school_id, cohort, provider_id) not in in_file:
            confirmed[(school_id, cohort)] = (provider_id, "a stored partnership")
    for item in mains:
        if item.row.challenged:
            continue
        key = (item.school.id, item.row.cohort)
        holder = confirmed.setdefault(key, (item.provider_id, f"line {item.line}"))
        if holder[0] != item.provider_id:
            problems.append(
                RowError(
                    item.line,
                    f"school {item.school.urn} already has a confirmed partnership for cohort "
                    f"{item.row.cohort} with another provider ({holder[1]})",
                )
            )
    return problems


def _existing(session: Session, item: _Resolved) -> Partnership | None:
    query = select(Partnership).where(
        Partnership.school_id == item.school.id,
        Partnership.cohort_year == item.row.cohort,
        Partnership.lead_provider_id == item.provider_id,
    )
    if item.row.relationship:
        query = query.where(
            Partnership.relationship.is_not(false()),
            Partnership.delivery_partner_id == item.partner.id,
        )
    else:
        query = query.where(Partnership.relationship.is_(false()))
    return session.scalar(query.order_by(Partnership.created_at).limit(1))


def apply_partnerships(
    session: Session, rows: list[tuple[int, PartnershipIntakeRow]], actor: Actor
) -> IntakeResult:
    resolved = _resolve(session, rows)
    result = IntakeResult("partnerships", len(rows))
    cohorts = {c.start_year: c for c in session.scalars(select(Cohort))}
    now = clock.now_seconds()
    for item in resolved:
        row = item.row
        partnership = _existing(session, item)
        values = {
            "delivery_partner_id": item.partner.id,
            "pending": bool(row.pending),
            "challenge_reason": row.challenge_reason,
            "challenged_at": (row.challenged_at or clock.now()) if row.challenged else None,
        }
        if partnership is None:
            partnership = Partnership(
                school_id=item.school.id,
                cohort_year=row.cohort,
                lead_provider_id=item.provider_id,
                relationship=bool(row.relationship),
                challenge_deadline=rules.challenge_deadline(
                    cohorts[row.cohort].academic_year_start_date, clock.today()
                ),
                **values,
            )
            session.add(partnership)
            session.flush()
            result.created += 1
            action = "created"
        else:
            if (
                partnership.challenged_at is not None
                and row.challenged_at is None
                and row.challenged
            ):
                values["challenged_at"] = partnership.challenged_at
            changes = {k: v for k, v in values.items() if getattr(partnership, k) != v}
            if not changes:
                continue
            for key, value in changes.items():
                setattr(partnership, key, value)
            partnership.updated_at = now
            session.flush()
            result.updated += 1
            action = "updated"
        if not row.relationship and not row.challenged:
            service.adopt_school_cohort(session, partnership, now)
        service.touch_school(session, item.school.id, now)
        service.touch_participants_of_partnerships(session, [partnership.id])
        record_change(
            session,
            actor,
            "partnership",
            partnership.id,
            action,
            {
                "school_urn": item.school.urn,
                "cohort": row.cohort,
                "lead_provider": item.provider_name,
                "delivery_partner_id": item.partner.id,
                "relationship": bool(row.relationship),
                "challenge_reason": row.challenge_reason,
            },
        )
    session.flush()
    return result


PARTNERSHIPS = IntakeKind(
    name="partnerships",
    row_model=PartnershipIntakeRow,
    apply=apply_partnerships,
    description=(
        "Partnerships: school_urn, cohort, lead_provider, delivery_partner_id (or name); "
        "optional relationship, pending, challenge_reason, challenged_at"
    ),
)
