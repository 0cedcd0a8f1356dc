"""Search and publish at scale: the Whoosh index, server and browser search latency, and `ietm publish`.

The corpus is the Bike set copied many times under distinct model codes (bench/bench_render.py), so every
data module has its own code: --copies 104 gives 10,088 data modules (English, about 800 words each).
Measured: full index time, no-op and one-module update, search latency (median, p95) in the server process
and in Chromium over the published bundle's offline index, publish time, bundle and offline-index sizes.
Run:
    .venv/bin/python bench/bench_search.py [--copies 104] [--rounds 5] [--skip-publish]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import resource
import shutil
import statistics
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_render import renamed_corpus  # noqa: E402
from corpus import OUT  # noqa: E402

from ietm.catalog import Catalog  # noqa: E402
from ietm.index.search import Searching  # noqa: E402
from ietm.index.store import SearchIndex  # noqa: E402
from ietm.publish.bundle import publish  # noqa: E402

QUERIES = [
    "tire pressure", "brakes", "brake pads", "chain", "lubricat*", "handlebar remove", "inflating tires", "spokes",
    '"rubbing alcohol"', '"tire pressure"', "title:wheel", "fork install", "clean the chain", "headset",
    "tyre presure", "handelbar", "code:S1000DBIKE007-AAA-DA1*", "DA0-10-20-00AA-362B", "BSK-TLST-001-05",
    "saddle height", "reflector", "gear cable", "light", "bolt torque", "frame", "pedal", "wheel remove install",
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def stats(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms (n={len(ms)})"


def server_latency(ix: SearchIndex, rounds: int) -> tuple[list[float], list[float]]:
    """Steady state of a running server: one untimed round first fills the per-searcher tables and caches
    (the cold round is printed apart)."""
    searches, suggests = [], []
    with Searching(ix.open()) as s:
        cold = []
        for q in QUERIES:
            t = time.perf_counter()
            s.search(q, limit=10)
            cold.append((time.perf_counter() - t) * 1000)
        print(f"server search, first round (cold caches): {stats(cold)}")
        for _ in range(rounds):
            for q in QUERIES:
                t = time.perf_counter()
                s.search(q, limit=10)
                searches.append((time.perf_counter() - t) * 1000)
            for q in QUERIES:
                prefix = q.strip('"')[:4]
                t = time.perf_counter()
                s.suggest(prefix)
                suggests.append((time.perf_counter() - t) * 1000)
    return searches, suggests


def browser_latency(bundle: Path, rounds: int) -> dict:
    """The offline search in Chromium: the first search of a page (head, the shards its words need, the rows of
    its hits: fetched, parsed, searched), the same for each query on a page of its own, then searches once the
    engine holds what it fetched."""
    from playwright.sync_api import sync_playwright

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(bundle)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            first: list[float] = []
            fetched: list[int] = []
            for q in QUERIES:  # each on a fresh page with an empty cache: measure search, not precaching
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                page.goto(base + "search.html")
                page.wait_for_function("!!window.IetmOfflineSearch && !!window.snowballFactory")
                one = page.evaluate("""async (q) => {
                    const t0 = performance.now();
                    const e = await IetmOfflineSearch.load('search/head.json');
                    await e.search(q, null, 10);
                    const bytes = performance.getEntriesByType('resource').filter(r => r.name.includes('/search/'))
                        .reduce((n, r) => n + r.decodedBodySize, 0);
                    return {ms: performance.now() - t0, bytes}; }""", q)
                first.append(one["ms"])
                fetched.append(one["bytes"])
                context.close()
            page = browser.new_context(service_workers="block").new_page()
            page.goto(base + "search.html")
            page.wait_for_function("!!window.IetmOfflineSearch && !!window.snowballFactory")
            out = page.evaluate("""async ([queries, rounds]) => {
                const e = await IetmOfflineSearch.load('search/head.json');
                for (const q of queries) await e.search(q, null, 10);  // what each query needs, fetched once
                const times = [];
                let total = 0;
                for (let r = 0; r < rounds; r++) for (const q of queries) {
                    const t = performance.now();
                    total += (await e.search(q, null, 10)).total;
                    times.push(performance.now() - t);
                }
                return {times, total}; }""", [QUERIES, rounds])
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return {"first": first, "fetched": fetched, "times": out["times"], "total": out["total"]}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: with the machine shared, wall time alone misleads."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    return open("/proc/loadavg").read().split()[0]


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=104, help="copies of the Bike set (97 data modules each)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the query list for latency")
    parser.add_argument("--skip-publish", action="store_true")
    parser.add_argument("--skip-search", action="store_true", help="keep the index as it is; measure publish only")
    parser.add_argument("--reuse-index", action="store_true", help="keep the index as it is; measure searches")
    args = parser.parse_args()
    corpus = renamed_corpus(args.copies)
    t = time.perf_counter()
    catalog = Catalog.open(corpus)
    scan = catalog.refresh(progress=True)
    modules = len(catalog.objects(kind="dm", state="latest"))
    catalog.close()
    print(f"corpus: {corpus}: {modules} data modules; catalog refresh {time.perf_counter() - t:.1f} s "
          f"({scan.parsed} files read)")

    ix = SearchIndex(corpus, folder=OUT / f"search-index-x{args.copies}")
    full = one = None
    if not args.skip_search and not args.reuse_index:
        cpu = cpu_seconds()
        full = ix.update(full=True)
        print(f"full index: {full.total} modules in {full.seconds:.1f} s ({full.total / full.seconds:.0f} modules/s), "
              f"CPU {cpu_seconds() - cpu:.0f} s, load average {load()}")
        noop = ix.update()
        print(f"update, nothing changed: {noop.seconds:.2f} s")
        target = next(corpus.glob(f"copy{args.copies // 2:04d}/DMC-*-DA0-10-20-00AA-362B-A_*.XML"))
        original = target.read_text(encoding="utf-8")
        try:
            target.write_text(original.replace("Locate the valve stem", "Locate the zirconium valve stem"), encoding="utf-8")
            one = ix.update()
            print(f"update, one module changed: {one.indexed} re-indexed in {one.seconds:.2f} s")
        finally:
            target.write_text(original, encoding="utf-8")
            ix.update()
        size = sum(p.stat().st_size for p in ix.folder.rglob("*") if p.is_file())
        print(f"server index size: {size / 1e6:.1f} MB ({size / full.total * 1000 / 1e6:.1f} MB per 1000 modules)")
    if not args.skip_search:
        searches, suggests = server_latency(ix, args.rounds)
        print(f"server search (in process, limit 10, snippets, facets): {stats(searches)}, load average {load()}")
        print(f"server suggest: {stats(suggests)}")
    if args.skip_publish:
        return

    out = OUT / f"bundle-x{args.copies}"
    shutil.rmtree(out, ignore_errors=True)
    cpu = cpu_seconds()
    result = publish(corpus, out, allow_errors=True, progress=True)
    cpu = cpu_seconds() - cpu
    files, total = folder_bytes(out)
    search = [p for p in (out / "search").iterdir() if p.suffix == ".json"]
    index_bytes = sum(p.stat().st_size for p in search)
    index_gz = sum(len(gzip.compress(p.read_bytes(), 6)) for p in search)
    head = out / "search" / "head.json"
    print(f"publish: {result.pages} pages, {result.illustrations} illustrations in {result.seconds:.1f} s, "
          f"CPU {cpu:.0f} s, load average {load()}")
    print(f"bundle: {files} files, {total / 1e6:.0f} MB ({total / modules * 1000 / 1e6:.1f} MB per 1000 modules)")
    print(f"offline index: {index_bytes / 1e6:.1f} MB, gzip {index_gz / 1e6:.1f} MB "
          f"({index_bytes / modules * 1000 / 1e6:.2f} MB, gzip {index_gz / modules * 1000 / 1e6:.2f} MB per 1000 modules) "
          f"in {len(search)} files; head {head.stat().st_size / 1e3:.0f} kB, gzip "
          f"{len(gzip.compress(head.read_bytes(), 6)) / 1e3:.0f} kB")
    browser = browser_latency(out, args.rounds)
    print(f"browser, first search of a page (head, shards, rows fetched and parsed): {stats(browser['first'])}; "
          f"fetched median {statistics.median(browser['fetched']) / 1e3:.0f} kB, max {max(browser['fetched']) / 1e3:.0f} kB")
    print(f"browser, later searches: {stats(browser['times'])}")
    print(json.dumps({"modules": modules, "full_index_s": full and full.seconds, "one_update_s": one and one.seconds,
                      "publish_s": result.seconds}))


if __name__ == "__main__":
    main()
