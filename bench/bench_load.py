"""Hold the viewer at 64 concurrent connections for a minute and record throughput and latency.

    .venv/bin/python bench/bench_load.py [--seconds 60] [--connections 64]

Starts `ietm serve` on the sample manual on a free loopback port, runs bench/loadgen.py in a second process
over the home page, publication pages, data modules of every type and illustrations, then stops the server.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def pages(base: str) -> list[str]:
    objects = httpx.get(base + "/api/objects", timeout=30).json()
    paths = ["/", "/dm"] + [
        ("/dm/" if o["key"].startswith(("DMC-", "DME-")) else "/pm/") + o["key"].split("-", 1)[1]
        for o in objects if o["key"].startswith(("DMC-", "PMC-"))
    ]
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csdb", default=str(ROOT / "content"))
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "ietm", "serve", args.csdb, "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        paths = pages(base)
        for p in paths:  # warm the render cache as a running server's would be
            httpx.get(base + p, timeout=60)
        out = subprocess.run([sys.executable, str(ROOT / "bench" / "loadgen.py"), base, *paths,
                              "--connections", str(args.connections), "--seconds", str(args.seconds)],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        result["pages"] = len(paths)
        print(json.dumps(result, indent=2))
    finally:
        server.terminate()
        server.wait(15)


if __name__ == "__main__":
    main()
