"""The checks of one save: schema, BREX and references of a module that is not written yet, with the same
validators `ietm check` uses; and the attribute values a module's BREX chain allows, for the editor's menus."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from ietm.check.brex import Brex, Checker, check as brex_check, make_spec
from ietm.check.refs import CODE_KINDS, Folders, Versions, code_ref, icn_ref
from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator
from ietm.parse.loader import Loaded
from ietm.parse.model import describe
from ietm.report import Finding

#: BREX object paths that name one attribute, anywhere or on one element: //@attr, //element/@attr
_ATTRIBUTE_PATH = re.compile(r"^//(?:([A-Za-z][\w.-]*)/)?@([A-Za-z][\w.-]*)$")


class ModuleChecks:
    """Schema, BREX and reference checks of single modules of one CSDB; schemas compiled and BREX read once."""

    def __init__(self, site) -> None:  # type: ignore[no-untyped-def]
        config = site.config
        self.site = site
        self.locator = SchemaLocator(config.paths("schemas.dirs"), config.paths("schemas.catalogs"))
        self.validator = Validator(self.locator)
        self.brex = Checker(make_spec([site.csdb], defaults=config.paths("brex.default")))
        self._guard = threading.Lock()  # lxml schemas and the BREX checker keep state per call

    def check(self, doc: Loaded) -> list[Finding]:
        with self._guard:
            findings = self.validator.validate(doc)
            chain, found = self.brex.layers(doc)
            findings += found + brex_check(doc, chain, self.brex.spec.values, self.brex.spec.nonfailing)
        return findings + self.references(doc)

    def references(self, doc: Loaded) -> list[Finding]:
        """Every reference the module makes, resolved against the CSDB as it is now (ietm.check.refs)."""
        site = self.site
        obj = describe(doc)
        objects = [o for copies in site.copies.values() for o in copies]
        versions = Versions.of(objects, self.brex.spec.index.keys() | {b.key for b in self.brex.by_issue.values()})
        icn_files: dict[str, set[str]] = defaultdict(set)
        for path in site.icns.values():
            icn_files[path.name.lower()].add(path.name)
        folders = Folders()
        ids = {v for el in doc.root.iter() if isinstance(el.tag, str) and (v := el.get("id"))}
        out: list[Finding | None] = []
        for ref in obj.refs:
            if ref.kind in CODE_KINDS:
                out.append(code_ref(obj, ref, versions))
            elif ref.kind == "icn":
                out.append(icn_ref(obj, ref, folders, icn_files))
            elif ref.kind == "internal" and ref.target not in ids:
                out.append(Finding("error", obj.path, f"internalRef to '{ref.target}': no element has that id", ref.line,
                                   rule="internal-dangling", check="refs"))
        return [f for f in out if f is not None]

    def chain(self, doc: Loaded) -> list[Brex]:
        with self._guard:
            return self.brex.layers(doc)[0]


def brex_values(chain: list[Brex]) -> dict[str, Any]:
    """Attribute value sets the BREX layers allow: 'attr' or 'element@attr' -> {values: [[value, label]], open}.

    Taken from rules that only allow listed values (allowedObjectFlag 2) of one attribute. Every layer must
    allow a value; `open` says a range or pattern also admits values the list does not name."""
    out: dict[str, dict[str, Any]] = {}
    for brex in chain:
        for rule in brex.rules:
            m = _ATTRIBUTE_PATH.match(rule.path.strip())
            if not m or rule.flag != "2" or not rule.values:
                continue
            key = f"{m[1]}@{m[2]}" if m[1] else m[2]
            singles = [(a.value, "") for a in rule.values if a.form not in ("range", "pattern")]
            labels = _labels(brex, rule)
            singles = [(v, labels.get(v, "")) for v, _ in singles]
            is_open = any(a.form in ("range", "pattern") for a in rule.values)
            if key not in out:
                out[key] = {"values": singles, "open": is_open, "rule": rule}
                continue
            before = out[key]
            allowed = {v for v, _ in singles}
            kept = [(v, lab or next((x for w, x in singles if w == v), "")) for v, lab in before["values"]
                    if v in allowed or rule.allows(v)]
            if not before["open"]:
                out[key] = {"values": kept, "open": False, "rule": before["rule"]}
            else:
                more = [(v, lab) for v, lab in singles if before["rule"].allows(v) and v not in {w for w, _ in kept}]
                out[key] = {"values": kept + more, "open": is_open, "rule": rule}
    return {k: {"values": [list(p) for p in v["values"]], "open": v["open"]} for k, v in out.items()}


_label_cache: dict[tuple[str, int], dict[str, dict[str, str]]] = {}


def _labels(brex: Brex, rule) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """value -> the text the BREX gives it (an objectValue's content), read once per BREX file version."""
    from ietm.parse.loader import load

    path = Path(brex.path)
    stamp = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
    cache = _label_cache.get(stamp)
    if cache is None:
        cache = {}
        for el in load(path).root.iter("structureObjectRule"):
            where = " ".join((el.findtext("objectPath") or "").split())
            for value in el.iter("objectValue"):
                text = " ".join("".join(value.itertext()).split())
                if text:
                    cache.setdefault(where, {})[value.get("valueAllowed", "")] = text
        _label_cache[stamp] = cache
    return cache.get(" ".join(rule.path.split()), {})
