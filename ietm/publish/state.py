"""Incremental publishing: what each page of the last bundle was made from, so that re-publishing after a change
renders only the pages that depend on it.

A page depends on the files of its own module (every copy, and their signatures: the badge) and on every
object it links to (their titles, applicability and places are on the page). Everything else a page shows is
common to all pages and goes into one fingerprint of the whole build: ietm's code and the viewer's templates
and assets, the settings, the set of pages, the publication modules (reading order, breadcrumbs, previous and
next), the applicability tables and common information repositories, the ICN files, the trust store, the
catalog's unreadable files. When that fingerprint changes every page is rendered again.

The state is kept in the CSDB's state folder, one file per bundle folder, with the release it describes: a
bundle that is not the one the state describes (replaced by hand, published from elsewhere) is built whole.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from ietm.paths import ROOT, VIEWER, state_dir
from ietm.web.site import Site

FORMAT = 2
#: repository-like modules whose content other pages show (products panel, warnings, tools, parts)
SHARED_CONTENT = {"act", "cct", "pct", "comrep"}


def stamp(path: Path | str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_mtime_ns}:{st.st_size}"


def _digest(parts) -> str:  # type: ignore[no-untyped-def]
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()[:24]


def _tree(folder: Path, suffixes: tuple[str, ...] = ()) -> list[str]:
    out = []
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not suffixes or name.endswith(suffixes):
                p = Path(base) / name
                out.append(f"{p.relative_to(folder)}={stamp(p)}")
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


#: pages that show of each object they list only its catalog entry (title, type, issue...), not its content: they
#: depend on those entries, not on the files (a module's text changed leaves the list of all modules as it is)
LISTING_PAGES = {"modules"}


def listing_stamps(site: Site) -> dict[str, str]:
    """key -> fingerprint of the catalog entries of every copy of that object (what a list of objects shows)."""
    return {key: _digest(value for c in copies for name, value in vars(c).items() if name != "refs")
            for key, copies in site.copies.items()}


def build_fingerprint(site: Site, language: str, pages: dict) -> str:
    """One fingerprint of all that every page may show beyond its own module and the objects it links to."""
    from ietm import __version__
    from ietm.sign.manifest import MANIFEST_NAME
    from ietm.sign.trust import default_places

    parts: list[str] = [f"format {FORMAT}", __version__, language]
    parts += _tree(ROOT / "ietm", (".py",)) + _tree(VIEWER)
    parts.append(json.dumps(site.config.values, sort_keys=True, default=str))
    parts += [f"{k}|{lang}|{page}" for (k, lang), page in sorted(pages.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]
    for key in sorted(site.copies):
        for c in site.copies[key]:
            if c.kind != "dm" or c.content_type in SHARED_CONTENT:  # publications, tables, repositories
                parts += [c.path, stamp(Path(c.path))]
    parts += sorted(site.icns)
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
    """The offline search index is made from the server's index and the pages' addresses (in the build
    fingerprint). The index's state file lists every file it holds at the stamp it was indexed at (Whoosh's own
    files change with every update, even an empty one): when neither changed, it is the same file."""
    try:
        state = hashlib.sha256(index_state.read_bytes()).hexdigest()
    except OSError:
        state = "-"
    return _digest([fingerprint, state])


def search_made_from(fingerprint: str, index_state: dict) -> str:
    """What the offline search index depends on besides the documents: the pages' addresses (in the build
    fingerprint) and how the server's index was made (ietm.index.store.SearchIndex.state)."""
    return _digest([fingerprint, index_state.get("version"), index_state.get("applic"), index_state.get("all_issues")])


@dataclass
class PageRecord:
    keys: list[str]  # objects the page links to (and its own)
    icns: list[str]  # ICN files it shows
    stamps: list[str]  # their key stamps when it was rendered


@dataclass
class PublishState:
    release: str = ""
    fingerprint: str = ""
    pages: dict[str, PageRecord] = field(default_factory=dict)
    csdb_files: dict[str, str] = field(default_factory=dict)  # carried csdb/ file -> source stamp
    icns: dict[str, str] = field(default_factory=dict)  # ICN file shown -> its stamp when placed
    search: str = ""  # what the offline search index was made from (search_stamp)

    @staticmethod
    def file_for(csdb: Path, out: Path) -> Path:
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
        return state_dir(csdb) / "publish" / f"{name}.json"

    @classmethod
    def search_memo(cls, csdb: Path, out: Path) -> Path:
        """Where the offline search index's export of the bundle at `out` is described (ietm.index.offline)."""
        path = cls.file_for(csdb, out)
        return path.with_name(path.stem + ".search.json")

    @classmethod
    def load(cls, csdb: Path, out: Path, release: str | None) -> PublishState:
        """The state of the bundle at `out`, or an empty one when it does not describe that bundle."""
        path = cls.file_for(csdb, out)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if data.get("format") != FORMAT or not release or data.get("release") != release:
            return cls()
        pages = {p: PageRecord(*r) for p, r in data["pages"].items()}
        return cls(data["release"], data["fingerprint"], pages, data.get("csdb_files", {}), data.get("icns", {}),
                   data.get("search", ""))

    def save(self, csdb: Path, out: Path) -> None:
        path = self.file_for(csdb, out)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "release": self.release, "fingerprint": self.fingerprint,
                "pages": {p: [r.keys, r.icns, r.stamps] for p, r in self.pages.items()},
                "csdb_files": self.csdb_files, "icns": self.icns, "search": self.search}
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)

    def stale(self, page: str, stamps: dict[str, str]) -> bool:
        """Must this page be rendered again?"""
        record = self.pages.get(page)
        if record is None:
            return True
        return list(map(stamps.get, record.keys, repeat("-"))) != record.stamps
