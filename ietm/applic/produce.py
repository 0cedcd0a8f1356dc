"""Writing the instances of many objects for one product: data modules first, then the publication modules,
whose entries for modules left out are dropped so the instance folder holds no reference to a missing module.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.applic.csdb import Applicability
from ietm.applic.instance import Result, make_instance, remove_and_repair
from ietm.applic.tables import Product
from ietm.author.files import write_new
from ietm.errors import InputError
from ietm.parse.loader import load
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


def label(product: Product | None, extra: dict[str, str]) -> str:
    """The display text of an instance's status applic: which product, with which values."""
    values = {**(product.assignment if product else {}), **extra}
    text = ", ".join(f"{k} {v}" for k, v in values.items())
    return f"Product {product.id}: {text}" if product else text


def write_instances(
    files: list[Path],
    applicability: Applicability,
    product: Product | None,
    extra: dict[str, str],
    output: Path,
    force: bool = False,
) -> list[Written]:
    loaded = []
    for path in files:
        doc = load(path)
        if doc.root.tag not in ("dmodule", "pm"):
            raise InputError("is not a data module or publication module", str(path))
        loaded.append((path, doc))
    loaded.sort(key=lambda pd: pd[1].root.tag == "pm")  # modules first: PMs drop entries for modules left out
    left_out: set[str] = set()
    out: list[Written] = []
    for path, doc in loaded:
        scope = applicability.scope_of(doc.root)
        assignment = {**(applicability.assignment_for(product, scope) if product else {}), **extra}
        result = make_instance(doc.root, applicability.annotations(doc.root), assignment, label(product, extra),
                               scope.properties, applicability.whole(doc.root))
        written = Written(path, None, result)
        if doc.root.tag == "pm" and left_out:
            written.dropped_refs = _drop_refs(doc.root, left_out, result)
        if result.applicable is False or result.emptied:
            written.skipped = "not applicable to this product" if result.applicable is False else "nothing applicable left"
            if doc.root.tag == "dmodule":
                left_out.add(describe(doc).key)
        else:
            written.output = output / path.name
            write_new(written.output, etree.tostring(doc.tree, xml_declaration=True, encoding="UTF-8"), overwrite=force)
            _copy_illustrations(doc, path.parent, output)
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


def _copy_illustrations(doc, source: Path, output: Path) -> None:
    """The ICN files the instance still shows (infoEntityIdent), so the instance folder is a viewable CSDB."""
    used = {v for v in doc.root.xpath("//@infoEntityIdent")}
    for name in used:
        file = doc.entities.get(str(name))
        if file and (source / file).is_file() and not (output / file).exists():
            shutil.copy2(source / file, output / file)
