"""What every route needs from a request: the Site, the reader and what they may not know of, the interface
language and the Links."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from ietm.accounts import ANONYMOUS, User
from ietm.errors import NotFound
from ietm.web import i18n
from ietm.web.access import current_user
from ietm.web.links import ServerLinks
from ietm.web.pages import Pages
from ietm.web.site import Site

LANG_COOKIE = "ietm_lang"


def site(request: Request) -> Site:
    return request.app.state.site


def pages(request: Request) -> Pages:
    return request.app.state.pages


def reader(request: Request) -> User:
    """Who is reading: the logged-in user, else the anonymous reader (clearance 01)."""
    return current_user(request) or ANONYMOUS


def hidden(request: Request) -> frozenset[str]:
    """Modules above the reader's clearance: no page or answer names, counts or links to them."""
    return site(request).hidden(reader(request).clearance)


def known(request: Request, key: str) -> str:
    """`key`, unless the reader may not know of it: then the very error of a code the CSDB lacks."""
    if key in hidden(request):
        raise NotFound(i18n.message("not_in_csdb", key=key))
    return key


def language(request: Request) -> str:
    """The reader's choice (`?lang=`, remembered in a cookie by the middleware), else the language the browser
    asks for (Accept-Language), else the `serve.language` setting."""
    default = i18n.pick(request.app.state.site.config.get("serve.language"))
    browser = i18n.negotiate(request.headers.get("accept-language"))
    return i18n.pick(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE), browser or default)


def links(request: Request) -> ServerLinks:
    pm = request.query_params.get("pm")
    s = site(request)
    key = None
    if pm:
        key = pm if pm.upper().startswith("PMC-") else f"PMC-{pm}"
        key = key.upper() if key.upper() in s.publications else None
    return ServerLinks(s, key if key not in hidden(request) else None, hidden(request))


def page(request: Request, template: str, status: int = 200, **extra) -> HTMLResponse:
    """A page of the shared server; words made by i18n.message() (the title, a message) are put in the page's
    language."""
    pages = request.app.state.pages
    lang = language(request)
    ctx = pages.base(ServerLinks(request.app.state.site, None, hidden(request)), lang, request.url.path, user=current_user(request), **extra)
    return HTMLResponse(pages.render(template, ctx), status)
