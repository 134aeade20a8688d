"""Liveness, readiness and metrics endpoints for whoever runs the service."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.responses import Response

from .. import __version__
from .jsonapi import JsonApiResponse

router = APIRouter(include_in_schema=False)


@router.get("/check")
def check() -> Response:
    return Response(b"", status_code=200)


def _database_state(request: Request) -> dict:
    database = request.app.state.database
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                revision = connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar()
            except Exception:
                revision = None
            try:
                populated = bool(
                    connection.execute(text("SELECT COUNT(*) FROM schedules")).scalar()
                )
            except Exception:
                populated = False
        return {"connected": True, "populated": populated, "migration_version": revision}
    except Exception as exc:
        return {"connected": False, "error": exc.__class__.__name__}


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


@router.get("/healthcheck")
async def healthcheck(request: Request) -> Response:
    settings = request.app.state.settings
    database = await anyio.to_thread.run_sync(_database_state, request)
    body: dict = {
        "version": __version__,
        "sha": settings.commit_sha or "none",
        "environment": settings.environment,
        "database": database,
    }
    healthy = database["connected"]
    if settings.redis_url:
        redis_ok = await anyio.to_thread.run_sync(_redis_reachable, settings.redis_url)
        body["redis"] = {"connected": redis_ok}
        healthy = healthy and redis_ok
    return JsonApiResponse(body, status_code=200 if healthy else 503)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
