"""Hardening that holds for every response and request, whatever the route: headers and body limits.

Pure ASGI middleware, so it also covers static files, errors and responses streamed by other middleware.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, Awaitable, Callable

from ietm.paths import TEMPLATES

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: scripts only from the server itself: no inline script runs, even if a module smuggles one in. Inline style
#: attributes stay allowed because converted illustrations (SVG) carry them; they cannot run code.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'self'; media-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def inline_script_hashes() -> list[str]:
    """CSP hashes of the templates' inline scripts (display settings applied before first paint).

    Hashing them at start-up keeps `script-src` strict: an inline script injected through content can never
    match, while the shell's own one-liners run.
    """
    out = set()
    for template in TEMPLATES.rglob("*.html"):
        for m in re.finditer(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.S):
            digest = hashlib.sha256(m.group(1).encode()).digest()
            out.add("'sha256-" + base64.b64encode(digest).decode() + "'")
    return sorted(out)


def bundle_csp(script_hashes: list[str], connect: str = "") -> str:
    """The policy of a published bundle's pages, given in a <meta> tag (a static server sends no header): the
    server's, with fetches also allowed to `connect` (the ietm server that receives orders), and without
    frame-ancestors, which a <meta> policy cannot carry."""
    policy = CSP.replace("script-src 'self'", " ".join(["script-src 'self'", *script_hashes]))
    policy = policy.replace(" frame-ancestors 'none';", "")
    return policy.replace("connect-src 'self'", f"connect-src 'self' {connect}") if connect else policy


HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp, csp: str = CSP) -> None:
        self.app = app
        self.headers = [(b"content-security-policy", csp.encode())] + HEADERS[1:]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in self.headers if h[0] not in present]
                message["headers"].append((b"server", b"ietm"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over `limit` bytes: by Content-Length at once, or as soon as a stream passes it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _refuse(send, self.limit)
                    return
        seen = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(send, self.limit)


class _TooLarge(Exception):
    pass


async def _refuse(send: Send, limit: int) -> None:
    body = (
        '{"error": {"status": 413, "message": "request body over the limit of %d bytes"}}' % limit
    ).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
