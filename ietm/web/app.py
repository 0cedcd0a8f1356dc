"""The web manual: `create_app(csdb)` builds a FastAPI app over one CSDB (tests pass a temporary one)."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from ietm import __version__
from ietm.config import Config
from ietm.errors import IetmError
from ietm.paths import STATIC, state_dir
from ietm.serverdb import database_url, open_database
from ietm.web import access, deps, i18n
from ietm.edit import web as edit
from ietm.web.links import ServerLinks
from ietm.web.pages import Pages
from ietm.web.routes import api, auth, dm, home, icn, live, pm, products, qa, register, release, remarks, search, upload
from ietm.web.site import Site

log = logging.getLogger("ietm.web")


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
    app.state.pages = Pages(site)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # one router per resource; each depends on the shared base (access, deps, changes, pages), not on another
    for module in (home, pm, dm, icn, products, api, search, release, auth, upload, remarks, qa, register):
        app.include_router(module.router)

    @app.middleware("http")
    async def remember_language(request: Request, call_next):
        response = await call_next(request)
        asked = request.query_params.get("lang")
        if asked and i18n.pick(asked, "") and not request.url.path.startswith(("/static", "/api")):
            response.set_cookie(deps.LANG_COOKIE, i18n.pick(asked), max_age=365 * 86400, samesite="lax")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.append("Vary", "Accept-Language, Cookie")  # the page's language follows both
        return response

    access.install(app, site)  # accounts, roles, clearances, CSRF, security headers, body limit
    edit.install(app, site)  # the writers' structured editor: /edit (ietm.edit)
    live.install(app)  # live preview of `ietm serve --watch`
    app.add_exception_handler(IetmError, _ietm_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # pages and drawings shrink 5-8x for tablets on slow links
    return app


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
