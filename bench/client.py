"""The load generator: a separate process speaking bare HTTP/1.1 over keep-alive connections.

Run as `python -m bench.client < spec.json`; it prints one JSON result. A general-purpose
client (httpx, aiohttp) spends more CPU per request than the server endpoints it measures,
and on a 2-core machine every client cycle is stolen from the server, so this one pre-encodes
each request and parses only the status line, the headers it needs and the body length. It is
bounded twice: it stops at `max_requests` or after `max_seconds`, whichever comes first, and
it only ever connects to the loopback address it is given.

Modes:
* `load`: `connections` clients send the request list round-robin (each request at most once
  when `once` is set, e.g. POSTs that must each be new); latency per request.
* `sync`: for each token, page through `path` (`{page}` filled in) until a short page; the
  result is the wall time of the whole sync and the records fetched."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from dataclasses import dataclass, field

import orjson

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None

    def encode(self, host: str, port: int) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}:{port}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body is not None:
            lines.append(f"Content-Length: {len(self.body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return head + (self.body or b"")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bytes_received: int = 0
    sample_error: str | None = None


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            body = b"".join(parts)
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _load(spec: dict) -> dict:
    host, port = spec["host"], spec["port"]
    encoded = [Request(**r).encode(host, port) for r in _requests(spec)]
    max_requests = spec["max_requests"]
    if spec.get("once"):
        max_requests = min(max_requests, len(encoded))
    deadline_seconds = spec["max_seconds"]
    tally = Tally()
    issued = 0

    async def warm(connection: Connection) -> None:
        for raw in encoded[: spec.get("warmup", 0)] if not spec.get("once") else []:
            await connection.send(raw)

    async def worker(connection: Connection, deadline: float) -> None:
        nonlocal issued
        while issued < max_requests and time.perf_counter() < deadline:
            raw = encoded[issued % len(encoded)]
            issued += 1
            started = time.perf_counter()
            try:
                status, body = await connection.send(raw)
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as error:
                tally.statuses[0] = tally.statuses.get(0, 0) + 1
                tally.sample_error = tally.sample_error or repr(error)
                connection.close()
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            tally.bytes_received += len(body)
            if status >= 400 and tally.sample_error is None:
                tally.sample_error = body[:300].decode("utf-8", "replace")

    connections = [Connection(host, port) for _ in range(spec["connections"])]
    for connection in connections:
        await connection.open()
    await asyncio.gather(*(warm(c) for c in connections))
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    deadline = started + deadline_seconds
    await asyncio.gather(*(worker(c, deadline) for c in connections))
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    for connection in connections:
        connection.close()
    return {
        "mode": "load",
        "wall_seconds": wall,
        "client_cpu_seconds": cpu,
        "requests": len(tally.latencies),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "bytes": tally.bytes_received,
        "latencies": tally.latencies,
        "sample_error": tally.sample_error,
    }


async def _sync(spec: dict) -> dict:
    host, port = spec["host"], spec["port"]
    connection = Connection(host, port)
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    deadline = started + spec["max_seconds"]
    per_token: list[dict] = []
    pages = 0
    for token in spec["tokens"]:
        token_started = time.perf_counter()
        records, page = 0, 0
        while time.perf_counter() < deadline and pages < spec["max_requests"]:
            page += 1
            pages += 1
            raw = Request(
                "GET",
                spec["path"].format(page=page),
                {"Authorization": f"Bearer {token}", "Accept": "application/vnd.api+json"},
            ).encode(host, port)
            status, body = await connection.send(raw)
            if status != 200:
                return {"mode": "sync", "error": f"status {status}: {body[:300]!r}"}
            count = len(orjson.loads(body)["data"])
            records += count
            if count < spec["per_page"]:
                break
        per_token.append(
            {"records": records, "pages": page, "seconds": time.perf_counter() - token_started}
        )
    connection.close()
    return {
        "mode": "sync",
        "wall_seconds": time.perf_counter() - started,
        "client_cpu_seconds": _cpu_seconds() - cpu_before,
        "requests": pages,
        "per_token": per_token,
        "records": sum(t["records"] for t in per_token),
        "complete": time.perf_counter() < deadline and pages < spec["max_requests"],
    }


def _requests(spec: dict) -> list[dict]:
    requests = []
    for item in spec["requests"]:
        body = item.get("body")
        requests.append(
            {
                "method": item.get("method", "GET"),
                "path": item["path"],
                "headers": item.get("headers", {}),
                "body": body.encode() if isinstance(body, str) else body,
            }
        )
    return requests


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(spec: dict) -> dict:
    if spec["host"] not in LOOPBACK:
        raise SystemExit("the benchmark client only connects to the loopback interface")
    main = _sync(spec) if spec.get("mode") == "sync" else _load(spec)
    try:
        import uvloop
    except ImportError:  # plain asyncio works, a little slower
        return asyncio.run(main)
    return uvloop.run(main)


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run(json.loads(sys.stdin.read()))))
