"""Use cases for providers and their tokens (CLI and operator API)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change

from . import rules
from .models import ApiToken, LeadProvider


class ProviderError(Exception):
    """A provider or token operation that cannot be done, with a message for the operator."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plain: str


def create_provider(
    session: Session, name: str, *, ecf: bool, npq: bool, actor: Actor
) -> LeadProvider:
    name = name.strip()
    if not name:
        raise ProviderError("A provider needs a name")
    if not (ecf or npq):
        raise ProviderError("A provider must deliver ECF, NPQ or both (--ecf, --npq)")
    if session.scalar(select(LeadProvider).where(func.lower(LeadProvider.name) == name.lower())):
        raise ProviderError(f"A provider called {name!r} already exists")
    provider = LeadProvider(name=name, ecf=ecf, npq=npq)
    session.add(provider)
    session.flush()
    record_change(session, actor, "lead_provider", provider.id, "created", {"ecf": ecf, "npq": npq})
    return provider


def find_provider(session: Session, reference: str) -> LeadProvider:
    """A provider by id or by (case-insensitive) name."""
    provider = None
    try:
        provider = session.get(LeadProvider, uuid.UUID(reference))
    except ValueError:
        provider = session.scalar(
            select(LeadProvider).where(func.lower(LeadProvider.name) == reference.strip().lower())
        )
    if provider is None:
        raise ProviderError(f"No provider with id or name {reference!r}")
    return provider


def list_providers(session: Session) -> list[tuple[LeadProvider, int]]:
    counts = (
        select(ApiToken.lead_provider_id, func.count().label("n"))
        .group_by(ApiToken.lead_provider_id)
        .subquery()
    )
    rows = session.execute(
        select(LeadProvider, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.lead_provider_id == LeadProvider.id)
        .order_by(LeadProvider.name)
    ).all()
    return [(provider, int(count)) for provider, count in rows]


def issue_token(
    session: Session,
    provider: LeadProvider,
    *,
    description: str | None,
    actor: Actor,
    plain: str | None = None,
) -> IssuedToken:
    """Create a token; `plain` lets the sandbox seed use memorable tokens."""
    plain = plain or rules.generate_token()
    if len(plain) < 20:
        raise ProviderError("A token must be at least 20 characters long")
    hashed = rules.digest(plain)
    if session.scalar(select(ApiToken.id).where(ApiToken.hashed_token == hashed)):
        raise ProviderError("That token is already in use")
    token = ApiToken(
        lead_provider_id=provider.id,
        kind="lead_provider",
        hashed_token=hashed,
        description=description,
        created_at=clock.now_seconds(),
    )
    session.add(token)
    session.flush()
    record_change(
        session, actor, "api_token", token.id, "created", {"lead_provider_id": provider.id}
    )
    return IssuedToken(token, plain)


def list_tokens(session: Session, provider: LeadProvider | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)
    if provider is not None:
        query = query.where(ApiToken.lead_provider_id == provider.id)
    return list(session.scalars(query))


def revoke_token(session: Session, token_id: str, *, actor: Actor) -> ApiToken:
    try:
        token = session.get(ApiToken, uuid.UUID(token_id))
    except ValueError:
        token = None
    if token is None:
        raise ProviderError(f"No token with id {token_id!r}")
    session.delete(token)
    record_change(
        session,
        actor,
        "api_token",
        token.id,
        "revoked",
        {"lead_provider_id": token.lead_provider_id},
    )
    return token


LAST_USED_GRANULARITY_SECONDS = 60


def needs_last_used_update(last_used_at: datetime | None, now: datetime) -> bool:
    """`last_used_at` is written at most once a minute, not on every request."""
    return last_used_at is None or (now - last_used_at).total_seconds() >= (
        LAST_USED_GRANULARITY_SECONDS
    )
