"""The web manual: `create_app(csdb)` builds a FastAPI app over one CSDB (tests pass a temporary one)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException

from ietm import __version__
from ietm.config import Config
from ietm.errors import IetmError
from ietm.orders import web as orders
from ietm.paths import STATIC, state_dir
from ietm.intake.gate import join_writers
from ietm.serverdb import database_url, open_database
from ietm.sign.audit import server_log as server_audit_log
from ietm.web import access, deps, i18n
from ietm.web.changes import ChangeLog, FollowChanges
from ietm.deliver import web as deliveries
from ietm.edit import web as edit
from ietm.usage import web as usage
from ietm.web.links import ServerLinks
from ietm.web.pages import Pages
from ietm.web.routes import api, auth, dm, home, icn, live, pm, products, qa, register, release, remarks, search, upload
from ietm.web.site import Site

log = logging.getLogger("ietm.web")
KEEP_PAGES_MB = 64  # whole module pages kept per worker for repeat visits


def create_app(csdb: Path, config: Config | None = None) -> FastAPI:
    """Open the CSDB once (catalog refreshed, indexes built) and serve it."""
    site = Site(Path(csdb), config)
    app = FastAPI(
        title="ietm web manual",
        version=__version__,
        description="S1000D interactive electronic technical manual. HTML pages at stable addresses "
        "(/dm/<data module code>, /pm/<pm code>, /icn/<file>) and a JSON API under /api.",
    )
    app.state.site = site
    app.state.db = open_database(database_url(site.config, state_dir(site.csdb)))  # the server's own state
    app.state.changes = ChangeLog(app.state.db)
    app.state.audit = server_audit_log(app.state.db, site.csdb)  # one chain for every worker and every command
    app.state.pages = Pages(site, keep_pages_mb=KEEP_PAGES_MB)
    if site.csdb.stat().st_mode & 0o200:
        cleaned, app.state.writers_lock = join_writers(site.csdb)
        if cleaned:
            log.warning("removed %d leftover(s) of interrupted uploads", cleaned)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # one router per resource; each depends on the shared base (access, deps, changes, pages), not on another
    for module in (home, pm, dm, icn, products, api, search, release, auth, upload, remarks, qa, register):
        app.include_router(module.router)
    edit.install(app, site)  # the writers' structured editor: /edit (ietm.edit)
    deliveries.install(app)  # the register of deliveries (/admin/deliveries) and what delivered bundles send
    app.include_router(usage.router)  # how the manual is used: /api/usage, /usage
    app.add_exception_handler(IetmError, _ietm_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
    # middleware, innermost first; all pure ASGI, so a cached page costs little more than its route
    app.add_middleware(RememberLanguage)
    access.install(app, site)  # accounts, roles, clearances, CSRF
    orders.install(app)  # spare-part orders: API, supply desk at /orders, ERP delivery loop; bundle CORS outside access
    app.add_middleware(deliveries.DeliveryCors)  # delivered bundles, from any origin, to the paths they send to
    app.add_middleware(FollowChanges, owner=app)  # what other workers changed, taken in before each request
    live.install(app)  # live preview of `ietm serve --watch`
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # pages and drawings shrink 5-8x for tablets on slow links
    access.hardening(app, site)  # security headers and the body limit, around everything
    return app


class RememberLanguage:
    """`?lang=` remembered in a cookie (pages, not the API); HTML says it varies with Accept-Language and Cookie."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[-1]
        remember = i18n.pick(asked, "") if asked and not scope["path"].startswith(("/static", "/api")) else ""

        async def send_with_language(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if remember:
                    headers.append("set-cookie", f"{deps.LANG_COOKIE}={remember}; Max-Age={365 * 86400}; Path=/; SameSite=lax")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.append("vary", "Accept-Language, Cookie")  # the page's language follows both
            await send(message)

        await self.app(scope, receive, send_with_language)


def _wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, kind: str, message: str, where: str | None = None) -> Response:
    """The one place errors become responses: JSON `{"error": {...}}` for the API, an HTML page otherwise."""
    if _wants_json(request):
        return JSONResponse({"error": {"status": status, "kind": kind, "message": message, "where": where}}, status)
    lang = deps.language(request)
    html = request.app.state.pages.error(status, message, ServerLinks(request.app.state.site), lang, where)
    return HTMLResponse(html, status)


async def _ietm_error(request: Request, exc: IetmError) -> Response:
    if exc.http_status >= 500:
        log.error("%s", exc)
    return error_response(request, exc.http_status, type(exc).__name__, exc.message, exc.where() or None)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    kind = "NotFound" if exc.status_code == 404 else "HTTPError"
    message = i18n.message("no_such_address") if exc.status_code == 404 else exc.detail
    message = message if isinstance(message, str) else str(message)
    return error_response(request, exc.status_code, kind, message)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """A bug, not a user error: logged with its traceback, answered in the same shape as every other error."""
    log.exception("unexpected error on %s", request.url.path)
    try:
        return error_response(request, 500, "InternalError", i18n.message("unexpected"))
    except Exception:  # the error page itself failed: say so in the plainest way
        log.exception("error page failed")
        return PlainTextResponse("500 unexpected error; the server log has the details", 500)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    where = where or "?"
    if first.get("type") == "missing":
        text = i18n.message("param_missing", where=where)
    else:
        text = i18n.message("param_invalid", where=where, detail=first.get("msg", "invalid request"))
    return error_response(request, 422, "InputError", text, where)
