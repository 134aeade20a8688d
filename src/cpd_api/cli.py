"""The `cpd-api` command line: run the service, migrate, manage providers and tokens, export
the published OpenAPI documents. Every failure ends in one clear line and a non-zero exit."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .core.audit import Actor
from .core.config import ConfigurationError, Settings, get_settings
from .core.database import Database
from .core.formats import timestamp
from .intake_kinds import KIND_MODULES

app = typer.Typer(
    name="cpd-api",
    help="Lead provider API for teacher CPD (ECF and NPQ): run, migrate and administer it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)
providers_app = typer.Typer(help="Lead providers.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens of lead providers.", no_args_is_help=True)
export_app = typer.Typer(help="Export published documents.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(providers_app, name="providers")
app.add_typer(tokens_app, name="tokens")
app.add_typer(export_app, name="export")

console = Console()
error_console = Console(stderr=True)
OPERATOR = Actor.operator("cli")

F = TypeVar("F", bound=Callable[..., Any])


class CommandError(Exception):
    """A failure to report to the operator as one line."""


def fail(message: str) -> None:
    error_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def reports_errors(function: F) -> F:
    """Turn expected failures into one line on stderr and exit code 1, never a traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .providers.service import ProviderError

        try:
            return function(*args, **kwargs)
        except (CommandError, ConfigurationError, ProviderError) as exc:
            fail(str(exc))
        except OperationalError as exc:
            fail(f"cannot reach the database: {str(exc.orig).strip().splitlines()[0]}")
        except SQLAlchemyError as exc:
            fail(f"database error: {str(exc).splitlines()[0]}")

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    return get_settings()


@functools.lru_cache(maxsize=1)
def database() -> Database:
    return Database(settings().database_url, pool_size=2)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


# --- db ------------------------------------------------------------------------------------


@db_app.command("upgrade")
@reports_errors
def db_upgrade() -> None:
    """Create or migrate the schema, then load cohorts, schedules, milestones and NPQ courses."""
    from .db import upgrade

    summary = upgrade(database())
    console.print(
        f"Database is at the latest schema. Reference data: {summary.cohorts} cohorts, "
        f"{summary.schedules} schedules, {summary.milestones} milestones, "
        f"{summary.npq_courses} NPQ courses."
    )


@db_app.command("status")
@reports_errors
def db_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the schema revision of the database and the latest one this code knows."""
    from .db import current_revision, head_revision

    state = {
        "current": current_revision(database()),
        "head": head_revision(settings().database_url),
    }
    if as_json:
        print_json(state)
    else:
        console.print(f"current revision: {state['current']}  latest: {state['head']}")


# --- providers -----------------------------------------------------------------------------


@providers_app.command("create")
@reports_errors
def providers_create(
    name: str,
    ecf: Annotated[bool, typer.Option("--ecf", help="Delivers ECF training.")] = False,
    npq: Annotated[bool, typer.Option("--npq", help="Delivers NPQ training.")] = False,
) -> None:
    """Create a lead provider; prints its id."""
    from .providers.service import create_provider

    with database().session() as session:
        provider = create_provider(session, name, ecf=ecf, npq=npq, actor=OPERATOR)
        provider_id = provider.id
    console.print(f"Created provider {name!r}", highlight=False)
    typer.echo(str(provider_id))


@providers_app.command("list")
@reports_errors
def providers_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List providers with their ids, programmes and token counts."""
    from .providers.service import list_providers

    with database().session() as session:
        rows = [
            {
                "id": str(p.id),
                "name": p.name,
                "ecf": p.ecf,
                "npq": p.npq,
                "tokens": count,
                "created_at": timestamp(p.created_at),
            }
            for p, count in list_providers(session)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "ECF", "NPQ", "tokens")
    for row in rows:
        table.add_row(
            row["id"], row["name"], _yes(row["ecf"]), _yes(row["npq"]), str(row["tokens"])
        )
    console.print(table)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# --- tokens --------------------------------------------------------------------------------


@tokens_app.command("create")
@reports_errors
def tokens_create(
    provider: Annotated[str, typer.Argument(help="Provider id or name.")],
    description: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Issue a token. The plain token is printed once, alone on the last line."""
    from .providers.service import find_provider, issue_token

    with database().session() as session:
        owner = find_provider(session, provider)
        issued = issue_token(session, owner, description=description, actor=OPERATOR)
        token_id, owner_name = issued.token.id, owner.name
    error_console.print(
        f"Token {token_id} issued for {owner_name}. Store it now: it is not shown again.",
        highlight=False,
    )
    typer.echo(issued.plain)


@tokens_app.command("list")
@reports_errors
def tokens_list(
    provider: Annotated[str | None, typer.Argument(help="Only this provider's tokens.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List tokens (never the token itself)."""
    from .providers.service import find_provider, list_tokens

    with database().session() as session:
        owner = find_provider(session, provider) if provider else None
        rows = [
            {
                "id": str(t.id),
                "provider_id": str(t.lead_provider_id) if t.lead_provider_id else None,
                "description": t.description,
                "created_at": timestamp(t.created_at),
                "last_used_at": timestamp(t.last_used_at),
            }
            for t in list_tokens(session, owner)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "provider", "description", "created", "last used")
    for row in rows:
        table.add_row(
            row["id"],
            row["provider_id"] or "",
            row["description"] or "",
            row["created_at"] or "",
            row["last_used_at"] or "never",
        )
    console.print(table)


@tokens_app.command("revoke")
@reports_errors
def tokens_revoke(token_id: str) -> None:
    """Revoke a token: it stops working on its next request."""
    from .providers.service import revoke_token

    with database().session() as session:
        revoke_token(session, token_id, actor=OPERATOR)
    console.print(f"Revoked token {token_id}", highlight=False)


# --- export --------------------------------------------------------------------------------


@export_app.command("openapi")
@reports_errors
def export_openapi(
    version: Annotated[str, typer.Option("--version", help="v1, v2 or v3.")] = "v3",
) -> None:
    """Print the published OpenAPI YAML of one API version."""
    from .app import create_app
    from .core.openapi import VERSIONS

    if version not in VERSIONS:
        raise CommandError(f"unknown version {version!r}: choose one of {', '.join(VERSIONS)}")
    application = create_app(settings(), database=Database("sqlite://"))
    sys.stdout.write(application.state.specs.yaml(version))


# --- import --------------------------------------------------------------------------------


@app.command("import")
@reports_errors
def import_data(
    kind: Annotated[str, typer.Argument(help=f"What the file holds: {', '.join(KIND_MODULES)}.")],
    file: Annotated[Path, typer.Argument(help="CSV, or JSON Lines (.jsonl).", exists=False)],
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: by file ending).")
    ] = None,
) -> None:
    """Load data: every row is validated first, then all rows are written or none are."""
    from .core.intake import IntakeRejected, detect_format, run_intake
    from .intake_kinds import intake_kinds

    kinds = intake_kinds()
    if kind not in kinds:
        known = ", ".join(sorted(kinds)) or "none yet"
        raise CommandError(f"unknown kind {kind!r}; known kinds: {known}")
    if not file.is_file():
        raise CommandError(f"no such file: {file}")
    fmt = file_format or detect_format(file)
    if fmt not in ("csv", "jsonl"):
        raise CommandError("--format must be csv or jsonl")
    text = file.read_text(encoding="utf-8-sig")
    try:
        with (
            console.status(f"Importing {kind} from {file.name}"),
            database().session() as session,
        ):
            result = run_intake(session, kinds[kind], text, fmt=fmt, actor=OPERATOR)
    except IntakeRejected as rejected:
        for error in rejected.errors[:200]:
            error_console.print(f"{file.name}: {error}", highlight=False, soft_wrap=True)
        if len(rejected.errors) > 200:
            error_console.print(f"... and {len(rejected.errors) - 200} more", highlight=False)
        raise CommandError(str(rejected)) from None
    console.print(result.summary(), highlight=False)
    for note in result.notes:
        console.print(f"  {note}", highlight=False)


# --- serve ---------------------------------------------------------------------------------


@app.command("serve")
@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Run the API with uvicorn (several workers share one rate limit only with REDIS_URL)."""
    import uvicorn

    current = settings()
    if workers > 1 and not current.redis_url and current.effective_rate_limit:
        error_console.print(
            "Warning: several workers without REDIS_URL each keep their own rate limit window."
        )
    if workers > 1:
        # uvloop's libuv accepts every pending connection at once, so the worker that wakes
        # first can take a whole burst of keep-alive connections (seen under 8 clients: one
        # worker at 87% CPU, the other at 9%). With this libuv yields between accepts, which
        # lets the other workers take their share more often (not always).
        os.environ.setdefault("UV_TCP_SINGLE_ACCEPT", "1")
    console.print(
        f"Serving cpd-api ({current.environment}) on http://{host}:{port} with {workers} "
        f"worker(s); API reference at http://{host}:{port}/api-reference",
        highlight=False,
    )
    uvicorn.run(
        "cpd_api.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
    )


# --- seed and demo (sandbox) ---------------------------------------------------------------


def _seed_sandbox(providers: int, participants: int, seed: int, force: bool):
    from .seed.console import seed_with_progress, summary, token_table
    from .seed.generator import SeedOptions
    from .seed.writer import SeedRefused

    try:
        data = seed_with_progress(
            database(),
            SeedOptions(providers=providers, participants=participants, seed=seed),
            actor=OPERATOR,
            production=settings().is_production,
            force=force,
            console=error_console,
        )
    except SeedRefused as refused:
        raise CommandError(str(refused)) from None
    console.print(summary(data), highlight=False)
    console.print(token_table(data))
    return data


@app.command("seed")
@reports_errors
def seed(
    providers: Annotated[int, typer.Option(help="How many lead providers.", min=1)] = 6,
    participants: Annotated[
        int, typer.Option(help="About how many people each provider trains.", min=1)
    ] = 300,
    seed_value: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Replace whatever the database holds.")
    ] = False,
) -> None:
    """Fill an empty sandbox database with realistic data and print a token per provider."""
    from .db import upgrade

    if settings().is_production:
        raise CommandError("seed refuses to run with CPD_API_ENVIRONMENT=production")
    upgrade(database())
    _seed_sandbox(providers, participants, seed_value, force)


@app.command("demo")
@reports_errors
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server afterwards.")
    ] = True,
) -> None:
    """Migrate, seed a sandbox when the database is empty, print a working curl line, serve."""
    from .db import upgrade
    from .demo import prepare_demo
    from .seed.writer import is_empty

    if settings().is_production:
        raise CommandError("demo refuses to run with CPD_API_ENVIRONMENT=production")
    upgrade(database())
    with database().session() as session:
        empty = is_empty(session)
    if empty:
        _seed_sandbox(providers=6, participants=300, seed=1, force=False)
    with database().session() as session:
        result = prepare_demo(session, actor=OPERATOR)
    base = f"http://{host}:{port}"
    console.print(f"Sandbox ready: {result.summary}", highlight=False)
    console.print(f"API reference: {base}/api-reference", highlight=False)
    console.print("Try it:", highlight=False)
    typer.echo(f'curl -H "Authorization: Bearer {result.token}" {base}/api/v3/participants/ecf')
    if serve_after:
        serve(host=host, port=port, workers=1)


# --- finance (declarations and payments) ---------------------------------------------------

finance_app = typer.Typer(help="Statements: close, pay and report.", no_args_is_help=True)
app.add_typer(finance_app, name="finance")


def _finance_errors(function: F) -> F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .statements.service import StatementError

        try:
            return function(*args, **kwargs)
        except StatementError as exc:
            raise CommandError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@finance_app.command("close")
@reports_errors
@_finance_errors
def finance_close(statement_id: str) -> None:
    """After its cut-off date: the statement's eligible declarations become payable."""
    from .statements.service import close_statement

    with database().session() as session:
        result = close_statement(session, statement_id, OPERATOR)
    console.print(result.summary(), highlight=False, soft_wrap=True)


@finance_app.command("pay")
@reports_errors
@_finance_errors
def finance_pay(statement_id: str) -> None:
    """Payable declarations become paid, awaiting clawbacks clawed back; the statement is paid."""
    from .statements.service import pay_statement

    with database().session() as session:
        result = pay_statement(session, statement_id, OPERATOR)
    console.print(result.summary(), highlight=False, soft_wrap=True)


@finance_app.command("statements")
@reports_errors
def finance_statements(
    provider: Annotated[str | None, typer.Option(help="Provider id or name.")] = None,
    cohort: Annotated[int | None, typer.Option(help="Cohort start year.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Statements with their declaration counts per state and the net count they pay for."""
    from .statements.rules import LINE_STATES
    from .statements.service import statement_summaries

    with database().session() as session:
        rows = [
            {
                "id": str(s.statement.id),
                "provider": s.provider_name,
                "programme": s.statement.programme,
                "cohort": s.statement.cohort_year,
                "name": s.statement.name,
                "cut_off_date": s.statement.deadline_date.isoformat(),
                "payment_date": s.statement.payment_date.isoformat(),
                "output_fee": s.statement.output_fee,
                "state": s.statement.state,
                "counts": {state: s.totals.count(state) for state in LINE_STATES},
                "net": s.totals.net,
            }
            for s in statement_summaries(session, provider=provider, cohort=cohort)
        ]
    if as_json:
        print_json(rows)
        return
    short = {"awaiting_clawback": "awaiting", "clawed_back": "clawed"}
    table = Table(
        "id",
        "provider",
        "prog",
        "cohort",
        "name",
        "cut-off",
        "state",
        *(short.get(s, s) for s in LINE_STATES),
        "net",
    )
    for row in rows:
        table.add_row(
            row["id"],
            row["provider"],
            row["programme"],
            str(row["cohort"]),
            row["name"],
            row["cut_off_date"],
            row["state"],
            *(str(row["counts"][s]) for s in LINE_STATES),
            str(row["net"]),
        )
    # Wide on purpose: one line per statement reads better than wrapped cells.
    Console(width=max(console.width, 200)).print(table)


def main() -> None:
    try:
        get_settings()
    except ConfigurationError as exc:
        error_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise SystemExit(1) from None
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()


if __name__ == "__main__":
    main()
