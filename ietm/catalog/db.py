"""The catalog database: scanning a CSDB folder into SQLite, incrementally, and the queries on it.

The files are the truth; the database is a cache. Unchanged files (same size, mtime and ctime) are not parsed
again, a corrupt database is rebuilt, and many changed files are parsed on all cores.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable

from ietm.bulk import without_cycle_collection
from ietm.errors import IetmError, NotFound
from ietm.parse.model import ICN_SUFFIXES, CsdbObject, Ref, read_object
from ietm.paths import state_dir

SCHEMA_SQL = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
SCHEMA_VERSION = "4"  # 3: references into common information repositories (kind "cir"); 4: ctime_ns
OBJECT_SUFFIXES = {".xml"} | ICN_SUFFIXES  # the files that can be objects
#: how S1000D names the files of a CSDB's objects (Chap 7.3): a folder holding none of them is not a CSDB
OBJECT_PREFIXES = ("DMC-", "DME-", "PMC-", "DML-", "DDN-", "COM-", "IMF-", "UPF-", "ICN-", "SMC-")
PARALLEL_FROM = 48  # below this many changed files, process start-up costs more than it saves

_INHERITED: list[sqlite3.Connection] = []  # connections a forked process inherited (Catalog.reopen)
_COLUMNS = [f.name for f in fields(CsdbObject) if f.name not in ("path", "refs")]
#: an object's row as CsdbObject takes its fields, in order (`objects`): the path joined to the CSDB's (the one
#: parameter), references read apart
_SELECT = ", ".join("? || o.path" if f.name == "path" else "NULL" if f.name == "refs" else f"o.{f.name}"
                    for f in fields(CsdbObject))
_REF_COLUMNS = "? || r.path, r.kind, r.target, r.line, r.issue, r.language"


@dataclass
class ScanResult:
    scanned: int
    parsed: int
    removed: int
    errors: int
    changed: frozenset[str] = frozenset()  # keys of the objects whose files were added, changed or removed


def csdb_files(root: Path) -> Iterator[Path]:
    """Every file of a CSDB that can be an object: XML and ICN files, skipping hidden folders like .ietm."""
    return (root / rel for rel, _ in listing(root))


def listing(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """`csdb_files` as each file's '/'-separated path relative to `root` and its directory entry, whose stat() is
    the one system call a file costs (a refresh lists tens of thousands of files). A folder's files first, then
    its folders, by name, as os.walk lists them; symbolic links to folders are not followed."""
    return _listed(os.fspath(root), "")


def is_object_name(name: str) -> bool:
    """Can a file of this name be an object (an XML or ICN file, not hidden)? The extension as os.path.splitext
    finds it, without its cost: a refresh asks it of every file of the CSDB."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in OBJECT_SUFFIXES and bool(name[:dot].lstrip("."))


def _listed(root: str, prefix: str) -> Iterator[tuple[str, os.DirEntry]]:
    try:
        with os.scandir(os.path.join(root, prefix)) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError:  # removed meanwhile, or not readable: holds nothing
        return
    folders = []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            continue
        if is_folder:
            if not entry.name.startswith(".") and not entry.is_symlink():
                folders.append(entry.name)
        elif is_object_name(entry.name):
            yield prefix + entry.name, entry
    for name in folders:
        yield from _listed(root, f"{prefix}{name}/")


def holds_objects(root: Path) -> bool:
    """Whether a folder holds any file named as an S1000D object: what tells a CSDB from any other folder."""
    return any(entry.name.upper().startswith(OBJECT_PREFIXES) for _, entry in listing(root))


def _read(args: tuple[str, str]) -> tuple[str, CsdbObject | None, str | None, int | None]:
    full, rel = args
    try:
        return rel, read_object(full, rel), None, None
    except IetmError as exc:
        return rel, None, exc.message, exc.line


@lru_cache(maxsize=4096)  # few issues recur: 100,000 copies are sorted by them at each start of a viewer
def _issue_order(issue: str | None) -> tuple[int, int]:
    if not issue:
        return (-1, -1)
    number, _, in_work = issue.partition("-")
    return (int(number or 0), int(in_work or 0))


class Catalog:
    """One CSDB's catalog. Open it once (per process), refresh it when the files may have changed.

    A server reads it on many threads while a save refreshes it on another: the refresh writes through a
    connection of its own, and each query reads through a connection no other thread is using at that moment,
    so that it sees the catalog as the last refresh committed it, never a refresh half-written (WAL: readers do
    not wait for the writer). A connection is kept for the next query when one ends."""

    def __init__(self, root: Path, db_path: Path) -> None:
        self.root = root
        self.db_path = db_path
        shown = str(root)  # what a row's path is joined to, as str(root / path) joins them
        self._prefix = "" if shown == "." else shown if shown.endswith("/") else shown + "/"
        self.db = self._connect()  # the refresh's
        # a server refreshes from several threads at once (an upload, a remark, the watcher) over this one
        # connection: a second BEGIN on it while the first transaction runs fails, so they take turns
        self._refreshing = threading.Lock()
        self._idle: list[sqlite3.Connection] = []  # the queries' connections, while no query uses them
        self._idle_guard = threading.Lock()

    @classmethod
    def open(cls, csdb: Path | str) -> Catalog:
        root = Path(csdb)
        if not root.is_dir():
            raise NotFound("not a CSDB folder", str(root))
        folder = state_dir(root)
        folder.mkdir(parents=True, exist_ok=True)
        return cls(root, folder / "catalog.sqlite")

    def _connect(self) -> sqlite3.Connection:
        try:
            db = self._open_db()
        except sqlite3.DatabaseError:
            # a cache that cannot be read is rebuilt from the files
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.db_path) + suffix).unlink(missing_ok=True)
            db = self._open_db()
        return db

    def _open_db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=60, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        version = None
        try:
            row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
            version = row[0] if row else None
        except sqlite3.OperationalError:
            pass
        if version != SCHEMA_VERSION:
            db.executescript("DROP TABLE IF EXISTS refs; DROP TABLE IF EXISTS objects; DROP TABLE IF EXISTS meta;")
            db.executescript(SCHEMA_SQL)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
            db.commit()
        db.execute("SELECT count(*) FROM objects").fetchone()  # raises DatabaseError when corrupt
        return db

    def close(self) -> None:
        with self._idle_guard:
            idle, self._idle = self._idle, []
        for db in (self.db, *idle):
            db.close()

    def reopen(self) -> None:
        """Give this process connections of its own: first thing in a process forked from one that has the
        catalog open (a SQLite connection must not be used, nor closed, on both sides of a fork, so the
        inherited ones are kept unused until the process ends)."""
        with self._idle_guard:
            _INHERITED.extend([self.db, *self._idle])
            self._idle = []
        self.db = self._connect()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for one query, no other thread's meanwhile, in a read transaction: the query (its rows
        and their references) sees the catalog as one refresh committed it (a connection shared with a reader
        still stepping through its rows would keep that reader's older view, and the refresh's own connection
        shows its transaction before it is committed)."""
        with self._idle_guard:
            db = self._idle.pop() if self._idle else None
        if db is None:
            db = sqlite3.connect(self.db_path, timeout=60, check_same_thread=False)
            db.row_factory = sqlite3.Row
        try:
            db.execute("BEGIN")
            yield db
        finally:
            db.rollback()  # nothing was written: the read transaction ends
            with self._idle_guard:
                self._idle.append(db)

    # -- scanning ---------------------------------------------------------------------------------------

    def refresh(self, jobs: int = 0, progress: bool = False, tell: bool = True,
                files: Iterable[Path] | None = None) -> ScanResult:
        """Bring the catalog up to date with the folder: parse new and changed files, forget removed ones.
        Safe to call from several threads: one refresh at a time, each seeing what the one before wrote.
        With `files`, only those are looked at (a server's write knows the files it wrote: listing the rest of
        the folder again, a stat per file, cost the writer about 0.9 s of CPU at 100,000 files).

        What changed is recorded for the CSDB's running servers, if any (ietm.catalog.servers), once the
        catalog holds it; a server's own refresh, which records its changes itself, passes `tell=False`."""
        # the cyclic collector paused: it walked every object parsed so far again and again, freeing nothing
        # (about a third of a cold scan's time at 100,000 files, single collections of over 5 s)
        with self._refreshing, without_cycle_collection():
            result = self._refresh(jobs, progress, None if files is None else self._relative(files))
        if result.changed and tell:
            from ietm.catalog.servers import tell as tell_servers

            tell_servers(self.root, result.changed)
        return result

    def _relative(self, files: Iterable[Path]) -> list[str]:
        """The paths of those files that can be objects of this CSDB, as its rows name them."""
        root = Path(os.path.realpath(self.root))
        out = set()
        for f in files:
            here = os.path.abspath(f)  # its folder resolved, not the file: a symbolic link is listed as itself
            try:
                rel = Path(os.path.realpath(os.path.dirname(here)), os.path.basename(here)).relative_to(root)
            except ValueError:
                continue
            if is_object_name(rel.name) and not any(part.startswith(".") for part in rel.parts):
                out.add(rel.as_posix())
        return sorted(out)

    def _refresh(self, jobs: int, progress: bool, only: list[str] | None = None) -> ScanResult:
        """A file is read again when its size, mtime or ctime differs from the row's: a file replaced by one of
        the same size and mtime (`cp -p`, `rsync -a`, an archive unpacked) still has a new ctime, which no one
        sets by hand. `only`: these paths are looked at, and nothing else."""
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples: 10,000 rows and more
        select = "SELECT path, mtime_ns, size, ctime_ns, key FROM objects"
        root = os.fspath(self.root)
        if only is None:
            rows = cursor.execute(select).fetchall()
            entries: Iterable[tuple[str, Callable[[], os.stat_result]]] = (
                (rel, entry.stat) for rel, entry in listing(self.root))
        else:
            rows = [row for rel in only for row in cursor.execute(select + " WHERE path = ?", (rel,)).fetchall()]
            entries = ((rel, partial(os.stat, os.path.join(root, rel))) for rel in only)
        known = {path: (mtime, size, ctime) for path, mtime, size, ctime, _ in rows}
        old_keys = {path: key for path, _, _, _, key in rows if key}
        seen: set[str] = set()
        todo: list[tuple[str, str]] = []
        stats: dict[str, tuple[int, int, int]] = {}
        for rel, stat in entries:
            try:
                st = stat()
            except OSError:
                continue
            seen.add(rel)
            stats[rel] = stamp = (st.st_mtime_ns, st.st_size, st.st_ctime_ns)
            if known.get(rel) != stamp:
                todo.append((os.path.join(root, rel), rel))
        removed = [p for p in known if p not in seen]
        results = list(self._parse_all(todo, jobs, progress))
        changed = {old_keys[rel] for rel in (*removed, *(r[0] for r in results)) if rel in old_keys}
        changed.update(obj.key for _, obj, _, _ in results if obj is not None and obj.key)
        errors = 0
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for rel in removed:
                self.db.execute("DELETE FROM objects WHERE path = ?", (rel,))
            for rel, obj, error, line in results:
                mtime, size, ctime = stats[rel]
                self.db.execute("DELETE FROM objects WHERE path = ?", (rel,))
                if obj is None:
                    errors += 1
                    self.db.execute(
                        "INSERT INTO objects (path, mtime_ns, size, ctime_ns, error, error_line) VALUES (?, ?, ?, ?, ?, ?)",
                        (rel, mtime, size, ctime, error, line),
                    )
                    continue
                values = [getattr(obj, c) for c in _COLUMNS]
                self.db.execute(
                    f"INSERT INTO objects (path, mtime_ns, size, ctime_ns, {', '.join(_COLUMNS)}) "
                    f"VALUES (?, ?, ?, ?, {', '.join('?' * len(_COLUMNS))})",
                    (rel, mtime, size, ctime, *values),
                )
                self.db.executemany(
                    "INSERT INTO refs (path, kind, target, line, issue, language) VALUES (?, ?, ?, ?, ?, ?)",
                    [(rel, r.kind, r.target, r.line, r.issue, r.language) for r in obj.refs],
                )
            if results or removed:
                self._mark_latest(changed)
        return ScanResult(len(seen), len(results), len(removed), errors, frozenset(changed))

    def _parse_all(
        self, todo: list[tuple[str, str]], jobs: int, progress: bool
    ) -> Iterable[tuple[str, CsdbObject | None, str | None, int | None]]:
        workers = jobs or os.cpu_count() or 1
        if len(todo) < PARALLEL_FROM or workers == 1:
            return map(_read, todo)
        # no cyclic collection in the readers either: what a file makes is freed when it has been sent back
        with ProcessPoolExecutor(max_workers=workers, initializer=gc.disable) as pool:
            results = pool.map(_read, todo, chunksize=max(8, len(todo) // (workers * 8)))
            if progress:
                from ietm.progress import track

                results = track(results, total=len(todo), description="Cataloguing")
            return list(results)

    def _mark_latest(self, keys: set[str]) -> None:
        """Which copy of each object is its latest, for the objects whose copies changed (`keys`): the others'
        stay as they were (a one-file change at 10,000 objects rewrote every row)."""
        cursor = self.db.cursor()
        cursor.row_factory = None
        best: dict[tuple[str, str | None], tuple[tuple[int, int], str]] = {}
        for key in keys:
            for path, kind, language, issue in cursor.execute(
                    "SELECT path, kind, language, issue FROM objects WHERE key = ?", (key,)).fetchall():
                # renditions of one ICN (CGM and PNG) are each current; issues only order the other kinds
                k = (path, None) if kind == "icn" else (key, language)
                order = _issue_order(issue)
                if k not in best or order > best[k][0]:
                    best[k] = (order, path)
            cursor.execute("UPDATE objects SET latest = 0 WHERE key = ? AND latest = 1", (key,))
        cursor.executemany("UPDATE objects SET latest = 1 WHERE path = ?", [(p,) for _, p in best.values()])

    # -- queries ----------------------------------------------------------------------------------------

    def _object(self, db: sqlite3.Connection, row: sqlite3.Row, with_refs: bool = True) -> CsdbObject:
        obj = CsdbObject(path=self._prefix + row["path"], **{c: row[c] for c in _COLUMNS})
        obj.in_work = bool(row["in_work"])
        if with_refs:
            obj.refs = [
                Ref(r["kind"], r["target"], r["line"], r["issue"], r["language"])
                for r in db.execute("SELECT * FROM refs WHERE path = ? ORDER BY rowid", (row["path"],)).fetchall()
            ]
        return obj

    def objects(
        self,
        kind: str | None = None,
        content_type: str | None = None,
        info_code: str | None = None,
        language: str | None = None,
        qa: str | None = None,
        state: str = "all",
        key: str | None = None,
        with_refs: bool = False,
    ) -> list[CsdbObject]:
        """Objects matching every filter given; state is all | latest | old | inwork | official.
        Read in bulk (the viewer reads every row at start-up): rows as tuples, references in one query."""
        where, args = ["o.key IS NOT NULL"], []
        for column, value in (
            ("kind", kind), ("content_type", content_type), ("language", language), ("qa", qa), ("key", key)
        ):
            if value is not None:
                where.append(f"o.{column} = ?")
                args.append(value)
        if info_code is not None:
            where.append("o.info_code LIKE ?")
            args.append(info_code.upper() + "%")
        where.append(
            {"all": "1", "latest": "o.latest = 1", "old": "o.latest = 0", "inwork": "o.in_work = 1",
             "official": "o.in_work = 0"}[state]
        )
        clause = " AND ".join(where)
        with self._reading() as db:
            cursor = db.cursor()
            cursor.row_factory = None
            rows = cursor.execute(
                f"SELECT {_SELECT} FROM objects o WHERE {clause} ORDER BY o.key, o.language, o.issue",
                [self._prefix, *args],
            ).fetchall()
            refs: dict[str, list[Ref]] = {}
            if with_refs:
                for path, *ref in cursor.execute(
                    f"SELECT {_REF_COLUMNS} FROM refs r JOIN objects o ON o.path = r.path WHERE {clause} "
                    "ORDER BY r.rowid", [self._prefix, *args]
                ):
                    refs.setdefault(path, []).append(Ref(*ref))
        found = []
        for row in rows:
            obj = CsdbObject(*row)  # 100,000 rows at start-up: positional, three times faster than by name
            obj.in_work = bool(obj.in_work)
            obj.refs = refs.get(obj.path) or []
            found.append(obj)
        return found

    def key_at(self, path: Path) -> str | None:
        """The key of the object in a file of this CSDB, if the catalog holds one."""
        try:
            rel = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None
        with self._reading() as db:
            row = db.execute("SELECT key FROM objects WHERE path = ?", (rel,)).fetchone()
        return row[0] if row else None

    def all(self, with_refs: bool = True) -> list[CsdbObject]:
        return self.objects(with_refs=with_refs)

    def errors(self, again: bool = False) -> list[tuple[str, str, int | None]]:
        """Files that could not be read, with the reason and line. `again`: the reason had again from each file, as
        a message a Russian reader gets in Russian (for a check's report; a page asks often, and gets the words
        stored in English); the stored one where the file now reads."""
        found = []
        with self._reading() as db:
            rows = db.execute("SELECT path, error, error_line FROM objects WHERE error IS NOT NULL ORDER BY path").fetchall()
        for r in rows:
            full = str(self.root / r["path"])
            _, _, error, line = _read((full, r["path"])) if again else (None, None, None, None)
            found.append((full, error or r["error"], line if error else r["error_line"]))
        return found

    def get(self, key: str, issue: str | None = None, language: str | None = None) -> CsdbObject | None:
        """One object by key; without an issue, the latest; without a language, English first, then any."""
        key = normalise_key(key)
        with self._reading() as db:
            rows = db.execute("SELECT * FROM objects WHERE key = ?", (key,)).fetchall()
            if issue is not None:
                rows = [r for r in rows if r["issue"] == issue]
            if language is not None:
                wanted = language.lower()
                exact = [r for r in rows if (r["language"] or "").lower() == wanted]
                same = [r for r in rows if (r["language"] or "").lower().split("-")[0] == wanted.split("-")[0]]
                rows = exact or same or rows
            if not rows:
                return None
            rows.sort(key=lambda r: (_issue_order(r["issue"]), (r["language"] or "").startswith("en")), reverse=True)
            return self._object(db, rows[0])

    def latest(self, key: str, language: str | None = None) -> CsdbObject | None:
        return self.get(key, None, language)

    def issues(self, key: str) -> list[tuple[str | None, str | None]]:
        """(issue, language) of every copy of an object, oldest first."""
        with self._reading() as db:
            rows = db.execute("SELECT issue, language FROM objects WHERE key = ?", (normalise_key(key),)).fetchall()
        return sorted(((r["issue"], r["language"]) for r in rows), key=lambda t: (_issue_order(t[0]), t[1] or ""))

    def languages(self, key: str) -> list[str]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT DISTINCT language FROM objects WHERE key = ? AND language IS NOT NULL", (normalise_key(key),)
            ).fetchall()
        return sorted(r[0] for r in rows)

    def referrers(self, key: str, kind: str | None = None) -> list[tuple[CsdbObject, Ref]]:
        """Where-used: every object and reference that points at `key` (a code, or with kind="cir" a repository
        entry's target as ietm.parse.model.cir_target makes it, matched as it is written)."""
        target = key if kind == "cir" else normalise_key(key)
        with self._reading() as db:
            rows = db.execute(
                "SELECT o.*, r.kind AS rkind, r.target, r.line AS rline, r.issue AS rissue, r.language AS rlang "
                "FROM refs r JOIN objects o ON o.path = r.path WHERE r.target = ? ORDER BY o.path, r.line",
                (target,),
            ).fetchall()
            return [(self._object(db, r, with_refs=False), Ref(r["rkind"], r["target"], r["rline"], r["rissue"], r["rlang"]))
                    for r in rows]

    def repository_users(self) -> dict[str, set[str]]:
        """Where-used of every common information repository entry at once: target (as ietm.parse.model.cir_target
        makes it) -> keys of the data modules any file of which refers to it (what `referrers(target, "cir")`
        gives one target at a time)."""
        users: dict[str, set[str]] = {}
        with self._reading() as db:  # (two scans: joined, SQLite looked up each reference's object, 4 times slower)
            keys = dict(db.execute("SELECT path, key FROM objects WHERE kind = 'dm'").fetchall())
            for path, target in db.execute("SELECT path, target FROM refs WHERE kind = 'cir'"):
                key = keys.get(path)
                if key is not None:
                    users.setdefault(target, set()).add(key)
        return users

    def icn_file(self, name: str) -> tuple[Path | None, Path | None]:
        """(exact file, file differing only in letter case) for an ICN file name declared by a module."""
        with self._reading() as db:
            rows = db.execute("SELECT path FROM objects WHERE kind = 'icn'").fetchall()
        exact = case = None
        for r in rows:
            fname = r["path"].rsplit("/", 1)[-1]
            if fname == name:
                exact = self.root / r["path"]
            elif fname.lower() == name.lower():
                case = self.root / r["path"]
        return exact, case


def normalise_key(key: str) -> str:
    """Accept a code as users type it (with or without DMC-/PMC- prefix, any case) and give the catalog key."""
    from ietm.parse.codes import parse_code

    k = key.strip()
    upper = k.upper()
    if upper.startswith(OBJECT_PREFIXES):
        if upper.startswith("DMC-") or upper.startswith("PMC-"):
            kind, code = parse_code(k)
            return f"{'DMC' if kind == 'dm' else 'PMC'}-{code}"
        return upper
    kind, code = parse_code(k)
    return f"DMC-{code}" if kind == "dm" else f"PMC-{code}" if kind == "pm" else str(code)
