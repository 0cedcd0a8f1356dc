"""A bounded HTTP load generator: N concurrent connections for a fixed time, against a server on loopback.

Run as its own process (`python bench/loadgen.py URL --connections 64 --seconds 60 PATH...`) so the load
comes from a second process, as a real client's would. Prints one JSON line: requests, errors, throughput
and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from urllib.parse import urlparse

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


#: httpx's words when the server closed a kept-alive connection just as a request went out on it
CLOSED_IDLE = "Server disconnected without sending a response"


async def _get(client: httpx.AsyncClient, path: str, retried: list[str]) -> httpx.Response:
    """GET, sent once more when the server had closed the idle connection it went out on (its keep-alive
    timeout ran out meanwhile), as browsers do for requests that change nothing (RFC 9110, 9.2.2)."""
    try:
        return await client.get(path)
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        # the same race seen as a reset: the server closed the connection with the request unread in its buffer
        # (a server process starved of CPU for its keep-alive timeout: once in a full test run at load 12)
        if isinstance(exc, httpx.RemoteProtocolError) and CLOSED_IDLE not in str(exc):
            raise
        retried.append(path)
        return await client.get(path)


async def _worker(client: httpx.AsyncClient, paths: list[str], offset: int, until: float,
                  latencies: list[float], errors: list[str], retried: list[str]) -> None:
    i = offset
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            r = await _get(client, path, retried)
            await r.aread()
            if r.status_code != 200:
                errors.append(f"{r.status_code} {path}")
        except httpx.HTTPError as exc:
            errors.append(f"{type(exc).__name__}: {exc} {path}")
        latencies.append(time.perf_counter() - start)


async def run(base: str, paths: list[str], connections: int, seconds: float) -> dict:
    host = urlparse(base).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise SystemExit(f"refusing to load {host}: load tests only target this machine's loopback")
    latencies: list[float] = []
    errors: list[str] = []
    retried: list[str] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        until = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*(_worker(client, paths, k, until, latencies, errors, retried) for k in range(connections)))
        elapsed = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "connections": connections, "seconds": round(elapsed, 1), "requests": len(latencies),
        "errors": len(errors), "first_errors": errors[:5], "retried": len(retried), "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.paths, args.connections, args.seconds))))


if __name__ == "__main__":
    main()
