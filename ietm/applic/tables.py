"""The three cross-reference tables of S1000D applicability, read from their data modules.

ACT (applicCrossRefTable): the product attributes, each with its allowed values (enumerations, valuePattern)
and references to the CCT and PCT. CCT (condCrossRefTable): condition types with allowed values, and the
conditions that use them. PCT (productCrossRefTable): the product instances, each a list of assignments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ietm.applic.expr import Alternative, parse_values
from ietm.parse.loader import Loaded
from ietm.parse.model import dm_ref_key


_ANY = re.compile(r".*", re.DOTALL)
_DATATYPES = {
    "integer": re.compile(r"^[+-]?\d+$"),
    "real": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
}


@dataclass
class Property:
    """A declared product attribute (prodattr) or condition: what values an assertion may name."""

    ident: str
    type: str  # prodattr | condition
    name: str
    enumerations: list[list[Alternative]] = field(default_factory=list)
    pattern: str | None = None
    path: str = ""
    line: int | None = None
    datatype: str = "string"  # valueDataType: string | integer | real | boolean

    def allows(self, value: str) -> bool:
        """A value is allowed when it is of the valueDataType, lies in some enumeration (if any are given)
        and matches valuePattern."""
        if not _DATATYPES.get(self.datatype, _ANY).match(value):
            return False
        if self.enumerations and not any(a.holds(value) for alts in self.enumerations for a in alts):
            return False
        if self.pattern is not None:
            try:
                return re.fullmatch(self.pattern, value) is not None
            except re.error:
                return True  # an XSD pattern Python cannot read: say nothing rather than guess
        return True

    def allowed_text(self) -> str:
        parts = ["|".join(a.low if a.high is None else f"{a.low}~{a.high}" for a in alts) for alts in self.enumerations]
        text = " or ".join(parts)
        if self.datatype != "string":
            text = f"{self.datatype} {text}".strip()
        if self.pattern is not None:
            text = f"{text} (pattern {self.pattern})" if text else f"pattern {self.pattern}"
        return text or "any value"


@dataclass
class Assign:
    ident: str
    type: str | None
    value: str
    line: int | None


@dataclass
class Product:
    """One product instance of the PCT. `id` is its XML id, else its primary identifier's value, else #n."""

    id: str
    assigns: list[Assign]
    path: str = ""
    line: int | None = None

    @property
    def assignment(self) -> dict[str, str]:
        return {a.ident: a.value for a in self.assigns}

    def to_dict(self) -> dict:
        return {"id": self.id, "assigns": self.assignment, "path": self.path, "line": self.line}


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _enumerations(el: etree._Element) -> list[list[Alternative]]:
    return [parse_values(e.get("applicPropertyValues", "")) for e in el.findall("enumeration")]


@dataclass
class Act:
    key: str
    path: str
    properties: dict[str, Property]
    cct: str | None  # key of the CCT data module
    pct: str | None
    catalog: list[str]  # keys of further ACTs this one gathers (applicCrossRefTableCatalog)
    primary: str | None  # the attribute that identifies a product (productIdentifier="primary")

    @classmethod
    def read(cls, key: str, doc: Loaded) -> Act:
        table = doc.root.find("content/applicCrossRefTable")
        props: dict[str, Property] = {}
        primary = None
        for el in table.iter("productAttribute") if table is not None else ():
            ident = el.get("id")
            if not ident:
                continue
            props[ident] = Property(ident, "prodattr", _text(el.find("name")), _enumerations(el), el.get("valuePattern"),
                                    doc.path, el.sourceline, el.get("valueDataType", "string"))
            if el.get("productIdentifier") == "primary" and primary is None:
                primary = ident
        for el in table.iter("externalProductAttribute") if table is not None else ():
            if el.get("id"):
                props.setdefault(el.get("id"), Property(el.get("id"), "prodattr", _text(el.find("displayName")),
                                                        path=doc.path, line=el.sourceline))

        def ref(tag: str) -> str | None:
            ident = table.find(f"{tag}/dmRef/dmRefIdent") if table is not None else None
            return dm_ref_key(ident) if ident is not None else None

        catalog = []
        if table is not None:
            for ident in table.findall("applicCrossRefTableCatalog/applicCrossRefTableRef/dmRef/dmRefIdent"):
                k = dm_ref_key(ident)
                if k:
                    catalog.append(k)
        return cls(key, doc.path, props, ref("condCrossRefTableRef"), ref("productCrossRefTableRef"), catalog, primary)


@dataclass
class Cct:
    key: str
    path: str
    properties: dict[str, Property]
    types: dict[str, Property]

    @classmethod
    def read(cls, key: str, doc: Loaded) -> Cct:
        table = doc.root.find("content/condCrossRefTable")
        types: dict[str, Property] = {}
        props: dict[str, Property] = {}
        if table is not None:
            for el in table.iter("condType"):
                if el.get("id"):
                    types[el.get("id")] = Property(el.get("id"), "condType", _text(el.find("name")), _enumerations(el),
                                                   el.get("valuePattern"), doc.path, el.sourceline,
                                                   el.get("valueDataType", "string"))
            for el in table.iter("cond"):
                ident = el.get("id")
                if not ident:
                    continue
                ctype = types.get(el.get("condTypeRefId", ""))
                props[ident] = Property(ident, "condition", _text(el.find("name")),
                                        list(ctype.enumerations) if ctype else [], ctype.pattern if ctype else None,
                                        doc.path, el.sourceline, ctype.datatype if ctype else "string")
        return cls(key, doc.path, props, types)


@dataclass
class Pct:
    key: str
    path: str
    products: list[Product]

    @classmethod
    def read(cls, key: str, doc: Loaded) -> Pct:
        products = []
        for n, el in enumerate(doc.root.iterfind("content/productCrossRefTable/product"), start=1):
            assigns = [
                Assign(a.get("applicPropertyIdent", ""), a.get("applicPropertyType"), a.get("applicPropertyValue", ""),
                       a.sourceline)
                for a in el.iter("assign")
            ]
            products.append(Product(el.get("id") or f"#{n}", assigns, doc.path, el.sourceline))
        return cls(key, doc.path, products)
