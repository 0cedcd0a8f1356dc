"""`ietm applic`: applicability that names only what the ACT, CCT and PCT declare.

Every `assert` must name a declared product attribute or condition, with values its enumerations and
valuePattern allow (both ends of a range are checked); every `applicRefId` must point at an `applic` of the
module's `referencedApplicGroup`; every PCT product must assign declared attributes allowed values.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Iterable


from ietm.applic.csdb import Applicability, Scope, act_ref
from ietm.applic.expr import parse_values
from ietm.applic.tables import Pct
from ietm.errors import IetmError
from ietm.parse.loader import Loaded, load
from ietm.report import Finding, Report

if TYPE_CHECKING:
    from ietm.catalog import Catalog

CHECK = "applic"
PER_WORKER = 200  # modules a worker process must have to repay its start (fork, unpickling the tables)


def _finding(severity: str, path: str, line: int | None, rule: str, message: str) -> Finding:
    return Finding(severity, path, message, line, rule=rule, check=CHECK)


def _nowhere(scope: Scope) -> str:
    unread = f" ({', '.join(scope.missing)} not in the CSDB)" if scope.missing else ""
    return f"declared neither in ACT {scope.act.key if scope.act else '?'} nor in its CCT{unread}"


def check_asserts(doc: Loaded, scope: Scope) -> list[Finding]:
    out: list[Finding] = []
    asserts = [a for a in doc.root.iter("assert") if a.get("applicPropertyIdent") is not None]
    if not asserts:
        return out
    if scope.act is None:
        key, line = act_ref(doc.root)
        if key is None:
            return [_finding("warning", doc.path, asserts[0].sourceline, "applic-no-act",
                             "asserts applicability but names no ACT (dmStatus/applicCrossRefTableRef)")]
        return [_finding("error", doc.path, line, "applic-no-table", f"its ACT {key} is not in the CSDB")]
    for a in asserts:
        ident, ptype, values = a.get("applicPropertyIdent"), a.get("applicPropertyType"), a.get("applicPropertyValues")
        prop = scope.properties.get(ident)
        if prop is None:
            what = "condition" if ptype == "condition" else "product attribute"
            out.append(_finding("error", doc.path, a.sourceline, "applic-undeclared",
                                f"{what} '{ident}' is {_nowhere(scope)}"))
            continue
        if ptype and ptype != prop.type:
            out.append(_finding("error", doc.path, a.sourceline, "applic-type",
                                f"'{ident}' is a {prop.type}, not a {ptype}"))
        if values is None:
            continue
        for alt in parse_values(values):
            for v in (alt.low, alt.high):
                if v is not None and not prop.allows(v):
                    out.append(_finding("error", doc.path, a.sourceline, "applic-value",
                                        f"value '{v}' of '{ident}' is not allowed (allowed: {prop.allowed_text()})"))
    return out


def check_refids(doc: Loaded, applic: Applicability) -> list[Finding]:
    known = applic.annotations(doc.root)
    marker, statement = applic.whole(doc.root)
    out = []
    if marker is not None and marker.tag == "applicRef" and statement is None:
        out.append(_finding("error", doc.path, marker.sourceline, "applic-repository",
                            f"applicRef names '{marker.get('applicIdentValue')}', which no applicability repository declares"))
    out += [
        _finding("error", doc.path, ref.sourceline, "applic-repository",
                 f"applicRef '{ref.get('id')}' names '{ref.get('applicIdentValue')}', which no applicability repository declares")
        for ref in doc.root.iterfind("content/referencedApplicGroupRef/applicRef")
        if ref.get("id") in known and known[ref.get("id")] is None
    ]
    out += [
        _finding("error", doc.path, el.sourceline, "applic-refid",
                 f"applicRefId '{el.get('applicRefId')}' names no applic in referencedApplicGroup(Ref)")
        for el in doc.root.iterfind(".//*[@applicRefId]")
        if el.get("applicRefId") not in known
    ]
    return out


def check_object(doc: Loaded, applic: Applicability) -> list[Finding]:
    """The findings for one loaded data module or publication module."""
    return check_asserts(doc, applic.scope_of(doc.root)) + check_refids(doc, applic)


def check_pct(pct: Pct, applic: Applicability) -> list[Finding]:
    act = next((a for a in applic.acts.values() if a.pct == pct.key), None)
    if act is None:
        return []
    scope = applic.scope(act.key)
    out = []
    for product in pct.products:
        for a in product.assigns:
            prop = scope.properties.get(a.ident)
            if prop is None:
                out.append(_finding("error", pct.path, a.line, "applic-undeclared",
                                    f"product {product.id} assigns '{a.ident}', which is {_nowhere(scope)}"))
            elif not prop.allows(a.value):
                out.append(_finding("error", pct.path, a.line, "applic-value",
                                    f"product {product.id}: value '{a.value}' of '{a.ident}' is not allowed "
                                    f"(allowed: {prop.allowed_text()})"))
    return out


def check_file(path: str, applic: Applicability) -> list[Finding]:
    try:
        doc = load(path)
    except IetmError as exc:
        return [Finding("error", exc.path or path, exc.message, exc.line, rule="not-readable", check="parse")]
    return check_object(doc, applic)


def check_files(paths: list[str], applic: Applicability) -> list[Finding]:
    return [f for path in paths for f in check_file(path, applic)]


_worker: Applicability | None = None


def _init_worker(applic: Applicability) -> None:
    global _worker
    _worker = applic


def _check_chunk(paths: list[str]) -> list[list[Finding]]:
    assert _worker is not None
    return [check_file(p, _worker) for p in paths]


def check_each(paths: list[str], applic: Applicability, jobs: int = 0, progress: bool = False) -> list[list[Finding]]:
    """Each module's findings, in the order of `paths`: many on all cores, few in this process, where starting
    workers would cost more than it saves."""
    workers = min(jobs or os.cpu_count() or 1, max(1, len(paths) // PER_WORKER))
    if workers == 1:
        return [check_file(p, applic) for p in paths]
    size = max(16, len(paths) // (workers * 4))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(applic,)) as pool:
        results: Iterable[list[list[Finding]]] = pool.map(_check_chunk, chunks)
        if progress:
            from ietm.progress import track

            results = track(results, total=len(chunks), description="Checking applicability")
        return [found for chunk in results for found in chunk]


def checked_paths(catalog: Catalog) -> list[str]:
    """What the check covers: every latest data module and publication module."""
    return [o.path for kind in ("dm", "pm") for o in catalog.objects(kind=kind, state="latest")]


def applic_report(catalog: Catalog, applic: Applicability, each: Iterable[list[Finding]], modules: int) -> Report:
    """One report from each module's findings: the tables' own problems, the unreadable files and the PCTs
    checked here."""
    findings: list[Finding] = [
        _finding("error", exc.path or "", exc.line, "not-readable", exc.message) for exc in applic.problems
    ]
    findings += [  # files the catalog could not read: their applicability is unchecked, say so
        Finding("error", path, message, line, rule="not-readable", check="parse")
        for path, message, line in catalog.errors(again=True)
        if path.lower().endswith(".xml")
    ]
    findings += [f for found in each for f in found]
    for pct in applic.pcts.values():
        findings += check_pct(pct, applic)
    findings.sort(key=lambda f: (f.path, f.line or 0))
    return Report(findings, modules, CHECK)


def check_csdb(source: Catalog | str | Path, applic: Applicability | None = None, jobs: int = 0,
               progress: bool = False) -> Report:
    """Check every latest data module and publication module of a CSDB, and its PCTs."""
    from ietm.catalog import Catalog

    catalog = source if isinstance(source, Catalog) else Catalog.open(Path(source))
    if not isinstance(source, Catalog):
        catalog.refresh()
    applic = applic or Applicability.for_csdb(catalog)
    paths = checked_paths(catalog)
    return applic_report(catalog, applic, check_each(paths, applic, jobs, progress), len(paths))
