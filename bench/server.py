"""Starting and stopping the service under test, and reading what CPU it used.

The server is `cpd-api serve` on loopback, in production mode with Redis holding the rate-limit
window and a limit so large it never throttles: the limiter's round trip is part of every
measured request, as it is in production, but no request is refused."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
HUGE_LIMIT = "100000000/5 minutes"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flush_redis(url: str) -> None:
    """Start every run with an empty rate-limit window in the benchmark's own Redis db."""
    import redis

    redis.Redis.from_url(url).flushdb()


def server_environment(database_url: str, redis_url: str, log_requests: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CPD_API_ENVIRONMENT": "production",
            "CPD_API_RATE_LIMIT": HUGE_LIMIT,
            "CPD_API_UNAUTHENTICATED_RATE_LIMIT": HUGE_LIMIT,
            "CPD_API_LOG_REQUESTS": "true" if log_requests else "false",
        }
    )
    return env


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int,
    redis_url: str = BENCH_REDIS_URL,
    log_requests: bool = True,
    log_path: Path,
    startup_seconds: float = 60.0,
):
    """Run the service for the duration of the block; it is stopped (its whole process
    group, which this function created) however the block ends."""
    flush_redis(redis_url)
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    executable = Path(sys.executable).with_name("cpd-api")
    command = [str(executable), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=server_environment(database_url, redis_url, log_requests),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log_path)
    try:
        _wait_until_ready(server, startup_seconds)
        yield server
    finally:
        _stop(process)


def _wait_until_ready(server: Server, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited; see {server.log}")
        try:
            with urllib.request.urlopen(f"{server.base}/check", timeout=1) as response:
                if response.status == 200:
                    # Every worker must be up, not just the first: give the rest a moment.
                    time.sleep(1.0)
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /check within {seconds:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _stat(pid: int) -> tuple[int, str, float] | None:
    """(parent pid, command name, CPU seconds) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds(root_pid: int) -> dict[str, float]:
    """CPU used so far by the server's process tree and by every PostgreSQL process (totals;
    `cpu_used` turns two of these snapshots into what was used in between)."""
    return {name: sum(per_pid.values()) for name, per_pid in cpu_snapshot(root_pid).items()}


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict:
    """CPU seconds used between two snapshots. Processes that exited in between are left
    out (their last interval is lost, so this can only under-count), never subtracted."""
    return {
        name: sum(cpu - before[name].get(pid, 0.0) for pid, cpu in after[name].items())
        for name in after
    }


def cpu_snapshot(root_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far per process: the server's process tree, and PostgreSQL's."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                stats[int(entry.name)] = found
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    tree: dict[int, float] = {}
    stack = [root_pid]
    while stack:
        pid = stack.pop()
        if pid in stats:
            tree[pid] = stats[pid][2]
        stack.extend(children.get(pid, []))
    postgres = {pid: cpu for pid, (_, name, cpu) in stats.items() if name.startswith("postgres")}
    return {"server": tree, "postgres": postgres}
