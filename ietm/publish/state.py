"""Incremental publishing: what each page of the last bundle was made from, so that re-publishing after a change
renders only the pages that depend on it.

A page depends on the files of its own module (every copy, and their signatures: the badge) and on every
object it links to (their titles, applicability and places are on the page), whether it was found or not: a
reference to a module the CSDB does not hold is recorded with the stamp "-", so the page is made again, with
its link, when the module is added (and without it when a module it links to is removed). Two dependencies
are not objects but sets, each recorded as a key of its own that no object has: the set of data modules
(`MODULE_SET`: the home page counts them, the list of all modules lists them), for each common information
repository entry a page shows, the modules that refer to it (`uses_key`: its "where used" list), and for each
illustration it shows, which file that name finds (`icn_keys`: found or not). Everything else a page shows is
common to all pages and goes into one fingerprint of the whole build: ietm's code and the viewer's templates
and assets, the settings, the publication modules (reading order, breadcrumbs, previous and next), the
applicability tables and common information repositories, the trust store, the catalog's unreadable files. When that fingerprint changes every page is rendered again; adding or removing a
data module or an illustration does not change it.

The state is kept in the CSDB's state folder, one SQLite file per bundle folder, with the release it describes:
a bundle that is not the one the state describes (replaced by hand, published from elsewhere) is built whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path

from ietm.parse.model import CsdbObject
from ietm.paths import ROOT, VIEWER, state_dir
from ietm.web.site import Site

FORMAT = 4
#: repository-like modules whose content other pages show (products panel, warnings, tools, parts)
SHARED_CONTENT = {"act", "cct", "pct", "comrep"}


def stamp(path: Path | str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_mtime_ns}:{st.st_size}"


def _digest(parts) -> str:  # type: ignore[no-untyped-def]
    """SHA-256 of each part followed by a NUL (one update: tens of thousands of digests a publish)."""
    return hashlib.sha256("".join(f"{p}\0" for p in parts).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _tree(folder: Path, suffixes: tuple[str, ...] = ()) -> list[str]:
    out = []
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not suffixes or name.endswith(suffixes):
                p = Path(base) / name
                out.append(f"{p.relative_to(folder)}={stamp(p)}")
    return out


#: the key a page that lists or counts every data module depends on (no object's key starts with "#")
MODULE_SET = "#modules"


_USES = "#uses "


def uses_key(target: str) -> str:
    """The key of a page's dependency on the modules that refer to a repository entry (`target` as
    ietm.parse.model.cir_target makes it)."""
    return _USES + target


def icn_keys(name: str) -> tuple[str, ...]:
    """The keys of a page's dependency on an ICN file name or code it shows: the entries of the Site's two ICN
    tables that Site.icn_path looks it up in, found or not (an illustration added or removed changes them)."""
    lower = name.lower()
    return "#icn " + lower, "#icn-stem " + lower, "#icn-stem " + lower.rsplit(".", 1)[0]


def icn_stamps(site: Site) -> dict[str, str]:
    """The stamps of icn_keys: the file each entry of the Site's ICN tables names."""
    return {**{"#icn " + name: str(path) for name, path in site.icns.items()},
            **{"#icn-stem " + stem: str(path) for stem, path in site.icn_stems.items()}}


def set_stamps(site: Site, objects: dict[str, str], previous: dict[str, str]) -> dict[str, str]:
    """The stamps of the sets pages depend on: which data modules there are, which refer to each repository
    entry (as Site.uses lists them: modules of which the Site has a copy), which file each illustration name
    finds. `objects`: every object's stamp now (key_stamps); `previous`: every stamp at the last publish made by
    the same code (else empty). The first two are made of the objects' files: when none changed, they are what
    they were, and the catalog's references are not read (0.2 s at 10,000 modules)."""
    out = icn_stamps(site)
    if previous and all(previous.get(k) == v for k, v in objects.items()) \
            and sum(not k.startswith("#") for k in previous) == len(objects):
        out.update((k, v) for k, v in previous.items() if k == MODULE_SET or k.startswith(_USES))
        return out
    out[MODULE_SET] = _digest(sorted(o.key for o in site.data_modules()))
    for target, keys in site.catalog.repository_users().items():
        shown = sorted(k for k in keys if k in site.latest)
        if shown:
            out[uses_key(target)] = _digest(shown)
    return out


def key_stamps(site: Site, signed: dict[str, str]) -> dict[str, str]:
    """key -> fingerprint of the files of every copy of that object, with their signatures (`signed`: the
    CSDB's ietm.publish.signatures.signature_map)."""
    out = {}
    for key, copies in site.copies.items():
        parts = []
        for c in copies:
            sig = signed.get(c.path)
            parts += [c.path, stamp(c.path), stamp(sig) if sig else ""]
        out[key] = _digest(parts)
    return out


class ReadingOrder:
    """What a module page's previous and next links depend on besides those two modules: a publication's reading
    order skips the modules it lists that the CSDB lacks, so a module added between a page and its neighbour
    becomes the neighbour. The page records the keys its publication lists from its previous neighbour to its
    next (all missing but its own), as it records a link to a missing module."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._listed: dict[str, tuple[list, dict[int, int]]] = {}  # publication file -> (its dm items, id -> place)

    def around(self, key: str, language: str | None) -> list[str]:
        placement = self.site.placement(key, None, language)
        if placement is None:
            return []
        pub, i = placement
        listed = self._listed.get(pub.obj.path)
        if listed is None:
            items = list(_listed_modules(pub.toc))
            listed = self._listed[pub.obj.path] = (items, {id(item): n for n, item in enumerate(items)})
        items, place = listed
        start = place[id(pub.order[i - 1][0])] + 1 if i > 0 else 0
        end = place[id(pub.order[i + 1][0])] if i + 1 < len(pub.order) else len(items)
        return [item.key for item in items[start:end]]


def _listed_modules(entry):  # type: ignore[no-untyped-def]
    """Every data module a publication's contents list, found or not, in reading order."""
    for child in entry.children:
        if hasattr(child, "children"):
            yield from _listed_modules(child)
        elif child.kind == "dm":
            yield child


#: pages that show of each object they list only its catalog entry (title, type, issue...), not its content: they
#: depend on those entries, not on the files (a module's text changed leaves the list of all modules as it is)
LISTING_PAGES = {"modules"}


#: a catalog entry's fields but its references
_entry = attrgetter(*(f.name for f in fields(CsdbObject) if f.name != "refs"))


def listing_stamps(site: Site, sets: dict[str, str]) -> dict[str, str]:
    """key -> fingerprint of the catalog entries of every copy of that object (what a list of objects shows);
    and the stamps of the sets pages depend on (`set_stamps`)."""
    out = {key: _digest(value for c in copies for value in _entry(c)) for key, copies in site.copies.items()}
    out.update(sets)
    return out


def build_fingerprint(site: Site, language: str) -> str:
    """One fingerprint of all that every page may show beyond its own module, the objects it links to and the
    sets it depends on. Not the set of pages: a page of a module added or removed is made or removed alone, and
    the pages that link to that module, list it or count it record it (see above)."""
    from ietm import __version__
    from ietm.sign.manifest import MANIFEST_NAME
    from ietm.sign.trust import default_places

    parts: list[str] = [f"format {FORMAT}", __version__, language]
    parts += _tree(ROOT / "ietm", (".py",)) + _tree(VIEWER)
    parts.append(json.dumps(site.config.values, sort_keys=True, default=str))
    for key in sorted(site.copies):
        for c in site.copies[key]:
            if c.kind != "dm" or c.content_type in SHARED_CONTENT:  # publications, tables, repositories
                parts += [c.path, stamp(Path(c.path))]
    parts += [f"{p}:{m}:{line}" for p, m, line in site.catalog.errors()]
    trust, crls, policy = default_places(site.config.values, site.config.source.parent if site.config.source else None)
    for place in [*trust, *crls, *([policy] if policy else [])]:
        place = Path(place)
        parts += _tree(place) if place.is_dir() else [str(place), stamp(place)]
    manifest = site.csdb / MANIFEST_NAME
    parts += [stamp(manifest), stamp(manifest.with_name(manifest.name + ".sig")),
              stamp(manifest.with_name(manifest.name + ".xsig"))]
    return _digest(parts)


def search_stamp(index_state: Path, fingerprint: str) -> str:
    """The offline search index is made from the server's index and the pages' addresses (which modules have
    pages, and which pages: they change with the index's documents). The index's state file lists every file it
    holds at the stamp it was indexed at (Whoosh's own files change with every update, even an empty one): when
    neither changed, it is the same file."""
    try:
        state = hashlib.sha256(index_state.read_bytes()).hexdigest()
    except OSError:
        state = "-"
    return _digest([fingerprint, state])


def search_made_from(fingerprint: str, index_state: dict) -> str:
    """What the offline search index depends on besides the documents (and their pages' addresses, looked up
    again when it is patched): ietm's code (in the build fingerprint) and how the server's index was made
    (ietm.index.store.SearchIndex.state)."""
    return _digest([fingerprint, index_state.get("version"), index_state.get("applic"), index_state.get("all_issues")])


@dataclass
class PageRecord:
    keys: list[str]  # objects the page links to (and its own)
    icns: list[str]  # ICN files it shows


#: what a page's stale check compares its objects by: their files (most pages) or their catalog entries
#: (LISTING_PAGES); each family holds the stamps of every object at the last publish
FAMILIES = ("keys", "listing")
#: changed objects up to this many are looked up in the stored pages by SQLite (a substring search of each
#: page's keys); more, and the pages' keys are read and split
_FEW = 16

_SCHEMA = """
create table if not exists meta(name text primary key, value text not null) without rowid;
create table if not exists pages(page text primary key, keys text not null, icns text not null) without rowid;
"""


class PublishState:
    """What the last bundle at a folder was made from: its release and build fingerprint, each page's record
    (the objects it depends on, the ICN files it shows), and the stamps of every object at that publish (each
    page of the bundle was made with them: a page not rendered again had the same stamps as at its own
    rendering). A page is stale when one of its objects' stamps changed since.

    Kept in SQLite in the CSDB's state folder, one file per bundle folder: a re-publish reads the list of pages,
    looks up the pages of the changed objects, and writes only the records of the pages it rendered (a JSON
    file of every record was 28 MB at 10,000 modules, 0.5 s to read and write)."""

    def __init__(self) -> None:
        self.release = ""
        self.fingerprint = ""
        self.csdb_files: dict[str, str] = {}  # carried csdb/ file -> source stamp
        self.icns: dict[str, str] = {}  # ICN file shown -> its stamp when placed
        self.search = ""  # what the offline search index was made from (search_stamp)
        self.stamps: dict[str, dict[str, str]] = {}  # family -> key -> stamp at the last publish
        self._path: Path | None = None
        self._pages: dict[str, list[str]] = {}  # page -> ICN files it shows, of every recorded page
        self._written: dict[str, PageRecord | None] = {}  # records to write (None: to remove) at save
        self._cleared = True  # the stored records do not describe the bundle: all are written again

    @staticmethod
    def file_for(csdb: Path, out: Path) -> Path:
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
        return state_dir(csdb) / "publish" / f"{name}.sqlite"

    @classmethod
    def search_memo(cls, csdb: Path, out: Path) -> Path:
        """Where the offline search index's export of the bundle at `out` is described (ietm.index.offline)."""
        path = cls.file_for(csdb, out)
        return path.with_name(path.stem + ".search.json")

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        db.execute("pragma journal_mode=wal")
        db.execute("pragma synchronous=normal")
        db.executescript(_SCHEMA)
        return db

    @classmethod
    def load(cls, csdb: Path, out: Path, release: str | None) -> PublishState:
        """The state of the bundle at `out`, or an empty one when it does not describe that bundle."""
        state = cls()
        state._path = path = cls.file_for(csdb, out)
        path.with_suffix(".json").unlink(missing_ok=True)  # the state of ietm before format 3
        if not path.is_file() or not release:
            return state
        try:
            db = cls._open(path)
            try:
                meta = dict(db.execute("select name, value from meta"))
                if meta.get("format") != str(FORMAT) or meta.get("release") != release:
                    return state
                pages = {page: icns.split("\n") if icns else [] for page, icns in db.execute("select page, icns from pages")}
            finally:
                db.close()
        except (sqlite3.Error, ValueError):
            return state
        state.release, state.fingerprint, state.search = meta["release"], meta["fingerprint"], meta["search"]
        state.csdb_files, state.icns = json.loads(meta["csdb_files"]), json.loads(meta["icns"])
        state.stamps = {f: json.loads(meta[f"stamps {f}"]) for f in FAMILIES if f"stamps {f}" in meta}
        state._pages, state._cleared = pages, False
        return state

    @property
    def recorded(self) -> set[str]:
        """The pages with a record (as this run has left them)."""
        return set(self._pages)

    def clear_pages(self) -> None:
        """Forget every page's record (every page is made again)."""
        self._pages, self._written, self._cleared = {}, {}, True

    def changed(self, family: str, stamps: dict[str, str]) -> set[str]:
        """The objects whose stamp of `family` is not what it was at the last publish."""
        old = self.stamps.get(family, {})
        return {k for k, v in stamps.items() if old.get(k) != v} | (old.keys() - stamps.keys())

    def dependents(self, keys: set[str]) -> set[str]:
        """The recorded pages that depend on one of `keys` (as the last publish recorded them)."""
        if not keys or self._cleared or self._path is None:
            return set()
        db = self._open(self._path)
        try:
            if len(keys) <= _FEW:
                needles = [f"\n{k}\n" for k in keys]
                where = " or ".join(["instr(keys, ?)"] * len(needles))
                return {page for page, in db.execute(f"select page from pages where {where}", needles)}
            return {page for page, text in db.execute("select page, keys from pages")
                    if not keys.isdisjoint(text.split("\n"))}
        finally:
            db.close()

    def record(self, page: str, record: PageRecord) -> None:
        self._pages[page] = record.icns
        self._written[page] = record

    def forget(self, page: str) -> None:
        self._pages.pop(page, None)
        self._written[page] = None

    def shown_icns(self) -> set[str]:
        """Every ICN file a recorded page shows."""
        return {icn for icns in self._pages.values() for icn in icns}

    def save(self, csdb: Path, out: Path) -> None:
        """Write what changed since `load`, in one transaction."""
        path = self.file_for(csdb, out)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"format": str(FORMAT), "release": self.release, "fingerprint": self.fingerprint,
                "search": self.search, "csdb_files": json.dumps(self.csdb_files), "icns": json.dumps(self.icns),
                **{f"stamps {f}": json.dumps(s, separators=(",", ":")) for f, s in self.stamps.items()}}
        try:
            db = self._open(path)
        except sqlite3.DatabaseError:  # not a database (damaged): made again
            for name in (path.name, path.name + "-wal", path.name + "-shm"):
                path.with_name(name).unlink(missing_ok=True)
            db = self._open(path)
        try:
            db.execute("begin immediate")
            if self._cleared:
                db.execute("delete from pages")
                db.execute("delete from meta")
            db.executemany("delete from pages where page = ?", [(p,) for p, r in self._written.items() if r is None])
            db.executemany("insert or replace into pages values (?, ?, ?)",
                           [(p, "\n" + "\n".join(r.keys) + "\n", "\n".join(r.icns))
                            for p, r in self._written.items() if r is not None])
            db.executemany("insert or replace into meta values (?, ?)", meta.items())
            db.execute("commit")
        finally:
            db.close()
        self._written, self._cleared, self._path = {}, False, path

    def stale(self, page: str, dependents: set[str]) -> bool:
        """Must this page be rendered again? (`dependents`: the pages of the objects that changed)"""
        return page not in self._pages or page in dependents
