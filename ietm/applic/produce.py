"""Writing the instances of many objects for one product: data modules first, then the publication modules,
whose entries for modules left out are dropped so the instance folder holds no reference to a missing module.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.applic.csdb import Applicability
from ietm.applic.instance import Result, make_instance, remove_and_repair
from ietm.applic.tables import Product
from ietm.atomic import write_new
from ietm.author.files import serialize
from ietm.errors import IetmError, InputError, NotFound, Refused
from ietm.parse.loader import Loaded, load
from ietm.parse.model import describe, dm_ref_key


@dataclass
class Written:
    source: Path
    output: Path | None
    result: Result
    skipped: str | None = None
    dropped_refs: list[tuple[str, int | None]] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {
            "source": str(self.source),
            "removed": [{"element": t, "line": n} for t, n in self.result.removed],
            "placeholders": self.result.placeholders,
        }
        if self.output is not None:
            d["output"] = str(self.output)
        if self.skipped:
            d["skipped"] = self.skipped
        if self.dropped_refs:
            d["droppedRefs"] = [{"target": t, "line": n} for t, n in self.dropped_refs]
        return d


def label(product: Product | list[Product] | None, extra: dict[str, str]) -> str:
    """The display text of an instance's status applic: which product (or products), with which values."""
    if isinstance(product, list):
        return "Products " + "; ".join(label(p, extra).removeprefix("Product ") for p in product)
    values = {**(product.assignment if product else {}), **extra}
    text = ", ".join(f"{k} {v}" for k, v in values.items())
    return f"Product {product.id}: {text}" if product else text


PARALLEL_FROM = 200  # modules below which starting worker processes costs more than it saves


@dataclass
class _Job:
    """One product's instance run: what every object (and every worker process) needs to filter it."""

    applicability: Applicability
    product: Product | list[Product] | None  # a list: one instance for several products (what applies to any)
    extra: dict[str, str]
    output: Path
    force: bool

    def run(self, path: Path, left_out: set[str] | None) -> tuple[Written | None, str | None]:
        """(what was written, key if the object was left out); (None, None) defers a PM to the second pass."""
        doc = load(path)
        tag = doc.root.tag
        if tag not in ("dmodule", "pm"):
            raise InputError("is not a data module or publication module", str(path))
        if tag == "pm" and left_out is None:
            return None, None
        a = self.applicability
        scope = a.scope_of(doc.root)
        products = self.product if isinstance(self.product, list) else [self.product] if self.product else []
        assignments = [{**a.assignment_for(p, scope), **self.extra} for p in products] or [dict(self.extra)]
        result = make_instance(doc.root, a.annotations(doc.root), assignments, label(self.product, self.extra),
                               scope.properties, a.whole(doc.root))
        written = Written(path, None, result)
        if tag == "pm" and left_out:
            written.dropped_refs = _drop_refs(doc.root, left_out, result)
        if result.applicable is False or result.emptied:
            written.skipped = "not applicable to this product" if result.applicable is False else "nothing applicable left"
            return written, describe(doc).key if tag == "dmodule" else None
        written.output = self.output / path.name
        write_new(written.output, serialize(doc), overwrite=self.force, durable=False)  # can be made again
        _copy_illustrations(doc, path.parent, self.output)
        return written, None


_job: _Job | None = None


def _init_worker(job: _Job) -> None:
    global _job
    _job = job


def _run_chunk(paths: list[Path]) -> list[tuple[Path, Written | None, str | None, tuple | None]]:
    """Errors travel back as data: an IetmError pickled across processes would lose its file and line."""
    assert _job is not None
    out = []
    for path in paths:
        try:
            written, key = _job.run(path, None)
            out.append((path, written, key, None))
        except IetmError as exc:
            out.append((path, None, None, (type(exc).__name__, exc.message, exc.path, exc.line)))
            break
    return out


def write_instances(
    files: list[Path],
    applicability: Applicability,
    product: Product | list[Product] | None,
    extra: dict[str, str],
    output: Path,
    force: bool = False,
    jobs: int = 0,
) -> list[Written]:
    """Filter and write every object: data modules first (on all cores when there are many), then the
    publication modules, which drop their entries for the modules left out."""
    job = _Job(applicability, product, extra, output, force)
    is_pm = [p.name.upper().startswith(("PMC-", "PME-")) for p in files]
    first = [p for p, pm in zip(files, is_pm) if not pm]
    later = [p for p, pm in zip(files, is_pm) if pm]
    workers = min(jobs or os.cpu_count() or 1, max(1, len(first) // PARALLEL_FROM))
    if workers == 1:
        results = []
        for path in first:
            written, key = job.run(path, None)
            results.append((path, written, key, None))
    else:
        size = max(16, len(first) // (workers * 4))
        chunks = [first[i : i + size] for i in range(0, len(first), size)]
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(job,)) as pool:
            results = [r for chunk in pool.map(_run_chunk, chunks) for r in chunk]
    out: list[Written] = []
    left_out: set[str] = set()
    for path, written, key, error in results:
        if error is not None:
            kind = {"NotFound": NotFound, "Refused": Refused}.get(error[0], InputError)
            raise kind(error[1], error[2], error[3])
        if written is None:
            later.append(path)  # a publication module under another name
            continue
        out.append(written)
        if key:
            left_out.add(key)
    for path in later:
        written, _ = job.run(path, left_out)
        out.append(written)
    return out


def _drop_refs(root: etree._Element, left_out: set[str], result: Result) -> list[tuple[str, int | None]]:
    dropped = []
    content = root.find("content")
    for ref in content.iterfind(".//pmEntry/dmRef") if content is not None else ():
        ident = ref.find("dmRefIdent")
        key = dm_ref_key(ident) if ident is not None else None
        if key in left_out:
            dropped.append((key, ref.sourceline))
            remove_and_repair(ref, result)
    if dropped and content is not None:
        result.emptied = not any(isinstance(k.tag, str) and k.tag == "pmEntry" for k in content)
    return dropped


def _copy_illustrations(doc: Loaded, source: Path, output: Path) -> None:
    """The ICN files the instance still shows (infoEntityIdent), so the instance folder is a viewable CSDB.
    Workers may copy the same file at once: each copy is atomic and the second one is simply not needed."""
    for name in {str(v) for v in doc.root.xpath("//@infoEntityIdent")}:
        file = doc.entities.get(name)
        if file and (source / file).is_file() and not (output / file).exists():
            try:
                write_new(output / file, (source / file).read_bytes(), durable=False)
            except Refused:
                pass
