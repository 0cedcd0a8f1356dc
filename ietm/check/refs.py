"""Reference integrity of a CSDB: every reference an object makes must lead to something that exists.

Codes (dmRef, pmRef, ACT/CCT/PCT and BREX references) are looked up in the catalog, with the issue and
language they name; illustrations (infoEntityIdent) through the entity declared in the object's DTD subset
to a file beside it or of that name elsewhere in the CSDB, where a name that differs only in letter case is
told apart from a missing file, since a CSDB copied from Windows to Linux breaks exactly so; internalRef targets among the object's own ids;
DML entries and the files a DDN says it delivers. `where_used` answers the opposite question.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ietm.catalog import Catalog
from ietm.check.cache import tokens_digest
from ietm.errors import IetmError
from ietm.parse.loader import load
from ietm.parse.model import ICN_SUFFIXES, CsdbObject, Ref
from ietm.report import Finding, Report

PER_WORKER = 1000  # objects a worker must have to repay its start
CODE_KINDS = {"dm": "data module", "pm": "publication module", "act": "ACT", "cct": "CCT", "pct": "PCT", "brex": "BREX"}


class Folders:
    """File names of folders, listed once: exact, and by lower case to spot letter-case differences."""

    def __init__(self) -> None:
        self._names: dict[str, dict[str, list[str]]] = {}

    def lookup(self, path: Path) -> tuple[bool, list[str]]:
        """(the exact name exists, names that differ from it only in letter case)."""
        same = self.named(str(path.parent), path.name.lower())
        return path.name in same, [n for n in same if n != path.name]

    def named(self, folder: str, lower: str) -> list[str]:
        """The names in `folder` that are `lower` in lower case."""
        if folder not in self._names:
            by_lower: dict[str, list[str]] = defaultdict(list)
            try:
                for name in os.listdir(folder):
                    by_lower[name.lower()].append(name)
            except OSError:
                pass
            self._names[folder] = by_lower
        return self._names[folder].get(lower, [])


@dataclass
class Versions:
    """What exists of each key: its (issue, language) copies."""

    copies: dict[str, list[tuple[str | None, str | None]]]

    @classmethod
    def of(cls, objects: Iterable[CsdbObject], extra_keys: Iterable[str] = ()) -> Versions:
        copies: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
        for o in objects:
            copies[o.key].append((o.issue, o.language))
        for k in extra_keys:
            copies[k.upper()].append((None, None))
        return cls(dict(copies))


def _issues(copies: list[tuple[str | None, str | None]]) -> str:
    found = sorted({i for i, _ in copies if i})
    return ", ".join(found) if found else "no issue"


def code_ref(obj: CsdbObject, ref: Ref, versions: Versions) -> Finding | None:
    what = CODE_KINDS.get(ref.kind, ref.kind)
    copies = versions.copies.get(ref.target)
    in_dml = obj.kind == "dml"
    if not copies:
        if in_dml:
            return Finding("warning", obj.path, f"DML entry for {ref.target}: no such {what} in the CSDB", ref.line,
                           rule="dml-entry-missing", check="refs")
        if ref.kind == "brex":
            return Finding("warning", obj.path, f"BREX {ref.target} is neither in the CSDB nor among the default BREX "
                           "(give it with --default-brex or brex.default)", ref.line, rule="brex-not-found", check="refs")
        return Finding("error", obj.path, f"{what} reference to {ref.target}: no such object in the CSDB", ref.line,
                       rule="dangling", check="refs")
    if ref.issue and all(i is not None for i, _ in copies) and ref.issue not in {i for i, _ in copies}:
        return Finding("warning" if in_dml else "error", obj.path,
                       f"{what} reference to issue {ref.issue} of {ref.target}, which does not exist (the CSDB has {_issues(copies)})",
                       ref.line, rule="issue-missing", check="refs")
    if ref.language and all(lang is not None for _, lang in copies):
        wanted = ref.language.lower()
        if wanted not in {(lang or "").lower() for _, lang in copies}:
            langs = ", ".join(sorted({lang for _, lang in copies if lang}))
            return Finding("warning", obj.path, f"{what} reference to {ref.target} in {ref.language}, which does not exist (languages: {langs})",
                           ref.line, rule="language-missing", check="refs")
    return None


def icn_ref(obj: CsdbObject, ref: Ref, folders: Folders, icn_files: dict[str, set[str]]) -> Finding | None:
    """The declared file beside the module, as XML resolves it; or, as CSDBs that keep illustrations in a
    folder of their own do, under the same name anywhere in the CSDB."""
    name = ref.target
    if Path(name).suffix.lower() not in ICN_SUFFIXES and "." not in Path(name).name:
        return Finding("error", obj.path, f"infoEntityIdent '{name}' names no entity declared in the DTD subset", ref.line,
                       rule="icn-undeclared", check="refs")
    elsewhere = icn_files.get(Path(name).name.lower(), set())
    if Path(name).name in elsewhere:
        return None
    found = file_ref(obj, Path(obj.path).parent / name, ref.line, "illustration", "icn", folders)
    if found is not None and found.rule == "icn-missing" and elsewhere:
        return Finding("error", obj.path, f"illustration file {Path(name).name} differs only in letter case from the file in "
                       f"the CSDB: {sorted(elsewhere)[0]} (works on Windows, breaks on Linux)", ref.line, rule="icn-case", check="refs")
    return found


def file_ref(obj: CsdbObject, path: Path, line: int | None, what: str, rule: str, folders: Folders) -> Finding | None:
    exact, case = folders.lookup(path)
    if exact:
        return None
    if case:
        return Finding("error", obj.path, f"{what} file {path.name} differs only in letter case from the file on disk: {case[0]} "
                       "(works on Windows, breaks on Linux)", line, rule=f"{rule}-case", check="refs")
    return Finding("error", obj.path, f"{what} file {path.name} is missing", line, rule=f"{rule}-missing", check="refs")


def _ids(path: str) -> set[str]:
    root = load(path).root
    return {v for el in root.iter() if isinstance(el.tag, str) and (v := el.get("id"))}


def file_token(path: Path) -> str:
    """The token of a file looked for (World.state): its folder and its name in lower case."""
    return f"f:{path.parent}\0{path.name.lower()}"


def ddn_files(obj: CsdbObject, folders: Folders, tokens: list[str] | None = None) -> list[Finding]:
    """The files a DDN says it dispatches must sit beside it."""
    root = load(obj.path).root
    out = []
    for el in root.iter("dispatchFileName"):
        name = (el.text or "").strip()
        if name:
            if tokens is not None:
                tokens.append(file_token(Path(obj.path).parent / name))
            f = file_ref(obj, Path(obj.path).parent / name, el.sourceline, "DDN delivery list entry: dispatched", "ddn-file", folders)
            if f is not None:
                out.append(f)
    return out


def dml_icns(obj: CsdbObject, icn_keys: set[str], tokens: list[str] | None = None) -> list[Finding]:
    """ICN entries of a DML (infoEntityRef), which the catalog's references do not cover."""
    root = load(obj.path).root
    out = []
    for el in root.iter("infoEntityRef"):
        ident = (el.get("infoEntityRefIdent") or "").strip()
        if ident and tokens is not None:
            tokens.append(f"i:{Path(ident).stem.upper()}")
        if ident and Path(ident).stem.upper() not in icn_keys:
            out.append(Finding("warning", obj.path, f"DML entry for {ident}: no such illustration in the CSDB", el.sourceline,
                               rule="dml-entry-missing", check="refs"))
    return out


@dataclass
class World:
    """The CSDB as references see it: what exists of each code, the illustrations, the folders' file names.
    `state` tells what one lookup finds (a token an object's check recorded), so a kept finding can be trusted
    while every lookup it made still finds the same."""

    versions: Versions
    folders: Folders
    icn_keys: set[str]
    icn_files: dict[str, set[str]]

    @classmethod
    def of(cls, objects: list[CsdbObject], brex_keys: Iterable[str] = ()) -> World:
        icn_files: dict[str, set[str]] = defaultdict(set)
        for o in objects:
            if o.kind == "icn":
                icn_files[Path(o.path).name.lower()].add(Path(o.path).name)
        return cls(Versions.of(objects, brex_keys), Folders(), {o.key for o in objects if o.kind == "icn"}, icn_files)

    def state(self, token: str) -> str:
        kind, _, what = token.partition(":")
        if kind == "k":
            return repr(self.versions.copies.get(what))
        if kind == "n":
            return repr(sorted(self.icn_files.get(what, ())))
        if kind == "f":
            folder, _, lower = what.partition("\0")
            return repr(sorted(self.folders.named(folder, lower)))
        if kind == "i":
            return "1" if what in self.icn_keys else "0"
        raise ValueError(f"unknown reference token {token!r}")


def object_refs(obj: CsdbObject, world: World) -> tuple[list[Finding], tuple[str, ...], str]:
    """The findings of one object's references, the tokens of what it looked up and what those find, as they
    were looked up (World.state)."""
    tokens: list[str] = []
    try:
        found = _object_refs(obj, world, tokens)
    except IetmError as exc:  # changed on disk since it was catalogued
        found = [Finding("error", exc.path or obj.path, exc.message, exc.line, rule="not-readable", check="parse")]
    unique = tuple(dict.fromkeys(tokens))
    return found, unique, tokens_digest(unique, world.state)


def unreadable(catalog: Catalog) -> list[Finding]:
    """The files the catalog could not read, each with why (read again, in the reader's words)."""
    return [Finding("error", path, error, line, rule="not-readable", check="parse") for path, error, line in catalog.errors(again=True)]


def refs_report(unread: list[Finding], each: Iterable[list[Finding]], objects: int) -> Report:
    findings = unread + [f for found in each for f in found]
    findings.sort(key=lambda f: (f.path, f.line or 0))
    return Report(findings, objects, "refs")


_shared: tuple[list[CsdbObject], World] | None = None  # what forked workers check: set before the pool starts


def _refs_chunk(bounds: tuple[int, int]) -> list[tuple[list[Finding], tuple[str, ...], str]]:
    assert _shared is not None
    objects, world = _shared
    return [object_refs(o, world) for o in objects[bounds[0]:bounds[1]]]


def refs_each(objects: list[CsdbObject], world: World, jobs: int = 0) -> list[tuple[list[Finding], tuple[str, ...], str]]:
    """object_refs of each object, in order: many on all cores (workers forked with the objects and the world
    in their memory, so nothing but the findings crosses between processes), few in this process."""
    global _shared
    workers = min(jobs or os.cpu_count() or 1, max(1, len(objects) // PER_WORKER))
    if workers == 1:
        return [object_refs(o, world) for o in objects]
    size = max(64, len(objects) // (workers * 4))
    _shared = (objects, world)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunks = pool.map(_refs_chunk, [(i, min(i + size, len(objects))) for i in range(0, len(objects), size)])
            return [r for chunk in chunks for r in chunk]
    finally:
        _shared = None


def check_refs(catalog: Catalog, brex_keys: Iterable[str] = (), jobs: int = 0) -> Report:
    """Every reference of every object of a catalogued CSDB, resolved or reported."""
    objects = catalog.all(with_refs=True)
    world = World.of(objects, brex_keys)
    each = refs_each([o for o in objects if o.kind != "icn"], world, jobs)
    return refs_report(unreadable(catalog), (found for found, _, _ in each), len(objects))


def _object_refs(obj: CsdbObject, world: World, tokens: list[str]) -> list[Finding]:
    out: list[Finding | None] = []
    ids: set[str] | None = None
    for ref in obj.refs:
        if ref.kind in CODE_KINDS:
            tokens.append(f"k:{ref.target}")
            out.append(code_ref(obj, ref, world.versions))
        elif ref.kind == "icn":
            name = Path(ref.target).name.lower()
            tokens += [f"n:{name}", file_token(Path(obj.path).parent / ref.target)]
            out.append(icn_ref(obj, ref, world.folders, world.icn_files))
        elif ref.kind == "internal":
            if ids is None:
                ids = _ids(obj.path)
            if ref.target not in ids:
                out.append(Finding("error", obj.path, f"internalRef to '{ref.target}': no element has that id", ref.line,
                                   rule="internal-dangling", check="refs"))
    if obj.kind == "ddn":
        out += ddn_files(obj, world.folders, tokens)
    if obj.kind == "dml":
        out += dml_icns(obj, world.icn_keys, tokens)
    return [f for f in out if f is not None]


@dataclass
class Use:
    path: str
    line: int | None
    kind: str
    key: str
    issue: str | None
    language: str | None

    def text(self) -> str:
        extra = " ".join(x for x in (self.issue, self.language) if x)
        return f"{self.path}:{self.line or 0}: {self.kind} reference from {self.key}" + (f" to {extra}" if extra else "")


def where_used(catalog: Catalog, key: str) -> list[Use]:
    """Every reference to `key`: a DMC/PMC key, or an ICN code (whose references name its files)."""
    if key.startswith("ICN-"):
        uses = [
            Use(o.path, r.line, r.kind, o.key, r.issue, r.language)
            for o in catalog.all(with_refs=True)
            for r in o.refs
            if r.kind == "icn" and Path(r.target).stem.upper() == key
        ]
    else:
        uses = [Use(o.path, r.line, r.kind, o.key, r.issue, r.language) for o, r in catalog.referrers(key)]
    return sorted(uses, key=lambda u: (u.path, u.line or 0))


def brex_keys(defaults: Iterable[Path]) -> set[str]:
    """Keys of the default BREX modules, which a CSDB's BREX may refer to without holding them: those given,
    and the S1000D default BREX whose rules ietm has built in."""
    from ietm.check.brex import index_dms
    from ietm.check.default_brex import builtin_keys

    return set(index_dms([Path(d) for d in defaults])) | builtin_keys()
