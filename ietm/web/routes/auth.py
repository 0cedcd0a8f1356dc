"""Logging in and out. The login form is protected by a double-submit token, since no session exists yet."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ietm.accounts import ROLES, Throttled
from ietm.web import deps, i18n
from ietm.web.access import LOGIN_CSRF_COOKIE, SESSION_COOKIE, local_path, csrf_field
from ietm.web.deps import page

router = APIRouter(tags=["accounts"])


def _login_page(request: Request, status: int, next: str, csrf: str, say: i18n.Message | None = None) -> HTMLResponse:
    return page(request, "login.html", status, title=i18n.message("login"), next=local_path(next), csrf=csrf,
                 failed=say is not None, message=say)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = _login_page(request, 200, next, token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    name: str = Form(..., max_length=64),
    password: str = Form(..., max_length=1024),
    csrf: str = Form(""),
    next: str = Form("/"),
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf):
        return _login_page(request, 403, next, cookie, i18n.message("form_expired"))
    try:
        session = request.app.state.accounts.login(name, password, request.state.client)
    except Throttled as exc:
        response = _login_page(request, 429, next, cookie, i18n.message("login_throttled", seconds=exc.retry_after))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if session is None:
        return _login_page(request, 401, next, cookie, i18n.message("wrong_login"))
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=8 * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: str = Form("")) -> Response:
    csrf_field(request, csrf)
    request.app.state.accounts.logout(request.state.session.token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/api/me", summary="Who is logged in, their role and what it permits, and the CSRF token for API calls")
def me(request: Request) -> dict:
    session = request.state.session
    if session is None:
        return {"user": None, "role": "anonymous", "permissions": [], "csrf": None}
    return {"user": session.user.name, "role": session.user.role, "clearance": session.user.clearance,
            "permissions": sorted(ROLES.get(session.user.role, ())), "csrf": session.csrf}
