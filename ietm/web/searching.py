"""Search for the viewer and the published bundle: one search index per app, opened on the first search and
shared by all requests (each search picks up index changes through Whoosh's cheap searcher refresh), and the
search page's words and shell.
"""

from __future__ import annotations

import threading
from typing import Any

from ietm.index.search import Results, Searching
from ietm.i18n import t, words
from ietm.index.store import SearchIndex
from ietm.render.content.codelists import LISTS, code_name

#: the search page's own words, declared as search_<key> in the one table (ietm.i18n)
STRINGS: dict[str, tuple[str, str]] = {
    "search": ("Search", "Поиск"),
    "search_label": ("Search the manual", "Поиск по руководству"),
    "search_placeholder": ("Words, \"a phrase\", filt*, title:…, code:…", "Слова, «фраза», фильтр*, название:…, код:…"),
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
             "Должны встретиться все слова; кавычки — точная фраза, * — начало слова, название: и код: — поиск по полю."),
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
        self._stale = False

    def changed(self) -> None:
        """The CSDB changed: the next search brings the index up to date first (a scan of the whole CSDB, paid
        by a search, not by every request a worker answers after a write)."""
        self._stale = True

    def searching(self) -> Searching:
        if self._searching is None:
            self.index.update()
            self._searching = Searching(self.index.open())
        else:
            if self._stale:
                self._stale = False
                self.index.update()
            self._searching.refresh()
        return self._searching

    def search(self, **kwargs: Any) -> Results:
        with self._lock:
            return self.searching().search(**kwargs)

    def suggest(self, text: str, **kwargs: Any) -> dict:
        with self._lock:
            return self.searching().suggest(text, **kwargs)


def render_page(pages, links, lang: str, path: str, **values: Any) -> str:  # type: ignore[no-untyped-def]
    """The search page; the static bundle renders it with `offline_index` set and no results."""
    s = strings(lang)
    ctx = pages.base(links, lang, path, title=s["search"], s=s, **values)
    offline = ["js/vendor/snowball.js", "js/offline-search.js"] if values.get("offline_index") else []
    ctx["js"] = [*ctx["js"], *offline, "js/search.js"]
    ctx["css"] = list(dict.fromkeys([*ctx["css"], "css/search.css"]))
    return pages.render("search.html", ctx)
