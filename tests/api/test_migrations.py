"""Migrations create the schema from empty and reload reference data idempotently."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from cpd_api.core.database import Base, Database
from cpd_api.db import current_revision, head_revision, upgrade
from cpd_api.schedules import reference_data as ref
from cpd_api.schedules.models import Cohort, Milestone, NpqCourse, Schedule


def test_fresh_database_is_at_head_with_every_table(database: Database):
    assert current_revision(database) == head_revision(database.url)
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_reference_data_is_loaded_and_upgrade_is_idempotent(database: Database):
    def counts():
        with database.session() as session:
            return tuple(
                session.scalar(select(func.count()).select_from(model))
                for model in (Cohort, Schedule, Milestone, NpqCourse)
            )

    before = counts()
    assert before == (
        len(ref.COHORTS),
        len(ref.SCHEDULES),
        sum(len(s.milestones) for s in ref.SCHEDULES),
        12,
    )
    assert [c.start_year for c in ref.COHORTS] == [2021, 2022, 2023, 2024, 2025]
    upgrade(database)
    assert counts() == before
