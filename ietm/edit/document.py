"""A module as the browser editor holds it (a JSON tree) and back to XML.

JSON nodes: an element is `{"n": name, "a": {attribute: value}, "c": [children]}` (the browser adds `"i"`, its
own node id, which findings are reported against); text is a string; a comment is `{"n": "#comment", "v": text}`;
anything the editor keeps without editing (an element of another namespace, a processing instruction) is
`{"n": "#xml", "v": "<serialized/>"}`.

Going back to XML trusts nothing from the browser: names must be XML names, text is text (never parsed as
markup), only the namespaces S1000D uses may appear, and the internal DTD subset, which declares the
illustrations, is written by the server from the illustrations the module actually references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from lxml import etree

from ietm.edit.grammar import Grammar
from ietm.errors import InputError
from ietm.parse.loader import Loaded, load_bytes

NAMESPACES = {
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "dc": "http://www.purl.org/dc/elements/1.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xlink": "http://www.w3.org/1999/xlink",
}
XML_NS = "http://www.w3.org/XML/1998/namespace"
ALLOWED_NS = set(NAMESPACES.values()) | {XML_NS}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")
_CLARK = re.compile(r"^\{([^{}]+)\}([A-Za-z_][A-Za-z0-9_.-]{0,127})$")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_DEPTH = 200
MAX_NODES = 200_000
#: notations of illustration files by suffix, as S1000D modules declare them
NOTATIONS = {
    "svg": ("svg", 'SYSTEM "image/svg+xml"'),
    "png": ("png", 'PUBLIC "-//W3C//NOTATION Portable Network Graphics//EN"'),
    "jpg": ("jpeg", 'PUBLIC "+//ISBN 0-7923-9432-1::Graphic Notation//NOTATION Joint Photographic Experts Group Raster//EN"'),
    "jpeg": ("jpeg", 'PUBLIC "+//ISBN 0-7923-9432-1::Graphic Notation//NOTATION Joint Photographic Experts Group Raster//EN"'),
    "gif": ("gif", 'PUBLIC "-//CompuServe//NOTATION Graphics Interchange Format//EN"'),
    "cgm": ("cgm", 'PUBLIC "-//USA-DOD//NOTATION Computer Graphics Metafile//EN"'),
    "pdf": ("pdf", 'PUBLIC "-//Adobe//NOTATION Portable Document Format//EN"'),
    "mp4": ("mp4", 'SYSTEM "video/mp4"'),
    "webm": ("webm", 'SYSTEM "video/webm"'),
}
_DECL = re.compile(r"<!(ENTITY|NOTATION)\s+(%\s+)?([^\s>]+)\s+(.*?)\s*>", re.S)


# -- XML -> JSON ----------------------------------------------------------------------------------------------

def to_json(doc: Loaded, grammar: Grammar) -> dict[str, Any]:
    """The module as a JSON tree; indentation between child elements of element-only content is dropped."""
    types = grammar.types_of(doc.root)

    def text_kept(el: etree._Element) -> bool:
        key = types.get(el)
        if key is None:
            return True
        t = grammar.schema.types[key]
        return t.mixed or t.text is not None

    def node(el: etree._Element) -> Any:
        if isinstance(el, etree._Comment):
            return {"n": "#comment", "v": el.text or ""}
        if not isinstance(el.tag, str):
            return {"n": "#xml", "v": _opaque(el)}
        if el.tag.startswith("{"):  # an element of another namespace: kept, and named for the automaton
            return {"n": "#xml", "v": _opaque(el), "q": el.tag}
        out: dict[str, Any] = {"n": el.tag, "a": dict(el.attrib), "c": []}
        keep = text_kept(el)
        if el.text and (keep or el.text.strip()):
            out["c"].append(el.text)
        for child in el:
            out["c"].append(node(child))
            if child.tail and (keep or child.tail.strip()):
                out["c"].append(child.tail)
        return out

    return node(doc.root)


def _opaque(el: etree._Element) -> str:
    tail, el.tail = el.tail, None
    try:
        return etree.tostring(el, encoding="unicode")
    finally:
        el.tail = tail


# -- JSON -> XML ----------------------------------------------------------------------------------------------

@dataclass
class Built:
    """A module built from the browser's tree: its bytes, and where each element of it came from."""

    data: bytes
    doc: Loaded
    node_ids: dict[int, str] = field(default_factory=dict)  # line of an element's start -> browser node id
    lines: list[int] = field(default_factory=list)

    def node_at(self, line: int | None) -> str | None:
        """The browser node an error on this line concerns (the last element starting at or before it)."""
        if not line or not self.lines:
            return None
        import bisect

        i = bisect.bisect_right(self.lines, line) - 1
        return self.node_ids[self.lines[i]] if i >= 0 else None


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: text expected")
    return _ILLEGAL.sub("", value)


def _qualified(name: str, where: str) -> str:
    if _NAME.match(name):
        return name
    m = _CLARK.match(name)
    if m and m[1] in ALLOWED_NS:
        return name
    raise InputError(f"{where}: '{name[:60]}' is not a name this editor writes")


def from_json(tree: Any, grammar: Grammar) -> tuple[etree._Element, dict[etree._Element, str]]:
    """An lxml tree from the browser's JSON, checked for shape (not yet for validity)."""
    ids: dict[etree._Element, str] = {}
    count = 0

    def build(node: Any, parent: etree._Element | None, depth: int) -> etree._Element | None:
        nonlocal count
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            raise InputError("the module is too large or too deeply nested to save")
        if not isinstance(node, dict) or not isinstance(node.get("n"), str):
            raise InputError("malformed editor document: an element needs a name")
        name = node["n"]
        if name == "#comment":
            comment = etree.Comment(_text(node.get("v", ""), "comment").replace("--", "- -"))
            if parent is not None:
                parent.append(comment)
            return comment
        if name == "#xml":
            el = _foreign(node.get("v"))
            if parent is not None:
                parent.append(el)
            return el
        name = _qualified(name, "element")
        if name.startswith("{"):
            raise InputError(f"element {name} of another namespace must come as it was")
        el = etree.Element(name, nsmap=NAMESPACES) if parent is None else etree.SubElement(parent, name)
        attrs = node.get("a") or {}
        if not isinstance(attrs, dict):
            raise InputError(f"<{name}>: attributes must be a mapping")
        for key, value in attrs.items():
            el.set(_qualified(key, f"<{name}>"), _text(value, f"<{name} {key}>"))
        if isinstance(node.get("i"), (str, int)):
            ids[el] = str(node["i"])
        last: etree._Element | None = None
        for child in node.get("c") or []:
            if isinstance(child, str):
                text = _ILLEGAL.sub("", child)
                if last is None:
                    el.text = (el.text or "") + text
                else:
                    last.tail = (last.tail or "") + text
            else:
                last = build(child, el, depth + 1)
        return el

    root = build(tree, None, 0)
    if root is None or root.tag != grammar.root:
        raise InputError(f"the editor's document must have <{grammar.root}> at its root")
    return root, ids


def _foreign(value: Any) -> etree._Element:
    """An element kept as it was (rdf:Description ...): parsed safely, only in the namespaces S1000D uses."""
    if not isinstance(value, str) or len(value) > 1_000_000:
        raise InputError("malformed editor document: kept XML must be a string")
    if value.startswith("<?"):
        m = re.match(r"^<\?([A-Za-z_][\w.-]*)\s*(.*?)\?>$", value, re.S)
        if not m or m[1].lower() == "xml":
            raise InputError("malformed processing instruction")
        return etree.ProcessingInstruction(m[1], m[2])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        el = etree.fromstring(value.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        raise InputError("malformed editor document: kept XML is not well-formed") from None
    for sub in el.iter():
        if not isinstance(sub.tag, str):
            continue
        ns = etree.QName(sub).namespace
        if ns not in ALLOWED_NS:
            raise InputError(f"<{sub.tag}> may not be kept: only rdf, dc and xlink elements are")
    return el


def indent(root: etree._Element, types: dict[etree._Element, str], grammar: Grammar) -> None:
    """Two-space indentation where it changes nothing: inside element-only content, never inside text."""

    def element_only(el: etree._Element) -> bool:
        key = types.get(el)
        if key is not None:
            t = grammar.schema.types[key]
            return not t.mixed and t.text is None
        return not (el.text or "").strip() and not any((c.tail or "").strip() for c in el)

    def walk(el: etree._Element, level: int) -> None:
        kids = list(el)
        if not kids or not element_only(el):
            return
        inner = "\n" + "  " * (level + 1)
        el.text = inner
        for child in kids:
            child.tail = inner
            walk(child, level + 1)
        kids[-1].tail = "\n" + "  " * level

    walk(root, 0)


def entity_names(root: etree._Element, grammar: Grammar) -> list[str]:
    """Entities the module references through attributes of type ENTITY (infoEntityIdent ...), in order."""
    types = grammar.types_of(root)
    found: list[str] = []
    for el, key in types.items():
        for a in grammar.schema.types[key].attributes.values():
            if grammar.schema.simple[a.type].base in ("ENTITY", "ENTITIES") and el.get(a.name):
                for value in el.get(a.name).split():
                    if value not in found:
                        found.append(value)
    return found


def internal_subset(root: etree._Element, grammar: Grammar, previous: bytes | None,
                    icn_file: Callable[[str], Path | None]) -> str | None:
    """The DOCTYPE for the module: the previous declarations still in use, and one for each new illustration.

    An entity the module references that neither the previous issue declared nor the CSDB holds a file for is
    left undeclared, so validation reports it against the element that names it."""
    declared: dict[str, str] = {}  # entity name -> declaration
    notations: dict[str, str] = {}
    others: list[str] = []
    if previous:
        m = re.search(rb"<!DOCTYPE\s[^\[>]*\[(.*?)\]\s*>", previous[:1_000_000], re.S)
        if m:
            for d in _DECL.finditer(m.group(1).decode("utf-8", "replace")):
                kind, param, name, _ = d.groups()
                if kind == "NOTATION":
                    notations[name] = d.group(0)
                elif param or "NDATA" not in d.group(4):
                    others.append(d.group(0))  # a text entity, kept as declared
                else:
                    declared[name] = d.group(0)
    lines: list[str] = []
    used_notations: list[str] = []
    for name in entity_names(root, grammar):
        decl = declared.get(name)
        if decl is None:
            path = icn_file(name)
            if path is None:
                continue
            notation, _ = NOTATIONS.get(path.suffix.lower().lstrip("."), (path.suffix.lower().lstrip("."), ""))
            decl = f'<!ENTITY {name} SYSTEM "{path.name}" NDATA {notation}>'
        lines.append(decl)
        m = re.search(r"NDATA\s+(\S+?)\s*>?$", decl)
        if m and m[1] not in used_notations:
            used_notations.append(m[1])
    head = []
    for n in used_notations:
        if n in notations:
            head.append(notations[n])
        else:
            ext = next((k for k, (nm, _) in NOTATIONS.items() if nm == n), None)
            head.append(f"<!NOTATION {n} {NOTATIONS[ext][1]}>" if ext else f'<!NOTATION {n} SYSTEM "{n}">')
    body = head + others + lines
    if not body:
        return None
    return f"<!DOCTYPE {root.tag} [\n" + "\n".join(body) + "\n]>"


def build(tree: Any, grammar: Grammar, previous: bytes | None, icn_file: Callable[[str], Path | None],
          display: str = "<editor>") -> Built:
    """The module's bytes from the browser's tree: shape checked, indented, illustrations declared."""
    root, ids = from_json(tree, grammar)
    return finish(root, ids, grammar, previous, icn_file, display)


def finish(root: etree._Element, ids: dict[etree._Element, str], grammar: Grammar, previous: bytes | None,
           icn_file: Callable[[str], Path | None], display: str = "<editor>") -> Built:
    """Serialize a built tree (indented, its illustrations declared) and map its lines to browser nodes."""
    try:
        types = grammar.types_of(root)
    except InputError:
        types = {}
    indent(root, types, grammar)
    doctype = internal_subset(root, grammar, previous, icn_file)
    data = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", doctype=doctype) + b"\n"
    doc = load_bytes(data, display)
    built = Built(data, doc)
    for mine, parsed in zip(root.iter(), doc.root.iter()):
        if mine in ids and isinstance(parsed.tag, str) and parsed.sourceline and parsed.sourceline not in built.node_ids:
            built.node_ids[parsed.sourceline] = ids[mine]
    built.lines = sorted(built.node_ids)
    return built


def canonical(data: bytes, grammar: Grammar, icn_file: Callable[[str], Path | None]) -> bytes:
    """A module in the form the editor writes, so that versions written by hand and by the editor compare
    line by line (the three-way merge works on this form)."""
    doc = load_bytes(data, "<version>")
    return build(to_json(doc, grammar), grammar, data, icn_file).data
