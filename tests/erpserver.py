"""A small ERP on loopback for the delivery tests: it keeps each order message once by its Idempotency-Key,
and misbehaves on purpose as real ones do: fails, answers too late, or takes a message and loses the answer.

`plan(key, n)` decides what the n-th request (1, 2, ...) carrying `key` meets: "fail" (503, nothing kept),
"refuse" (400: the ERP will never take it), "hang" (nothing kept, no answer until the client gives up),
"lose" (the message is kept, then the connection is dropped without an answer, so the sender cannot know),
"keep-hang" (kept, then no answer at all) or "accept". A key it already keeps is answered 200 with the first
answer, whatever the plan says: the ERP's exactly-once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def always_accept(key: str, n: int) -> str:
    return "accept"


def fail_first(count: int, how: str = "fail") -> Callable[[str, int], str]:
    return lambda key, n: how if n <= count else "accept"


class LoopbackErp:
    def __init__(self, plan: Callable[[str, int], str] = always_accept, hang_seconds: float = 30) -> None:
        self.plan = plan
        self.hang_seconds = hang_seconds
        self.messages: dict[str, dict] = {}  # key -> the message, kept once
        self.requests: list[tuple[str, str]] = []  # (key, what the request met)
        self.lock = threading.Lock()
        self.release = threading.Event()  # ends every hang at once (the test is over)
        erp = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                key = self.headers.get("idempotency-key", "")
                if not key:
                    return self._answer(400, {"error": "Idempotency-Key header missing"})
                with erp.lock:
                    n = 1 + sum(1 for k, _ in erp.requests if k == key)
                    known = key in erp.messages
                    action = "known" if known else erp.plan(key, n)
                    erp.requests.append((key, action))
                    if action in ("accept", "lose", "keep-hang"):
                        erp.messages[key] = json.loads(body)
                if action == "fail":
                    return self._answer(503, {"error": "ERP busy"})
                if action == "refuse":
                    return self._answer(400, {"error": "unknown cost centre"})
                if action in ("hang", "keep-hang"):
                    erp.release.wait(erp.hang_seconds)
                    return self._answer(504, {"error": "too late"})
                if action == "lose":
                    self.close_connection = True
                    self.connection.close()  # kept, but the sender never hears so
                    return None
                return self._answer(200, {"erp_order": f"PO-{list(erp.messages).index(key) + 1:05d}"})

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/orders"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackErp:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def tries(self, key: str) -> list[str]:
        with self.lock:
            return [action for k, action in self.requests if k == key]

    def wait_for(self, count: int, timeout: float = 60) -> None:
        """Until `count` distinct messages are kept (or fail the test)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return
            time.sleep(0.05)
        raise AssertionError(f"the ERP kept {len(self.messages)} messages, not {count}, in {timeout} s: {self.requests}")
