"""Who may do what on a shared server: sessions, roles, clearances, CSRF, and the hardening middleware.

`install(app, site)` wraps the viewer: every request is attributed to a user (or to nobody), anonymous reading
follows `serve.anonymous_read`, modules above a user's clearance do not exist for them (404), and every
request that changes anything must prove it comes from the ietm page (CSRF token).
"""

from __future__ import annotations

import hmac
import logging
import re

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ietm.accounts import ANONYMOUS, Session, User, accounts_over
from ietm.accounts.roles import PERMISSIONS, known_permission
from ietm.catalog.db import normalise_key
from ietm.errors import IetmError
from ietm.intake.gate import clean_stale
from ietm.web import security
from ietm.web.i18n import CodeName, message
from ietm.web.clients import client_address, trusted_networks

log = logging.getLogger("ietm.web")
SESSION_COOKIE = "ietm_session"
LOGIN_CSRF_COOKIE = "ietm_login_csrf"
PUBLIC = ("/login", "/static/", "/favicon.ico", "/sw.js", "/manifest.webmanifest", "/openapi.json", "/docs")
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_GUARDED = re.compile(r"^/(?:api/)?(dm|pm)/([^/?#]+)")
#: API paths whose callers prove who they are with a key of their own (`Authorization: Bearer`), checked by the
#: route: delivered bundles, which hold no session. No cookie is involved, so there is no CSRF to guard against.
BEARER_PATHS: list[str] = []


class AccessControl:
    """Every request attributed to a user (or to nobody) and checked: anonymous reading as `serve.anonymous_read`
    says, a session and a CSRF token for every change, modules above the user's clearance unknown (404).
    Pure ASGI middleware: the checks cost a few microseconds, the session one query when a cookie is sent."""

    def __init__(self, app, accounts, site, anonymous_read: bool, trusted) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.accounts = accounts
        self.site = site
        self.anonymous_read = anonymous_read
        self.trusted = trusted

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self.check(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check(self, request: Request) -> Response | None:
        token = request.cookies.get(SESSION_COOKIE)
        session = self.accounts.session(token) if token else None
        user = session.user if session else None
        request.state.session = session
        request.state.user = user
        request.state.client = client_address(request.client.host if request.client else None,
                                              request.headers.get("x-forwarded-for"), self.trusted)
        path = request.url.path
        public = path.startswith(PUBLIC) or path in ("/login", "/logout")
        bearer = user is None and request.headers.get("authorization", "").startswith("Bearer ") \
            and path.startswith(tuple(BEARER_PATHS))
        if bearer:
            return None
        if user is None and not self.anonymous_read and not public:
            if path.startswith("/api/"):
                return _error(401, message("login_to_read"))
            return RedirectResponse(f"/login?next={local_path(path)}", status_code=303)
        if request.method in MUTATING and path != "/login":
            if session is None:
                return _error(401, message("login_first"))
            csrf = request.headers.get("x-csrf-token")
            is_form = request.headers.get("content-type", "").startswith(FORM_TYPES)
            if csrf is not None:
                if not hmac.compare_digest(csrf, session.csrf):
                    return _error(403, message("csrf_mismatch"))
            elif not is_form:  # forms carry the token as a field, checked by their route (csrf_field)
                return _error(403, message("csrf_missing"))
        guarded = _GUARDED.match(path)
        if guarded and not cleared(self.site, guarded.group(2), request.query_params.get("issue"), user or ANONYMOUS):
            return _error(404, message("no_such_address"))
        return None


def install(app: FastAPI, site) -> None:
    """Add accounts, access control and hardening to the viewer app (call once, in create_app)."""
    app.state.accounts = accounts_over(app.state.db, site.config, site.csdb)
    app.add_middleware(AccessControl, accounts=app.state.accounts, site=site,
                       anonymous_read=bool(site.config.get("serve.anonymous_read")),
                       trusted=trusted_networks(site.config.get("server.trusted_proxies")))


def hardening(app: FastAPI, site) -> None:
    """Security headers on every response and the request body limit: the outermost layers, so that they
    hold for errors, static files and refusals too (call last in create_app)."""
    hashes = " ".join(security.inline_script_hashes())
    csp = security.CSP.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())
    app.add_middleware(security.BodyLimit, limit=int(site.config.get("serve.max_upload_mb")) * 1024 * 1024)
    app.add_middleware(security.SecurityHeaders, csp=csp)


def cleared(site, code: str, issue: str | None, user: User) -> bool:
    """Whether the user may see the object a /dm or /pm address names; unknown codes are left to the route."""
    try:
        key = normalise_key(code)
    except IetmError:
        return True
    copies = site.copies.get(key, [])
    if issue:
        copies = [o for o in copies if o.issue == issue] or copies
    return all(user.cleared_for(o.security) for o in copies) if copies else True


def local_path(path: str) -> str:
    """A redirect target that stays on this server."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": {"status": status, "kind": "Refused" if status == 403 else "Unauthorized"
                                   if status == 401 else "NotFound", "message": message, "where": None}}, status)


def current_user(request: Request) -> User | None:
    return getattr(request.state, "user", None)


def require(permission: str):
    """A dependency: the request's user must have a role that grants `permission` (ietm.accounts.roles)."""
    known_permission(permission)

    def check(request: Request) -> Session:
        session: Session | None = getattr(request.state, "session", None)
        if session is None:
            raise HTTPException(401, message("login_first"))
        if not session.user.may(permission):
            raise HTTPException(403, message("role_may_not", role=CodeName("role", session.user.role),
                                                 what=message(f"may_{permission}")))
        return session

    return check


def csrf_field(request: Request, token: str) -> None:
    """For form posts: the hidden `csrf` field must match the session's token."""
    session: Session | None = getattr(request.state, "session", None)
    if session is None or not hmac.compare_digest(token or "", session.csrf):
        raise HTTPException(403, message("csrf_mismatch"))
