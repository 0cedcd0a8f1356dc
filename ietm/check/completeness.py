"""Completeness of the delivered set: the DML (what is required), the CSDB (what exists, in which issue) and
the publication modules (what the manual contains) must agree before a manual ships with a product.

Reported: required objects that are missing; objects in the CSDB that no DML asks for; DML entries and PM
references that name an older issue than the latest in the CSDB; data modules that no PM contains (the
ACT, CCT, PCT and BREX, which steer a manual rather than appear in it, excepted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ietm.catalog import Catalog
from ietm.errors import IetmError
from ietm.parse.loader import load
from ietm.parse.model import CsdbObject
from ietm.report import Finding, Report

#: content types that steer a manual (applicability, business rules) and are not published in it
NOT_PUBLISHED = {"act", "cct", "pct", "brex"}


def _order(issue: str | None) -> tuple[int, int]:
    if not issue:
        return (-1, -1)
    number, _, in_work = issue.partition("-")
    return (int(number or 0), int(in_work or 0))


@dataclass
class Entry:
    """One thing a DML or PM asks for."""

    source: CsdbObject
    kind: str  # dm | pm | icn | comment
    key: str
    issue: str | None
    line: int | None


def dml_entries(dml: CsdbObject) -> list[Entry]:
    """The entries of a DML: data and publication modules from the catalog's references, ICNs from the file."""
    out = [Entry(dml, r.kind, r.target, r.issue, r.line) for r in dml.refs if r.kind in ("dm", "pm")]
    root = load(dml.path).root
    for el in root.iter("infoEntityRef"):
        ident = (el.get("infoEntityRefIdent") or "").strip()
        if ident:
            out.append(Entry(dml, "icn", ident.rsplit(".", 1)[0].upper(), None, el.sourceline))
    return out


def check_completeness(catalog: Catalog) -> Report:
    objects = catalog.all(with_refs=True)
    latest: dict[str, str | None] = {}
    for o in objects:
        if o.key not in latest or _order(o.issue) > _order(latest[o.key]):
            latest[o.key] = o.issue
    current = [o for o in objects if o.kind != "icn" and o.issue == latest[o.key]]
    dmls = [o for o in current if o.kind == "dml"]
    pms = [o for o in current if o.kind == "pm"]
    findings: list[Finding] = []

    required: dict[str, list[Entry]] = defaultdict(list)
    for dml in dmls:
        try:
            entries = dml_entries(dml)
        except IetmError as exc:
            findings.append(Finding("error", exc.path or dml.path, exc.message, exc.line, rule="not-readable", check="parse"))
            continue
        for e in entries:
            required[e.key].append(e)
            findings += _compare(e, latest, "DML", "warning")

    in_pm: set[str] = set()
    for pm in pms:
        for r in pm.refs:
            if r.kind in ("dm", "pm"):
                in_pm.add(r.target)
                findings += _compare(Entry(pm, r.kind, r.target, r.issue, r.line), latest, "PM", "error")

    if dmls:
        for o in current:
            if o.kind in ("dm", "pm") and o.key not in required:
                findings.append(Finding("warning", o.path, f"{o.key} issue {o.issue} is in the CSDB but in no DML", None,
                                        rule="extra", check="completeness"))
    else:
        findings.append(Finding("warning", str(catalog.root), "the CSDB holds no DML, so what is required is unknown; "
                                "only the publication modules are compared", None, rule="no-dml", check="completeness"))
    if pms:
        for o in current:
            if o.kind == "dm" and o.key not in in_pm and o.content_type not in NOT_PUBLISHED:
                findings.append(Finding("warning", o.path, f"{o.key} is in no publication module", None,
                                        rule="not-in-pm", check="completeness"))
    findings.sort(key=lambda f: (f.path, f.line or 0))
    return Report(findings, len(current), "completeness")


def _compare(e: Entry, latest: dict[str, str | None], where: str, outdated_severity: str) -> list[Finding]:
    what = {"dm": "data module", "pm": "publication module", "icn": "illustration"}.get(e.kind, e.kind)
    if e.key not in latest:
        return [Finding("error", e.source.path, f"{where} requires {what} {e.key}, which is not in the CSDB", e.line,
                        rule="missing", check="completeness")]
    have = latest[e.key]
    if e.issue and have and e.issue != have:
        if _order(e.issue) < _order(have):
            return [Finding(outdated_severity, e.source.path, f"{where} names issue {e.issue} of {e.key}; the latest in the CSDB is {have}",
                            e.line, rule="outdated", check="completeness")]
        return [Finding("error", e.source.path, f"{where} names issue {e.issue} of {e.key}, newer than the latest in the CSDB ({have})",
                        e.line, rule="missing-issue", check="completeness")]
    return []

