"""The Whoosh index of a CSDB: built from the catalog, updated incrementally, rebuilt when it cannot be trusted.

The index is a cache in `<state>/index/` (see ietm.paths.state_dir). Beside Whoosh's files, `state.json`
records, per indexed file, the signature (mtime and size) it was indexed at, and which code made the index.
An update re-reads only files whose signature changed; a missing, unreadable or inconsistent index, one made
by other code (another version of ietm), or a changed applicability table (which changes every module's
products) is rebuilt from the files.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import shutil
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree
from whoosh import index as whoosh_index
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema

from ietm.catalog import Catalog
from ietm.errors import IetmError, NotFound
from ietm.parse.loader import load
from ietm.index.analysis import LANGUAGES, analyzer, language_of
from ietm.index.extract import MAX_BODY, ModuleText, extract, file_sig
from ietm.paths import state_dir
from ietm.pool import ordered_map

VERSION = 4
ALL_PRODUCTS = "*"  # the products term of a module that applies to every product
PARALLEL_FROM = 64  # below this many changed modules, starting worker processes costs more than it saves
TITLE_BOOST = 3.0


@cache
def made_by() -> str:
    """Which code an index is made by: the format version, the sources that decide what is indexed and how it
    is analysed, and the versions of Whoosh and the stemmer. A user who upgrades ietm gets an index of the new
    code's making, not the old one's kept because no file changed."""
    from ietm.index import analysis, extract
    from ietm.render.content import labels

    h = hashlib.sha256(f"{VERSION} {package_version('whoosh-reloaded')} {package_version('PyStemmer')}".encode())
    for module in (__file__, analysis.__file__, extract.__file__, labels.__file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()[:16]


def make_schema() -> Schema:
    fields: dict = dict(
        uid=ID(unique=True, stored=True, sortable=True),  # the file's path in the CSDB; equal scores rank in its order
        key=ID(stored=True),
        code=ID(),  # the key without DMC-, lower case, for code: queries
        title=STORED(),
        lang=ID(stored=True, sortable=True),
        language=STORED(),
        type=ID(stored=True, sortable=True),
        system=ID(stored=True, sortable=True),
        subsystem=ID(stored=True),
        info_code=ID(stored=True),
        issue=ID(stored=True),
        qa=ID(stored=True),
        in_work=BOOLEAN(stored=True),
        latest=BOOLEAN(stored=True),
        products=KEYWORD(stored=True, commas=True),
        idents=KEYWORD(scorable=True),  # part numbers and codes written in the text
        applic=STORED(),
        body=STORED(),
        sections=STORED(),
    )
    for lang in LANGUAGES:
        fields[f"title_{lang}"] = TEXT(analyzer=analyzer(lang))
        fields[f"text_{lang}"] = TEXT(analyzer=analyzer(lang))
        # the distinct words as written (folded), for spelling and prefixes; "scorable" only because Whoosh
        # looks for a length column of every posting it writes and, without one, asks the disk each time
        fields[f"words_{lang}"] = KEYWORD(scorable=True)
    return Schema(**fields)


@dataclass
class UpdateResult:
    indexed: int
    removed: int
    total: int
    rebuilt: bool
    seconds: float
    errors: list[str] = field(default_factory=list)
    folder: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def code_term(key: str) -> str:
    """What `code:` matches: the code without its DMC-/PMC- prefix, in lower case."""
    k = key.lower()
    return k[4:] if k.startswith(("dmc-", "pmc-")) else k


class Applic:
    """Which products each module applies to, from the CSDB's ACT/CCT/PCT (through ietm.applic).

    Tables are read when a module first needs them, and only the chain its ACT names (ACT, CCT, PCT and the
    ACTs it catalogues): re-indexing one module reads a handful of tables, not every table of the CSDB."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._acts: dict = {}
        self._ccts: dict = {}
        self._pcts: dict = {}
        self._unreadable: set[str] = set()
        self._tables = None
        self.sig = json.dumps(
            sorted(
                (Path(o.path).name, file_sig(o.path))
                for t in ("act", "cct", "pct")
                for o in catalog.objects(kind="dm", content_type=t, state="latest")
            )
        )

    def _read(self, key: str, reader, into: dict) -> object | None:  # type: ignore[no-untyped-def]
        if key in into or key in self._unreadable:
            return into.get(key)
        obj = self.catalog.latest(key)
        try:
            if obj is None:
                raise NotFound("not in the CSDB", key)
            into[key] = reader(key, load(obj.path))
        except IetmError:  # `ietm applic` reports broken tables; the index treats the module as for every product
            self._unreadable.add(key)
        return into.get(key)

    def _scope(self, act_key: str):  # type: ignore[no-untyped-def]
        from ietm.applic.csdb import Applicability
        from ietm.applic.tables import Act, Cct, Pct

        if act_key not in self._acts and act_key not in self._unreadable:
            todo = [act_key]
            while todo:
                act = self._read(todo.pop(), Act.read, self._acts)
                if act is None:
                    continue
                if act.cct:
                    self._read(act.cct, Cct.read, self._ccts)
                if act.pct:
                    self._read(act.pct, Pct.read, self._pcts)
                todo += [k for k in act.catalog if k not in self._acts and k not in self._unreadable]
            self._tables = Applicability(self._acts, self._ccts, self._pcts, [])
        return self._tables.scope(act_key) if self._tables is not None else None

    def products(self, m: ModuleText) -> list[str]:
        from ietm.applic.expr import evaluate

        if m.applic_xml is None or m.act_key is None:
            return [ALL_PRODUCTS]
        scope = self._scope(m.act_key)
        if scope is None or not scope.products:
            return [ALL_PRODUCTS]
        applic = etree.fromstring(m.applic_xml)
        return [p.id for p in scope.products if evaluate(applic, p.assignment) is not False]


class SearchIndex:
    """One CSDB's index. `update()` brings it up to date; `searcher()` reads it."""

    def __init__(self, csdb: Path, folder: Path | None = None) -> None:
        self.csdb = Path(csdb)
        if not self.csdb.is_dir():
            raise NotFound("not a CSDB folder", str(csdb))
        self.folder = folder or state_dir(self.csdb) / "index"
        self.state_path = self.folder / "state.json"
        self._ix: whoosh_index.Index | None = None
        self._state: dict | None = None  # as of the last update

    # -- opening, trusting, rebuilding ------------------------------------------------------------------

    def _read_state(self) -> dict | None:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) and state.get("version") == made_by() else None

    def _write_state(self, state: dict) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def _trusted(self) -> tuple[whoosh_index.Index, dict] | None:
        """The index and its state, if both open and agree; any failure means: rebuild."""
        state = self._read_state()
        if state is None:
            return None
        # Whoosh leaves a file it failed to read open: it is closed (quietly) when the failure is dropped
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh_index.open_dir(str(self.folder))
                with ix.searcher() as s:
                    if s.doc_count() != len(state["docs"]):
                        return None
                    reader = s.reader()
                    next(iter(reader.lexicon("uid")), None)  # opens and reads the term files (not every term:
                    # 10,000 of them read in Python at each publish)
                    for docnum in (0, reader.doc_count_all() - 1):
                        if docnum >= 0 and not reader.is_deleted(docnum):
                            reader.stored_fields(docnum)
                return ix, state
            except Exception:  # noqa: BLE001 - any failure to read a cache means it is rebuilt, not trusted
                pass
            gc.collect()
        return None

    def _create(self) -> whoosh_index.Index:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        return whoosh_index.create_in(str(self.folder), make_schema())

    def open(self) -> whoosh_index.Index:
        """The index for searching, updated first if it is missing, stale or broken."""
        if self._ix is None:
            self.update()
        assert self._ix is not None
        return self._ix

    def state(self) -> dict:
        """What the index holds (`docs`: each file's path in the CSDB, its documents' uid, and the signature it was
        indexed at) and what made it (`version`, `applic`, `all_issues`), updated first like `open`."""
        self.open()
        assert self._state is not None
        return self._state

    # -- updating ----------------------------------------------------------------------------------------

    def update(self, all_issues: bool = False, jobs: int = 0, progress: bool = False, full: bool = False,
               refresh: bool = True) -> UpdateResult:
        """Index new and changed modules, drop removed ones; rebuild everything when the cache is untrusted.

        An index updated in place ranks as one built fresh from the same files: searches count BM25F's
        statistics over the live documents (ietm.index.stats), not Whoosh's, which keep deleted documents.

        One update at a time per index (a lock file beside it), so a server and `ietm index` can share it.
        Without `refresh`, the catalog is taken as it is (the caller has just brought it up to date)."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        with open(self.folder.parent / f"{self.folder.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return self._update(all_issues, jobs, progress, full, refresh)

    def _update(self, all_issues: bool, jobs: int, progress: bool, full: bool, refresh: bool) -> UpdateResult:
        started = time.perf_counter()
        catalog = Catalog.open(self.csdb)
        try:
            if refresh:
                catalog.refresh(jobs=jobs, progress=progress)
            return self._index(catalog, all_issues, jobs, progress, full, started)
        finally:
            catalog.close()

    def _index(self, catalog: Catalog, all_issues: bool, jobs: int, progress: bool, full: bool,
               started: float) -> UpdateResult:
        objs = catalog.objects(kind="dm", state="all" if all_issues else "latest")
        latest = {o.path for o in catalog.objects(kind="dm", state="latest")} if all_issues else None
        applic = Applic(catalog)
        root = self.csdb.resolve()
        base = str(catalog.root)
        prefix = "" if base == "." else base.rstrip("/") + "/"  # the catalog's paths are its root and the file's
        wanted: dict[str, tuple[str, str]] = {}  # rel path -> (full path, signature)
        for o in objs:
            try:
                rel = o.path[len(prefix):] if o.path.startswith(prefix) else \
                    Path(o.path).resolve().relative_to(root).as_posix()
                wanted[rel] = (o.path, file_sig(o.path))
            except OSError:
                continue
        trusted = None if full else self._trusted()
        rebuilt = (trusted is None or trusted[1].get("applic") != applic.sig
                   or trusted[1].get("all_issues") != all_issues)
        if rebuilt:
            ix, docs = self._create(), {}
        else:
            ix, docs = trusted[0], dict(trusted[1]["docs"])
        changed = [(full, rel) for rel, (full, sig) in wanted.items() if docs.get(rel) != sig]
        removed = [rel for rel in docs if rel not in wanted]
        if not (rebuilt or changed or removed):  # a writer would commit an empty segment and a new generation
            self._ix, self._state = ix, trusted[1]
            return UpdateResult(0, 0, len(docs), False, round(time.perf_counter() - started, 3), [], str(self.folder))
        errors: list[str] = []
        # a segment as separate files, not one compound file: Whoosh reads a compound file's parts into memory
        # (about 0.5 GB for every process that searches 100,000 modules), separate files are mapped as they are
        writer = ix.writer(limitmb=256, compound=False)
        try:
            for rel in removed:
                writer.delete_by_term("uid", rel)
                docs.pop(rel)
            for m in self._extract(changed, jobs, progress):
                if m.error:
                    errors.append(m.error)
                    if m.path in docs:
                        writer.delete_by_term("uid", m.path)
                        docs.pop(m.path)
                    continue
                fields = self._fields(m, applic, latest is None or wanted[m.path][0] in latest)
                if m.path in docs or not rebuilt:
                    writer.update_document(**fields)
                else:
                    writer.add_document(**fields)
                docs[m.path] = m.sig
            writer.commit(optimize=rebuilt)
        except BaseException:
            writer.cancel()
            raise
        self._state = {"version": made_by(), "csdb": str(root), "all_issues": all_issues, "applic": applic.sig,
                       "docs": docs}
        self._write_state(self._state)
        self._ix = ix
        return UpdateResult(len(changed) - len(errors), len(removed), len(docs), rebuilt,
                            round(time.perf_counter() - started, 3), errors, str(self.folder))

    def _extract(self, todo: list[tuple[str, str]], jobs: int, progress: bool) -> Iterator[ModuleText]:
        workers = jobs or os.cpu_count() or 1
        if len(todo) < PARALLEL_FROM or workers == 1:
            results: Iterable[ModuleText] = (extract(full, rel) for full, rel in todo)
            yield from self._track(results, len(todo), progress)
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = min(64, max(8, len(todo) // (workers * 16)))
            results = ordered_map(pool, extract, todo, chunksize=chunk, ahead=workers * 4)
            yield from self._track(results, len(todo), progress)

    @staticmethod
    def _track(items: Iterable[ModuleText], total: int, progress: bool) -> Iterable[ModuleText]:
        if not progress:
            return items
        from ietm.progress import track

        return track(items, total=total, description="Indexing")

    @staticmethod
    def _fields(m: ModuleText, applic: Applic, latest: bool) -> dict:
        lang = language_of(m.language)
        return {
            "uid": m.path,
            "key": m.key,
            "code": code_term(m.key),
            "title": m.title,
            "lang": lang,
            "language": m.language or "",
            "type": m.content_type or "other",
            "system": m.system or "",
            "subsystem": m.subsystem or "",
            "info_code": m.info_code or "",
            "issue": m.issue or "",
            "qa": m.qa or "",
            "in_work": m.in_work,
            "latest": latest,
            "products": ",".join(applic.products(m)),
            "applic": m.applic_text or "",
            "body": m.body[:MAX_BODY],
            "sections": [(s.start, s.id, s.title) for s in m.sections],
            f"title_{lang}": m.title,
            f"text_{lang}": m.body,
            f"words_{lang}": m.words,
            "idents": m.idents,
        }
