"""Links inside the static bundle: relative URLs, so the bundle works from any folder of any web server.

Layout: `index.html`, `search.html`, `dm/index.html` (all modules), `products/index.html`,
`dm/<code>_<language>.html` (latest issue of each module, each language), `pm/<code>_<language>.html`,
`icn/<file>` (CGM converted to SVG), `static/...` (viewer assets).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ietm.publish.state import icn_keys
from ietm.web.site import BROWSER_TYPES, Site


@functools.lru_cache(maxsize=1 << 16)
def _quoted(page: str) -> str:
    """A page's path as a URL (each page is linked to from many others)."""
    return quote(page)


def page_name(key: str, language: str | None) -> str:
    """File name of an object's page: its code (without DMC-/PMC-) and language."""
    code = key[4:] if key.startswith(("DMC-", "PMC-")) else key
    return f"{code}_{language}.html" if language else f"{code}.html"


def icn_output(path: Path) -> str:
    """Where an ICN file goes in the bundle: CGM and formats browsers cannot show become SVG."""
    suffix = path.suffix.lower()
    if suffix in BROWSER_TYPES:
        return f"icn/{path.name}"
    return f"icn/{path.name}.svg"


@dataclass
class Plan:
    """What the bundle holds: the page of each (key, language), and the default language of each key."""

    language: str  # interface language of the bundle, which also picks a module's default copy
    pages: dict[tuple[str, str | None], str] = field(default_factory=dict)  # (key, language) -> "dm/x.html"
    default: dict[str, str] = field(default_factory=dict)  # key -> page of its default copy
    by_base: dict[tuple[str, str], str] = field(default_factory=dict)  # (key, "ru") -> first page in that language

    @classmethod
    def of(cls, site: Site, language: str) -> Plan:
        plan = cls(language)
        for key, copies in site.copies.items():
            kind = copies[-1].kind
            if kind not in ("dm", "pm"):
                continue
            folder = "dm" if kind == "dm" else "pm"
            if len(copies) == 1:  # most objects: the one copy's page, which is the default too
                lang = copies[0].language
                page = plan.pages[(key, lang)] = plan.default[key] = f"{folder}/{page_name(key, lang)}"
                if lang:
                    plan.by_base.setdefault((key, lang.split("-")[0].lower()), page)
                continue
            for lang in sorted({c.language for c in copies}, key=lambda x: x or ""):
                obj = site.find(key, None, lang)
                page = plan.pages[(key, obj.language)] = f"{folder}/{page_name(key, obj.language)}"
                if obj.language:
                    plan.by_base.setdefault((key, obj.language.split("-")[0].lower()), page)
            best = site.find(key, None, language)
            plan.default[key] = plan.pages[(key, best.language)]
        return plan

    def page(self, key: str, language: str | None) -> str | None:
        if language is not None and (key, language) in self.pages:
            return self.pages[(key, language)]
        if language is not None:  # same language, other country (ru vs ru-RU)
            page = self.by_base.get((key, language.split("-")[0].lower()))
            if page is not None:
                return page
        return self.default.get(key)


class StaticLinks:
    """ietm.render.Links for one page of the bundle; `prefix` leads from that page back to the bundle root.

    Only the latest issue of each object is published, so a reference to an older issue links to the latest.
    Every illustration a page asks for is remembered, to be converted and copied once, and every object it
    links to (its title, applicability and place are on the page: incremental publishing re-renders the page
    when one of them changes)."""

    def __init__(self, site: Site, plan: Plan, prefix: str, icns: set[Path], language: str | None = None) -> None:
        self.site = site
        self.plan = plan
        self.prefix = prefix
        self.icns = icns
        self.language = language  # content language of the page: its references open in that language too
        self.keys: set[str] = set()

    @property
    def root(self) -> str:
        return self.prefix or "./"

    def dm(self, key: str, issue: str | None = None, language: str | None = None, fragment: str | None = None) -> str | None:
        self.keys.add(key)
        page = self.plan.page(key, language or self.language)
        if page is None:
            return None
        url = self.prefix + _quoted(page)
        return url + "#" + quote(fragment) if fragment else url

    def pm(self, key: str, issue: str | None = None, language: str | None = None) -> str | None:
        self.keys.add(key)
        page = self.plan.page(key, language or self.language)
        return self.prefix + _quoted(page) if page else None

    def icn(self, name: str) -> str | None:
        self.keys.update(icn_keys(name))  # (the page shows it once a file of that name is added)
        path = self.site.icn_path(name)
        if path is None:
            return None
        self.icns.add(path)
        return self.prefix + quote(icn_output(path))

    def static(self, path: str) -> str:
        return self.prefix + "static/" + path.lstrip("/")
