"""FastAPI dependencies shared by every resource's endpoints.

Sessions: a service use case commits its own single transaction (`session.commit()` at its
end); this dependency only opens the session and guarantees it is closed (rolling back
anything uncommitted), so a failed request changes nothing.

Every dependency here is `async def` although none awaits: FastAPI runs a plain `def`
dependency in a worker thread, and a thread hop costs more than these functions do. The one
blocking step, ending a session's open transaction, still goes to a thread."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from .config import Settings
from .database import Database
from .filters import Filters
from .paging import Page, parse_page
from .query import QueryParams

T = TypeVar("T")


async def database(request: Request) -> Database:
    return request.app.state.database


async def settings(request: Request) -> Settings:
    return request.app.state.settings


async def db_session(request: Request) -> AsyncIterator[Session]:
    session = request.app.state.database.session_factory()
    try:
        yield session
    finally:
        if session.in_transaction():  # a rollback round trip: not on the event loop
            await run_in_threadpool(session.close)
        else:
            session.close()


async def run_with_session(request: Request, work: Callable[[Session], T]) -> T:
    """`work(session)` in one worker-thread hop that also closes the session.

    For the hot read endpoints: with `Depends(db_session)` the endpoint's thread hop is
    followed by a second one to end the read transaction; here both happen in one."""
    factory = request.app.state.database.session_factory

    def run() -> T:
        session = factory()
        try:
            return work(session)
        finally:
            session.close()

    return await run_in_threadpool(run)


async def query_params(request: Request) -> QueryParams:
    return QueryParams(request.query_params)


async def list_filters(request: Request) -> Filters:
    return Filters(QueryParams(request.query_params))


async def page(request: Request) -> Page:
    return parse_page(QueryParams(request.query_params))
