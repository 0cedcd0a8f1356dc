"""How fast the browser editor is on large modules: compiling a schema's grammar, opening a module (XML to the
editor's tree), a save's server side (tree to XML, schema, BREX and references), and in Chromium the first
drawing of the module, a structural change (a new step) and a keystroke.

    .venv/bin/python bench/bench_edit.py [--steps 1000]

The large module is the sample manual's oil change with its main procedure repeated until it has --steps
procedural steps; the Bike set's largest module (a 1.9 MB business rules document) is opened too.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
OUT = ROOT / "bench" / "out" / "edit"
BIKE = ROOT.parent / "shared" / "s1000d" / "4.2"
CODE = "DGEN-A-D10-10-00-00A-212A-A"


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def big_module(csdb: Path, steps: int) -> int:
    """The oil change (its official issue) with its main procedure's steps repeated."""
    path = csdb / f"DMC-{CODE}_002-00_en-US.XML"
    tree = etree.parse(str(path))
    main = tree.find(".//mainProcedure")
    original = list(main)
    while len(main.findall(".//proceduralStep")) < steps:
        for step in original:
            main.append(copy.deepcopy(step))
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype=tree.docinfo.doctype))
    return len(main.findall(".//proceduralStep"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    from edit_support import login, open_editor, writable_content
    from ietm.edit import grammar as grammars
    from ietm.edit.document import build, to_json
    from ietm.parse.loader import load
    from webserver import serving
    from ietm.web.app import create_app

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    csdb = writable_content(OUT / "content", BIKE / "brex")
    count = big_module(csdb, args.steps)
    size = (csdb / f"DMC-{CODE}_002-00_en-US.XML").stat().st_size

    for top in (ROOT / "schemas/profile/4.2/proced.xsd", BIKE / "schemas/xml_schema_flat/proced.xsd",
                BIKE / "schemas/xml_schema_flat/brdoc.xsd"):
        grammars._cache.clear()
        t, g = timed(lambda: grammars.grammar_of(top, "dmodule"), 1)
        print(f"grammar of {top.parent.parent.name}/{top.name}: {t * 1000:.0f} ms ({len(g.dfas)} types)")

    app = create_app(csdb)
    editing = app.state.editing
    key = f"DMC-{CODE}"
    t, opened = timed(lambda: editing.open(key, "en-US", "en"))
    print(f"open, {count} steps ({size / 1e6:.1f} MB): {t * 1000:.0f} ms")
    cur = editing.current(key, "en-US")
    g = editing.grammar(cur.doc)
    t, built = timed(lambda: build(opened["doc"], g, cur.data, app.state.site.icn_path))
    print(f"save: tree to XML: {t * 1000:.0f} ms")
    t, _ = timed(lambda: editing.checks.check(built.doc))
    print(f"save: schema, BREX and references: {t * 1000:.0f} ms")
    brdoc = next((BIKE / "bike").glob("DMC-S1000DBIKE-AAA-D00-00-00-00AA-024A-D_*.XML"))
    doc = load(brdoc)
    bg = grammars.grammar_of(BIKE / "schemas/xml_schema_flat/brdoc.xsd", "dmodule")
    t, tree = timed(lambda: to_json(doc, bg))
    print(f"open Bike's largest module ({brdoc.stat().st_size / 1e6:.1f} MB): {t * 1000:.0f} ms")

    from playwright.sync_api import sync_playwright

    with serving(csdb) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base).new_page()
        login(page, "olga")
        t0 = time.perf_counter()
        open_editor(page, CODE, "en-US")
        print(f"browser: open and draw {count} steps: {(time.perf_counter() - t0) * 1000:.0f} ms "
              f"({page.evaluate('window.ietmEditor.doc.byId.size')} elements)")
        drawing = page.evaluate("() => { const t = performance.now(); window.ietmEditor.view.render(); const d = performance.now() - t; const t2 = performance.now(); document.body.offsetHeight; return [d, performance.now() - t2]; }")
        print(f"browser: drawing alone: {drawing[0]:.0f} ms, then layout {drawing[1]:.0f} ms")
        structural = page.evaluate("""() => { const ed = window.ietmEditor; const t = performance.now();
            const step = ed.doc.find('proceduralStep'); const parent = ed.doc.parentOf(step);
            const made = ed.g.create('proceduralStep', step.t, ed.context());
            ed.doc.transact('bench', () => ed.doc.insert(parent, 0, made)); return performance.now() - t; }""")
        print(f"browser: a new step (transaction and redraw): {structural:.0f} ms")
        page.click(".ed-el-para [data-host] >> nth=0")
        page.keyboard.press("End")
        keys = []
        for ch in "abcdefghij":
            t = time.perf_counter()
            page.keyboard.type(ch)
            page.evaluate("0")
            keys.append(time.perf_counter() - t)
        print(f"browser: a keystroke (median of 10, with the round trip of the test driver): {statistics.median(keys) * 1000:.0f} ms")
        browser.close()


if __name__ == "__main__":
    main()
