"""Viewer speed: start-up, page render time and HTTP throughput over a large CSDB, and CGM conversion.

The corpus is the Bike set copied many times with a distinct model code per copy (`S1000DBIKE` becomes
`S1000DBIKE007` ...), so every copy is a different set of modules with working references, and the
catalog, the publications and the pages really number in the thousands. Run:
    .venv/bin/python bench/bench_render.py [--copies 30] [--clients 8] [--requests 600]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import BIKE, OUT, ROOT  # noqa: E402

from ietm.render.cgm import cgm_to_svg  # noqa: E402
from ietm.web.links import ServerLinks  # noqa: E402
from ietm.web.pages import Pages  # noqa: E402
from ietm.web.site import Site  # noqa: E402

MODELS = {"S1000DLIGHTING": "S1000DLIGHT", "S1000DBIKE": "S1000DBIKE", "BRAKE": "BRAKE"}


def renamed_corpus(copies: int) -> Path:
    """`copies` copies of the Bike set, each under its own model codes; ICN files are shared."""
    dest = OUT / f"viewer-x{copies}"
    if (dest / ".complete").exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for f in BIKE.iterdir():
        if f.is_file() and f.suffix.upper() != ".XML":  # not another run's cache folder (.ietm)
            shutil.copyfile(f, dest / f.name)
    xml = [(f.name, f.read_text(encoding="utf-8")) for f in BIKE.glob("*.XML")]
    pattern = re.compile(r'modelIdentCode="(' + "|".join(MODELS) + r')"')
    for i in range(copies):
        folder = dest / f"copy{i:04d}"
        folder.mkdir()
        for name, text in xml:
            new = pattern.sub(lambda m: f'modelIdentCode="{MODELS[m.group(1)]}{i:03d}"', text)
            for old, base in MODELS.items():
                name = name.replace(f"-{old}-", f"-{base}{i:03d}-")
            (folder / name).write_text(new, encoding="utf-8")
    (dest / ".complete").touch()
    return dest


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(len(values) * 0.95) - 1] if len(values) >= 20 else values[-1]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_throughput(corpus: Path, urls: list[str], clients: int, state: Path) -> tuple[float, float]:
    """Requests per second from `clients` threads against `ietm serve` in its own process: distinct
    pages first (each rendered once), then the same pages again (served from the render cache)."""
    port = free_port()
    env = {**os.environ, "IETM_STATE_DIR": str(state)}
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "ietm"), "serve", str(corpus), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as c:
            deadline = time.monotonic() + 300
            while True:
                try:
                    if c.get("/api/objects?kind=pm").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start")
                time.sleep(0.2)
        rates = []
        for _ in range(2):
            with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=clients)) as c:
                start = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    codes = list(pool.map(lambda u: c.get(u).status_code, urls))
                rates.append(len(urls) / (time.perf_counter() - start))
                bad = [u for u, s in zip(urls, codes) if s != 200]
                if bad:
                    raise SystemExit(f"{len(bad)} pages failed, e.g. {bad[0]}")
        return rates[0], rates[1]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30, help="copies of the Bike set (105 XML objects each)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--requests", type=int, default=600, help="distinct pages fetched over HTTP")
    parser.add_argument("--pages", type=int, default=1000, help="pages rendered in-process")
    args = parser.parse_args()

    corpus = renamed_corpus(args.copies)
    xml_count = sum(1 for _ in corpus.rglob("*.XML"))
    print(f"corpus: {corpus} ({xml_count} XML objects, {args.copies} copies of the Bike set)")

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["IETM_STATE_DIR"] = tmp
        start = time.perf_counter()
        site = Site(corpus)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        site = Site(corpus)
        warm = time.perf_counter() - start
        dms = site.data_modules()
        print(f"start-up (catalog + indexes): cold {cold:.2f} s, warm {warm:.2f} s; "
              f"{len(dms)} data modules, {len(site.publications)} publications")

        pages = Pages(site)
        links = ServerLinks(site)
        sample = dms[: args.pages]
        first, again = [], []
        for obj in sample:
            t0 = time.perf_counter()
            pages.data_module(obj.key, None, "en", None, links, "en")
            first.append(time.perf_counter() - t0)
        for obj in sample[-200:]:  # the most recent 200 are still in the render cache
            t0 = time.perf_counter()
            pages.data_module(obj.key, None, "en", None, links, "en")
            again.append(time.perf_counter() - t0)
        total = sum(first)
        print(f"data module page, first render: {ms(first)}; {len(first) / total:.0f} pages/s on one core")
        print(f"data module page, repeat (render cache): {ms(again)}")
        pm_times = []
        for key, pub in list(site.publications.items())[:100]:
            t0 = time.perf_counter()
            pages.publication(pub, links, "en")
            pm_times.append(time.perf_counter() - t0)
        print(f"publication (table of contents) page: {ms(pm_times)}")

        cgms = sorted(BIKE.glob("*.CGM"))
        conv = []
        for f in cgms:
            data = f.read_bytes()
            t0 = time.perf_counter()
            cgm_to_svg(data, f.name)
            conv.append(time.perf_counter() - t0)
        size = sum(f.stat().st_size for f in cgms)
        print(f"CGM -> SVG: {len(cgms)} Bike CGMs ({size / 1e6:.1f} MB) in {sum(conv):.2f} s; per file {ms(conv)}")

    with tempfile.TemporaryDirectory() as state:
        urls = [f"/dm/{o.key[4:] if o.key.startswith('DMC-') else o.key}" for o in dms[: args.requests]]
        fresh, cached = http_throughput(corpus, urls, args.clients, Path(state))
        print(f"HTTP, {args.clients} clients, {len(urls)} distinct pages: {fresh:.0f} req/s first time, "
              f"{cached:.0f} req/s again")


if __name__ == "__main__":
    main()
