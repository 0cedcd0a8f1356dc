"""One CSDB as the viewer sees it: catalog, indexes of ICN files and titles, publication trees, applicability.

Built once at start-up (never per request): the catalog is refreshed, then every lookup a page needs is a dict
access. Rendering itself stays pure (ietm.render); this object only answers "where is it" and "what is it".
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.bulk import without_cycle_collection
from ietm.catalog import Catalog
from ietm.catalog.db import _issue_order, normalise_key
from ietm.config import Config, load_config
from ietm.errors import IetmError, InputError, NotFound
from ietm.parse.codes import Issue, Language, PmCode
from ietm.parse.loader import Loaded, load
from ietm.parse.model import CsdbObject, cir_target, dm_ref_key
from ietm.paths import state_dir
from ietm.web.derived import Derived
from ietm.web.i18n import message

log = logging.getLogger("ietm.web")

ISSUE_RE = re.compile(r"^\d{3}-\d{2}$")
BROWSER_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".pdf": "application/pdf",
}


@dataclass
class TocItem:
    """One reference in a publication's table of contents."""

    kind: str  # dm | pm | external
    key: str
    title: str
    issue: str | None = None
    language: str | None = None
    applic: dict | None = None


@dataclass
class TocEntry:
    """A pmEntry: a titled group of items and further entries."""

    title: str
    children: list[TocEntry | TocItem] = field(default_factory=list)
    applic: dict | None = None


@dataclass
class Publication:
    obj: CsdbObject
    short_title: str
    toc: TocEntry
    order: list[tuple[TocItem, list[str]]]  # data modules in reading order, with their entry titles


class Site:
    """The viewer's model of one CSDB."""

    def __init__(self, csdb: Path, config: Config | None = None) -> None:
        self.csdb = Path(csdb).resolve()
        if not self.csdb.is_dir():
            raise NotFound("not a CSDB folder", str(csdb))
        self.config = config or load_config(self.csdb)
        self.catalog = Catalog.open(self.csdb)
        with without_cycle_collection():
            self.catalog.refresh()  # what changed while no server ran is recorded for the running ones (Catalog.refresh)
        self.cache_dir = state_dir(self.csdb) / "cache"
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._loaded: OrderedDict[tuple[str, int], Loaded] = OrderedDict()
        self._loaded_guard = threading.Lock()  # requests run on several threads
        self._module_applic: dict[tuple[str, int], dict | None] = {}
        self._uses: dict[tuple[int, str, str, str], list[tuple[str, str]]] = {}  # where repository entries are used
        self._property_names: dict[tuple[int, str], tuple[dict[str, str], dict[tuple[str, str], str]]] = {}
        self._hidden: dict[tuple[int, str], frozenset[str]] = {}
        self._placements: dict[tuple, dict] = {}  # reading-order places, per publication and per language (placement)
        self.generation = 0  # counts index() calls: what was derived from an older index is stale
        # (shape, key -> generation): the last generation whose change any page may show, and per key the last
        # since then that changed what that key's page shows (Site.stamp)
        self._stamps: tuple[int, dict[str, int]] = (0, {})
        self._repository_keys: tuple[int, set[str]] = (-1, set())  # (shape, keys of the repository modules)
        self._derived = Derived(state_dir(self.csdb))  # publication outlines and repository entries, kept
        self._repository_modules: dict[str, dict[tuple[str, str], etree._Element]] = {}  # read on first use
        self._repository_guard = threading.Lock()
        self.index()

    # -- indexes -----------------------------------------------------------------------------------------

    def index(self) -> None:
        """Read what pages need from the catalog once: titles, issues, ICN files, publications, products.

        Everything is built aside and swapped in at the end, so requests served while `serve --watch`
        re-indexes see the old index or the new one, not half of each."""
        with without_cycle_collection():  # half of the time at 100,000 modules (ietm.bulk)
            self._index()

    def _index(self) -> None:
        copies: dict[str, list[CsdbObject]] = {}
        icn_files: list[Path] = []
        for obj in self.catalog.objects(state="all"):
            if obj.kind == "icn":
                icn_files.append(Path(obj.path))
                continue
            copies.setdefault(obj.key, []).append(obj)
        for found in copies.values():
            if len(found) > 1:  # most objects have one copy
                found.sort(key=_copy_order)
        latest = {key: found[-1] for key, found in copies.items()}
        titles = {k: o.title for k, o in latest.items()}
        titles_in: dict[str, dict[str, str]] = {}  # language (ru, en...) -> key -> title of its latest copy in it
        for key, found in copies.items():
            _add_titles(titles_in, key, found)
        publications: dict[str, Publication] = {}  # key -> the default copy (latest, English first)
        publication_copies: dict[str, Publication] = {}  # path -> each language's latest issue
        shown: dict[str, dict[str, str]] = {}
        for key in sorted(latest):
            self._build_publication(key, copies, titles, titles_in, publications, publication_copies, shown)
        repositories = self._repositories(copies)
        self._derived.forget_others({o.path for found in copies.values() for o in found})
        self._derived.save()
        self._install(copies, latest, titles, titles_in, *_icn_tables(icn_files), publications, publication_copies,
                      None, repositories)  # every page may differ

    def update(self, keys: Iterable[str]) -> None:
        """Take in a change to some objects only (the change log names them), as `index` would but without
        reading the whole catalog again: their copies are read again, and what depends on them is rebuilt —
        their publications and those that list them (titles, what the CSDB holds), the ICN files, the
        repositories or applicability tables when such a module changed. Swapped in whole, like `index`."""
        keys = set(keys)
        copies, latest, titles = dict(self.copies), dict(self.latest), dict(self.titles)
        titles_in = {language: dict(found) for language, found in self._titles_in.items()}
        publications, publication_copies = dict(self.publications), dict(self._publication_copies)
        icns, icn_stems = self.icns, self.icn_stems
        applicability, repositories = self._applicability, self._repository_entries
        rebuild: set[str] = set()  # publications to build again
        listed_in: set[str] = set()  # keys whose presence or titles changed: the publications listing them follow
        tables = False  # illustrations, repositories or applicability tables changed: any page may show them
        for key in sorted(keys):
            fresh = sorted(self.catalog.objects(key=key), key=_copy_order)
            if key.startswith("ICN-") or any(o.kind == "icn" for o in fresh):
                icns, icn_stems = _icn_tables([Path(o.path) for o in self.catalog.objects(kind="icn")])
                tables = True
                continue
            old = copies.pop(key, [])
            latest.pop(key, None)
            titles.pop(key, None)
            for found in titles_in.values():
                found.pop(key, None)
            for o in old:
                publication_copies.pop(o.path, None)
            publications.pop(key, None)
            if fresh:
                copies[key], latest[key], titles[key] = fresh, fresh[-1], fresh[-1].title
                _add_titles(titles_in, key, fresh)
            if {(o.language, o.title) for o in old} != {(o.language, o.title) for o in fresh}:
                listed_in.add(key)
            kinds = {(o.kind, o.content_type) for o in (*old, *fresh)}
            if ("dm", "comrep") in kinds:
                repositories = None
            if kinds & {("dm", "act"), ("dm", "cct"), ("dm", "pct"), ("dm", "comrep")}:
                applicability, tables = None, True
            if any(o.kind == "pm" for o in (*old, *fresh)):
                rebuild.add(key)
        for key in listed_in:
            rebuild.update(o.key for o, _ in self.catalog.referrers(key) if o.kind == "pm")
        shown: dict[str, dict[str, str]] = {}
        for key in sorted(rebuild):
            if key in latest:
                for o in copies[key]:
                    publication_copies.pop(o.path, None)
                publications.pop(key, None)
                self._build_publication(key, copies, titles, titles_in, publications, publication_copies, shown)
        if repositories is None:
            repositories = self._repositories(copies)
        self._derived.save()
        # a change to some modules' own files, their titles and languages the same and no publication, table or
        # illustration among them, shows on their pages and on the pages that refer to them (the issue a link
        # pins is kept when it exists, and dropped when it is the latest), and in what repository modules list
        # as their entries' uses: every other kept page stays as it is
        touched = None if tables or listed_in or rebuild else self._touched_by(keys)
        asked = {clearance: found for (generation, clearance), found in self._hidden.items()
                 if generation == self.generation}
        self._install(copies, latest, titles, titles_in, icns, icn_stems, publications, publication_copies,
                      applicability, repositories, touched)
        # the modules above each clearance asked for so far: only those changed can have come or gone (worked out
        # whole, it walked every copy of the CSDB on the first request after each write: 0.1 s at 100,000)
        self._hidden = {(self.generation, clearance): (found - keys) | {k for k in keys if _above(copies.get(k, ()), clearance)}
                        for clearance, found in asked.items()}

    def _touched_by(self, keys: Iterable[str]) -> set[str]:
        """The keys whose pages show a change made to these modules' own files (update)."""
        touched = set(keys)
        for key in keys:
            touched.update(o.key for o, _ in self.catalog.referrers(key) if o.key)
        shape, repositories = self._repository_keys
        if shape != self.shape:  # which modules are repositories changes only with a change of shape
            repositories = {k for k, o in self.latest.items() if o.kind == "dm" and o.content_type == "comrep"}
            self._repository_keys = (self.shape, repositories)
        return touched | repositories

    @property
    def shape(self) -> int:
        """The generation of the last change that any page may show (what derives from the whole CSDB, such as
        the applicability panel and reading order, is kept under this)."""
        return self._stamps[0]

    def stamp(self, key: str) -> tuple[int, int]:
        """What a kept page of `key` (or what it was rendered from) is valid for: the last change any page may
        show, and the last since then that this key's page shows. A write of one module re-renders its page and
        those of its referrers, not the whole CSDB's (at 10,000 modules a page costs a few ms of CPU, per worker)."""
        shape, touched = self._stamps
        return shape, touched.get(key, 0)

    def _build_publication(self, key: str, copies: dict[str, list[CsdbObject]], titles: dict[str, str],
                           titles_in: dict[str, dict[str, str]], publications: dict[str, Publication],
                           publication_copies: dict[str, Publication], shown: dict[str, dict[str, str]]) -> None:
        """The publication tree of each language's latest issue of a PM (nothing for another kind of object).
        `shown` keeps, per language, the titles a publication in it shows, merged once for all publications:
        merged for each one, start-up was quadratic (35 s of CPU at 100,000 modules and 5,264 publications)."""
        if copies[key][-1].kind != "pm":
            return
        by_language: dict[str | None, CsdbObject] = {}
        for c in copies[key]:  # oldest first, so the latest issue of each language wins
            by_language[c.language] = c
        for obj in by_language.values():
            language = (obj.language or "")[:2].lower()
            if language not in shown:
                shown[language] = {**titles, **titles_in.get(language, {})}
            try:
                publication_copies[obj.path] = self._publication(obj, copies, shown[language])
            except (IetmError, OSError) as exc:  # OSError: removed since the catalog's refresh
                log.warning("publication not readable: %s", exc)
        if copies[key][-1].path in publication_copies:
            publications[key] = publication_copies[copies[key][-1].path]

    def _install(self, copies, latest, titles, titles_in, icns, icn_stems, publications, publication_copies,
                 applicability, repositories, touched: set[str] | None = None) -> None:  # type: ignore[no-untyped-def]
        """Swap a new model in; `touched`, when only some keys' pages may differ, names them (else every page may)."""
        if repositories is not getattr(self, "_repository_entries", None):
            with self._repository_guard:  # the modules read for the older index are not those of the new one
                self._repository_modules = {}
        (self.copies, self.latest, self.titles, self._titles_in, self.icns, self.icn_stems, self.publications,
         self._publication_copies, self._applicability, self._repository_entries, self._repository_lookups) = (
            copies, latest, titles, titles_in, icns, icn_stems, publications, publication_copies, applicability,
            repositories, {})
        generation = self.generation + 1
        shape, touched_at = self._stamps
        stamps = (generation, {}) if touched is None else (shape, {**touched_at, **dict.fromkeys(touched, generation)})
        self.generation, self._stamps = generation, stamps  # the model first: a page stamped new reads it new

    # -- common information repositories (ietm.render.content.cir) ---------------------------------------

    def _repositories(self, copies: dict[str, list[CsdbObject]]) -> dict[str, dict[tuple[str, str], str]]:
        """language -> (kind, ident) -> the file of the repository module that holds that entry, from the latest
        issue of each repository module in each language (the first module by key wins). Procedures show
        warnings, tools and parts by these entries; the idents each module holds are kept (ietm.web.derived),
        and a module is read when a page first shows one of its entries (`_repository_entry`)."""
        from ietm.render.content.cir import index_repository

        held: dict[str, list[tuple[str, list]]] = {}  # language -> (file, its idents) of each module, by key
        for key in sorted(copies):
            by_language: dict[str, CsdbObject] = {}
            for c in copies[key]:  # oldest first, so the latest issue of each language wins
                if c.kind == "dm" and c.content_type == "comrep":
                    by_language[c.language or ""] = c
            for language, obj in by_language.items():
                try:
                    idents = self._derived.get("comrep", obj.path, lambda: [
                        ident for ident, _ in index_repository(load(obj.path, Path(obj.path).name).root)])
                except (IetmError, OSError) as exc:
                    log.warning("repository module not readable: %s", exc)
                    continue
                held.setdefault(language, []).append((obj.path, idents))
        out: dict[str, dict[tuple[str, str], str]] = {}
        for language, modules in held.items():
            entries = out[language] = {}
            for path, idents in reversed(modules):  # the first module holding an ident wins: it is written last
                entries.update(dict.fromkeys(idents, path))
        return out

    def _repository_entry(self, path: str, kind: str, ident: str) -> etree._Element | None:
        """An entry of a repository module, the module read on first use (None if it no longer holds it)."""
        entries = self._repository_modules.get(path)
        if entries is None:
            from ietm.render.content.cir import index_repository

            with self._repository_guard:
                entries = self._repository_modules.get(path)
                if entries is None:
                    try:
                        root = load(path, Path(path).name).root
                    except (IetmError, OSError) as exc:
                        log.warning("repository module not readable: %s", exc)
                        root = None
                    entries = {}
                    for found, entry in index_repository(root) if root is not None else ():
                        entries.setdefault(found, entry)
                    self._repository_modules[path] = entries
        return entries.get((kind, ident))

    def render_context(self, obj: CsdbObject, doc: Loaded, links, language: str,
                       unknown: Callable[[etree._Element], None],
                       titles: Callable[[str], str | None] | None = None):
        """Everything the renderers may know of this CSDB for one object: the viewer's pages, the static bundle
        and the printed publication (ietm.paper) render through the same context. Repository references
        (warnings, tools, parts...) resolve in the module's own language where both exist."""
        from ietm.render.context import RenderContext

        try:
            applicability = self.applicability
        except Exception as exc:  # tables that cannot be read must not take the page down
            log.warning("applicability tables not readable: %s", exc)
            applicability = None
        return RenderContext(links, language, obj, doc, titles or self.title_lookup(obj.language), unknown,
                             repository=self.repository(obj.language), applicability=applicability,
                             uses=self.uses(obj.language), property_names=self.property_names(obj.language))

    def repository(self, language: str | None) -> Callable[[str, str], etree._Element | None]:
        """The repository lookup for a page in this content language: that language's entries first, then the
        same language of another country, then English, then any (a repository not yet translated still shows)."""
        lookups = self._repository_lookups
        found = lookups.get(language or "")
        if found is not None:
            return found
        wanted = (language or "").lower()
        order = sorted(self._repository_entries.items(), key=lambda item: (
            item[0].lower() != wanted, item[0].lower()[:2] != wanted[:2], not item[0].lower().startswith("en"),
            item[0]))
        tables = [table for _, table in order]
        entry_in = self._repository_entry

        def lookup(kind: str, ident: str) -> etree._Element | None:
            for table in tables:
                path = table.get((kind, ident))
                entry = entry_in(path, kind, ident) if path is not None else None
                if entry is not None:
                    return entry
            return None

        lookups[language or ""] = lookup
        return lookup

    def title_lookup(self, language: str | None) -> Callable[[str], str | None]:
        """key -> title in this language (ru-RU or ru) where a copy in it exists, else the default copy's title."""
        own = self._titles_in.get((language or "")[:2].lower(), {})
        titles = self.titles
        return lambda key: own.get(key) or titles.get(key)

    def property_names(self, language: str | None) -> Callable[[str], str | None]:
        """Product attribute or condition ident -> the name the CSDB's ACTs and CCTs give it, from their copies
        in `language` where they exist (read once per index and language)."""
        return self._applic_words(language)[0].get

    def value_labels(self, language: str | None) -> dict[tuple[str, str], str]:
        """(attribute or condition ident, value) -> the label its enumeration gives the value, in `language`."""
        return self._applic_words(language)[1]

    def _applic_words(self, language: str | None) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        lang = (language or "")[:2].lower()
        shape = self.shape  # the tables are the same until such a change
        key = (shape, lang)
        found_words = self._property_names.get(key)
        if found_words is None:
            names: dict[str, str] = {}
            labels: dict[tuple[str, str], str] = {}
            for found in self.copies.values():
                tables = [c for c in found if c.kind == "dm" and c.content_type in ("act", "cct")]
                if not tables:
                    continue
                mine = [c for c in tables if (c.language or "")[:2].lower() == lang] or tables
                try:
                    root = load(mine[-1].path, Path(mine[-1].path).name).root
                except IetmError as exc:
                    log.warning("applicability table not readable: %s", exc)
                    continue
                types = {t.get("id"): t for t in root.iter("condType") if t.get("id")}
                for el in root.iter("productAttribute", "cond"):
                    name = _text(el.find("displayName")) or _text(el.find("name"))
                    if not el.get("id"):
                        continue
                    if name:
                        names.setdefault(el.get("id"), name)
                    # a condition's values are its type's
                    source = types.get(el.get("condTypeRefId") or "", el) if el.tag == "cond" else el
                    for enum in source.iterfind("enumeration"):
                        if enum.get("enumerationLabel"):
                            for value in (enum.get("applicPropertyValues") or "").split("|"):
                                labels.setdefault((el.get("id"), value.strip()), enum.get("enumerationLabel"))
            self._property_names = {k: v for k, v in self._property_names.items() if k[0] == shape}
            found_words = self._property_names[key] = (names, labels)
        return found_words

    def uses(self, language: str | None) -> Callable[[str, str], list[tuple[str, str]]]:
        """(kind, ident) -> [(key, title)] of the data modules that refer to that repository entry, titled in
        `language` where a copy in it exists (the catalog keeps these references; ietm.parse.model.CIR_REFS)."""
        title = self.title_lookup(language)
        generation = self.generation

        def lookup(kind: str, ident: str) -> list[tuple[str, str]]:
            key = (generation, (language or "")[:2].lower(), kind, ident)
            found = self._uses.get(key)
            if found is None:
                with self._loaded_guard:
                    rows = self.catalog.referrers(cir_target(kind, ident), "cir")
                keys = sorted({o.key for o, _ in rows if o.kind == "dm" and o.key in self.latest})
                found = [(k, title(k) or k) for k in keys]
                if len(self._uses) > 10_000:  # what older generations asked (a server takes writes for months)
                    self._uses = {k: v for k, v in self._uses.items() if k[0] == self.generation}
                self._uses[key] = found
            return found

        return lookup

    @property
    def applicability(self):
        """The ACT/CCT/PCT of the CSDB, read on first use (ietm.applic); not kept when a change was taken in while
        they were read (a save on another thread): the next use reads them again."""
        found = self._applicability
        if found is None:
            from ietm.applic import Applicability

            generation = self.generation
            found = Applicability.for_csdb(self.catalog)
            if self.generation == generation:
                self._applicability = found
        return found

    def data_modules(self, hidden: frozenset[str] = frozenset()) -> list[CsdbObject]:
        return [o for k, o in sorted(self.latest.items()) if o.kind == "dm" and k not in hidden]

    def hidden(self, clearance: str | None) -> frozenset[str]:
        """Keys of the data and publication modules a reader of this clearance may not know of: those with a copy
        classified above it. Their titles, codes and counts appear nowhere for that reader. None hides nothing
        (the publisher, which has no reader)."""
        if clearance is None:
            return frozenset()
        stamp = (self.generation, clearance)
        found = self._hidden.get(stamp)
        if found is None:
            found = frozenset(k for k, copies in self.copies.items() if _above(copies, clearance))
            self._hidden = {**{s: v for s, v in self._hidden.items() if s[0] == self.generation}, stamp: found}
        return found

    # -- lookups -----------------------------------------------------------------------------------------

    def key(self, code: str, kind: str) -> str:
        """A code as typed in an address (with or without DMC-/PMC-) -> catalog key; NotFound when malformed."""
        try:
            key = normalise_key(code)
        except IetmError:
            raise NotFound(message("not_dm_code" if kind == "dm" else "not_pm_code", code=code)) from None
        prefix = ("DMC-", "DME-") if kind == "dm" else ("PMC-",)
        if not key.startswith(prefix):
            raise NotFound(message("not_dm_code" if kind == "dm" else "not_pm_code", code=code))
        return key

    def find(self, key: str, issue: str | None = None, language: str | None = None) -> CsdbObject:
        """The copy of an object to show: that issue (else the latest), in that language where it exists."""
        copies = self.copies.get(key)
        if not copies:
            raise NotFound(message("not_in_csdb", key=key))
        if issue is None and len(copies) == 1:  # most objects have one copy (Plan.of asks 31,000 times at 10,000)
            return copies[0]
        if issue is not None:
            if not ISSUE_RE.match(issue):
                raise InputError(message("bad_issue", issue=issue))
            copies = [c for c in copies if c.issue == issue]
            if not copies:
                known = ", ".join(sorted({c.issue or "?" for c in self.copies[key]}))
                raise NotFound(message("no_issue", key=key, issue=issue, known=known))
        if language:
            wanted = language.lower()
            exact = [c for c in copies if (c.language or "").lower() == wanted]
            same = [c for c in copies if (c.language or "").lower()[:2] == wanted[:2]]
            copies = exact or same or copies  # not in that language: the newest issue, English first
        best_issue = max(_issue_order(c.issue) for c in copies)
        copies = [c for c in copies if _issue_order(c.issue) == best_issue]
        return sorted(copies, key=lambda o: (o.language or "").startswith("en"))[-1]

    def load(self, obj: CsdbObject) -> Loaded:
        """Parse an object's file, keeping recent parses (keyed by mtime, so an edited file is read again)."""
        path = Path(obj.path)
        stamp = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
        with self._loaded_guard:
            doc = self._loaded.get(stamp)
            if doc is not None:
                self._loaded.move_to_end(stamp)
                return doc
        doc = load(path, path.name)
        with self._loaded_guard:
            self._loaded[stamp] = doc
            while len(self._loaded) > 64:
                self._loaded.popitem(last=False)
        return doc

    def module_applic(self, key: str) -> dict | None:
        """The JSON applicability (ietm.applic) of a module's latest issue as a whole, from its status section."""
        obj = self.latest.get(key)
        if obj is None or obj.kind != "dm" or not obj.applic:
            return None
        path = Path(obj.path)
        stamp = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
        with self._loaded_guard:
            if stamp in self._module_applic:
                return self._module_applic[stamp]
        from ietm.applic import to_json

        try:
            applic = self.load(obj).root.find("identAndStatusSection/dmStatus/applic")
        except IetmError:
            applic = None
        result = to_json(applic) if applic is not None else None
        with self._loaded_guard:
            self._module_applic[stamp] = result
        return result

    def icn_path(self, name: str) -> Path | None:
        """The file for an ICN file name or ICN code, matched in any letter case (real CSDBs differ in case)."""
        lower = name.lower()
        return self.icns.get(lower) or self.icn_stems.get(lower) or self.icn_stems.get(lower.rsplit(".", 1)[0])

    # -- CGM conversion cache ------------------------------------------------------------------------------

    def converted_svg(self, path: Path) -> Path:
        """The SVG of a CGM file, converted once and kept in the state folder until the CGM changes."""
        from ietm.render.cgm import VERSION, cgm_to_svg

        st = path.stat()
        tag = hashlib.sha1(f"{path.name}:{st.st_size}:{st.st_mtime_ns}:{VERSION}".encode()).hexdigest()[:12]
        out = self.cache_dir / f"{path.stem}-{tag}.svg"
        if out.exists():
            return out
        with self._lock(str(out)):
            if out.exists():
                return out
            svg = cgm_to_svg(path.read_bytes(), path.name)
            if svg.skipped:
                log.info("%s: CGM elements not drawn: %s", path.name, dict(svg.skipped))
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(svg.text)
            os.replace(tmp, out)
        return out

    def _lock(self, name: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(name, threading.Lock())

    # -- publications --------------------------------------------------------------------------------------

    def _publication(self, obj: CsdbObject, copies: dict[str, list[CsdbObject]], titles: dict[str, str]) -> Publication:
        """A publication's tree from its outline (read from the file once, then kept: ietm.web.derived), with the
        titles of what it lists as the CSDB has them now where the module gives none."""
        short, entries = self._derived.get("pm", obj.path, lambda: _outline(obj.path))
        toc = TocEntry(obj.title)
        order: list[tuple[TocItem, list[str]]] = []
        for entry in entries:
            toc.children.append(_toc_entry(entry, order, [], titles))
        order = [o for o in order if o[0].key in copies]  # reading order skips what the CSDB lacks
        return Publication(obj, short, toc, order)

    def publication(self, key: str, language: str | None = None) -> Publication:
        """A publication in the language asked for where it exists (latest issue)."""
        obj = self.find(key, None, language)
        pub = self._publication_copies.get(obj.path)
        if pub is None:
            raise NotFound(message("not_publication", key=key))
        return pub

    def placement(self, key: str, pm: str | None = None, language: str | None = None,
                  hidden: frozenset[str] = frozenset()) -> tuple[Publication, int] | None:
        """Where a data module sits in reading order: the publication asked for, else the first that holds it
        (of those the reader may know of)."""
        if pm in self.publications and pm not in hidden:
            pub = self.publication(pm, language)
            i = self._positions(pub).get(key)
            if i is not None:
                return pub, i
        return self._first_placements(language, hidden).get(key)

    def _positions(self, pub: Publication) -> dict[str, int]:
        """key -> its first place in a publication's reading order (worked out once per publication copy)."""
        stamp = (self.shape, pub.obj.path)  # publications are built again only by a change of shape
        found = self._placements.get(stamp)
        if found is None:
            found = {}
            for i, (item, _) in enumerate(pub.order):
                found.setdefault(item.key, i)
            self._placements[stamp] = found
        return found

    def _first_placements(self, language: str | None, hidden: frozenset[str]) -> dict[str, tuple[Publication, int]]:
        """key -> (publication, place) in the first publication that holds it, for one language and clearance:
        a page then finds its place without walking every publication (quadratic in a large CSDB)."""
        shape = self.shape
        stamp = (shape, language, hidden)
        found = self._placements.get(stamp)
        if found is None:
            found = {}
            for k in self.publications:
                if k in hidden:
                    continue
                pub = self.publication(k, language)
                for item_key, i in self._positions(pub).items():
                    found.setdefault(item_key, (pub, i))
            self._placements = {s: v for s, v in self._placements.items() if s[0] == shape}
            self._placements[stamp] = found
        return found


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


# -- a publication's outline: what its file says, as plain tuples (kept by ietm.web.derived) ------------------
# entry: ("entry", title, applic, [children]); ("dm", key, title, issue, language, applic);
# ("pm", key, title, applic); ("external", code, title). Titles are "" where the module gives none.


def _outline(path: str) -> tuple[str, list[tuple]]:
    """(short title, top-level entries) of a publication module's file."""
    root = load(path, Path(path).name).root
    applics = _applics(root)
    content = root.find("content")
    entries = [_outline_entry(el, applics) for el in content if el.tag == "pmEntry"] if content is not None else []
    return _text(root.find("identAndStatusSection/pmAddress/pmAddressItems/shortPmTitle")), entries


def _outline_entry(el: etree._Element, applics: dict) -> tuple:
    children: list[tuple] = []
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "pmEntry":
            children.append(_outline_entry(child, applics))
        elif tag == "dmRef":
            item = _outline_dm(child, applics)
            if item is not None:
                children.append(item)
        elif tag == "pmRef":
            code = child.find("pmRefIdent/pmCode")
            if code is None:
                continue
            try:
                key = f"PMC-{PmCode.from_xml(code)}"
            except IetmError:
                continue
            children.append(("pm", key, _text(child.find("pmRefAddressItems/pmTitle")),
                             applics.get(child.get("applicRefId") or "")))
        elif tag == "externalPubRef":
            title = _text(child.find("externalPubRefIdent/externalPubTitle")) or _text(child)
            children.append(("external", _text(child.find("externalPubRefIdent/externalPubCode")), title))
    return ("entry", _text(el.find("pmEntryTitle")), applics.get(el.get("applicRefId") or ""), children)


def _outline_dm(el: etree._Element, applics: dict) -> tuple | None:
    ident = el.find("dmRefIdent")
    key = dm_ref_key(ident) if ident is not None else None
    if key is None:
        return None
    t = el.find("dmRefAddressItems/dmTitle")
    title = ""
    if t is not None:
        tech, info = _text(t.find("techName")), _text(t.find("infoName"))
        title = f"{tech} - {info}" if info else tech
    issue = Issue.from_xml(ident.find("issueInfo"))
    lang = Language.from_xml(ident.find("language"))
    return ("dm", key, title, str(issue) if issue else None, str(lang) if lang else None,
            applics.get(el.get("applicRefId") or ""))


def _toc_entry(entry: tuple, order: list, trail: list[str], titles: dict[str, str]) -> TocEntry:
    """A pmEntry of an outline as the viewer shows it; its modules appended to the reading `order`."""
    _, title, applic, children = entry
    out = TocEntry(title, applic=applic)
    here = trail + [title] if title else trail
    for child in children:
        kind = child[0]
        if kind == "entry":
            out.children.append(_toc_entry(child, order, here, titles))
        elif kind == "dm":
            _, key, shown, issue, language, item_applic = child
            item = TocItem("dm", key, shown or titles.get(key, ""), issue, language, item_applic)
            out.children.append(item)
            order.append((item, here))
        elif kind == "pm":
            _, key, shown, item_applic = child
            out.children.append(TocItem("pm", key, shown or titles.get(key, ""), applic=item_applic))
        else:
            out.children.append(TocItem("external", child[1], child[2]))
    return out


def _applics(root: etree._Element) -> dict[str, dict]:
    """applic id -> JSON expression (ietm.applic) of a module's referencedApplicGroup."""
    from ietm.applic import to_json

    out = {}
    for applic in root.iterfind(".//referencedApplicGroup/applic"):
        if applic.get("id"):
            js = to_json(applic)
            if js is not None:
                out[applic.get("id")] = js
    return out


def _above(copies: Iterable[CsdbObject], clearance: str) -> bool:
    """Whether a copy of an object is classified above a reader's clearance."""
    return any((o.security or "01") > clearance for o in copies)


def _copy_order(obj: CsdbObject) -> tuple:
    """Copies of one object, oldest issue first, English last among equals: the last is the default copy."""
    return _issue_order(obj.issue), (obj.language or "").startswith("en")


def _add_titles(titles_in: dict[str, dict[str, str]], key: str, copies: list[CsdbObject]) -> None:
    for c in copies:  # sorted oldest first: the latest issue of each language wins
        if c.title:
            titles_in.setdefault((c.language or "")[:2].lower(), {})[key] = c.title


def _icn_tables(files: list[Path]) -> tuple[dict[str, Path], dict[str, Path]]:
    """lower-case file name -> file, and lower-case ICN code (no extension) -> its best displayable file."""
    icns = {path.name.lower(): path for path in files}
    stems: dict[str, Path] = {}
    for name, path in sorted(icns.items()):
        stem = name.rsplit(".", 1)[0]
        if stem not in stems or path.suffix.lower() in BROWSER_TYPES:
            stems[stem] = path
    return icns, stems
