"""A real viewer on loopback for the web tests: uvicorn in a thread, on a free port, over a given CSDB."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from ietm.web import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(csdb: Path) -> Iterator[str]:
    """Start `ietm serve`'s app on 127.0.0.1 and yield its base URL; stopped when the block ends."""
    app = create_app(csdb)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"viewer did not start on {base}")
        time.sleep(0.02)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


def client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=30)
