"""Database engine, sessions and the column types every table shares.

The same models run on SQLite (zero-setup default) and PostgreSQL (production). The few
differences (connection options, locking) are decided here so that services stay portable."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, Uuid, any_, bindparam, create_engine, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both databases.

    SQLite has no time zone support, so values are stored naive in UTC and made aware again
    on the way out; PostgreSQL stores `timestamptz`."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is UTC:  # PostgreSQL sessions run in UTC (see create_database_engine)
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


UUID = Uuid(as_uuid=True)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_database_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    if is_sqlite(url):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - driver hook
            # Let SQLAlchemy own transactions so BEGIN IMMEDIATE can serialise writers.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - driver hook
            conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        pool_recycle=1800,
        # A session time zone of exactly "UTC" makes psycopg return timestamps with
        # `datetime.timezone.utc`, which needs no conversion; a server default such as
        # "Etc/UTC" gives zoneinfo objects whose conversion cost ~9 us per value read.
        connect_args={"options": "-c timezone=UTC"},
    )


class Database:
    """One engine and session factory per process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_database_engine(url, pool_size=pool_size)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
_TAKE_SQLITE_WRITE_LOCK = text("DELETE FROM audit_events WHERE 0")


def lock_for_write(session: Session, key: str) -> None:
    """Serialise writers that compete for the same logical slot.

    PostgreSQL takes a transaction-scoped advisory lock on the key. SQLite has one database
    lock: an empty write takes it before the use case reads anything, so a competing writer
    waits (busy timeout) instead of failing later when it upgrades a stale read snapshot."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_ADVISORY_LOCK, {"key": key})
    elif connection.dialect.name == "sqlite":
        connection.execute(_TAKE_SQLITE_WRITE_LOCK)


def plan_as_key_lookups(connection: Connection) -> None:
    """Tell PostgreSQL, for the rest of this transaction, to join in the written order and by
    index lookups only.

    Meant for a statement that starts from a small driving set (one page of people) and
    follows keys from it through a dozen tables. The written order is already the plan, and
    the planner's search of join orders costs more than running it (5-6 ms of planning
    against 2.6 ms of execution for a v3 page of 100); and for a page of 3000 its estimates
    favour hashing whole tables (the 125,000 participants, the 32,000 enrolments of a
    provider) over 3000 probes of an index, which is slower by 2-3x on data in memory. One
    round trip sets all three; no effect on SQLite, which plans nested loops anyway."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SELECT set_config('join_collapse_limit', '1', true),"
            " set_config('enable_hashjoin', 'off', true),"
            " set_config('enable_mergejoin', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true),"
            " set_config('plan_cache_mode', 'force_generic_plan', true)"
        )


def favour_index_probes(connection: Connection) -> None:
    """For the rest of this transaction, price a random page read like PostgreSQL's usual
    advice for SSD or memory-resident data (random_page_cost 1.1 instead of 4).

    Per statement, not for the whole service: the default of 4 makes the planner scan
    100,000 induction records rather than probe 1,400 of them when listing declarations,
    but the same change turns a selective `updated_since` participants page from a
    bitmap scan and a sort (10 ms) into a walk of the creation index (36 ms)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT set_config('random_page_cost', '1.1', true)")


def utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def among(
    session: Session, column: ColumnElement[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """`column IN values`, as one array parameter on PostgreSQL.

    A page of 3000 ids as an IN list is 3000 bind parameters to render, convert and plan on
    every request; `= ANY(:array)` is one, and plans as an index scan or a hash lookup alike.
    SQLite has no arrays, so it keeps the IN list."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


def among_parameter(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN :name` for a prebuilt statement whose list is bound at execution: one
    array parameter on PostgreSQL, an expanding IN list on SQLite (as `among` does)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, type_=column.type, expanding=True))
