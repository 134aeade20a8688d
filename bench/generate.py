"""Build the national benchmark dataset in PostgreSQL.

    .venv/bin/python bench/generate.py                 # 100,000 participants into cpd_api_bench
    .venv/bin/python bench/generate.py --scale 0.01    # a quick 1,000-participant version

The schema and reference calendar come from `cpd-api db upgrade` (`cpd_api.db.upgrade`); the
rows from `bench.dataset` (deterministic per seed); loading is COPY with the secondary indexes
dropped for the load and rebuilt afterwards, then VACUUM ANALYZE so the planner and the
visibility map are what a long-running production database would have. Tokens and the facts
the runner needs go to bench/out/dataset.json (git-ignored)."""

from __future__ import annotations

import json
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from sqlalchemy.engine import make_url

from bench.dataset import Dataset, Plan, build
from cpd_api.core.database import Database
from cpd_api.db import upgrade
from cpd_api.declarations import sharing
from cpd_api.participants import visibility

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cpd_api_bench"
OUT = Path(__file__).resolve().parent / "out"
DATASET_FILE = OUT / "dataset.json"
LOAD_ORDER = (
    "lead_providers",
    "api_tokens",
    "delivery_partners",
    "provider_relationships",
    "schools",
    "school_cohorts",
    "partnerships",
    "participants",
    "npq_applications",
    "npq_contracts",
    "participant_profiles",
    "induction_records",
    "participant_profile_states",
    "participant_id_changes",
    "statements",
    "declarations",
    "statement_line_items",
)
console = Console()


def libpq_url(url: str, database: str | None = None) -> str:
    """A SQLAlchemy URL as a libpq connection string (optionally for another database)."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def prepare_database(url: str, recreate: bool) -> None:
    name = make_url(url).database or ""
    with psycopg.connect(libpq_url(url, "postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and recreate:
            if not name.startswith("cpd_api_bench"):
                raise SystemExit(
                    f"refusing to drop {name!r}: only databases named cpd_api_bench* are "
                    "recreated; pass --no-recreate to load into an empty existing database"
                )
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def schedule_ids(connection: psycopg.Connection) -> dict[tuple[str, int], uuid.UUID]:
    rows = connection.execute("SELECT identifier, cohort_year, id FROM schedules").fetchall()
    return {(identifier, cohort): schedule_id for identifier, cohort, schedule_id in rows}


def secondary_indexes(connection: psycopg.Connection, table: str) -> list[tuple[str, str]]:
    """Indexes not backing a constraint: safe to drop during the load and rebuild after."""
    return connection.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        (table,),
    ).fetchall()


def load(connection: psycopg.Connection, dataset: Dataset) -> dict[str, tuple[int, float]]:
    timings: dict[str, tuple[int, float]] = {}
    total = sum(len(dataset.table(name).rows) for name in LOAD_ORDER)
    dropped: list[tuple[str, str]] = []
    with Progress(
        TextColumn("[bold]{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        overall = progress.add_task("all rows", total=total)
        with connection.transaction():
            try:  # skip per-row foreign key triggers: the rows are consistent by construction
                with connection.transaction():
                    connection.execute("SET LOCAL session_replication_role = replica")
            except psycopg.Error:
                console.print("[yellow]not superuser: foreign keys are checked row by row")
            connection.execute("SET LOCAL synchronous_commit = off")
            for name in LOAD_ORDER:
                table = dataset.table(name)
                for index_name, definition in secondary_indexes(connection, name):
                    connection.execute(f'DROP INDEX "{index_name}"')
                    dropped.append((index_name, definition))
                task = progress.add_task(name, total=len(table.rows))
                started = time.perf_counter()
                columns = ", ".join(f'"{c}"' for c in table.columns)
                with connection.cursor().copy(f'COPY "{name}" ({columns}) FROM STDIN') as copy:
                    for number, row in enumerate(table.rows, 1):
                        copy.write_row(row)
                        if number % 20_000 == 0:
                            progress.update(task, completed=number)
                            progress.advance(overall, 20_000)
                progress.update(task, completed=len(table.rows))
                progress.advance(overall, len(table.rows) % 20_000)
                timings[name] = (len(table.rows), time.perf_counter() - started)
            # The triggers that maintain derived tables were bypassed with the foreign keys.
            started = time.perf_counter()
            for statement in (*visibility.REBUILD, *sharing.REBUILD):
                connection.execute(statement)
            timings["(visible_enrolments)"] = (
                connection.execute("SELECT count(*) FROM visible_enrolments").fetchone()[0],
                time.perf_counter() - started,
            )
            rebuild = progress.add_task("rebuild indexes", total=len(dropped))
            started = time.perf_counter()
            for _, definition in dropped:
                connection.execute(definition)
                progress.advance(rebuild)
            timings["(indexes)"] = (len(dropped), time.perf_counter() - started)
    return timings


def check_rows(dataset: Dataset) -> None:
    for table in dataset.tables.values():
        for row in table.rows[:1]:
            if len(row) != len(table.columns):
                raise SystemExit(f"{table.name}: {len(row)} values for {len(table.columns)} cols")


def write_dataset_file(url: str, dataset: Dataset, counts: dict[str, int], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "database_url": url,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "providers": {
            name: {"id": str(dataset.provider_ids[name]), "token": token}
            for name, token in dataset.tokens.items()
        },
        "counts": counts,
        "facts": dataset.facts,
    }
    (out / DATASET_FILE.name).write_text(json.dumps(payload, indent=2))
    (out / "tokens.json").write_text(json.dumps(dataset.tokens, indent=2))
    return out / DATASET_FILE.name


def generate(
    url: str = DEFAULT_URL,
    *,
    scale: float = 1.0,
    seed: int = 42,
    as_of: datetime | None = None,
    recreate: bool = True,
    quiet: bool = False,
    out: Path = OUT,
) -> dict[str, int]:
    """Create (or reuse), migrate and fill the database; return the row count per table."""
    global console
    if quiet:
        console = Console(quiet=True)
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    started = time.perf_counter()
    prepare_database(url, recreate)
    database = Database(url, pool_size=1)
    try:
        upgrade(database)
    finally:
        database.dispose()
    with psycopg.connect(libpq_url(url)) as connection:
        if connection.execute("SELECT count(*) FROM participants").fetchone()[0]:
            raise SystemExit("the database already holds participants; use a fresh database")
        plan = Plan(seed=seed, scale=scale, as_of=as_of or Plan().as_of)
        built = time.perf_counter()
        with console.status("building rows in memory"):
            dataset = build(plan, schedule_ids(connection))
        check_rows(dataset)
        build_seconds = time.perf_counter() - built
        timings = load(connection, dataset)
    with (
        psycopg.connect(libpq_url(url), autocommit=True) as connection,
        console.status("VACUUM ANALYZE"),
    ):
        connection.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - started
    counts = {name: len(dataset.table(name).rows) for name in LOAD_ORDER}
    written = write_dataset_file(url, dataset, counts, out)
    report(timings, build_seconds, elapsed, dataset, written)
    return counts


def report(timings, build_seconds: float, elapsed: float, dataset: Dataset, written: Path) -> None:
    table = RichTable(title="Loaded")
    for column in ("table", "rows", "seconds", "rows/s"):
        table.add_column(column, justify="right" if column != "table" else "left")
    rows = 0
    for name, (count, seconds) in timings.items():
        if not name.startswith("("):
            rows += count
        table.add_row(name, f"{count:,}", f"{seconds:.2f}", f"{count / max(seconds, 1e-9):,.0f}")
    console.print(table)
    console.print(
        f"{rows:,} rows; built in memory in {build_seconds:.1f} s; total {elapsed:.1f} s "
        f"({rows / elapsed:,.0f} rows/s end to end). Declaration states: "
        f"{dataset.facts['declaration_states']}",
        highlight=False,
    )
    console.print(f"Tokens and facts: {written}", highlight=False)


def main(
    database_url: Annotated[str, typer.Option(help="PostgreSQL SQLAlchemy URL.")] = DEFAULT_URL,
    scale: Annotated[float, typer.Option(help="1.0 = national (100,000 participants).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same rows.")] = 42,
    as_of: Annotated[
        str | None, typer.Option(help="Instant the data is 'now' for (default: now).")
    ] = None,
    recreate: Annotated[
        bool, typer.Option(help="Drop and create the database first (cpd_api_bench* only).")
    ] = True,
) -> None:
    instant = None
    if as_of:
        instant = datetime.fromisoformat(as_of.replace("Z", "+00:00")).astimezone(UTC)
    generate(database_url, scale=scale, seed=seed, as_of=instant, recreate=recreate)


if __name__ == "__main__":
    typer.run(main)
