"""FastAPI dependencies shared by every resource's endpoints.

Sessions: a service use case commits its own single transaction (`session.commit()` at its
end); this dependency only opens the session and guarantees it is closed (rolling back
anything uncommitted), so a failed request changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session
from starlette.requests import Request

from .config import Settings
from .database import Database
from .filters import Filters
from .paging import Page, parse_page
from .query import QueryParams


def database(request: Request) -> Database:
    return request.app.state.database


def settings(request: Request) -> Settings:
    return request.app.state.settings


def db_session(request: Request) -> Iterator[Session]:
    session = request.app.state.database.session_factory()
    try:
        yield session
    finally:
        session.close()


def query_params(request: Request) -> QueryParams:
    return QueryParams(request.query_params)


def list_filters(request: Request) -> Filters:
    return Filters(QueryParams(request.query_params))


def page(request: Request) -> Page:
    return parse_page(QueryParams(request.query_params))
