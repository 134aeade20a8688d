"""Run the benchmark scenarios against a live server on the generated dataset.

    .venv/bin/python bench/generate.py            # once: the national dataset
    .venv/bin/python bench/run.py                 # every scenario, results in bench/RESULTS.md
    .venv/bin/python bench/run.py --quick         # shorter bounds, same scenarios

Each scenario drives the server from a separate client process (bench/client.py) bounded by a
request count and a time limit. Per scenario it reports latency percentiles, requests per
second, and the CPU the client, the server and PostgreSQL used as a share of the machine, so
the client's own cost on a small machine is visible rather than hidden in the figures."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from bench import floor
from bench.generate import DATASET_FILE, OUT, libpq_url
from bench.server import BENCH_REDIS_URL, Server, cpu_snapshot, cpu_used, running_server

ROOT = Path(__file__).resolve().parent
RESULTS_FILE = ROOT / "RESULTS.md"
BENCH_PROVIDER = "Teach First"  # the largest provider in the dataset
console = Console(width=200)


def query_string(**params: object) -> str:
    """`page[per_page]=100` style parameters, brackets percent-encoded."""
    parts = []
    for key, value in params.items():
        outer, _, inner = key.partition("__")
        name = f"{outer}%5B{inner}%5D" if inner else outer
        parts.append(f"{name}={value}")
    return "?" + "&".join(parts)


@dataclass(frozen=True)
class Bounds:
    """How long and how much each kind of scenario may run."""

    seconds: float
    single: int  # requests for a one-client scenario (busy ones get ten times as many)
    post_pool: int
    floor_repeats: int
    floor_seconds: float
    sync_seconds: float


FULL = Bounds(seconds=15.0, single=600, post_pool=6000, floor_repeats=60, floor_seconds=15.0,
              sync_seconds=120.0)  # fmt: skip
QUICK = Bounds(seconds=5.0, single=150, post_pool=400, floor_repeats=20, floor_seconds=5.0,
               sync_seconds=60.0)  # fmt: skip
SMOKE = Bounds(seconds=0.5, single=10, post_pool=20, floor_repeats=3, floor_seconds=1.0,
               sync_seconds=10.0)  # fmt: skip


@dataclass
class Scenario:
    name: str
    requests: list[dict]
    connections: int = 1
    max_requests: int = 400
    max_seconds: float = 15.0
    warmup: int = 5
    once: bool = False
    mode: str = "load"
    target: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Outcome:
    scenario: Scenario
    available: bool
    result: dict | None = None
    cpu: dict[str, float] | None = None
    note: str = ""

    def percentile(self, fraction: float) -> float | None:
        if not self.result or not self.result.get("latencies"):
            return None
        values = sorted(self.result["latencies"])
        index = min(len(values) - 1, max(0, round(fraction * len(values)) - 1))
        return values[index] * 1000

    @property
    def rate(self) -> float | None:
        if not self.result or not self.result.get("wall_seconds"):
            return None
        return self.result["requests"] / self.result["wall_seconds"]


# ---------------------------------------------------------------------------------------------
# The dataset's facts the scenarios need (read with plain SQL, never through the API)
# ---------------------------------------------------------------------------------------------


@dataclass
class Facts:
    database_url: str
    tokens: dict[str, str]
    provider_ids: dict[str, uuid.UUID]
    visible_people: int
    updated_since: str
    post_candidates: list[tuple[uuid.UUID, str]]


VISIBLE_PEOPLE_SQL = """
SELECT count(*) FROM participants p WHERE EXISTS (
    SELECT 1 FROM participant_profiles pp
    JOIN induction_records ir ON ir.participant_profile_id = pp.id
    JOIN partnerships pa ON pa.id = ir.partnership_id
    WHERE pp.participant_id = p.id AND pp.profile_type IN ('ect', 'mentor')
      AND pa.lead_provider_id = %(provider)s
      AND pa.challenged_at IS NULL AND pa.challenge_reason IS NULL)
"""

# ECTs of the 2025 cohort on a standard schedule (milestones open since 1 July 2025), active,
# trained by the provider on their current schedule, for whom nobody has declared this type
# yet: every POST is a new, valid declaration. Ordered by type first so that consecutive
# requests concern different people.
POST_CANDIDATES_SQL = """
SELECT pp.participant_id, t.declaration_type
FROM participant_profiles pp
JOIN schedules s ON s.id = pp.schedule_id
JOIN induction_records ir ON ir.participant_profile_id = pp.id
    AND ir.schedule_id = pp.schedule_id AND ir.end_date IS NULL
    AND ir.training_status = 'active' AND ir.induction_status = 'active'
JOIN partnerships pa ON pa.id = ir.partnership_id AND pa.lead_provider_id = %(provider)s
    AND pa.challenged_at IS NULL AND pa.challenge_reason IS NULL
CROSS JOIN (VALUES ('retained-3'), ('retained-4'), ('completed')) AS t(declaration_type)
WHERE pp.profile_type = 'ect' AND pp.status = 'active'
  AND s.cohort_year = 2025 AND s.identifier LIKE 'ecf-standard-%%'
  AND NOT EXISTS (
      SELECT 1 FROM participant_profiles other
      WHERE other.participant_id = pp.participant_id AND other.id <> pp.id)
  AND NOT EXISTS (
      SELECT 1 FROM declarations d
      WHERE d.billable_slot = pp.participant_id::text || ':ecf-induction:' || t.declaration_type)
ORDER BY t.declaration_type, pp.id
LIMIT %(limit)s
"""


def read_facts(dataset_file: Path, database_url: str | None, post_pool: int) -> Facts:
    if not dataset_file.exists():
        raise SystemExit(f"{dataset_file} is missing: run bench/generate.py first")
    dataset = json.loads(dataset_file.read_text())
    url = database_url or dataset["database_url"]
    providers = dataset["providers"]
    provider_id = uuid.UUID(providers[BENCH_PROVIDER]["id"])
    with psycopg.connect(libpq_url(url)) as connection:
        visible = connection.execute(VISIBLE_PEOPLE_SQL, {"provider": provider_id}).fetchone()[0]
        since = connection.execute(
            "SELECT percentile_disc(0.97) WITHIN GROUP (ORDER BY updated_at) FROM participants"
        ).fetchone()[0]
        candidates = connection.execute(
            POST_CANDIDATES_SQL, {"provider": provider_id, "limit": post_pool}
        ).fetchall()
    return Facts(
        database_url=url,
        tokens={name: p["token"] for name, p in providers.items()},
        provider_ids={name: uuid.UUID(p["id"]) for name, p in providers.items()},
        visible_people=visible,
        updated_since=since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        post_candidates=[(pid, kind) for pid, kind in candidates],
    )


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


def _get(path: str, token: str) -> dict:
    return {"path": path, "headers": {"Authorization": f"Bearer {token}"}}


EVIDENCE = {
    "retained-3": "training-event-attended",
    "retained-4": "training-event-attended",
    "completed": "75-percent-engagement-met",
}


def _declaration_post(token: str, participant_id: uuid.UUID, declaration_type: str) -> dict:
    declared = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {
        "data": {
            "type": "participant-declaration",
            "attributes": {
                "participant_id": str(participant_id),
                "declaration_type": declaration_type,
                "declaration_date": declared,
                "course_identifier": "ecf-induction",
                "evidence_held": EVIDENCE[declaration_type],
            },
        }
    }
    return {
        "method": "POST",
        "path": "/api/v3/participant-declarations",
        "headers": {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def scenarios(facts: Facts, *, bounds: Bounds, clients: int) -> list[Scenario]:
    token = facts.tokens[BENCH_PROVIDER]
    seconds, single = bounds.seconds, bounds.single
    busy = clients
    participants = "/api/v3/participants/ecf"
    last_page = max(1, -(-facts.visible_people // 3000))
    page_300 = min(300, max(1, -(-facts.visible_people // 100)))

    def page(path: str, per_page: int, number: int, **extra: object) -> dict:
        return _get(path + query_string(page__per_page=per_page, page__page=number, **extra), token)

    posts = [_declaration_post(token, pid, kind) for pid, kind in facts.post_candidates]
    return [
        Scenario(
            "v3 participants, 100/page, page 1, 1 client",
            [page(participants, 100, 1)],
            max_requests=single,
            max_seconds=seconds,
            target="p95 <= 25 ms",
            extra={"floor": (1, 100)},
        ),
        Scenario(
            f"v3 participants, 100/page, page 1, {busy} clients",
            [page(participants, 100, 1)],
            connections=busy,
            max_requests=single * 10,
            max_seconds=seconds,
            target=">= 400 req/s",
        ),
        Scenario(
            f"v3 participants, 100/page, page {page_300}, 1 client",
            [page(participants, 100, page_300)],
            max_requests=single,
            max_seconds=seconds,
            target="<= 1.5x page 1",
            extra={"floor": (page_300, 100)},
        ),
        Scenario(
            "v3 participants, 3000/page, page 1, 1 client",
            [page(participants, 3000, 1)],
            max_requests=max(2, single // 5),
            max_seconds=seconds * 1.5,
            warmup=2,
            target="p95 <= 250 ms",
            extra={"floor": (1, 3000)},
        ),
        Scenario(
            f"v3 participants, 3000/page, page {last_page} (last), 1 client",
            [page(participants, 3000, last_page)],
            max_requests=max(2, single // 5),
            max_seconds=seconds * 1.5,
            warmup=2,
            target="p95 <= 250 ms",
        ),
        Scenario(
            "v3 participants, updated_since, 100/page, 1 client",
            [page(participants, 100, 1, filter__updated_since=facts.updated_since)],
            max_requests=single,
            max_seconds=seconds,
        ),
        Scenario(
            "v1 participants, 100/page, page 1, 1 client",
            [page("/api/v1/participants/ecf", 100, 1)],
            max_requests=single,
            max_seconds=seconds,
        ),
        Scenario(
            f"v1 participants, 100/page, page 1, {busy} clients",
            [page("/api/v1/participants/ecf", 100, 1)],
            connections=busy,
            max_requests=single * 10,
            max_seconds=seconds,
        ),
        Scenario(
            "v3 declarations, 100/page, page 1, 1 client",
            [page("/api/v3/participant-declarations", 100, 1)],
            max_requests=single,
            max_seconds=seconds,
        ),
        Scenario(
            f"v3 declarations, 100/page, page 1, {busy} clients",
            [page("/api/v3/participant-declarations", 100, 1)],
            connections=busy,
            max_requests=single * 10,
            max_seconds=seconds,
        ),
        Scenario(
            "v3 unfunded mentors, 100/page, page 1, 1 client",
            [page("/api/v3/unfunded-mentors/ecf", 100, 1)],
            max_requests=single,
            max_seconds=seconds,
        ),
        Scenario(
            "v3 NPQ applications, 100/page, page 1, 1 client",
            [page("/api/v3/npq-applications", 100, 1)],
            max_requests=single,
            max_seconds=seconds,
        ),
        Scenario(
            f"POST v3 declarations (valid, each new), {busy} clients",
            posts,
            connections=busy,
            max_requests=len(posts),
            max_seconds=seconds,
            once=True,
            target=">= 200 req/s",
            extra={"probe": page("/api/v3/participant-declarations", 1, 1)},
        ),
        Scenario(
            "full sync, v3 participants, 3000/page, all 6 providers",
            [],
            mode="sync",
            max_requests=500,
            max_seconds=bounds.sync_seconds,
            target="<= 10 s per 100,000",
            extra={
                "tokens": list(facts.tokens.values()),
                "path": participants + query_string(page__per_page=3000, page__page="{page}"),
                "per_page": 3000,
                "probe": page(participants, 1, 1),
            },
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


def probe(server: Server, request: dict) -> tuple[int, str]:
    headers = dict(request.get("headers", {}))
    try:
        with urllib.request.urlopen(
            urllib.request.Request(server.base + request["path"], headers=headers), timeout=60
        ) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(300).decode("utf-8", "replace")


def run_client(spec: dict) -> dict:
    """The client in its own process, so its CPU is its own and measurable."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.client"],
        input=json.dumps(spec).encode(),
        capture_output=True,
        cwd=ROOT.parent,
        timeout=spec["max_seconds"] + 120,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr.decode()[-2000:])
    return json.loads(completed.stdout)


def run_scenario(server: Server, scenario: Scenario) -> Outcome:
    first = scenario.extra.get("probe") or scenario.requests[0]
    status, body = probe(server, first)
    if status == 404:
        return Outcome(scenario, False, note="endpoint not available (404)")
    if status >= 400:
        return Outcome(scenario, False, note=f"probe answered {status}: {body[:120]}")
    if scenario.mode == "load" and not scenario.requests:
        return Outcome(scenario, False, note="nothing to send (no candidates in the dataset)")
    spec = {
        "host": "127.0.0.1",
        "port": server.port,
        "mode": scenario.mode,
        "requests": scenario.requests,
        "connections": scenario.connections,
        "max_requests": scenario.max_requests,
        "max_seconds": scenario.max_seconds,
        "warmup": scenario.warmup,
        "once": scenario.once,
        **{k: v for k, v in scenario.extra.items() if k in ("tokens", "path", "per_page")},
    }
    before = cpu_snapshot(server.process.pid)
    result = run_client(spec)
    after = cpu_snapshot(server.process.pid)
    return Outcome(scenario, True, result, cpu_used(before, after))


def machine() -> dict[str, str]:
    cpu_model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    with psycopg.connect("dbname=postgres host=127.0.0.1 user=postgres") as connection:
        server_version = connection.execute("SHOW server_version").fetchone()[0]
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu_model,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": server_version,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _share(outcome: Outcome, name: str) -> str:
    if not outcome.result or not outcome.cpu:
        return "–"
    wall = outcome.result["wall_seconds"] * (os.cpu_count() or 1)
    seconds = outcome.result["client_cpu_seconds"] if name == "client" else outcome.cpu[name]
    return f"{100 * seconds / wall:.0f}%"


def summary_rows(outcomes: list[Outcome]) -> list[list[str]]:
    rows = []
    for outcome in outcomes:
        scenario = outcome.scenario
        if not outcome.available:
            rows.append([scenario.name, outcome.note, "", "", "", "", "", "", "", scenario.target])
            continue
        result = outcome.result or {}
        if scenario.mode == "sync":
            note = (
                f"{result.get('records', 0):,} records in {result.get('requests', 0)} pages, "
                f"{result.get('wall_seconds', 0):.2f} s"
                if "error" not in result
                else result["error"]
            )
            rows.append(
                [scenario.name, note, "", "", "", "", _share(outcome, "client"),
                 _share(outcome, "server"), _share(outcome, "postgres"), scenario.target]
            )  # fmt: skip
            continue
        statuses = ", ".join(f"{k}: {v}" for k, v in result["statuses"].items())
        rows.append(
            [
                scenario.name,
                f"{result['requests']} ({statuses})",
                _ms(outcome.percentile(0.50)),
                _ms(outcome.percentile(0.95)),
                _ms(outcome.percentile(0.99)),
                f"{outcome.rate:.0f}" if outcome.rate else "–",
                _share(outcome, "client"),
                _share(outcome, "server"),
                _share(outcome, "postgres"),
                scenario.target,
            ]
        )
    return rows


HEADERS = [
    "scenario",
    "requests (statuses)",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "req/s",
    "client CPU",
    "server CPU",
    "PostgreSQL CPU",
    "target",
]


def measure_floor(facts: Facts, outcome: Outcome, bounds: Bounds) -> dict | None:
    """The floor of a scenario's page, measured right after the scenario so that both see
    the same machine (other work on it moves both alike)."""
    provider_id = facts.provider_ids[BENCH_PROVIDER]
    wanted = outcome.scenario.extra.get("floor")
    if not wanted:
        return None
    number, per_page = wanted
    result = floor.measure(
        libpq_url(facts.database_url),
        provider_id,
        number,
        per_page,
        repeats=bounds.floor_repeats,
        max_seconds=bounds.floor_seconds,
    )
    endpoint = outcome.percentile(0.50) if outcome.available else None
    result.update(
        {
            "page": number,
            "per_page": per_page,
            "endpoint_p50_ms": endpoint,
            "ratio": None if endpoint is None else endpoint / result["p50_ms"],
        }
    )
    return result


def _find(outcomes: list[Outcome], prefix: str) -> Outcome | None:
    for outcome in outcomes:
        if outcome.scenario.name.startswith(prefix) and outcome.available and outcome.result:
            return outcome
    return None


def target_rows(outcomes: list[Outcome], floor_rows: list[dict]) -> list[list[str]]:
    """Each target of issue 7 with the figure it is judged on and whether it is met."""
    rows: list[list[str]] = []

    def judge(name: str, measured: float | None, limit: float, unit: str, at_most: bool) -> None:
        if measured is None:
            rows.append([name, "not measured", ""])
            return
        met = measured <= limit if at_most else measured >= limit
        rows.append([name, f"{measured:,.1f} {unit}", "met" if met else "not met"])

    first = _find(outcomes, "v3 participants, 100/page, page 1, 1 client")
    busy = next(
        (o for o in outcomes if o.scenario.name.startswith("v3 participants, 100/page, page 1,")
         and o.scenario.connections > 1 and o.available),
        None,
    )  # fmt: skip
    late = next(
        (o for o in outcomes if "100/page, page" in o.scenario.name
         and "page 1," not in o.scenario.name and o.available),
        None,
    )  # fmt: skip
    judge("page of 100, p95, 1 client <= 25 ms", first and first.percentile(0.95), 25, "ms", True)
    judge("page of 100 with workers >= 400 req/s", busy and busy.rate, 400, "req/s", False)
    big = _find(outcomes, "v3 participants, 3000/page, page 1,")
    judge("3000 per page (page 1), p95 <= 250 ms", big and big.percentile(0.95), 250, "ms", True)
    last = next((o for o in outcomes if "(last)" in o.scenario.name and o.available), None)
    judge("3000 per page (last page), p95 <= 250 ms", last and last.percentile(0.95), 250, "ms",
          True)  # fmt: skip
    ratio = None
    if first and late and first.percentile(0.5) and late.percentile(0.5):
        ratio = late.percentile(0.5) / first.percentile(0.5)
    judge("page 300 / page 1 (p50) <= 1.5x", ratio, 1.5, "x", True)
    post = _find(outcomes, "POST")
    judge("POST declarations >= 200/s", post and post.rate, 200, "req/s", False)
    sync = _find(outcomes, "full sync")
    per_100k = None
    if sync and sync.result.get("records"):
        per_100k = sync.result["wall_seconds"] / sync.result["records"] * 100_000
    judge("full sync, seconds per 100,000 participants <= 10 s", per_100k, 10, "s", True)
    worst = max((f["ratio"] for f in floor_rows if f["ratio"] is not None), default=None)
    judge("endpoint / floor (p50, worst page) <= 2x", worst, 2, "x", True)
    return rows


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(
    info: dict, facts: Facts, outcomes: list[Outcome], floor_rows: list[dict], config: dict
) -> str:
    dataset = json.loads(Path(config["dataset_file"]).read_text())
    counts = ", ".join(f"{name} {count:,}" for name, count in dataset["counts"].items())
    floor_table = markdown_table(
        ["page", "per page", "records", "floor p50 ms", "floor p95 ms", "endpoint p50 ms", "ratio"],
        [
            [
                str(f["page"]), str(f["per_page"]), str(f["records"]), _ms(f["p50_ms"]),
                _ms(f["p95_ms"]), _ms(f["endpoint_p50_ms"]),
                "–" if f["ratio"] is None else f"{f['ratio']:.2f}x",
            ]
            for f in floor_rows
        ],
    )  # fmt: skip
    sync_lines = []
    for outcome in outcomes:
        if outcome.scenario.mode == "sync" and outcome.result and "per_token" in outcome.result:
            for name, item in zip(facts.tokens, outcome.result["per_token"], strict=False):
                sync_lines.append(
                    f"- {name}: {item['records']:,} participants, {item['pages']} pages, "
                    f"{item['seconds']:.2f} s"
                )
    error_lines = [
        f"- {o.scenario.name}: `{o.result['sample_error'][:200]}`"
        for o in outcomes
        if o.result and o.result.get("sample_error")
    ]
    text = f"""# Benchmark results

Produced by `bench/run.py` ({config["mode"]}); see `bench/README.md` for what each figure means.

- Machine: {info["cpus"]} CPUs ({info["cpu"]}), {info["memory"]} memory; Python {info["python"]},
  PostgreSQL {info["postgresql"]}
- Date: {info["date"]}; commit {info["commit"]}; load average {config["load"]}
- Server: `cpd-api serve --workers {config["workers"]}`, production mode, rate limit in Redis
  ({BENCH_REDIS_URL}) at {config["rate_limit"]}, request logging
  {"on" if config["log_requests"] else "off"}; busy scenarios keep {config["clients"]} connections
  busy
- Dataset: {counts} (seed {dataset["facts"]["seed"]}, scale {dataset["facts"]["scale"]});
  single-provider scenarios use {BENCH_PROVIDER}, who sees {facts.visible_people:,} participants
- CPU columns: CPU seconds used during the scenario by the client process, the server's
  processes and all PostgreSQL processes, as a share of the machine ({info["cpus"]} CPUs x wall
  time). The client runs on the same machine and its share is taken from the server.

## Targets

{markdown_table(["target", "measured", "verdict"], target_rows(outcomes, floor_rows))}

## Scenarios

{markdown_table(HEADERS, summary_rows(outcomes))}

## Full sync

{chr(10).join(sync_lines) or "not run"}

## Errors seen (first error body per scenario)

{chr(10).join(error_lines) or "none"}

## Floor (same page with raw SQL + orjson, no HTTP) and ratio

{floor_table}
"""
    if config.get("write", True):
        RESULTS_FILE.write_text(text)
    return text


def wait_for_quiet(limit: float, seconds: float) -> float:
    """Wait (bounded) until the 1-minute load average falls under `limit`: other work on the
    machine inflates every figure. Returns the load average the run starts with."""
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        console.print(f"load average {os.getloadavg()[0]:.1f}: waiting for a quieter machine")
        time.sleep(15)
    return os.getloadavg()[0]


def run(
    *,
    database_url: str | None = None,
    workers: int = 2,
    clients: int = 8,
    bounds: Bounds = FULL,
    log_requests: bool = True,
    only: str | None = None,
    write: bool = True,
    out: Path = OUT,
    quiet_below: float | None = None,
) -> tuple[list[Outcome], list[dict], str]:
    dataset_file = out / DATASET_FILE.name
    facts = read_facts(dataset_file, database_url, post_pool=bounds.post_pool)
    plan = scenarios(facts, bounds=bounds, clients=clients)
    if only:
        plan = [s for s in plan if only.lower() in s.name.lower()]
    load_before = (
        wait_for_quiet(quiet_below, 600) if quiet_below is not None else os.getloadavg()[0]
    )
    outcomes: list[Outcome] = []
    floor_rows: list[dict] = []
    with running_server(
        facts.database_url,
        workers=workers,
        log_requests=log_requests,
        log_path=out / "server.log",
    ) as server:
        for scenario in plan:
            console.print(f"[bold]{scenario.name}[/] ...", highlight=False)
            started = time.perf_counter()
            outcome = run_scenario(server, scenario)
            outcomes.append(outcome)
            floor_row = measure_floor(facts, outcome, bounds)
            if floor_row is not None:
                floor_rows.append(floor_row)
            console.print(
                f"  {outcome.note or 'done'} in {time.perf_counter() - started:.1f} s",
                highlight=False,
            )
    table = Table(title="cpd-api benchmark")
    for header in HEADERS:
        table.add_column(header)
    for row in summary_rows(outcomes):
        table.add_row(*row)
    console.print(table)
    for item in floor_rows:
        ratio = "–" if item["ratio"] is None else f"{item['ratio']:.2f}x"
        console.print(
            f"floor page {item['page']} x {item['per_page']}: p50 {item['p50_ms']:.1f} ms, "
            f"endpoint p50 {_ms(item['endpoint_p50_ms'])} ms, ratio {ratio}",
            highlight=False,
        )
    config = {
        "mode": {FULL: "full", QUICK: "quick", SMOKE: "smoke"}.get(bounds, "custom"),
        "workers": workers,
        "clients": clients,
        "rate_limit": "100000000/5 minutes",
        "log_requests": log_requests,
        "write": write,
        "dataset_file": str(dataset_file),
        "load": f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
    }
    text = write_results(machine(), facts, outcomes, floor_rows, config)
    if write:
        console.print(f"Results written to {RESULTS_FILE}", highlight=False)
    return outcomes, floor_rows, text


def main(
    database_url: Annotated[
        str | None, typer.Option(help="Default: the one bench/generate.py recorded.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Server worker processes.")] = 2,
    clients: Annotated[
        int, typer.Option(help="Concurrent keep-alive connections of the busy scenarios.")
    ] = 8,
    quick: Annotated[bool, typer.Option(help="Shorter bounds for a fast look.")] = False,
    log_requests: Annotated[
        bool, typer.Option(help="Request log lines on (as in production) or off.")
    ] = True,
    only: Annotated[str | None, typer.Option(help="Run scenarios whose name has this.")] = None,
    write: Annotated[bool, typer.Option(help="Write bench/RESULTS.md.")] = True,
    quiet_below: Annotated[
        float | None,
        typer.Option(help="First wait (up to 10 min) for the load average to fall below this."),
    ] = None,
) -> None:
    run(
        database_url=database_url,
        workers=workers,
        clients=clients,
        bounds=QUICK if quick else FULL,
        log_requests=log_requests,
        only=only,
        write=write,
        quiet_below=quiet_below,
    )


if __name__ == "__main__":
    typer.run(main)
