"""Search in the viewer: the `/search` page and the JSON API (`/api/search`, `/api/suggest`).

The index is opened (and brought up to date) on the first search, then shared by all requests; each search
picks up index changes made since (by `ietm index`, or an upload) through Whoosh's cheap searcher refresh.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from ietm.index.search import Results, Searching
from ietm.i18n import t, words
from ietm.index.store import SearchIndex
from ietm.render.content.codelists import LISTS, code_name
from ietm.web import deps
from ietm.web.access import ANONYMOUS, cleared, current_user

router = APIRouter()

#: the search page's own words, declared as search_<key> in the one table (ietm.i18n)
STRINGS: dict[str, tuple[str, str]] = {
    "search": ("Search", "Поиск"),
    "search_label": ("Search the manual", "Поиск по руководству"),
    "search_placeholder": ("Words, \"a phrase\", filt*, title:…, code:…", "Слова, «фраза», фильтр*, title:…, code:…"),
    "search_button": ("Search", "Найти"),
    "results": ("{n} modules found", "Найдено модулей: {n}"),
    "no_results": ("No module matches your search.", "Ничего не найдено."),
    "did_you_mean": ("Did you mean", "Возможно, вы имели в виду"),
    "showing_for": ("No module matches “{typed}”; showing results for “{query}”.",
                    "По запросу «{typed}» ничего не найдено; показаны результаты для «{query}»."),
    "facet_type": ("Type", "Тип"),
    "facet_system": ("System", "Система"),
    "facet_lang": ("Language", "Язык"),
    "any": ("Any", "Любой"),
    "product_filter": ("Only for the selected product", "Только для выбранного изделия"),
    "offline_index": ("Searching the copy on this device.", "Поиск по копии на этом устройстве."),
    "section": ("in", "раздел"),
    "help": ("Words must all appear; use quotes for a phrase, * for a word's start, title: or code: for a field.",
             "Должны встретиться все слова; кавычки — точная фраза, * — начало слова, title: и code: — поиск по полю."),
}


words({f"search_{key}": pair for key, pair in STRINGS.items()})


def strings(language: str) -> dict[str, Any]:
    """The page's words, with the names of facet values (module types, languages) for the device-side search."""
    out: dict[str, Any] = {k: t(f"search_{k}", language) for k in STRINGS}
    out["names"] = {"type": {k: code_name("content_type", k, language) for k in LISTS["content_type"]},
                    "lang": {k: code_name("language", k, language) for k in LISTS["language"]}}
    return out


class SearchService:
    """One index per app, opened lazily; searches are serialised (each takes a few milliseconds)."""

    def __init__(self, csdb) -> None:  # type: ignore[no-untyped-def]
        self.index = SearchIndex(csdb)
        self._lock = threading.Lock()
        self._searching: Searching | None = None

    def searching(self) -> Searching:
        if self._searching is None:
            self.index.update()
            self._searching = Searching(self.index.open())
        else:
            self._searching.refresh()
        return self._searching

    def search(self, **kwargs: Any) -> Results:
        with self._lock:
            return self.searching().search(**kwargs)

    def suggest(self, text: str, **kwargs: Any) -> dict:
        with self._lock:
            return self.searching().suggest(text, **kwargs)


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
) -> dict:
    """Ranked modules with highlighted snippets (HTML with `<mark>`), facet counts and spelling help."""
    res = svc.search(text=q, product=product, types=_types(type), lang=lang, system=system, limit=limit, offset=offset)
    return _with_urls(res, links)


@router.get("/api/suggest", tags=["search"], summary="Search-as-you-type suggestions")
def api_suggest(
    q: str = Query(..., min_length=1, max_length=200),
    product: str | None = Query(None),
    lang: str | None = Query(None),
    svc: SearchService = Depends(service),
    links=Depends(deps.links),
) -> dict:
    """Completions of the last word typed and modules whose title or text match what is typed so far."""
    data = svc.suggest(q, product=product, lang=lang)
    for m in data["modules"]:
        m["url"] = links.dm(m["key"], None, m["language"])
    return data


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    q: str = Query("", max_length=500),
    product: str | None = Query(None),
    type: str | None = Query(None),
    lang_filter: str | None = Query(None, alias="in"),
    svc: SearchService = Depends(service),
    pages=Depends(deps.pages),
    links=Depends(deps.links),
    lang: str = Depends(deps.language),
) -> str:
    results = None
    if q.strip():
        res = svc.search(text=q, product=product, types=_types(type), lang=lang_filter, limit=50)
        results = _with_urls(res, links)
        user = current_user(request) or ANONYMOUS  # modules above the reader's clearance are not named
        kept = [h for h in results["hits"] if cleared(request.app.state.site, h["key"], h["issue"], user)]
        results["total"] -= len(results["hits"]) - len(kept)
        results["hits"] = kept
        for hit in results["hits"]:
            hit["snippet"] = Markup(hit["snippet"])  # escaped by the highlighter, only <mark> added
    return render_page(pages, links, lang, "/search", results=results, q=q, product=product, type=type,
                       lang_filter=lang_filter, offline_index=None)


def render_page(pages, links, lang: str, path: str, **values: Any) -> str:  # type: ignore[no-untyped-def]
    """The search page; the static bundle renders it with `offline_index` set and no results."""
    s = strings(lang)
    ctx = pages.base(links, lang, path, title=s["search"], s=s, **values)
    offline = ["js/vendor/snowball.js", "js/offline-search.js"] if values.get("offline_index") else []
    ctx["js"] = [*ctx["js"], *offline, "js/search.js"]
    ctx["css"] = list(dict.fromkeys([*ctx["css"], "css/search.css"]))
    return pages.render("search.html", ctx)
