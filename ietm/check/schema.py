"""Schema validation of CSDB objects against the XML Schema each names, offline, on all cores.

Each worker process compiles a schema the first time an object asks for it and keeps it for the run,
so a corpus of thousands of modules costs one compilation per schema per core.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Sequence

from lxml import etree

from ietm.check.schemas_locator import SchemaLocator, compile_schema
from ietm.errors import ConfigError, InputError
from ietm.parse.loader import Loaded, load
from ietm.parse.model import ICN_SUFFIXES, XSI
from ietm.report import Finding, Report

MISSING_HINT = (
    "give the folder of the official schemas with --schemas DIR or an OASIS catalog with --catalog FILE, "
    "or set [schemas] dirs = [...] in ietm.toml"
)
PARALLEL_FROM = 24


class Validator:
    """Validates loaded objects; one per process, holding the compiled schemas of the run."""

    def __init__(self, locator: SchemaLocator) -> None:
        self.locator = locator
        self._schemas: dict[Path, etree.XMLSchema] = {}

    def schema_for(self, url: str) -> etree.XMLSchema | None:
        local = self.locator.resolve(url)
        if local is None:
            return None
        if local not in self._schemas:
            self._schemas[local] = compile_schema(local, self.locator)
        return self._schemas[local]

    def validate(self, doc: Loaded) -> list[Finding]:
        root = doc.root
        url = root.get(f"{XSI}noNamespaceSchemaLocation") or root.get(f"{XSI}schemaLocation")
        if not url:
            return [Finding("error", doc.path, "no xsi:noNamespaceSchemaLocation: cannot tell which schema applies",
                            root.sourceline, rule="schema-unknown")]
        url = url.split()[-1]
        try:
            schema = self.schema_for(url)
        except ConfigError as exc:
            return [Finding("error", doc.path, str(exc), root.sourceline, rule="schema-broken")]
        if schema is None:
            return [Finding("error", doc.path, f"schema {url} not found locally", root.sourceline, rule="schema-missing")]
        if schema.validate(doc.tree):
            return []
        return [
            Finding("error", doc.path, e.message, e.line or None, e.column or None, rule="schema")
            for e in schema.error_log
        ]

    def validate_file(self, path: str) -> list[Finding]:
        try:
            doc = load(path)
        except InputError as exc:
            return [Finding("error", exc.path or path, exc.message, exc.line, rule="not-readable", check="parse")]
        return self.validate(doc)


def expand(paths: Sequence[str | Path]) -> list[str]:
    """Files as given, and every XML object inside folders (hidden folders such as .ietm skipped)."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out += [os.path.join(folder, f) for f in sorted(files) if f.lower().endswith(".xml")]
        elif path.suffix.lower() in ICN_SUFFIXES:
            continue
        else:
            out.append(str(path))
    return out


_worker: Validator | None = None


def _init_worker(dirs: list[str], catalogs: list[str], profile_first: bool) -> None:
    global _worker
    _worker = Validator(SchemaLocator([Path(d) for d in dirs], [Path(c) for c in catalogs], profile_first))


def _validate_chunk(paths: list[str]) -> list[list[Finding]]:
    assert _worker is not None
    return [_worker.validate_file(p) for p in paths]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def validate_files(files: list[str], locator: SchemaLocator, jobs: int = 0, progress: bool = False) -> list[list[Finding]]:
    """Each file's findings, in the order of `files`; many files on all cores."""
    workers = min(jobs or os.cpu_count() or 1, max(1, len(files) // 8))
    if len(files) < PARALLEL_FROM or workers == 1:
        v = Validator(locator)
        return [v.validate_file(p) for p in files]
    # chunks small enough to balance the cores, large enough that a schema is compiled once per worker
    size = max(4, min(64, len(files) // (workers * 4)))
    chunks = list(_chunks(files, size))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=locator.spec) as pool:
        results: Iterable[list[list[Finding]]] = pool.map(_validate_chunk, chunks)
        if progress:
            from ietm.progress import track

            results = track(results, total=len(chunks), description="Validating")
        return [found for chunk in results for found in chunk]


def validate_paths(
    paths: Sequence[str | Path], locator: SchemaLocator, jobs: int = 0, progress: bool = False
) -> Report:
    files = expand(paths)
    return Report([f for found in validate_files(files, locator, jobs, progress) for f in found], len(files), "schema")
