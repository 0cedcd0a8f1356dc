"""The grammar of one kind of module, as the browser editor uses it: every element type reachable from the
root, its content automaton, the shortest valid filling, its attributes and their value sets.

Built from the schema a module names (`xsi:noNamespaceSchemaLocation`), found as validation finds it: the
configured official schemas, else the ietm profile. Each schema file is read and compiled once per process.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ietm.check.schemas_locator import SchemaLocator
from ietm.edit.automata import Dfa, Fills, compile_model, example, python_regex
from ietm.edit.labels import attribute_label, element_label
from ietm.edit.xsd import ID_TYPES, Schema
from ietm.errors import ConfigError, InputError
from ietm.parse.model import XSI
from ietm.paths import SCHEMAS

PROFILE = SCHEMAS / "profile"


@dataclass
class Grammar:
    path: Path
    schema: Schema
    root: str
    dfas: dict[str, Dfa]
    fills: Fills

    @property
    def source(self) -> str:
        """'profile' for the ietm profile, 'official' for a configured schema package."""
        return "profile" if PROFILE in self.path.resolve().parents else "official"

    def children(self, key: str) -> dict[str, str]:
        return self.schema.children(key)

    def types_of(self, root: etree._Element) -> dict[etree._Element, str]:
        """The type of every element of a document, from its root down; elements the schema does not allow
        where they stand are left out (the editor keeps them as they are, and validation names them)."""
        key = self.schema.roots.get(root.tag if isinstance(root.tag, str) else "")
        if key is None:
            raise InputError(f"<{root.tag}> is not a root element of {self.path.name}")
        out = {root: key}
        work = [root]
        while work:
            el = work.pop()
            kids = self.children(out[el])
            for child in el:
                if isinstance(child.tag, str):
                    t = kids.get(child.tag)
                    if t:
                        out[child] = t
                        work.append(child)
        return out

    def to_json(self, language: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the browser needs, with labels in the interface language; `values` are the BREX's value sets."""
        types: dict[str, Any] = {}
        simple_used: set[str] = set()
        names: set[str] = set()
        attr_names: set[str] = set()
        for key, dfa in self.dfas.items():
            t = self.schema.types[key]
            kids = self.children(key)
            names.update(n for n in kids if not n.startswith("{"))
            attrs = []
            for a in t.attributes.values():
                simple_used.add(a.type)
                attr_names.add(a.name)
                attrs.append([a.name, int(a.required), a.type, a.default, a.fixed])
            if t.text:
                simple_used.add(t.text)
            fill = self.fills.path[key]
            types[key] = {
                "s": dfa.to_json(),  # states: [final, {name: next}]
                "k": kids,  # child name -> type
                "m": int(t.mixed),
                "x": t.text,  # simple content: the value type of the text
                "a": attrs,
                "f": fill if self.fills.cost[key] < math.inf else None,  # shortest filling, None: writer's input needed
            }
        simple = {}
        for key in sorted(simple_used):
            st = self.schema.simple[key]
            simple[key] = {"b": st.base, "e": list(st.values) if st.values else None,
                           "p": [python_regex(p) for p in st.patterns], "x": example(st),
                           "id": st.base in ID_TYPES}
        return {
            "schema": self.path.name,
            "source": self.source,
            "root": {"name": self.root, "type": self.schema.roots[self.root]},
            "types": types,
            "simple": simple,
            "labels": {n: element_label(n, language) for n in sorted(names | {self.root})},
            "attrLabels": {n: attribute_label(n, language) for n in sorted(attr_names)},
            "values": values or {},
        }


_cache: dict[tuple[str, int, str], Grammar] = {}
_guard = threading.Lock()


def grammar_of(path: Path, root: str) -> Grammar:
    """The grammar of a schema file for a root element, compiled once per file version."""
    path = Path(path).resolve()
    stamp = (str(path), path.stat().st_mtime_ns, root)
    with _guard:
        found = _cache.get(stamp)
    if found is not None:
        return found
    schema = Schema(path)
    if root not in schema.roots:
        raise ConfigError(f"{path.name} declares no root element <{root}>", str(path))
    dfas = {k: compile_model(schema.types[k].model) for k in schema.reachable(root)}
    grammar = Grammar(path, schema, root, dfas, Fills(schema, dfas))
    with _guard:
        _cache[stamp] = grammar
    return grammar


def schema_url(root: etree._Element) -> str:
    url = root.get(f"{XSI}noNamespaceSchemaLocation") or " ".join((root.get(f"{XSI}schemaLocation") or "").split()[-1:])
    if not url:
        raise InputError("the module names no schema (xsi:noNamespaceSchemaLocation): the editor cannot tell what "
                         "is allowed in it")
    return url


def grammar_for(root: etree._Element, locator: SchemaLocator) -> Grammar:
    """The grammar of the schema a document names, resolved as validation resolves it."""
    url = schema_url(root)
    local = locator.resolve(url)
    if local is None:
        raise ConfigError(f"schema {url} is not available here; configure [schemas] dirs or catalogs")
    return grammar_of(local, root.tag)
