"""Live preview for writers: under `ietm serve --watch` open pages refresh themselves when the CSDB changes
(a long-poll, as MkDocs' live reload does) and show the validation problems of what changed.

The change log is the server database's (ietm.web.changes), so a page learns of a change whichever worker
made it or watched it happen."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Depends, Query, Request

from ietm.web import deps
from ietm.web.changes import change_log
from ietm.web.links import dm_address, pm_address

router = APIRouter(tags=["live preview"])
POLL_SECONDS = 25.0
LOOK_EVERY = 0.25  # seconds between two looks at the change log while a page waits
SCRIPT = b'<script src="/static/js/live.js" defer></script></body>'


class LiveScript:
    """Adds the live-reload script to HTML pages while the server watches (pure ASGI: costs nothing otherwise)."""

    def __init__(self, app, state) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http" or not getattr(self.state, "live_watching", False) \
                or scope["path"].startswith("/edit"):  # the editor's page is the change itself: never reloaded under it
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        body: list[bytes] = []

        async def wrapped(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(body).replace(b"</body>", SCRIPT, 1)
            start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            start["headers"].append((b"content-length", str(len(page)).encode()))
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, wrapped)


def install(app) -> None:
    """Add the long-poll endpoint, and the live-reload script to HTML pages while the server watches."""
    app.include_router(router)
    app.add_middleware(LiveScript, state=app.state)


@router.get("/api/changes", summary="Long-poll: wait for the CSDB to change (live preview)")
async def changes(request: Request, since: int = Query(-1, ge=-1), timeout: float = Query(POLL_SECONDS, gt=0, le=60),
                  hidden=Depends(deps.hidden)) -> dict:
    log = change_log(request.app)
    deadline = time.monotonic() + timeout
    version = await asyncio.to_thread(log.latest)
    while version <= since and time.monotonic() < deadline:
        await asyncio.sleep(LOOK_EVERY)
        version = await asyncio.to_thread(log.latest)
    changed = await asyncio.to_thread(log.since, since if since >= 0 else -1)
    problems = await asyncio.to_thread(log.problems)
    unseen = {dm_address(k) for k in hidden} | {pm_address(k) for k in hidden}  # above the reader's clearance
    return {"version": version, "changed": [k for k in changed if k not in hidden],
            "problems": {a: p for a, p in problems.items() if a not in unseen},
            "watching": bool(getattr(request.app.state, "live_watching", False))}
