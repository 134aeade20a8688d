"""Creating and migrating the schema, then loading the built-in reference data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .core.database import Database
from .declarations import sharing
from .participants import visibility
from .schedules.service import ReferenceDataSummary, load_reference_data

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_schema(database: Database, revision: str = "head") -> None:
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def upgrade(database: Database) -> ReferenceDataSummary:
    """Bring the schema to the latest revision and (re)load reference data; idempotent."""
    upgrade_schema(database)
    with database.engine.begin() as connection:
        visibility.install(connection)
        sharing.install(connection)
    with database.session() as session:
        return load_reference_data(session)
