"""Cached module pages under wrk: throughput, latency percentiles and errors of `ietm serve`, one or more workers.

    .venv/bin/python bench/bench_serve.py [--csdb content] [--workers 1 2] [--seconds 30] [--connections 64]
                                          [--pages N] [--during-uploads] [--work DIR]

For each worker count: copies the CSDB to a temporary folder (under --work), catalogs the copy (`ietm scan`,
timed apart: a copy's files all have new ctimes, so a catalog copied along would be read again anyway), starts
`ietm serve` on a free loopback port and times its start-up (until it answers) and its first module page; then
visits the data module pages (all, or an even sample of --pages of them) twice per worker, so that each is
cached as on a running server, and runs Debian's `wrk` (`-t2 -c64 --latency`) over those pages in turn. Reports
requests/s, p50/p90/p99/max latency, errors, and the server's CPU time per request (its processes' own, so
comparable between runs on a busy machine). With --during-uploads a writer uploads new issues of a module (the
middle one of the CSDB's English data modules) all through the run, one every 0.5 s, and the figures say how
long requests waited while the server took writes (wrk's max; the uploads' own times beside). A large CSDB:
    .venv/bin/python bench/bench_serve.py --csdb /work/corpora/fleet/fleet-10000 --pages 500 --work /work/corpora/fleet
Prints one JSON object per run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def parse_wrk(out: str) -> dict:
    """The figures of `wrk --latency` output."""
    result: dict = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                    "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = round(_seconds(m.group(1)) * 1000, 1) if m else None
    m = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out)
    result["max_ms"] = round(_seconds(m.group(1)) * 1000, 1) if m else None
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["socket_errors"] = sum(int(n) for n in errors.groups()) if errors else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    return result


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group: the server and its
    workers. Per request it says what a request costs whatever else the machine is doing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...; utime and stime are 12 and 13
            total += int(fields[11]) + int(fields[12])
    return total / tick


def upload_source(csdb: Path) -> Path:
    """The module the writer uploads new issues of: the middle one of the English data modules (in a generated
    fleet, one system's module, not a repository or table every page uses)."""
    modules = sorted(csdb.rglob("DMC-*_en-US.XML"))
    return modules[len(modules) // 2]


def group_rss(pgid: int) -> int:
    """Resident bytes now of the live processes of a process group (the server and its workers; pages a forked
    worker shares with its parent count once: the sum of their PSS)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            with open(stat.parent / "smaps_rollup") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
        except (OSError, ValueError, StopIteration):
            continue
    return total


def _writer(base: str, source: Path, stop: threading.Event, outcome: dict) -> None:
    """Upload a new issue of one module every half second until stopped (counts what was accepted, and how long
    each upload took)."""
    data = source.read_bytes()
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "writer", "password": PASSWORD, "csrf": token})
    form = re.search(r'name="csrf" value="([^"]+)"', client.get("/upload").text).group(1)
    number = 100
    while not stop.is_set():
        issue = re.sub(rb'issueNumber="\d{3}"', f'issueNumber="{number:03d}"'.encode(), data, count=1)
        issue = issue.replace(b'issueType="new"', b'issueType="changed"', 1)
        name = re.sub(r"_\d{3}-(\d{2})_", f"_{number:03d}-\\1_", source.name)
        started = time.perf_counter()
        r = client.post("/upload", files={"files": (name, issue)}, data={"csrf": form})
        outcome["seconds"].append(time.perf_counter() - started)
        outcome["accepted" if r.status_code == 200 else "refused"] += 1
        number += 1
        stop.wait(0.5)


def _get(base: str, paths: list[str], threads: int = 4) -> None:
    """Visit pages, a few at a time (warming the cache of a large CSDB one by one would take long)."""
    from concurrent.futures import ThreadPoolExecutor

    with httpx.Client(base_url=base, timeout=120) as client, ThreadPoolExecutor(threads) as pool:
        for r in pool.map(client.get, paths):
            r.raise_for_status()


def run(csdb_src: Path, workers: int, seconds: float, connections: int, during_uploads: bool,
        pages: int | None = None, work: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="ietm-bench-", dir=work) as tmp:
        csdb = Path(tmp) / "csdb"
        shutil.copytree(csdb_src, csdb, ignore=shutil.ignore_patterns(".ietm"))
        env = {**os.environ, "IETM_PASSWORD": PASSWORD}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ietm", "scan", str(csdb)], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        catalog_s = time.perf_counter() - started
        if during_uploads:
            subprocess.run([sys.executable, "-m", "ietm", "user", "add", "writer", "--role", "writer", "--csdb", str(csdb)],
                           cwd=ROOT, env=env, check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        args = [sys.executable, "-m", "ietm", "serve", str(csdb), "--port", str(port)]
        if workers > 1:
            args += ["--workers", str(workers)]
        started = time.perf_counter()
        server = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 1800
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start (exit {server.returncode})")
                try:
                    if httpx.get(base + "/api/objects", timeout=60).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            start_up_s = time.perf_counter() - started
            objects = httpx.get(base + "/api/objects", timeout=120).json()
            paths = ["/dm/" + o["key"].split("-", 1)[1] for o in objects if o["key"].startswith("DMC-")]
            modules = len(paths)
            if pages is not None and pages < len(paths):
                paths = sorted(random.Random(15).sample(paths, pages))
            started = time.perf_counter()
            httpx.get(base + paths[0], timeout=120).raise_for_status()
            first_page_s = time.perf_counter() - started
            started = time.perf_counter()
            _get(base, paths * 2 * workers)  # every worker renders every page once (or more)
            warm_s = time.perf_counter() - started
            script = Path(tmp) / "pages.lua"
            script.write_text("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\ni = 0\n"
                              "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
            stop, outcome = threading.Event(), {"accepted": 0, "refused": 0, "seconds": []}
            source = upload_source(csdb)
            writer = threading.Thread(target=_writer, args=(base, source, stop, outcome), daemon=True)
            if during_uploads:
                writer.start()
            load = os.getloadavg()[0]
            cpu = group_cpu(server.pid)
            out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", "--latency",
                                  "-s", str(script), base], capture_output=True, text=True, check=True).stdout
            cpu = group_cpu(server.pid) - cpu
            stop.set()
            if during_uploads:
                writer.join(60)
            figures = parse_wrk(out)
            result = {"csdb": str(csdb_src), "workers": workers, "modules": modules, "pages": len(paths),
                      "connections": connections, "seconds": seconds,
                      "load_before": round(load, 1), "load_after": round(os.getloadavg()[0], 1), **figures,
                      "server_cpu_ms_per_request": round(1000 * cpu / max(figures["requests"], 1), 2),
                      "catalog_s": round(catalog_s, 1), "start_up_s": round(start_up_s, 1),
                      "first_page_s": round(first_page_s, 2), "warm_s": round(warm_s, 1),
                      "server_rss_mb": round(group_rss(server.pid) / 2**20)}
            if during_uploads:
                took = sorted(outcome.pop("seconds"))
                result["uploads"] = {**outcome, "module": source.name,
                                     "median_s": round(took[len(took) // 2], 2) if took else None,
                                     "max_s": round(took[-1], 2) if took else None}
            return result
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csdb", type=Path, default=ROOT / "content")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--pages", type=int, help="an even sample of this many module pages (default: every one)")
    ap.add_argument("--during-uploads", action="store_true")
    ap.add_argument("--work", type=Path, help="where the CSDB's copy is made (default: the system's temporary folder)")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    for n in args.workers:
        print(json.dumps(run(args.csdb, n, args.seconds, args.connections, args.during_uploads, args.pages,
                             args.work)), flush=True)


if __name__ == "__main__":
    main()
