"""A folder served over HTTP on loopback, as a plain web server serves a published bundle to a browser."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Uncached(_Quiet):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class StaticServer:
    """Serves `folder` on a free port from a thread; `url` ends with a slash. A test stops it mid-way with
    `stop()` (to go offline) and a `with` block stops it however the test ends. `no_store` tells the browser not to
    keep what it fetched, for a test that changes a file and fetches it again."""

    def __init__(self, folder: Path, no_store: bool = False) -> None:
        handler = functools.partial(_Uncached if no_store else _Quiet, directory=str(folder))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(10)

    def __enter__(self) -> StaticServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
