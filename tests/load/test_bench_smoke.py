"""The benchmark harness works end to end, at a tiny scale and for a few seconds: the generator
fills a fresh PostgreSQL database, the runner starts the real server with Redis, every
scenario's client gets answers, and the floor is measured. The full-size benchmark is
`bench/run.py` (bench/README.md); it is not a test."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from bench import generate, run
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("REDIS_URL"),
    reason="the benchmark harness needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
)


@pytest.fixture
def bench_database():
    base = make_url(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    url = base.set(database=f"cpd_api_bench_smoke_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    yield rendered
    with psycopg.connect(generate.libpq_url(rendered, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def test_generator_and_runner_work_at_tiny_scale(bench_database, tmp_path):
    counts = generate.generate(
        bench_database,
        scale=0.004,
        seed=7,
        as_of=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        quiet=True,
        out=tmp_path,
    )
    assert counts["lead_providers"] == 6
    assert counts["participants"] >= 400
    assert counts["declarations"] == 2000

    outcomes, floors, text = run.run(bounds=run.SMOKE, write=False, out=tmp_path)

    by_name = {o.scenario.name: o for o in outcomes}
    first_page = by_name["v3 participants, 100/page, page 1, 1 client"]
    assert first_page.available, first_page.note
    assert set(first_page.result["statuses"]) == {"200"}
    assert first_page.percentile(0.95) is not None and first_page.rate > 0
    posts = next(o for name, o in by_name.items() if name.startswith("POST"))
    assert posts.available, posts.note  # and every POST is a new, valid declaration:
    assert set(posts.result["statuses"]) == {"200"}, posts.result["sample_error"]
    for outcome in outcomes:  # no scenario may find a server error
        statuses = (outcome.result or {}).get("statuses", {})
        assert not any(code.startswith("5") for code in statuses), outcome.scenario.name
    sync = next(o for name, o in by_name.items() if name.startswith("full sync"))
    assert sync.available and "error" not in sync.result
    assert sync.result["records"] >= counts["participants"] * 0.5
    assert floors and all(f["records"] > 0 for f in floors)
    assert "## Scenarios" in text and "| scenario |" in text


def test_the_floor_builds_exactly_the_document_the_endpoint_returns(bench_database, tmp_path):
    """The floor is only a fair yardstick if it serves the same bytes' worth of data: the
    same people, enrolments, values and attribute order as `GET /api/v3/participants/ecf`."""
    import json

    import orjson
    from bench import floor
    from fastapi.testclient import TestClient

    from cpd_api.app import create_app
    from cpd_api.core.config import load_settings

    generate.generate(bench_database, scale=0.004, seed=11, quiet=True, out=tmp_path)
    dataset = json.loads((tmp_path / "dataset.json").read_text())
    settings = load_settings(database_url=bench_database, log_requests=False)
    with TestClient(create_app(settings)) as client:
        for provider in dataset["providers"].values():
            response = client.get(
                "/api/v3/participants/ecf",
                params={"page[per_page]": 20, "page[page]": 2},
                headers={"Authorization": f"Bearer {provider['token']}"},
            )
            assert response.status_code == 200
            with psycopg.connect(generate.libpq_url(bench_database)) as connection:
                document = floor.page_document(connection, uuid.UUID(provider["id"]), 2, 20)
            assert response.json()["data"], provider
            assert response.json() == orjson.loads(document)
