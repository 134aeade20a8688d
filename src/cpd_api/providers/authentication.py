"""The gate in front of `/api/`: who is calling, and may they call again yet.

Authentication and the rolling rate limit run together in one worker-thread hop per request:
the token lookup decides the rate-limit key (the token, or the client address when there is
no valid token), and a throttled request is answered before any endpoint work."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import anyio
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cpd_api.core import clock
from cpd_api.core.database import Database
from cpd_api.core.errors import ApiError, Forbidden, ServiceUnavailable, Unauthorized, error_body
from cpd_api.core.rate_limit import Decision, RollingRateLimiter
from cpd_api.core.responses import send_error

from . import rules
from .models import ApiToken, LeadProvider
from .service import needs_last_used_update

logger = logging.getLogger("cpd_api.auth")


@dataclass(frozen=True, slots=True)
class CallingProvider:
    id: uuid.UUID
    name: str
    ecf: bool
    npq: bool
    token_id: uuid.UUID
    internal: bool = False


def client_address(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-real-ip":
            return value.decode("latin-1").strip()
    client = scope.get("client")
    return client[0] if client else "unknown"


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value.decode("latin-1")
    return None


_TOKEN_LOOKUP = (
    select(
        ApiToken.id,
        ApiToken.kind,
        ApiToken.last_used_at,
        LeadProvider.id,
        LeadProvider.name,
        LeadProvider.ecf,
        LeadProvider.npq,
    )
    .join(LeadProvider, LeadProvider.id == ApiToken.lead_provider_id)
    .where(ApiToken.hashed_token == bindparam("hashed"))
)


class ApiGate:
    """ASGI middleware for every path under `/api/`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        database: Database,
        limiter: RollingRateLimiter | None,
        anonymous_limiter: RollingRateLimiter | None,
    ) -> None:
        self.app = app
        self.database = database
        self.limiter = limiter
        self.anonymous_limiter = anonymous_limiter

    def _lookup(self, token: str | None) -> CallingProvider | None:
        """One indexed read per request on a plain connection (no ORM session: this runs
        before every API call), plus a write at most once a minute per token."""
        if not token:
            return None
        with self.database.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                # One statement needs no transaction: autocommit spares a BEGIN and a
                # ROLLBACK round trip on every API request.
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            row = connection.execute(_TOKEN_LOOKUP, {"hashed": rules.digest(token)}).first()
            if row is None:
                return None
            token_id, kind, last_used_at, provider_id, name, ecf, npq = row
            now = clock.now()
            if needs_last_used_update(last_used_at, now):
                connection.execute(
                    update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
                )
                connection.commit()
            if kind != "lead_provider":
                return CallingProvider(provider_id, name, False, False, token_id, internal=True)
            return CallingProvider(provider_id, name, ecf, npq, token_id)

    def _admit(self, scope: Scope) -> tuple[CallingProvider | None, Decision | None]:
        provider = self._lookup(rules.token_from_header(_header(scope, b"authorization")))
        decision = None
        if provider is not None and self.limiter is not None:
            decision = self.limiter.hit(f"token:{provider.token_id}")
        elif provider is None and self.anonymous_limiter is not None:
            decision = self.anonymous_limiter.hit(f"ip:{client_address(scope)}")
        return provider, decision

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        try:
            provider, decision = await anyio.to_thread.run_sync(self._admit, scope)
        except (OperationalError, DBAPIError):
            logger.exception("database unavailable during authentication")
            await send_error(send, ServiceUnavailable())
            return
        headers = decision.headers() if decision is not None else {}
        if decision is not None and not decision.allowed:
            detail = (
                f"You have exceeded the limit of {decision.limit} requests. "
                f"Try again in {max(decision.reset_after, 1)} seconds."
            )
            await send_error(
                send, ApiError(429, error_body([("Too many requests", detail)]), headers)
            )
            return
        if provider is None:
            error = Unauthorized()
            error.headers.update(headers)
            await send_error(send, error)
            return
        scope.setdefault("state", {})["provider"] = provider
        if not headers:
            await self.app(scope, receive, send)
            return
        encoded = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + encoded
            await send(message)

        await self.app(scope, receive, send_with_headers)


def calling_provider(scope_state: dict, programme: str) -> CallingProvider:
    """The provider behind this request, if it may use endpoints of `programme` (else 403)."""
    provider: CallingProvider | None = scope_state.get("provider")
    if provider is None:
        raise Unauthorized()
    if not rules.may_use(programme, ecf=provider.ecf, npq=provider.npq, internal=provider.internal):
        raise Forbidden()
    return provider
