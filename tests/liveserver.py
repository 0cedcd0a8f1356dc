"""A real `ietm serve` in its own process on a free loopback port, for tests that need a real server."""

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


class Server:
    def __init__(self, csdb: Path, *args: str) -> None:
        self.csdb = csdb
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = args
        self.proc: subprocess.Popen | None = None
        self.log = csdb.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 60) -> None:
        with open(self.log, "ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ietm", "serve", str(self.csdb), "--port", str(self.port), *self.args],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.url + "/static/css/ietm.css", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start in time")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server; with SIGKILL, its whole process group dies at once, as in a power cut."""
        if self.proc and self.proc.poll() is None:
            if sig == signal.SIGKILL:
                os.killpg(self.proc.pid, sig)
            else:
                self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextmanager
def serving(csdb: Path, *args: str) -> Iterator[Server]:
    server = Server(csdb, *args)
    server.start()
    try:
        yield server
    finally:
        server.stop()
