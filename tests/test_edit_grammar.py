"""The editor offers only what the schema allows, for every type of every data module schema of the ietm profile.

The offers are made by the editor's own code (viewer/static/js/editor/grammar.js) in a real browser, over the
content automata the server computes from the XSD content models (ietm.edit.grammar). Every offer, inserted
as the editor would insert it (with its required content filled in), must give a document the schema (lxml,
libxml2's XML Schema validator) accepts. Exploration starts from the sample manual's modules and from a module
the editor makes from nothing, and goes on from each insertion that brings a type not met before, until
every element type reachable from the root has been met with its children offered at every place. A sample
of places is also checked the other way: an element the editor does not offer there is one the schema refuses.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from lxml import etree

from ietm.edit.document import from_json, to_json
from ietm.edit.grammar import PROFILE, grammar_of
from ietm.parse.loader import load
from ietm.parse.model import XSI

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "viewer" / "static"
ORIGIN = "http://editor.test"
SCHEMAS = sorted(p.name for p in (PROFILE / "4.2").glob("*.xsd") if 'element name="dmodule"' in p.read_text())
ENTITY = "ICN-TEST-00001-001-01"
DOCTYPE = f'<!DOCTYPE dmodule [<!NOTATION svg SYSTEM "image/svg+xml"><!ENTITY {ENTITY} SYSTEM "{ENTITY}.SVG" NDATA svg>]>'
MAX_SEEDS = 80
REVERSE_SAMPLE = 120

#: runs in the page: every place of every element of a document, what the editor offers there
EXPLORE = """
([docText, seenText]) => {
  const doc = JSON.parse(docText), seen = JSON.parse(seenText);
  const G = window.G, payload = G.payload;
  const ids = new Set();
  (function collect(n) { if (n && n.a && n.a.id) ids.add(n.a.id); for (const c of (n && n.c) || []) if (typeof c !== 'string') collect(c); })(doc);
  let counter = 0;
  const ctx = {
    newId: (name) => { let id; do { id = 'x-' + name.slice(0, 4) + '-' + (++counter); } while (ids.has(id)); ids.add(id); return id; },
    value: (name, attr, s) => s.b === 'IDREF' || s.b === 'IDREFS' ? ([...ids][0] || null) : s.b === 'ENTITY' ? '%ENTITY%' : null,
  };
  const offers = [], refusals = [];
  const done = new Set(seen);
  (function walk(node, key, path) {
    if (!key || typeof node === 'string' || node.n.startsWith('#')) return;
    const names = window.EditorChildNames(node);
    const t = G.type(key);
    const endsFrom = (index) => t.s.map((_, st) => G.final(key, G.match(key, names, index, names.length, st)) ? 1 : 0).join('');
    for (let index = 0; index <= names.length; index++) {
      const prefix = G.match(key, names, 0, index);
      // what an insertion here can do depends only on the state before it and on the states the rest of the
      // children can end the element from: places alike in both are one place
      const sig = key + '|' + prefix + '|' + endsFrom(index);
      const rsig = index < names.length ? key + '|' + prefix + '|' + endsFrom(index + 1) + '|replace' : null;
      // position in node.c of the index-th element child (or the end)
      let pos = 0, k = 0;
      while (pos < node.c.length && (k < index || typeof node.c[pos] === 'string' || node.c[pos].n === '#comment')) {
        if (typeof node.c[pos] !== 'string' && node.c[pos].n !== '#comment') k++;
        pos++;
      }
      if (rsig && !done.has(rsig)) {
        done.add(rsig);
        for (const name of G.replaceable(key, names, index)) {
          offers.push({sig: rsig, path, pos, name, replace: true,
                       nodes: [G.create(name, G.childType(key, name), ctx)], types: [G.childType(key, name)]});
        }
      }
      if (done.has(sig)) continue;
      done.add(sig);
      const offered = G.insertable(key, names, index);
      for (const {name, before} of offered) {
        const made = before.concat([name]).map((n) => G.create(n, G.childType(key, n), ctx));
        offers.push({sig, path, pos, name, nodes: made, types: before.concat([name]).map((n) => G.childType(key, n))});
      }
      const offeredNames = new Set(offered.map((o) => o.name));
      for (const name of Object.keys(t.k)) {
        if (offeredNames.has(name) || name.startsWith('{')) continue;
        refusals.push({sig, path, pos, name, nodes: [G.create(name, t.k[name], ctx)]});
      }
    }
    node.c.forEach((c, i) => { if (typeof c !== 'string') walk(c, G.childType(key, c.n), path.concat([i])); });
  })(doc, payload.root.type, []);
  return JSON.stringify({offers, refusals, seen: [...done]});
}
"""


@pytest.fixture(scope="module")
def editor_page(browser):
    """A page on a made-up origin whose only scripts are the editor's modules, served from viewer/static."""
    context = browser.new_context()

    def serve(route):
        path = route.request.url[len(ORIGIN):].split("?")[0]
        if path == "/blank.html":
            route.fulfill(body="<!doctype html><title>grammar</title>", content_type="text/html")
        elif path.startswith("/static/") and (STATIC / path[len("/static/"):]).is_file():
            route.fulfill(path=str(STATIC / path[len("/static/"):]), content_type="text/javascript")
        else:
            route.fulfill(status=404, body="")

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    page.goto(f"{ORIGIN}/blank.html")
    page.evaluate("""async () => {
      const m = await import('/static/js/editor/grammar.js');
      window.EditorGrammar = m.Grammar; window.EditorChildNames = m.childNames;
    }""")
    yield page
    context.close()


def _xml(tree: dict, grammar) -> bytes:
    """The document with every illustration it names declared, as the editor's server declares them."""
    root, _ = from_json(tree, grammar)
    text = etree.tostring(root, encoding="unicode").replace("%ENTITY%", ENTITY)
    names = sorted({v for el in root.iter() for v in (el.get("infoEntityIdent") or "").split()} - {"%ENTITY%"})
    decls = "".join(f'<!ENTITY {n} SYSTEM "{n}.SVG" NDATA svg>' for n in names)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE.replace("]>", decls + "]>") + text).encode()


def _insert(doc: dict, offer: dict) -> dict:
    out = copy.deepcopy(doc)
    node = out
    for i in offer["path"]:
        node = node["c"][i]
    end = offer["pos"] + 1 if offer.get("replace") else offer["pos"]
    node["c"][offer["pos"]:end] = offer["nodes"]
    return out


def _types_in(grammar, tree: dict) -> set[str]:
    root, _ = from_json(tree, grammar)
    return set(grammar.types_of(root).values())


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_offer_is_valid_and_every_type_is_reached(editor_page, content, name):
    grammar = grammar_of(PROFILE / "4.2" / name, "dmodule")
    schema = etree.XMLSchema(etree.parse(str(grammar.path)))
    payload = grammar.to_json("en")
    # handed over once, as text: Playwright checks structured arguments slowly
    editor_page.evaluate("(text) => { window.G = new window.EditorGrammar(JSON.parse(text)); }", json.dumps(payload))

    def valid(data: bytes) -> tuple[bool, str]:
        doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        ok = schema.validate(doc.getroottree())
        return ok, "" if ok else str(schema.error_log.last_error)

    seeds: list[dict] = []
    for path in sorted(content.glob("DMC-*_en-US.XML")):
        doc = load(path)
        if doc.root.get(f"{XSI}noNamespaceSchemaLocation", "").endswith("/" + name):
            seeds.append(to_json(doc, grammar))
    made = editor_page.evaluate("""() => {
        let n = 0;
        return window.G.create('dmodule', window.G.root.type, {newId: (x) => 'new-' + (++n)});
    }""")
    # a module can be made from nothing exactly when the server found a filling for it (a CCT cannot: its
    # conditions must point at condition types, which only the writer can say)
    assert (made is None) == (grammar.fills.path[grammar.schema.roots["dmodule"]] is None), name
    if made is not None:
        made["a"][f"{{{XSI[1:-1]}}}noNamespaceSchemaLocation"] = f"http://www.s1000d.org/S1000D_4-2/xml_schema_flat/{name}"
        ok, why = valid(_xml(made, grammar))
        assert ok, f"a {name} module made from nothing is not valid: {why}"
        seeds.insert(0, made)  # explored first: the smallest document has the most room to insert

    met: set[str] = set()
    for seed in seeds:
        met |= _types_in(grammar, seed)
    seen: list[str] = []
    offers_checked = 0
    refusals: list[tuple[dict, dict]] = []
    i = 0
    while i < len(seeds):
        seed = seeds[i]
        i += 1
        found = json.loads(editor_page.evaluate(EXPLORE, [json.dumps(seed), json.dumps(seen)]))
        seen = found["seen"]
        for offer in found["offers"]:
            assert all(n is not None for n in offer["nodes"]) or not all(
                grammar.fills.path.get(t) is not None for t in offer["types"]), offer
            if any(n is None for n in offer["nodes"]):
                continue  # needs a picker value the document cannot give (no id to point at)
            changed = _insert(seed, offer)
            ok, why = valid(_xml(changed, grammar))
            assert ok, f"{name}: the editor offers <{offer['name']}> at {offer['sig']} but the schema refuses it: {why}"
            offers_checked += 1
            new = _types_in(grammar, changed) - met
            if new and len(seeds) < MAX_SEEDS:
                met |= new
                seeds.append(changed)
        refusals += [(seed, r) for r in found["refusals"] if all(n is not None for n in r["nodes"])]

    reachable = {k for k in grammar.dfas if grammar.schema.types[k].model is not None}
    missed = sorted(reachable - met)
    assert not missed, f"{name}: types never reached by the editor's offers or the sample modules: {missed}"
    assert offers_checked > 20

    for seed, refusal in random.Random(name).sample(refusals, min(REVERSE_SAMPLE, len(refusals))):
        ok, _ = valid(_xml(_insert(seed, refusal), grammar))
        assert not ok, f"{name}: the schema allows <{refusal['name']}> at {refusal['sig']} but the editor does not offer it"


def test_fills_are_shortest_and_valid_for_every_generatable_type():
    """Each generatable type's filling ends its automaton; types needing a writer's value have none."""
    for name in SCHEMAS:
        grammar = grammar_of(PROFILE / "4.2" / name, "dmodule")
        for key, dfa in grammar.dfas.items():
            path = grammar.fills.path[key]
            if path is not None:
                assert dfa.accepts(path), (name, key, path)
                kids = grammar.children(key)
                assert all(grammar.fills.path[kids[n]] is not None for n in path), (name, key)
        internal = grammar.schema.types.get("internalRefType")
        if internal is not None:
            assert grammar.fills.path["internalRefType"] is None, "an internal reference needs its target from the writer"
    payload = grammar_of(PROFILE / "4.2" / "proced.xsd", "dmodule").to_json("ru")
    assert payload["labels"]["proceduralStep"] == "Шаг"
    json.dumps(payload)  # the browser gets it as JSON


def test_every_element_of_the_profile_has_a_writers_name_in_both_languages():
    from ietm.edit.labels import ELEMENTS

    names = set()
    for name in SCHEMAS:
        grammar = grammar_of(PROFILE / "4.2" / name, "dmodule")
        for key in grammar.dfas:
            names.update(n for n in grammar.children(key) if not n.startswith("{"))
    missing = sorted(n for n in names if n not in ELEMENTS or not all(ELEMENTS[n]))
    assert not missing, f"no Russian and English name for: {missing}"
    assert all(any("а" <= ch <= "я" for ch in ELEMENTS[n][0].lower()) for n in names), "Russian names are Russian"
