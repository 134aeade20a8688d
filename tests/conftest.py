"""Shared fixtures: one fresh database per test run (SQLite by default, PostgreSQL when
DATABASE_URL says so), migrated with Alembic and loaded with reference data, emptied of
everything but reference data after each test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from cpd_api.app import create_app
from cpd_api.core.config import Settings, load_settings
from cpd_api.core.database import Base, Database
from cpd_api.db import upgrade

REFERENCE_TABLES = {"cohorts", "schedules", "milestones", "npq_courses", "alembic_version"}


def _admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def _create_postgres_database(base_url: str) -> tuple[str, str]:
    import psycopg

    name = f"cpd_api_test_{uuid.uuid4().hex[:12]}"
    admin = make_url(_admin_url(base_url))
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(base_url: str, name: str) -> None:
    import psycopg

    admin = make_url(_admin_url(base_url))
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("postgres"):
        base = load_settings(database_url=configured).database_url
        url, name = _create_postgres_database(base)
        yield url
        _drop_postgres_database(base, name)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "cpd-api-test.db"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url, pool_size=5)
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def is_postgres(database: Database) -> bool:
    return not database.is_sqlite


def _empty_tables(db: Database) -> None:
    """Delete every row but reference data, touching only tables that have rows.

    On PostgreSQL the deletes run with triggers and foreign-key checks suspended for the
    transaction (`session_replication_role = replica`): nothing of the test survives, so
    order and derived-table maintenance do not matter, and a TRUNCATE of every table after
    every test would cost more than most tests do."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    probe = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
    )
    with db.engine.begin() as connection:
        filled = {row[0] for row in connection.execute(text(probe))}
        if not filled:
            return
        if not db.is_sqlite:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            if table.name in filled:
                connection.execute(table.delete())
        if db.is_sqlite:
            # Deleting may have fired triggers that refill derived tables; clear them again.
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The test database, emptied of everything but reference data after the test."""
    yield database
    _empty_tables(database)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, environment="sandbox", log_requests=False)


@pytest.fixture
def app(settings: Settings, db: Database):
    return create_app(settings, database=db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def session(db: Database):
    with db.session() as s:
        yield s


@pytest.fixture
def still_clock():
    """Stop the clock's underlying time source for the test: a request sent with
    `X-With-Server-Date` then runs exactly at that instant, so timestamps in assertions do
    not depend on how long a loaded machine takes to answer."""
    import time

    from cpd_api.core import clock

    frozen = time.time()
    with clock.use_source(lambda: frozen):
        yield
