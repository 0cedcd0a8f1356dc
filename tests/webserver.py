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

from ietm.web.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(csdb: Path) -> Iterator[str]:
    """Start `ietm serve`'s app on 127.0.0.1 and yield its base URL; stopped when the block ends, however it ends.

    A port taken by someone else between `free_port` and the bind is tried again with another."""
    app = create_app(csdb)
    for _ in range(5):
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, name=f"viewer-{port}", daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 60
            while not server.started and thread.is_alive():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"viewer did not start on port {port} within 60 s")
                time.sleep(0.02)
            if not server.started:  # the bind failed: uvicorn gave up and the thread ended
                continue
            yield f"http://127.0.0.1:{port}"
            return
        finally:
            server.should_exit = True
            thread.join(30)
    raise RuntimeError("viewer found no free port")


def client(base: str, language: str | None = "en") -> httpx.Client:
    """A client of the viewer whose browser asks for `language` (Accept-Language): the tests that read the
    interface's words read its English ones, as a browser asking for English would get them; None asks for none,
    and gets the server's `serve.language` (Russian unless configured)."""
    return httpx.Client(base_url=base, timeout=30, headers={"Accept-Language": language} if language else None)
