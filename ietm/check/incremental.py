"""The gate's four checks over a CSDB, each object checked again only when its findings may have changed.

Every check keeps each object's findings (ietm.check.cache) with what they depend on: schema validation on the
file and the schemas in force; BREX on the file, the BREX modules its chain was looked for by (by code: a new
copy of one, or a change in one, checks again every object that looked for it) and the default BREX and
settings; references on the file and each code, illustration and file it looked up (an object whose target
appeared, went or changed issue is checked again); applicability on the file and the ACT/CCT/PCT and
applicability repositories (a change in any of them checks every module again). The reports are built from
each object's findings in the same order as a full check's, so they are the same.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from ietm.catalog import Catalog
from ietm.check.cache import Entry, FindingsCache, Reuse, code_version, digest, files_digest, stamp
from ietm.report import Finding, Report

Checked = tuple[list[Finding], tuple[str, ...], "str | None"]  # findings, tokens, their state when checked


class Kept:
    """One run's view of the kept findings: read them unless told not to, write what the run found."""

    def __init__(self, csdb: Path, read: bool = True) -> None:
        self.csdb = Path(csdb)
        self.read = read
        self._stamps: dict[str, str] = {}
        self.checked: dict[str, list[str]] = {}
        self._files: list[str] | None = None  # the paths each check of this run had to check again
        try:
            self.cache: FindingsCache | None = FindingsCache(self.csdb)
        except (sqlite3.Error, OSError):
            self.cache = None  # a state folder that cannot be written: every object is checked, nothing kept

    def files(self) -> list[str]:
        """The CSDB's XML files, as `ietm validate` and `ietm brex` find them (listed once per run)."""
        if self._files is None:
            from ietm.check.schema import expand

            self._files = expand([self.csdb])
        return self._files

    def context(self, *parts: str) -> str:
        return digest([code_version(), str(self.csdb), str(self.csdb.resolve()), *parts])

    def stamp(self, path: str) -> str:
        if path not in self._stamps:
            self._stamps[path] = stamp(path)
        return self._stamps[path]

    def entries(self, check: str, context: str) -> dict[str, Entry]:
        if self.cache is None or not self.read:
            return {}
        try:
            return self.cache.entries(check, context)
        except (sqlite3.Error, ValueError):
            return {}

    def holds(self, check: str, context: str) -> bool:
        if self.cache is None or not self.read:
            return False
        try:
            return self.cache.holds(check, context)
        except sqlite3.Error:
            return False

    def store(self, check: str, context: str, fresh: dict[str, Entry], gone: set[str]) -> None:
        if self.cache is None:
            return
        try:
            self.cache.store(check, context, fresh, gone)
        except sqlite3.Error:
            pass  # findings not kept: the next check makes them again

    def run(self, check: str, context: str, paths: list[str], state: Callable[[str], str] | None,
            check_all: Callable[[list[str]], list[Checked]]) -> list[list[Finding]]:
        """Each path's findings, in order: kept ones where still valid, the others from `check_all` (called
        once, with the paths to check, giving each one's findings, tokens and their state as the checking
        process saw it, or None for checks without tokens)."""
        reuse = Reuse(self.entries(check, context), state)
        found: list[list[Finding] | None] = [reuse.findings(p, self.stamp(p)) for p in paths]
        todo = [p for p, f in zip(paths, found) if f is None]
        self.checked[check] = todo
        fresh: dict[str, Entry] = {}
        if todo:
            results = iter(check_all(todo))
            for i, f in enumerate(found):
                if f is None:
                    findings, tokens, state = next(results)
                    found[i] = findings
                    fresh[paths[i]] = reuse.entry(self.stamp(paths[i]), tokens, state, findings)
        gone = set(reuse.cached).difference(paths)
        if fresh or gone:
            self.store(check, context, fresh, gone)
        return [f for f in found if f is not None]


def schema_report(kept: Kept, locator, jobs: int = 0, progress: bool = False) -> Report:  # type: ignore[no-untyped-def]
    from ietm.check.schema import validate_files

    files = kept.files()
    context = kept.context("schema", repr(locator.spec), files_digest(schema_sources(locator)))
    each = kept.run("schema", context, files, None,
                    lambda todo: [(found, (), None) for found in validate_files(todo, locator, jobs, progress)])
    return Report([f for found in each for f in found], len(files), "schema")


def schema_sources(locator) -> list[Path]:  # type: ignore[no-untyped-def]
    """The files a schema of the locator can come from: its folders, its catalogs and what they map to."""
    out = [*locator.dirs, *locator.catalog_paths]
    for cat in locator.catalogs:
        out += [p.parent for p in cat.exact.values()] + [p.parent for _, p in cat.suffixes]
        out += [base for _, _, base in cat.prefixes]
    return sorted({Path(p) for p in out if Path(p).exists()})


def brex_report(kept: Kept, spec, jobs: int = 0, progress: bool = False) -> Report:  # type: ignore[no-untyped-def]
    from ietm.check.brex import Checker, brex_report as report, check_objects, key_state

    files = kept.files()
    given = [*spec.defaults, *([spec.explicit] if spec.explicit else [])]
    context = kept.context("brex", repr((spec.defaults, spec.explicit, spec.values, spec.nonfailing)),
                           files_digest(given))

    def state(key: str) -> str:
        return key_state(spec, key, stamp)

    problems: list[list[Finding]] = []

    def check_all(todo: list[str]) -> list[Checked]:
        spec_problems, results = check_objects(todo, spec, jobs, progress)
        problems.append(spec_problems)
        return results

    each = kept.run("brex", context, files, state, check_all)
    spec_problems = problems[0] if problems else Checker(spec).spec_problems()
    return report(spec_problems, each, len(files))


def refs_report(kept: Kept, catalog: Catalog, brex_keys: set[str], jobs: int = 0) -> Report:
    from ietm.check.refs import World, refs_each, refs_report as report, unreadable

    context = kept.context("refs", repr(sorted(brex_keys)))
    # with nothing kept every object is checked: its references read with it, not once more for the few to check
    cold = not kept.holds("refs", context)
    objects = catalog.all(with_refs=cold)
    world = World.of(objects, brex_keys)
    checked = [o for o in objects if o.kind != "icn"]
    by_path = {o.path: o for o in checked}

    def check_all(todo: list[str]) -> list[Checked]:
        todo_objects = [by_path[p] for p in todo]
        return refs_each(todo_objects if cold else _with_refs(catalog, todo_objects, len(checked)), world, jobs)

    each = kept.run("refs", context, [o.path for o in checked], world.state, check_all)
    return report(unreadable(catalog), each, len(objects))


def _with_refs(catalog: Catalog, todo: list, total: int) -> list:
    """The objects to check with their references: all read at once when they are many, else each by its key."""
    if len(todo) * 4 > total:
        every = {o.path: o for o in catalog.all(with_refs=True)}
        return [every[o.path] for o in todo]
    return [next(c for c in catalog.objects(key=o.key, with_refs=True) if c.path == o.path) for o in todo]


def applic_report(kept: Kept, catalog: Catalog, jobs: int = 0, progress: bool = False) -> Report:
    from ietm.applic.csdb import Applicability
    from ietm.check.applic import applic_report as report, check_each, checked_paths

    tables = [o.path for t in ("act", "cct", "pct", "comrep")
              for o in catalog.objects(kind="dm", content_type=t, state="latest")]
    context = kept.context("applic", digest(f"{p}={kept.stamp(p)}" for p in tables))
    applic = Applicability.for_csdb(catalog)
    paths = checked_paths(catalog)
    each = kept.run("applic", context, paths, None,
                    lambda todo: [(found, (), None) for found in check_each(todo, applic, jobs, progress)])
    return report(catalog, applic, each, len(paths))
