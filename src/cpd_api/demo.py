"""Preparing a sandbox for someone trying the service for the first time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .core.audit import Actor
from .providers.models import LeadProvider
from .providers.service import create_provider, issue_token

DEMO_PROVIDER = "Demo Lead Provider"


@dataclass(frozen=True)
class DemoResult:
    token: str
    summary: str


def prepare_demo(session: Session, *, actor: Actor) -> DemoResult:
    """Ensure a demo provider exists and issue it a fresh token (tokens are never shown
    twice, so a new one is issued on every run)."""
    provider = session.scalar(select(LeadProvider).where(LeadProvider.name == DEMO_PROVIDER))
    if provider is None:
        provider = create_provider(session, DEMO_PROVIDER, ecf=True, npq=True, actor=actor)
    issued = issue_token(session, provider, description="cpd-api demo", actor=actor)
    return DemoResult(issued.plain, f"provider {provider.name!r} ({provider.id})")
