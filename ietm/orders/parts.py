"""Every part and material a manual lets a technician order, with where it is listed and where it applies.

A part is orderable because the manual names it: an item of the illustrated parts data (IPD), a spare or a
supply a procedure requires, a part a fault's remedy names, or an entry of the parts or supplies repository.
Each such place is an `Occurrence`: the module, the figure and item (or the element), the quantity per
assembly, the unit, the alternatives the IPD gives (other items of the same catalogue sequence number and the
`partRefGroup` of the item) and the applicability that holds there (the module's own, and that of the item and
its ancestors), so an order line can be checked against the product it is for.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from lxml import etree

from ietm.applic import Applicability, Product, act_ref, evaluate_json, to_json
from ietm.errors import IetmError
from ietm.i18n import Message, message
from ietm.orders import words  # noqa: F401  (the words of where a part is listed)
from ietm.render.content.base import text_of
from ietm.render.content.fault import PART_TOKEN

if TYPE_CHECKING:
    from ietm.web.site import Site

#: content types whose modules can list orderable parts
SOURCES = ("ipd", "procedural", "process", "fault", "comrep")
#: requirement rows of procedures that are ordered (tools are not: they are lent, not consumed)
SPARES = {"spareDescr": "spare", "embeddedSpareDescr": "spare", "supplyDescr": "supply", "embeddedSupplyDescr": "supply"}

Key = tuple[str, str]  # (part number, manufacturer code), as written in the manual


def norm(value: str | None) -> str:
    """Part numbers and manufacturer codes compare without surrounding space and letter case."""
    return (value or "").strip().upper()


@dataclass
class Occurrence:
    """One place of the manual that lists a part (see the module docstring)."""

    part_number: str
    cage: str
    kind: str  # ipd | spare | supply | remedy | repository
    module: str
    figure: str = ""
    item: str = ""
    per_assembly: str = ""  # "1", "2", "AR" (as required), "REF" (the assembly itself) or "" (not said)
    unit: str = ""
    names: dict[str, str] = field(default_factory=dict)  # language -> name
    applic: dict | None = None  # the applicability expression that holds here (ietm.applic JSON form), or None
    applic_texts: dict[str, str] = field(default_factory=dict)  # language -> what the manual says of it
    act: str | None = None  # the ACT the module names: where its assertions are evaluated
    alternates: list[Key] = field(default_factory=list)

    def name(self, language: str = "") -> str:
        return _in_language(self.names, language)

    def applic_text(self, language: str = "") -> str:
        return _in_language(self.applic_texts, language)

    def per_assembly_number(self) -> float | None:
        try:
            return float(self.per_assembly)
        except ValueError:
            return None

    def where(self) -> Message:
        """Where a reader finds it: `DMC-... figure 01 item 2` or `DMC-... (sp-gs-1002)`, in their language."""
        if self.kind == "ipd":
            return message("orders_where_ipd", module=self.module, figure=self.figure, item=self.item)
        return message("orders_where", module=self.module, item=f" ({self.item})" if self.item else "")

    def applies_to(self, product: Product, applicability: Applicability) -> bool | None:
        """True, False or None (unknown: the product does not say), as the viewer decides what to show."""
        if self.applic is None:
            return None
        values = Applicability.assignment_for(product, applicability.scope(self.act))
        return evaluate_json(self.applic, values)

    def to_dict(self, language: str = "") -> dict:
        return {"part_number": self.part_number, "manufacturer_code": self.cage, "kind": self.kind,
                "module": self.module, "figure": self.figure, "item": self.item, "per_assembly": self.per_assembly,
                "unit": self.unit, "name": self.name(language), "applicability": self.applic_text(language),
                "alternates": [{"part_number": p, "manufacturer_code": c} for p, c in self.alternates]}


def _in_language(texts: dict[str, str], language: str) -> str:
    """The text in a language (ru, ru-RU), else the first there is."""
    wanted = (language or "").lower()[:2]
    for lang, text in texts.items():
        if lang.lower()[:2] == wanted and text:
            return text
    return next((t for t in texts.values() if t), "")


class PartsIndex:
    """The occurrences of every orderable part of one CSDB (the latest issue of each module, every language)."""

    def __init__(self, occurrences: Iterable[Occurrence], applicability: Applicability) -> None:
        self.applicability = applicability
        self.by_number: dict[str, list[Occurrence]] = {}
        for occ in occurrences:
            self.by_number.setdefault(norm(occ.part_number), []).append(occ)

    def find(self, part_number: str, cage: str = "") -> list[Occurrence]:
        """The places that list a part; a manufacturer code, when given, must match where the manual gives one."""
        found = self.by_number.get(norm(part_number), [])
        return [o for o in found if not cage or not o.cage or norm(o.cage) == norm(cage)] if cage else found

    def known(self) -> int:
        return len(self.by_number)

    @classmethod
    def of(cls, site: Site) -> PartsIndex:
        """The index of a viewer's CSDB, built on first use and again after the CSDB is re-indexed."""
        with _guard:
            cached = _cache.get(site)
            if cached is not None and cached[0] == site.generation:
                return cached[1]
        index = build(site)
        with _guard:
            _cache[site] = (site.generation, index)
        return index


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_guard = threading.Lock()


# -- reading the modules ---------------------------------------------------------------------------------------

def _all_of(*exprs: dict | None) -> dict | None:
    usable = [e for e in exprs if e is not None]
    if not usable:
        return None
    return usable[0] if len(usable) == 1 else {"op": "and", "args": usable}


class _Module:
    """One module's applicability context: its whole applicability and its annotations by id."""

    def __init__(self, key: str, root: etree._Element, applicability: Applicability, language: str) -> None:
        self.key = key
        self.language = language
        self.root = root
        self.act = act_ref(root)[0]
        whole = applicability.whole(root)[1]
        self.whole = to_json(whole) if whole is not None else None
        self.annotations = applicability.annotations(root)

    def applic_of(self, el: etree._Element) -> tuple[dict | None, str]:
        """The module's applicability and that of `el` and its ancestors (applicRefId; applicRefIds: any of)."""
        exprs: list[dict | None] = [self.whole["expr"] if self.whole else None]
        texts = [self.whole["text"]] if self.whole and self.whole.get("text") else []
        node: etree._Element | None = el
        while node is not None and node.tag != "content":
            refs = [node.get("applicRefId")] if node.get("applicRefId") else node.get("applicRefIds", "").split()
            found = [self.annotations.get(r) for r in refs]
            known = [to_json(a) for a in found if a is not None]
            if known and len(known) == len(found):
                exprs.append(known[0]["expr"] if len(known) == 1 else {"op": "or", "args": [k["expr"] for k in known]})
                texts.append(" | ".join(k["text"] for k in known if k["text"]))
            node = node.getparent()
        return _all_of(*exprs), "; ".join(t for t in texts if t)

    def occurrence(self, el: etree._Element, **fields) -> Occurrence:
        applic, text = self.applic_of(el)
        return Occurrence(module=self.key, applic=applic, applic_texts={self.language: text}, act=self.act, **fields)


def _callout(item: str) -> str:
    stripped = item.lstrip("0")
    return stripped or ("0" if item else "")


def _ipd(m: _Module) -> Iterable[Occurrence]:
    catalog = m.root.find("content/illustratedPartsCatalog")
    if catalog is None:
        return
    for csn in catalog.iter("catalogSeqNumber"):
        figure = csn.get("figureNumber", "")
        item = _callout(csn.get("item", "")) + csn.get("itemVariant", "")
        isns = [(isn, isn.find("partRef")) for isn in csn.iter("itemSeqNumber")]
        isns = [(isn, ref) for isn, ref in isns if ref is not None and ref.get("partNumberValue")]
        for isn, ref in isns:
            siblings = [(r.get("partNumberValue"), r.get("manufacturerCodeValue", "")) for i, r in isns if i is not isn]
            group = [(r.get("partNumberValue"), r.get("manufacturerCodeValue", ""))
                     for r in isn.iterfind("partSegment/partRefGroup/*/partRef") if r.get("partNumberValue")]
            yield m.occurrence(
                isn, part_number=ref.get("partNumberValue"), cage=ref.get("manufacturerCodeValue", ""), kind="ipd",
                figure=figure, item=item, per_assembly=text_of(isn.find("quantityPerNextHigherAssy")),
                unit=text_of(isn.find("partSegment/techData/unitOfIssue")),
                names={m.language: text_of(isn.find("partSegment/itemIdentData/descrForPart"))},
                alternates=list(dict.fromkeys(siblings + group)))


def _requirements(m: _Module) -> Iterable[Occurrence]:
    for el in m.root.iter(*SPARES):
        ident = el.find("identNumber")
        pn = text_of(ident.find("partAndSerialNumber/partNumber")) if ident is not None else ""
        cage = text_of(ident.find("manufacturerCode")) if ident is not None else ""
        ref = next((c for c in el if c.tag in ("partRef", "supplyRef")), None)
        if ref is not None:
            pn = pn or ref.get("partNumberValue") or ref.get("supplyNumber") or ""
            cage = cage or ref.get("manufacturerCodeValue", "")
        if not pn:
            continue
        qty = el.find("reqQuantity")
        name = el.find("name") if el.find("name") is not None else el.find("shortName")
        yield m.occurrence(el, part_number=pn, cage=cage, kind=SPARES[el.tag], item=el.get("id", ""),
                           per_assembly=text_of(qty), unit=qty.get("unitOfMeasure", "") if qty is not None else "",
                           names={m.language: text_of(name)})


def _repository(m: _Module) -> Iterable[Occurrence]:
    for spec, ident_tag, attr, descr in (("partSpec", "partIdent", "partNumberValue", "itemIdentData/descrForPart"),
                                         ("supplySpec", "supplyIdent", "supplyNumber", "name")):
        for el in m.root.iterfind(f"content/commonRepository//{spec}"):
            ident = el.find(ident_tag)
            if ident is None or not ident.get(attr):
                continue
            yield m.occurrence(el, part_number=ident.get(attr), cage=ident.get("manufacturerCodeValue", ""),
                               kind="repository", item=el.get("id", ""), names={m.language: text_of(el.find(descr))},
                               unit=text_of(el.find("techData/unitOfIssue")))


def _remedies(m: _Module, known: dict[str, Occurrence]) -> Iterable[Occurrence]:
    """Parts a fault's remedy (the end of an isolation, a fault's rectification) names in its text."""
    for end in m.root.iter("isolationProcedureEnd"):
        seen: set[str] = set()
        for token in PART_TOKEN.findall(" ".join(end.itertext())):
            ref = known.get(norm(token))
            if ref is None or norm(token) in seen:
                continue
            seen.add(norm(token))
            yield m.occurrence(end, part_number=ref.part_number, cage=ref.cage, kind="remedy", item=end.get("id", ""),
                               unit=ref.unit, names=dict(ref.names))


def _latest_copies(site: Site) -> Iterable[tuple[str, object]]:
    """(key, object) for the latest issue of each module in each of its languages."""
    for key, copies in sorted(site.copies.items()):
        by_language: dict[str, object] = {}
        for c in copies:  # oldest first, so the latest issue of each language wins
            if c.kind == "dm" and c.content_type in SOURCES:
                by_language[c.language or ""] = c
        for obj in by_language.values():
            yield key, obj


def build(site: Site) -> PartsIndex:
    applicability = site.applicability
    modules: list[tuple[_Module, str]] = []
    for key, obj in _latest_copies(site):
        try:
            root = site.load(obj).root
        except IetmError:
            continue  # an unreadable module lists nothing; `ietm check` reports it
        modules.append((_Module(key, root, applicability, obj.language or ""), obj.content_type))
    occurrences: dict[tuple, Occurrence] = {}

    def add(found: Iterable[Occurrence]) -> None:
        for occ in found:
            ident = (occ.module, occ.kind, occ.figure, occ.item, norm(occ.part_number), norm(occ.cage))
            if ident in occurrences:
                occurrences[ident].names.update({k: v for k, v in occ.names.items() if v})
                occurrences[ident].applic_texts.update({k: v for k, v in occ.applic_texts.items() if v})
            else:
                occurrences[ident] = occ

    readers = {"ipd": _ipd, "comrep": _repository}
    for m, kind in modules:
        add(readers.get(kind, _requirements)(m))
    known = {norm(o.part_number): o for o in occurrences.values()}
    for m, kind in modules:
        if kind == "fault":
            add(_remedies(m, known))
    return PartsIndex(occurrences.values(), applicability)
