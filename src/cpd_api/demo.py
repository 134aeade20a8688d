"""Preparing a sandbox for someone trying the service for the first time.

An empty database is seeded (so the `curl` line printed afterwards returns real participants);
a database seeded earlier is reused with its memorable token; anything else gets a demo
provider and a fresh token, as tokens are never shown twice."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .core.audit import Actor
from .providers.models import ApiToken, LeadProvider
from .providers.rules import digest
from .providers.service import create_provider, issue_token
from .seed.generator import provider_identities, sandbox_token

DEMO_PROVIDER = "Demo Lead Provider"


@dataclass(frozen=True)
class DemoResult:
    token: str
    summary: str


def seeded_token(session: Session) -> DemoResult | None:
    """The first seeded provider's memorable token, when the database holds it."""
    identity = provider_identities(1)[0]
    token = sandbox_token(identity, 1)
    found = session.execute(
        select(LeadProvider.id, LeadProvider.name)
        .join(ApiToken, ApiToken.lead_provider_id == LeadProvider.id)
        .where(ApiToken.hashed_token == digest(token))
    ).first()
    if found is None:
        return None
    return DemoResult(token, f"provider {found.name!r} ({found.id})")


def prepare_demo(session: Session, *, actor: Actor) -> DemoResult:
    """Reuse the seeded sandbox token, or ensure a demo provider exists and issue it a fresh
    token."""
    seeded = seeded_token(session)
    if seeded is not None:
        return seeded
    provider = session.scalar(select(LeadProvider).where(LeadProvider.name == DEMO_PROVIDER))
    if provider is None:
        provider = create_provider(session, DEMO_PROVIDER, ecf=True, npq=True, actor=actor)
    issued = issue_token(session, provider, description="cpd-api demo", actor=actor)
    return DemoResult(issued.plain, f"provider {provider.name!r} ({provider.id})")
