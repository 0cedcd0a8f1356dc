"""Search in the viewer: the `/search` page and the JSON API (`/api/search`, `/api/suggest`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from ietm.index.search import Results
from ietm.web import deps
from ietm.web.searching import SearchService, render_page

router = APIRouter()


def service(request: Request) -> SearchService:
    state = request.app.state
    svc = getattr(state, "search", None)
    if svc is None:
        svc = state.search = SearchService(state.site.csdb)
    return svc


def _with_urls(results: Results, links) -> dict:  # type: ignore[no-untyped-def]
    data = results.to_dict()
    for hit in data["hits"]:
        hit["url"] = links.dm(hit["key"], hit["issue"], hit["language"], hit["section_id"])
    return data


def _types(type_: str | None) -> list[str] | None:
    return [t for t in (type_ or "").split(",") if t] or None


@router.get("/api/search", tags=["search"], summary="Full-text search of the data modules")
def api_search(
    q: str = Query(..., min_length=1, max_length=500, description="Query: words, \"phrase\", prefix*, title:, code:"),
    product: str | None = Query(None, description="Only modules applicable to this product (PCT id)."),
    type: str | None = Query(None, description="Content types, comma-separated (procedural,fault,...)."),
    lang: str | None = Query(None, description="Module language: en or ru."),
    system: str | None = Query(None, description="System code, e.g. DA1."),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=10_000),
    svc: SearchService = Depends(service),
    links=Depends(deps.links),
    hidden=Depends(deps.hidden),
) -> dict:
    """Ranked modules with highlighted snippets (HTML with `<mark>`), facet counts and spelling help."""
    res = svc.search(text=q, product=product, types=_types(type), lang=lang, system=system, limit=limit, offset=offset,
                     hidden=hidden)
    return _with_urls(res, links)


@router.get("/api/suggest", tags=["search"], summary="Search-as-you-type suggestions")
def api_suggest(
    q: str = Query(..., min_length=1, max_length=200),
    product: str | None = Query(None),
    lang: str | None = Query(None),
    svc: SearchService = Depends(service),
    links=Depends(deps.links),
    hidden=Depends(deps.hidden),
) -> dict:
    """Completions of the last word typed and modules whose title or text match what is typed so far."""
    data = svc.suggest(q, product=product, lang=lang, hidden=hidden)
    for m in data["modules"]:
        m["url"] = links.dm(m["key"], None, m["language"])
    return data


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    q: str = Query("", max_length=500),
    product: str | None = Query(None),
    type: str | None = Query(None),
    lang_filter: str | None = Query(None, alias="in"),
    svc: SearchService = Depends(service),
    pages=Depends(deps.pages),
    links=Depends(deps.links),
    lang: str = Depends(deps.language),
    hidden=Depends(deps.hidden),
) -> str:
    results = None
    if q.strip():
        res = svc.search(text=q, product=product, types=_types(type), lang=lang_filter, limit=50, hidden=hidden)
        results = _with_urls(res, links)
        for hit in results["hits"]:
            hit["snippet"] = Markup(hit["snippet"])  # escaped by the highlighter, only <mark> added
    return render_page(pages, links, lang, "/search", results=results, q=q, product=product, type=type,
                       lang_filter=lang_filter, offline_index=None)
