"""Live preview for writers: under `ietm serve --watch` open pages refresh themselves when the CSDB changes
(a long-poll, as MkDocs' live reload does) and show the validation problems of what changed."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ietm.web import deps
from ietm.web.changes import state
from ietm.web.links import dm_address, pm_address

router = APIRouter(tags=["live preview"])
POLL_SECONDS = 25.0


def install(app) -> None:
    """Add the long-poll endpoint, and the live-reload script to HTML pages while the server watches."""
    app.include_router(router)

    @app.middleware("http")
    async def inject_live_script(request: Request, call_next):
        response = await call_next(request)
        if not getattr(app.state, "live_watching", False) or not response.headers.get("content-type", "").startswith("text/html"):
            return response
        if request.url.path.startswith("/edit"):  # the editor's page is the change itself: never reloaded under it
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])
        body = body.replace(b"</body>", b'<script src="/static/js/live.js" defer></script></body>', 1)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(body, response.status_code, headers)


@router.get("/api/changes", summary="Long-poll: wait for the CSDB to change (live preview)")
async def changes(request: Request, since: int = Query(-1, ge=-1), timeout: float = Query(POLL_SECONDS, gt=0, le=60),
                  hidden=Depends(deps.hidden)) -> dict:
    live = state(request.app)

    def wait() -> None:
        with live.condition:
            live.condition.wait_for(lambda: live.version > since, timeout=timeout)

    if live.version <= since:
        await asyncio.to_thread(wait)
    unseen = {dm_address(k) for k in hidden} | {pm_address(k) for k in hidden}  # above the reader's clearance
    return {"version": live.version, "changed": [k for k in live.changed if k not in hidden],
            "problems": {a: p for a, p in live.problems.items() if a not in unseen},
            "watching": bool(getattr(request.app.state, "live_watching", False))}
