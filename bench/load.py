"""Load runs with wrk: a fixed number of connections for a fixed time.

wrk runs for ``seconds`` and stops by itself; it shares the machine's cores
with the server under test, the same way for every peer. Latency percentiles
come from wrk's own histogram (``--latency``).
"""

import base64
import re
import shutil
import subprocess
from dataclasses import dataclass

CONNECTIONS = 32
THREADS = 2

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def basic_header(auth: tuple[str, str]) -> str:
    encoded = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    return f"Basic {encoded}"


def run_wrk(
    url: str,
    seconds: int,
    headers: dict[str, str],
    connections: int = CONNECTIONS,
) -> LoadResult:
    command = [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        # Slow peers answer in seconds at 32 connections; without a long
        # timeout wrk would drop those answers from the latency figures.
        "--timeout=60s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 120, check=True
    )
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> LoadResult:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if rate is None or total is None:
        raise RuntimeError(f"unreadable wrk output:\n{output}")
    percentiles = {
        int(match[1]): float(match[2]) * _UNITS[match[3]]
        for match in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    errors = 0
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(bad[1])
    if sockets := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(value) for value in sockets.groups())
    return LoadResult(
        requests_per_second=float(rate[1]),
        p50_ms=percentiles.get(50, float("nan")),
        p99_ms=percentiles.get(99, float("nan")),
        requests=int(total[1]),
        errors=errors,
    )
