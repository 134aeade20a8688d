"""Putting a generated sandbox into the database: refusing where seeding would do harm,
clearing it when asked to, and inserting every table in bulk in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor
from cpd_api.core.database import Base, new_id
from cpd_api.providers.models import LeadProvider
from cpd_api.schedules.models import Schedule

from .context import TABLE_ORDER
from .generator import SeedData, SeedOptions, generate

REFERENCE_TABLES = frozenset(
    {"cohorts", "schedules", "milestones", "npq_courses", "alembic_version"}
)
BATCH = 5000
Advance = Callable[[str, int], None]


class SeedRefused(Exception):
    """Seeding was not attempted; the message says why and what to do."""


def schedule_ids(session: Session) -> dict:
    rows = session.execute(select(Schedule.identifier, Schedule.cohort_year, Schedule.id))
    found = {(identifier, cohort): schedule_id for identifier, cohort, schedule_id in rows}
    if not found:
        raise SeedRefused("the reference calendar is not loaded: run `cpd-api db upgrade` first")
    return found


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(LeadProvider))


def clear(session: Session) -> None:
    """Delete everything except the reference calendar (a sandbox may be reset any time)."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        session.execute(text(f"TRUNCATE {names} CASCADE"))
        return
    for table in tables:
        session.execute(table.delete())


def insert(session: Session, data: SeedData, advance: Advance | None = None) -> None:
    tables = Base.metadata.tables
    for name in TABLE_ORDER:
        rows = data.tables[name]
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            session.execute(tables[name].insert(), chunk)
            if advance is not None:
                advance(name, len(chunk))


def check_allowed(session: Session, options: SeedOptions, *, production: bool, force: bool) -> None:
    """Refuse production, nonsense sizes, and (without `force`) a database in use."""
    if production:
        raise SeedRefused("seed refuses to run with CPD_API_ENVIRONMENT=production")
    if options.providers < 1 or options.participants < 1:
        raise SeedRefused("--providers and --participants must be at least 1")
    schedule_ids(session)
    if not force and not is_empty(session):
        raise SeedRefused(
            "the database already has data; use --force to replace it with a fresh sandbox"
        )


def _seeded_event(data: SeedData, options: SeedOptions, actor: Actor) -> None:
    for provider in data.providers:
        data.tables["audit_events"].append(
            {
                "id": new_id(),
                "occurred_at": clock.now(),
                "actor_kind": actor.kind,
                "actor_id": actor.id,
                "actor_name": actor.name,
                "entity_type": "lead_provider",
                "entity_id": str(provider.id),
                "action": "seeded",
                "changes": {"seed": options.seed, "participants": options.participants},
            }
        )


def seed_database(
    session: Session,
    options: SeedOptions,
    *,
    actor: Actor,
    production: bool,
    force: bool = False,
    today: date | None = None,
    on_generated: Callable[[SeedData], None] | None = None,
    advance: Advance | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedData:
    """Generate and insert the sandbox in one transaction (the caller's session commits)."""
    check_allowed(session, options, production=production, force=force)
    ids = schedule_ids(session)
    if not is_empty(session):
        clear(session)
    data = generate(options, today or clock.today(), ids, progress)
    _seeded_event(data, options, actor)
    if on_generated is not None:
        on_generated(data)
    insert(session, data, advance)
    return data
