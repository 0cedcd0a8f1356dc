"""A real `ietm serve` in its own process on a free loopback port, for tests that need a real server.

The server runs in a process group of its own, so that stopping it also ends whatever it started; `serving`
and `Server` used as a context manager stop it however the test ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from webserver import free_port

ROOT = Path(__file__).resolve().parent.parent
#: what `ietm serve` writes when the port it was given was taken meanwhile (by its own check, or by uvicorn)
PORT_TAKEN = ("cannot listen on", "error while attempting to bind")
#: `IETM_TEST_WORKERS=2 pytest ...` runs every test's server as that many worker processes (issue 15);
#: `IETM_TEST_DATABASE=postgresql` runs them all on PostgreSQL (tests/conftest.py); the two combine
WORKERS = os.environ.get("IETM_TEST_WORKERS", "")


class Server:
    def __init__(self, csdb: Path, *args: str) -> None:
        self.csdb = csdb
        self.args = args
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.url = ""
        self.log = csdb.parent / f"server-{csdb.name}.log"

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 120) -> None:
        """Start on a free port; a port someone else took between our look and the server's bind is tried again."""
        for _ in range(5):
            if self._start_once(timeout):
                return
        raise RuntimeError(f"server found no free port: {self._log_tail()}")

    def _start_once(self, timeout: float) -> bool:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        start = self.log.stat().st_size if self.log.exists() else 0
        workers = ["--workers", WORKERS] if WORKERS and "--workers" not in self.args else []
        with open(self.log, "ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ietm", "serve", str(self.csdb), "--port", str(self.port), *self.args, *workers],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                said = self.log.read_bytes()[start:].decode(errors="replace")
                if self.proc.poll() is not None:
                    if any(p in said for p in PORT_TAKEN):
                        return False
                    raise RuntimeError(f"server exited with {self.proc.returncode}: {said[-2000:]}")
                # only our own server says it listens on this port: another one that took the port would answer too
                if f"running on {self.url}" in said and self._answers():
                    return True
                time.sleep(0.2)
            raise RuntimeError(f"server did not start within {timeout:.0f} s: {said[-2000:]}")
        except BaseException:
            self.stop(signal.SIGKILL)
            raise

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url + "/static/css/ietm.css", timeout=10).status_code == 200
        except httpx.HTTPError:
            return False

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server and everything in its process group; SIGKILL kills them all at once, as a power cut.

        SIGTERM gives the server 15 s to finish; then, and always for what it left running, SIGKILL."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                if sig == signal.SIGKILL:
                    os.killpg(proc.pid, sig)
                else:
                    proc.send_signal(sig)
                proc.wait(15)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                pass
        _kill_group(proc.pid)
        proc.wait()


def _kill_group(pgid: int) -> None:
    """SIGKILL whatever is left of a process group (workers a killed server leaves behind)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def serving(csdb: Path, *args: str) -> Iterator[Server]:
    with Server(csdb, *args) as server:
        yield server


def workers_of(server: Server) -> set[int]:
    """The worker processes of a server: children of its process that are not multiprocessing's helpers."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server.proc.pid and b"spawn_main" in cmdline:
            found.add(int(stat.parent.name))
    return found


@contextmanager
def serving_workers(csdb: Path, workers: int = 2) -> Iterator[Server]:
    """`ietm serve --workers N`, yielded once every worker is up (so that requests spread over all of them)."""
    server = Server(csdb, "--workers", str(workers))
    server.start(timeout=120)
    try:
        deadline = time.monotonic() + 60
        while len(workers_of(server)) < workers:
            assert time.monotonic() < deadline, f"only {len(workers_of(server))} of {workers} workers started"
            time.sleep(0.2)
        yield server
    finally:
        server.stop()
