"""Per-request JSON log lines and Prometheus metrics, plus the last-resort error handler.

The outermost middleware: it sees every request, times it, labels it by route template (never
the raw path, which would explode metric cardinality), and turns anything unexpected into a
JSON 500 without leaking a traceback to the client."""

from __future__ import annotations

import logging
import sys
import time
import uuid

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import INTERNAL_ERROR_BODY, ApiError
from .responses import send_error

request_logger = logging.getLogger("cpd_api.requests")
error_logger = logging.getLogger("cpd_api.errors")

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "cpd_api_requests_total",
            "HTTP requests by route template, method and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "cpd_api_request_duration_seconds",
            "HTTP request latency by route template and method",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )


class JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = getattr(record, "payload", None)
        if payload is None:
            payload = {"level": record.levelname.lower(), "logger": record.name}
            payload["message"] = record.getMessage()
            if record.exc_info:
                payload["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(payload).decode()


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger("cpd_api")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def route_template(scope: Scope) -> str:
    """The matched route's template with its version prefix, e.g. `/api/v3/participants/ecf`.

    Routers included under `/api/vN` report their own relative template, so the version
    is taken back from the request path: metrics must tell v1, v2 and v3 apart."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not template:
        return "unmatched"
    path = scope.get("path", "")
    if path.startswith("/api/v") and not template.startswith("/api/"):
        version = path.split("/", 3)[2]
        return f"/api/{version}{template}"
    return template


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, log_requests: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_holder = [500]
        response_started = [False]
        request_id = str(uuid.uuid4())

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                response_started[0] = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        except ApiError as error:
            if not response_started[0]:
                status_holder[0] = error.status_code
                await send_error(send, error)
        except Exception:
            error_logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if not response_started[0]:
                status_holder[0] = 500
                await send_error(send, ApiError(500, INTERNAL_ERROR_BODY))
        finally:
            duration = time.perf_counter() - started
            route = route_template(scope)
            status = status_holder[0]
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(duration)
            if self.log_requests:
                provider = scope.get("state", {}).get("provider")
                request_logger.info(
                    "request",
                    extra={
                        "payload": {
                            "event": "request",
                            "request_id": request_id,
                            "method": scope["method"],
                            "path": scope["path"],
                            "route": route,
                            "status": status,
                            "duration_ms": round(duration * 1000, 2),
                            "provider_id": str(provider.id) if provider else None,
                        }
                    },
                )
