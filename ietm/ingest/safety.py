"""Warnings and cautions of an imported manual, kept once each in common information repositories.

A GOST manual repeats its safety texts ("ОСТОРОЖНО! Выходное напряжение 230 В опасно для жизни") wherever
they apply; S1000D keeps each once in a warnings (0A4) or cautions (0A5) repository and has modules refer to
it (warningsAndCautionsRef, and warningRefs/cautionRefs on the step, safety requirement or paragraph it
guards), so that a correction reaches every place. A text the CSDB's repositories already hold (the writer's,
or an earlier import's) is referred to there; the others go into the import's own repository modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.author.create import _set_code
from ietm.errors import InputError
from ietm.ingest.blocks import Paragraph
from ietm.ingest.inline import fill
from ietm.parse.codes import DmCode
from ietm.parse.loader import load

KINDS = {"warning": ("0A4", "warningRepository", "warningSpec", "warningIdent", "warningIdentNumber", "WRN"),
         "caution": ("0A5", "cautionRepository", "cautionSpec", "cautionIdent", "cautionIdentNumber", "CAU")}
REF = {"warning": ("warningRef", "warningRefs", "wr"), "caution": ("cautionRef", "cautionRefs", "cr")}
_SPACE = re.compile(r"\s+")


def key(text: str) -> str:
    """What makes two safety texts the same one: their words, whatever the spacing, case and final stop."""
    return _SPACE.sub(" ", text).strip().rstrip(".!").casefold()


@dataclass
class Entry:
    ident: str  # WRN-001
    code: DmCode  # of the repository module that holds it
    paras: list[Paragraph] = field(default_factory=list)  # the text, for an entry of this import's repository


class Safety:
    """The repository entries of one import. `allocate(info)` gives the code of a new repository module."""

    def __init__(self, existing: dict[tuple[str, str], Entry], allocate) -> None:
        self.existing = existing
        self.allocate = allocate
        self.codes: dict[str, DmCode] = {}  # kind -> this import's repository module
        self.own: dict[str, dict[str, Entry]] = {"warning": {}, "caution": {}}  # kind -> text key -> entry

    def entry(self, kind: str, paras: list[Paragraph]) -> Entry:
        k = key(" ".join(p.plain for p in paras))
        found = self.existing.get((kind, k)) or self.own[kind].get(k)
        if found is not None:
            return found
        if kind not in self.codes:
            self.codes[kind] = self.allocate(KINDS[kind][0])
        entry = Entry(f"{KINDS[kind][5]}-{len(self.own[kind]) + 1:03d}", self.codes[kind], paras)
        self.own[kind][k] = entry
        return entry

    def repositories(self) -> list[tuple[str, DmCode, etree._Element]]:
        """(kind, code, content) of each repository module this import writes."""
        out = []
        for kind, entries in self.own.items():
            if not entries:
                continue
            _, repo_tag, spec_tag, ident_tag, attr, _ = KINDS[kind]
            content = etree.Element("content")
            repo = etree.SubElement(etree.SubElement(content, "commonRepository"), repo_tag)
            for e in entries.values():
                spec = etree.SubElement(repo, spec_tag, id=f"{e.ident.lower()}-spec")
                etree.SubElement(spec, ident_tag, {attr: e.ident})
                for p in e.paras:
                    fill(etree.SubElement(spec, "warningAndCautionPara"), p.runs, "attention")
            out.append((kind, self.codes[kind], content))
        return out


def existing_entries(csdb: Path, language: str, not_files: set[str]) -> dict[tuple[str, str], Entry]:
    """(kind, text key) -> entry of the warning and caution repositories already in the CSDB in `language`
    (ll-CC), except the files in `not_files` (what this source wrote last time, rewritten now)."""
    out: dict[tuple[str, str], Entry] = {}
    for f in sorted(csdb.glob(f"DMC-*_{language}.XML")) + sorted(csdb.glob(f"DMC-*_{language}.xml")):
        if f.name in not_files or not re.search(r"-(?:0A4|0A5|012)[A-Z]-[A-Z]_", f.name, re.IGNORECASE):
            continue
        try:
            root = load(f).root
            code = DmCode.parse(f.name.split("_")[0][4:])
        except (InputError, ValueError):
            continue
        for kind, (_, repo_tag, spec_tag, ident_tag, attr, _) in KINDS.items():
            for spec in root.iterfind(f"content/commonRepository/{repo_tag}/{spec_tag}"):
                ident = spec.find(ident_tag)
                text = " ".join(" ".join(p.itertext()) for p in spec.iterfind("warningAndCautionPara"))
                if ident is not None and ident.get(attr) and text.strip():
                    out.setdefault((kind, key(text)), Entry(ident.get(attr), code))
    return out


class References:
    """The repository entries one module refers to: ids for warningRefs/cautionRefs, and the
    warningsAndCautionsRef that declares them."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, str], tuple[str, Entry]] = {}  # (kind, module code, ident) -> (id, entry)

    def id_for(self, kind: str, entry: Entry) -> str:
        k = (kind, str(entry.code), entry.ident)
        if k not in self.ids:
            self.ids[k] = (f"{REF[kind][2]}-{sum(1 for x in self.ids if x[0] == kind) + 1:04d}", entry)
        return self.ids[k][0]

    def element(self) -> etree._Element | None:
        """The warningsAndCautionsRef of the module (warnings first, as the schema orders them), or None."""
        if not self.ids:
            return None
        holder = etree.Element("warningsAndCautionsRef")
        for kind in ("warning", "caution"):
            for (k, _, _), (rid, entry) in self.ids.items():
                if k == kind:
                    ref = etree.SubElement(holder, REF[kind][0], {"id": rid, KINDS[kind][4]: entry.ident})
                    dm_code = etree.SubElement(etree.SubElement(etree.SubElement(ref, "dmRef"), "dmRefIdent"), "dmCode")
                    _set_code(dm_code, entry.code)
        return holder
