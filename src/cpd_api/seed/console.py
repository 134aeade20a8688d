"""Running the seed from a terminal: a rich progress bar over generation and insertion, and
the table of providers with their sandbox tokens."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cpd_api.core.audit import Actor
from cpd_api.core.database import Database

from .generator import SeedData, SeedOptions
from .writer import check_allowed, seed_database


def seed_with_progress(
    database: Database,
    options: SeedOptions,
    *,
    actor: Actor,
    production: bool,
    force: bool,
    console: Console,
) -> SeedData:
    with database.session() as session:
        check_allowed(session, options, production=production, force=force)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        generating = progress.add_task("Generating", total=options.providers * 2)
        writing = progress.add_task("Writing rows", total=None, start=False)

        def on_step(label: str) -> None:
            progress.update(generating, advance=1, description=f"Generating: {label}")

        def on_generated(data: SeedData) -> None:
            progress.update(generating, description="Generated")
            progress.update(writing, total=data.total_rows)
            progress.start_task(writing)

        def on_written(table: str, rows: int) -> None:
            progress.update(writing, advance=rows, description=f"Writing {table}")

        with database.session() as session:
            data = seed_database(
                session,
                options,
                actor=actor,
                production=production,
                force=force,
                on_generated=on_generated,
                advance=on_written,
                progress=on_step,
            )
            progress.update(writing, description="Committing")
        progress.update(writing, description="Written")
    return data


def token_table(data: SeedData) -> Table:
    table = Table("provider", "sandbox token")
    table.columns[1].no_wrap = True
    for provider in data.providers:
        table.add_row(provider.name, provider.token)
    return table


def summary(data: SeedData) -> str:
    people = data.count("participants")
    return (
        f"Seeded {len(data.providers)} providers: {people} people, "
        f"{data.count('participant_profiles')} training records, "
        f"{data.count('npq_applications')} NPQ applications, "
        f"{data.count('declarations')} declarations, {data.count('statements')} statements "
        f"({data.total_rows} rows)."
    )
