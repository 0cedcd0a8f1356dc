"""Language versions of one document share their data module codes.

S1000D tells a translation from another module by its language alone: the Russian and the English manual of a
product are the same data modules, publication module and ICNs in two languages. A document imported into a
CSDB that already holds a document of another language with the same plan (the same kinds of module for the
same sections, in the same order) is taken as its other language version and given its codes; a document of
a different structure keeps codes of its own.
"""

from __future__ import annotations

import re
from typing import Protocol

from lxml import etree

from ietm.author.create import _set_code
from ietm.ingest.report import ConversionReport
from ietm.ingest.writing import Manifest
from ietm.parse.codes import DmCode


class Planned(Protocol):
    code: DmCode
    schema: str
    content: etree._Element


def plan(built: list[Planned]) -> list[list[str]]:
    """[code, what it is] of each module in order; "what it is" leaves out what depends on the language (the
    info code, chosen from the title's words) and on what else the CSDB holds (the disassembly code)."""
    return [[str(b.code), f"{b.schema}:{b.code.systemCode}-{b.code.subSystemCode}{b.code.subSubSystemCode}-"
             f"{b.code.assyCode}:{b.code.itemLocationCode}"] for b in built]


def partner(manifest: Manifest, source: str, language: str, built: list[Planned]) -> tuple[str, dict] | None:
    """The other language version of `source` among the documents imported before: (its name, its record)."""
    shape = [s for _, s in plan(built)]
    model = built[0].code.modelIdentCode if built else ""
    for name, record in sorted(manifest.sources.items(), key=lambda kv: -int(kv[1].get("pm", 0))):
        if name == source or record.get("language") in (None, language):
            continue
        codes = [c for c, _ in record.get("plan", [])]
        if [s for _, s in record.get("plan", [])] != shape or not all(c.startswith(f"{model}-") for c in codes):
            continue
        # a document of this language that already shares them is that version (another file of it)
        if any(n not in (source, name) and r.get("language") == language and set(r.get("codes", [])) & set(codes)
               for n, r in manifest.sources.items()):
            continue
        return name, record
    return None


def share_codes(built: list[Planned], codes: list[str], report: ConversionReport) -> None:
    """Give the modules the codes of their other language version, in the references between them and in the
    report too."""
    mapping = {str(b.code): DmCode.parse(c) for b, c in zip(built, codes)}
    for b in built:
        for el in b.content.iter("dmCode"):
            new = mapping.get(str(DmCode.from_xml(el)))
            if new is not None:
                _set_code(el, new)
        b.code = mapping[str(b.code)]
    if mapping:
        pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
        for p in report.placed:
            p.to = pattern.sub(lambda m: str(mapping[m.group(0)]), p.to)
