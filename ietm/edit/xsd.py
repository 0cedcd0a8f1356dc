"""The components of an XML Schema that an editor needs: element declarations, content models, attributes and
value sets, read from the official S1000D flat schemas (global elements, `ref=`) and from the ietm profile
(local elements with named types, `xs:include`) alike.

Only the constructs these schemas use are read (sequence, choice, group, attributeGroup, simpleContent,
restriction with enumerations, patterns and bounds); anything in another namespace (xlink attributes, an
`rdf:Description`) is a foreign name that existing documents may carry and the editor keeps untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.errors import ConfigError
from ietm.parse.loader import syntax_message

XS_NS = "http://www.w3.org/2001/XMLSchema"
XS = "{" + XS_NS + "}"
#: builtin types whose values are identifiers an editor fills in itself
ID_TYPES = {"ID", "IDREF", "IDREFS"}


@dataclass(frozen=True)
class SimpleType:
    """A value set: a builtin base, and the facets that narrow it."""

    key: str
    base: str  # the builtin it derives from, without prefix: string, ID, IDREF, integer, NMTOKEN ...
    values: tuple[str, ...] | None = None  # enumeration
    patterns: tuple[str, ...] = ()  # XML Schema regular expressions, all of which a value must match
    bounds: tuple[tuple[str, str], ...] = ()  # other facets (minInclusive, maxInclusive, totalDigits ...)


@dataclass(frozen=True)
class Attribute:
    name: str  # local name, or {namespace}name for a foreign attribute
    required: bool
    type: str  # key of a SimpleType
    default: str | None = None
    fixed: str | None = None


@dataclass(frozen=True)
class Particle:
    kind: str  # "el", "seq", "cho"
    lo: int
    hi: int | None  # None: unbounded
    name: str = ""  # element name ({namespace}name when foreign)
    type: str = ""  # key of the element's ElementType ("" for a foreign element)
    kids: tuple[Particle, ...] = ()


@dataclass
class ElementType:
    """What an element of this type may hold: children (a content model), text, attributes."""

    key: str
    model: Particle | None  # None: no child elements
    mixed: bool = False  # text may stand between the children
    text: str | None = None  # simple content: key of the SimpleType of the text (elements without children)
    attributes: dict[str, Attribute] = field(default_factory=dict)


class Schema:
    """One schema with everything it includes, resolved into ElementTypes and SimpleTypes."""

    def __init__(self, top: Path) -> None:
        self.top = Path(top)
        self._elements: dict[str, etree._Element] = {}
        self._complex: dict[str, etree._Element] = {}
        self._simple: dict[str, etree._Element] = {}
        self._groups: dict[str, etree._Element] = {}
        self._attr_groups: dict[str, etree._Element] = {}
        self._attributes: dict[str, etree._Element] = {}
        self._read(self.top, set())
        self.types: dict[str, ElementType] = {}
        self.simple: dict[str, SimpleType] = {}
        self.roots: dict[str, str] = {}  # global element name -> type key
        for name, decl in self._elements.items():
            self.roots[name] = self._element_type(decl, name)

    # -- reading the files ------------------------------------------------------------------------------------

    def _read(self, path: Path, seen: set[Path]) -> None:
        path = path.resolve()
        if path in seen:
            return
        seen.add(path)
        try:
            root = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)).getroot()
        except OSError:
            raise ConfigError("schema file not found", str(path)) from None
        except etree.XMLSyntaxError as exc:
            raise ConfigError(f"schema is not well-formed: {syntax_message(exc)}", str(path), exc.lineno) from None
        if root.tag != XS + "schema":
            raise ConfigError("not an XML Schema (no xs:schema root)", str(path))
        if root.get("targetNamespace"):
            raise ConfigError("the editor reads schemas without a target namespace (as S1000D's flat schemas are)", str(path))
        tables = {"element": self._elements, "complexType": self._complex, "simpleType": self._simple,
                  "group": self._groups, "attributeGroup": self._attr_groups, "attribute": self._attributes}
        for c in root:
            if not isinstance(c.tag, str):
                continue
            tag = c.tag[len(XS):]
            if tag == "include":
                self._read(path.parent / c.get("schemaLocation"), seen)
            elif tag in tables and c.get("name"):
                tables[tag].setdefault(c.get("name"), c)

    def _qname(self, node: etree._Element, value: str) -> tuple[str | None, str]:
        """(namespace, local) of a QName written in the schema; None is 'no namespace' (this schema's own)."""
        prefix, _, local = value.rpartition(":")
        return node.nsmap.get(prefix or None), local

    # -- types ------------------------------------------------------------------------------------------------

    def _element_type(self, decl: etree._Element, name: str) -> str:
        """The ElementType key of an element declaration (named type, builtin, or an anonymous type)."""
        type_attr = decl.get("type")
        if type_attr:
            ns, local = self._qname(decl, type_attr)
            if ns == XS_NS:
                key = "xs:" + local
                if key not in self.types:
                    self.types[key] = ElementType(key, None, text=self.simple_type(key))
                return key
            if local in self._simple:
                if local not in self.types:
                    self.types[local] = ElementType(local, None, text=self.simple_type(local))
                return local
            if local not in self._complex:
                raise ConfigError(f"type '{local}' of element '{name}' is not declared", str(self.top))
            if local not in self.types:
                self.types[local] = ElementType(local, None)  # placed first: content models may recurse
                self._fill_complex(self.types[local], self._complex[local])
            return local
        inline = decl.find(XS + "complexType")
        key = f"{name}@{decl.sourceline}"  # anonymous: one per declaration
        if key not in self.types:
            self.types[key] = ElementType(key, None)
            if inline is not None:
                self._fill_complex(self.types[key], inline)
            else:
                simple = decl.find(XS + "simpleType")
                self.types[key].text = self._simple_from(simple, key) if simple is not None else self.simple_type("xs:anySimpleType")
        return key

    def _fill_complex(self, out: ElementType, node: etree._Element) -> None:
        content = node.find(XS + "simpleContent")
        if content is not None:
            derivation = next(c for c in content if c.tag in (XS + "extension", XS + "restriction"))
            ns, local = self._qname(derivation, derivation.get("base"))
            out.text = self.simple_type("xs:" + local if ns == XS_NS else local)
            out.attributes = self._attrs(derivation)
            return
        out.mixed = node.get("mixed") == "true"
        parts = [c for c in node if c.tag in (XS + "sequence", XS + "choice", XS + "group")]
        out.model = self._particle(parts[0]) if parts else None
        out.attributes = self._attrs(node)
        if out.model is None and out.mixed:
            out.text = self.simple_type("xs:string")

    def _occurs(self, node: etree._Element) -> tuple[int, int | None]:
        hi = node.get("maxOccurs", "1")
        return int(node.get("minOccurs", "1")), None if hi == "unbounded" else int(hi)

    def _particle(self, node: etree._Element) -> Particle:
        tag = node.tag[len(XS):]
        lo, hi = self._occurs(node)
        if tag == "element":
            if node.get("ref"):
                ns, local = self._qname(node, node.get("ref"))
                if ns is not None:  # an element of another namespace (rdf:Description): kept, never offered
                    return Particle("el", lo, hi, "{%s}%s" % (ns, local), "")
                decl = self._elements.get(local)
                if decl is None:
                    raise ConfigError(f"element '{local}' is referred to but not declared", str(self.top))
                return Particle("el", lo, hi, local, self._element_type(decl, local))
            name = node.get("name")
            return Particle("el", lo, hi, name, self._element_type(node, name))
        if tag == "group":
            _, local = self._qname(node, node.get("ref"))
            group = self._groups.get(local)
            if group is None:
                raise ConfigError(f"group '{local}' is referred to but not declared", str(self.top))
            inner = self._particle(next(c for c in group if c.tag in (XS + "sequence", XS + "choice")))
            return Particle("seq", lo, hi, kids=(inner,))
        if tag in ("sequence", "choice"):
            kids = tuple(self._particle(c) for c in node if isinstance(c.tag, str) and c.tag != XS + "annotation")
            return Particle("seq" if tag == "sequence" else "cho", lo, hi, kids=kids)
        raise ConfigError(f"xs:{tag} in a content model is not supported by the editor", str(self.top))

    def _attrs(self, node: etree._Element) -> dict[str, Attribute]:
        out: dict[str, Attribute] = {}
        for c in node:
            if c.tag == XS + "attribute":
                if c.get("ref"):
                    ns, local = self._qname(c, c.get("ref"))
                    if ns is not None:
                        continue  # a foreign attribute (xml:lang, xlink:...): kept as the document has it
                    decl = self._attributes.get(local)
                    if decl is None:
                        raise ConfigError(f"attribute '{local}' is referred to but not declared", str(self.top))
                else:
                    local, decl = c.get("name"), c
                out[local] = Attribute(local, c.get("use") == "required", self._attr_type(decl, local),
                                       c.get("default") or decl.get("default"), c.get("fixed") or decl.get("fixed"))
            elif c.tag == XS + "attributeGroup":
                ns, local = self._qname(c, c.get("ref"))
                if ns is None:
                    group = self._attr_groups.get(local)
                    if group is None:
                        raise ConfigError(f"attribute group '{local}' is referred to but not declared", str(self.top))
                    out.update(self._attrs(group))
        return out

    def _attr_type(self, decl: etree._Element, name: str) -> str:
        if decl.get("type"):
            ns, local = self._qname(decl, decl.get("type"))
            return self.simple_type("xs:" + local if ns == XS_NS else local)
        simple = decl.find(XS + "simpleType")
        return self._simple_from(simple, f"@{name}@{decl.sourceline}") if simple is not None else self.simple_type("xs:anySimpleType")

    # -- value sets -------------------------------------------------------------------------------------------

    def simple_type(self, key: str) -> str:
        if key in self.simple:
            return key
        if key.startswith("xs:"):
            self.simple[key] = SimpleType(key, key[3:])
            return key
        node = self._simple.get(key)
        if node is None:
            raise ConfigError(f"simple type '{key}' is not declared", str(self.top))
        return self._simple_from(node, key)

    def _simple_from(self, node: etree._Element, key: str) -> str:
        r = node.find(XS + "restriction")
        if r is None:  # list or union: the schemas read here have none; accept any text
            self.simple[key] = SimpleType(key, "string")
            return key
        if r.get("base"):
            ns, local = self._qname(r, r.get("base"))
            base = self.simple[self.simple_type("xs:" + local if ns == XS_NS else local)]
        else:
            base = SimpleType("", "string")
        own = [(c.tag[len(XS):], c.get("value")) for c in r if isinstance(c.tag, str) and c.tag != XS + "annotation"]
        values = tuple(v for k, v in own if k == "enumeration") or base.values
        patterns = base.patterns + tuple(v for k, v in own if k == "pattern")
        bounds = base.bounds + tuple((k, v) for k, v in own if k not in ("enumeration", "pattern"))
        self.simple[key] = SimpleType(key, base.base, values, patterns, bounds)
        return key

    # -- what a document's elements are ----------------------------------------------------------------------

    def children(self, key: str) -> dict[str, str]:
        """Element name -> type key of every child a type's content model names."""
        out: dict[str, str] = {}

        def walk(p: Particle | None) -> None:
            if p is None:
                return
            if p.kind == "el":
                out.setdefault(p.name, p.type)
            for k in p.kids:
                walk(k)

        walk(self.types[key].model)
        return out

    def reachable(self, root: str) -> list[str]:
        """Type keys reachable from a root element's type, in the order first met."""
        seen = [self.roots[root]]
        for key in seen:
            for child in self.children(key).values():
                if child and child not in seen:
                    seen.append(child)
        return seen
