"""The published Bike manual in a real browser (Debian Chromium through Playwright), served by a plain static
web server on loopback: after the first visit the service worker holds the bundle, then with the network
cut off (browser offline and the server stopped) a technician still navigates, searches, sees illustrations,
runs a fault isolation and checks off procedure steps, and the page says it is offline.
Offline search agrees with the server's ranking for the same queries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clirun import ietm
from ietm.index.search import Searching
from ietm.index.store import SearchIndex
from ietm.publish.files import is_variant
from static_server import StaticServer

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).parent / "screenshots"
TIRE_FAULT = "dm/S1000DBIKE-AAA-DA0-10-20-00AA-400A-A_en-US.html"
HANDLEBAR = "dm/S1000DBIKE-AAA-DA2-20-00-00AA-520A-A_en-US.html"
IPD = "dm/S1000DBIKE-AAA-D00-00-00-01AA-941A-D_en-US.html"
QUERIES = ["tire pressure", "brakes", "lubricat*", "chain clean", "inflating tires", "handlebar remove", "spokes",
           "code:S1000DBIKE-AAA-DA1*", "fork install"]
COMPLETE = ["br", "lub", "tire pre", "s"]  # completions of the last word typed (one letter: none)


@pytest.fixture(scope="module")
def bundle(bike: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "bike-manual"
    r = ietm("publish", bike, "-o", out, "--allow-errors", "--lang", "en", "--format", "json")  # an English manual
    assert r.code == 0, r.err
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield b
        b.close()


def shot(pg, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_bundle_works_offline_after_the_first_visit(browser, bundle: Path) -> None:
    shelf = StaticServer(bundle)
    base = shelf.url
    context = browser.new_context(viewport={"width": 1024, "height": 1366})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + "index.html")
        page.wait_for_function("document.documentElement.dataset.offlineReady === 'true'", timeout=120_000)
        cached = page.evaluate("""async () => {
            const keys = await caches.keys();
            const c = await caches.open(keys.find(k => k.startsWith('ietm-')));
            return (await c.keys()).length; }""")
        listed = json.loads((bundle / "manifest.json").read_text())["files"]
        # every file (sw.js too: a delivery checks it on the device), plus manifest.json itself; the .gz/.br forms
        # are not kept apart (a text file is kept in its gzip form under its own name)
        assert cached == len([f for f in listed if not is_variant(f, listed)]) + 1
        packed = page.evaluate("""async () => {
            const c = await caches.open((await caches.keys()).find(k => k.startsWith('ietm-')));
            const hit = await c.match(new URL('index.html', location.href).href);
            return [hit.headers.get('x-ietm-stored'), (await hit.arrayBuffer()).byteLength]; }""")
        assert packed == ["gzip", (bundle / "index.html.gz").stat().st_size]
        release = json.loads((bundle / "release.json").read_text())["release"]
        assert page.evaluate("caches.keys()") == [f"ietm-{release}"]
    finally:
        shelf.stop()  # from here on there is no server at all
    context.set_offline(True)

    # navigate: home -> a publication -> a data module, and the page says it is offline
    page.goto(base + "index.html")
    banner = page.wait_for_selector("[data-bundle-banner=offline]", state="visible")
    assert "Offline" in banner.inner_text()
    page.click("ul.cards a >> nth=0")
    page.wait_for_load_state()
    assert "/pm/" in page.url
    page.click("main a[href^='../dm/'] >> nth=0")
    page.wait_for_load_state()
    assert "/dm/" in page.url and page.locator("main h1").count()

    # search from the top bar, with a typo, on the device
    page.fill("#quick-q", "tyre presure")
    page.press("#quick-q", "Enter")
    page.wait_for_url("**/search.html?q=tyre+presure")
    page.wait_for_selector("[data-result-count]")
    assert int(page.get_attribute("[data-result-count]", "data-result-count")) >= 10
    assert "tire pressure" in page.inner_text("[data-corrected]")
    first = page.locator("ol.results li.result >> nth=0")
    assert first.get_attribute("data-key") == "DMC-S1000DBIKE-AAA-DA0-10-20-00AA-362B-A"
    page.wait_for_function("document.querySelector('ol.results li .snippet mark') !== null")
    snippet = page.inner_text("ol.results li.result >> nth=0 >> .snippet")
    assert "pressure" in snippet.lower() and "Bookmarks" not in snippet  # the module's text, not the page shell
    shot(page, "offline-search")
    first.locator("a.result-title").click()
    page.wait_for_load_state()
    assert page.url.endswith("dm/S1000DBIKE-AAA-DA0-10-20-00AA-362B-A_en-US.html")

    # an illustration (CGM converted to SVG) shows from the cache
    page.goto(base + IPD)
    img = page.locator("img.icn >> nth=0")
    img.scroll_into_view_if_needed()
    page.wait_for_function("(() => { const i = document.querySelector('img.icn'); return i.complete && i.naturalWidth > 0; })()")
    assert img.get_attribute("src").endswith(".CGM.svg")

    # a fault isolation, run to its fix
    page.goto(base + TIRE_FAULT)
    visible = lambda: page.eval_on_selector_all(".fi-node[data-node]", "ns => ns.filter(n => !n.hidden).map(n => n.dataset.node)")
    assert visible() == ["stp-0001"]
    page.click("section[data-node='stp-0001'] >> text=Less than 100 hPa")
    page.click("section[data-node='stp-0004'] >> text=Yes")
    assert visible() == ["stp-0005"] and "fi-finished" in page.get_attribute("section[data-fault]", "class")
    fix = page.locator("section[data-node='stp-0005'] a.dmref")
    assert fix.get_attribute("href") == "../dm/S1000DBIKE-AAA-DA0-10-20-00AA-921A-A_en-US.html"
    shot(page, "offline-fault-fix")

    # a procedure: acknowledge the warning, check steps off, and find them kept after a reload
    page.goto(base + HANDLEBAR)
    page.click("section[data-procedure] .ack-btn")
    page.check("li.step[data-step='1'] > .step-head input")
    page.check("li.step[data-step='1.1'] > .step-head input")
    page.reload()
    assert page.is_checked("li.step[data-step='1'] > .step-head input")
    assert page.is_checked("li.step[data-step='1.1'] > .step-head input")
    assert not page.is_checked("li.step[data-step='1.2'] > .step-head input")
    assert page.locator("[data-bundle-banner=offline]").is_visible()
    shot(page, "offline-procedure")

    # a page the bundle does not hold: the bundle's own "not found" page, not the browser's error
    page.goto(base + "dm/NO-SUCH-MODULE_en-US.html")
    assert page.locator("main h1").count() == 1
    context.close()
    assert not errors, errors


def test_offline_search_ranks_as_the_server_does(browser, bundle: Path, bike: Path, tmp_path: Path) -> None:
    ix = SearchIndex(bike, folder=tmp_path / "ix")
    ix.update()
    with Searching(ix.open()) as s:
        server = {q: [(h.key, h.score) for h in s.search(q, limit=10).hits] for q in QUERIES}
        server_completions = {p: s.suggest(p, limit=6)["completions"] for p in COMPLETE}
    shelf = StaticServer(bundle)
    base = shelf.url
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.split("/search/")[1]) if "/search/" in r.url else None)
    try:
        page.goto(base + "search.html")
        page.wait_for_function("!!window.IetmOfflineSearch && !!window.snowballFactory")
        first = page.evaluate("""async () => {
            const e = await IetmOfflineSearch.load('search/head.json');
            return (await e.search('brake', null, 10)).hits.length; }""")
        first_fetch = list(fetched)
        offline = page.evaluate("""async (queries) => {
            const e = await IetmOfflineSearch.load('search/head.json');
            const out = {};
            for (const q of queries) out[q] = (await e.search(q, null, 10)).hits.map(h => [h.key, h.score]);
            return out; }""", QUERIES)
        completions = page.evaluate("""async (prefixes) => {
            const e = await IetmOfflineSearch.load('search/head.json');
            const out = {};
            for (const p of prefixes) out[p] = await e.suggest(p, 6);
            return out; }""", COMPLETE)
        # the browser's Snowball (2016 build) against the server's PyStemmer on every indexed English word; for
        # the words of the manual the browser uses the server's own stem, exported with the index
        words = [w for shard in sorted((bundle / "search").glob("en-*.json"))
                 for w in json.loads(shard.read_text())["words"][0::2] if w.isascii() and w.isalpha()]
        browser_stems = page.evaluate("""async (ws) => {
            const e = await IetmOfflineSearch.load('search/head.json');
            await e.prepare(ws.map(w => ({kind: 'word', text: w})), false);
            const st = snowballFactory.newStemmer('english');
            return ws.map(w => [st.stem(w), e.stemOf('en', w)]); }""", words)
    finally:
        context.close()
        shelf.stop()
    # the first search fetched the head, the shards of its word and the rows of its hits, not the whole index
    shards = [p.name for p in (bundle / "search").glob("*.json")]
    assert first and "head.json" in first_fetch and "docs-0.json" in first_fetch
    assert len(set(first_fetch)) <= 6 < len(shards), (first_fetch, shards)
    assert server_completions["br"] and not server_completions["s"] and completions == server_completions
    for q in QUERIES:
        assert server[q], q
        assert [k for k, _ in offline[q]] == [k for k, _ in server[q]], (q, server[q], offline[q])
        assert [round(v, 4) for _, v in offline[q]] == [v for _, v in server[q]], (q, server[q], offline[q])
    from ietm.index.analysis import stem

    server_stems = [stem(w, "en") for w in words]
    agree = sum(b[0] == s for b, s in zip(browser_stems, server_stems))
    assert agree / len(words) > 0.99  # Snowball 2's prefix rules (inter-, emerg-, organ-) are the difference
    assert [b[1] for b in browser_stems] == server_stems  # through the exported vocabulary: always the same


def test_a_newer_release_is_offered_and_taken(browser, content: Path, tmp_path: Path) -> None:
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    out = tmp_path / "site"
    first = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--lang", "en", "--format", "json").out)
    shelf = StaticServer(out)
    base = shelf.url
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + "index.html")
        page.wait_for_function("document.documentElement.dataset.offlineReady === 'true'", timeout=120_000)
        page.reload()
        assert page.evaluate("!!navigator.serviceWorker.controller")
        module = csdb / "DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_en-US.XML"
        module.write_text(module.read_text(encoding="utf-8").replace("</para>", " Zirconwash.</para>", 1),
                          encoding="utf-8")
        second = json.loads(ietm("publish", csdb, "-o", out, "--allow-errors", "--lang", "en", "--format", "json").out)
        assert second["release"] != first["release"]
        page.reload()  # the page asks the server for its release, finds a newer one, the new worker installs
        offer = page.wait_for_selector("[data-bundle-banner=update]", timeout=120_000)
        assert "newer release" in offer.inner_text()
        shot(page, "offline-new-release")
        with page.expect_navigation():
            page.click("[data-bundle-banner=update] button")
        page.wait_for_function(f"caches.keys().then(k => k.includes('ietm-{second['release']}'))")
        assert page.evaluate("caches.keys()") == [f"ietm-{second['release']}"]  # the old release's cache is gone
        page.goto(base + "dm/DGEN-A-D10-00-00-00A-040A-A_en-US.html")
        assert "Zirconwash" in page.inner_text("main")
    finally:
        context.close()
        shelf.stop()


def test_offline_search_in_russian_agrees_with_the_server(browser, content: Path, tmp_path: Path) -> None:
    out = tmp_path / "manual"
    assert ietm("publish", content, "-o", out, "--allow-errors").code == 0
    queries = ["двигателя", "топливного фильтра", "ёмкостью", "масло*", "filters", "генератора напряжение"]
    ix = SearchIndex(content, folder=tmp_path / "ix")
    ix.update()
    with Searching(ix.open()) as s:
        server = {q: [h.key + h.language for h in s.search(q, limit=5).hits] for q in queries}
    shelf = StaticServer(out)
    base = shelf.url
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    try:
        page.goto(base + "search.html")
        page.wait_for_function("!!window.IetmOfflineSearch && !!window.snowballFactory")
        offline = page.evaluate("""async (queries) => {
            const e = await IetmOfflineSearch.load('search/head.json');
            const out = {};
            for (const q of queries) out[q] = (await e.search(q, null, 5)).hits.map(h => h.key + h.language);
            return out; }""", queries)
    finally:
        context.close()
        shelf.stop()
    assert server["двигателя"][0] == "DMC-DGEN-A-D10-00-00-00A-040A-Aru-RU"
    for q in queries:
        assert server[q] and offline[q] == server[q], (q, server[q], offline[q])
