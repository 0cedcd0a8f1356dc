"""Time what signatures add to reading the manual: the viewer's badge per module page (first view and cached),
the /release page's per-object states, carrying the release into a published bundle, and the check a tablet
runs on every module page of the bundle (WebCrypto in Chromium, offline, from the service worker's cache).

Corpus: the Bike set (objects and ICNs) copied N times into one CSDB, every data module signed and the whole set
released in process (signatures as `ietm sign` writes them, without its schema/BREX checks, which bench_sign.py
times), so the figures are about reading signatures, not making them.

Run:  .venv/bin/python bench/bench_badge.py [--copies 10] [--pages 20]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import BIKE, OUT, ROOT  # noqa: E402

PASS = b"bench passphrase"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def build(copies: int, tmp: Path) -> Path:
    """A CSDB of `copies` Bike sets, each DM signed, the set released; trusted through its ietm.toml."""
    from cryptography.hazmat.primitives import serialization

    from ietm.parse import read_object
    from ietm.sign.detached import Credentials, approval, serialize, sig_path
    from ietm.sign.keys import load_certificates
    from ietm.sign.manifest import MANIFEST_NAME, build as build_manifest, collect
    from ietm.sign.pki import init_demo
    from ietm.sign.signer import SignedFile

    init_demo(tmp / "pki", PASS)
    csdb = OUT / "badge"
    shutil.rmtree(csdb, ignore_errors=True)
    for i in range(copies):
        shutil.copytree(BIKE, csdb / f"copy{i:03d}")
    for p in csdb.rglob("*"):
        p.chmod(p.stat().st_mode | 0o200)
    (csdb / "ietm.toml").write_text(f'[sign]\ntrust = ["{tmp / "pki" / "ca.pem"}"]\n', encoding="utf-8")
    key = serialization.load_pem_private_key((tmp / "pki" / "qa.key.pem").read_bytes(), PASS)
    creds = Credentials.of(key, load_certificates(tmp / "pki" / "qa.pem"), "qa")
    for f in sorted(csdb.rglob("DMC-*.XML")):
        obj = read_object(f)
        statement = approval("dm", {"object": obj.key, "issue": obj.issue, "file": f.name, "verification": obj.qa,
                                    "sha256": hashlib.sha256(f.read_bytes()).hexdigest()})
        sig_path(f).write_bytes(serialize(creds.algorithm.sign(creds.key, creds.chain,
                                                               [SignedFile(f.name, f.read_bytes())], statement)))
    entries, _ = collect(csdb)
    data = build_manifest(entries, "bench")
    (csdb / MANIFEST_NAME).write_bytes(data)
    sig = creds.algorithm.sign(creds.key, creds.chain, [SignedFile(MANIFEST_NAME, data)], approval("release", {}))
    sig_path(csdb / MANIFEST_NAME).write_bytes(serialize(sig))
    return csdb


def server_side(csdb: Path) -> dict:
    from ietm.web.signatures import Signatures

    modules = sorted(csdb.rglob("DMC-*.XML"))
    sigs = Signatures(csdb)
    t = time.perf_counter()
    first = [sigs.badge(m, "en") for m in modules]
    cold = time.perf_counter() - t
    assert all(b["status"] == "valid" for b in first), first[0]
    t = time.perf_counter()
    for m in modules:
        sigs.badge(m, "en")
    warm = time.perf_counter() - t
    fresh = Signatures(csdb)
    t = time.perf_counter()
    release = fresh.release()
    states = [fresh.state(release, rel) for rel in release.entries]
    release_cold = time.perf_counter() - t
    t = time.perf_counter()
    states = [fresh.state(release, rel) for rel in fresh.release().entries]
    release_warm = time.perf_counter() - t
    assert set(states) == {"matches"}
    return {"modules": len(modules), "entries": len(states), "cold": cold, "warm": warm,
            "release_cold": release_cold, "release_warm": release_warm}


def carry(csdb: Path, tmp: Path) -> dict:
    from ietm.publish.signatures import carry_signatures

    out = tmp / "carry"
    out.mkdir()
    t = time.perf_counter()
    n = carry_signatures(csdb, out)
    took = time.perf_counter() - t
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"files": n, "seconds": took, "bytes": size}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def browser_side(csdb: Path, tmp: Path, pages: int) -> dict:
    """Publish, let the service worker install, go offline, then time the badge's checks on module pages."""
    from playwright.sync_api import sync_playwright

    bundle = tmp / "bundle"
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ietm", "publish", str(csdb), "-o", str(bundle), "--allow-errors"],
                   check=True, capture_output=True, cwd=ROOT)
    publish = time.perf_counter() - t
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(bundle)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    module_pages = sorted(p.relative_to(bundle).as_posix() for p in (bundle / "dm").glob("*.html"))[:pages]
    timings, loads = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "index.html")
        page.wait_for_function("document.documentElement.dataset.offlineReady === 'true'", timeout=600_000)
        httpd.shutdown()
        context.set_offline(True)
        for rel in module_pages:
            t = time.perf_counter()
            page.goto(base + rel)
            page.wait_for_selector("[data-signature][data-signature-checked=device]", timeout=60_000)
            loads.append(time.perf_counter() - t)
            assert page.get_attribute("[data-signature]", "data-signature-status") == "valid"
            # the same checks the badge runs, timed in the page: release signature + this module's own
            timings.append(page.evaluate("""async () => {
                const idx = await (await fetch('../signatures.json')).json();
                const src = document.querySelector('[data-signature]').dataset.signatureSource;
                const dir = src.replace(/[^/]*$/, ''), t0 = performance.now();
                const rel = await IetmVerify.verifyRelease({base: '../csdb/', manifest: idx.manifest,
                    anchors: idx.anchors, roles: idx.roles, files: false});
                await rel.checkFile(src);
                await IetmVerify.verifyRelease({base: '../csdb/' + dir, manifest: src.slice(dir.length), object: true,
                    files: false, anchors: idx.anchors, roles: idx.objectRoles});
                return performance.now() - t0; }"""))
        browser.close()
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    carried = sum(p.stat().st_size for p in (bundle / "csdb").rglob("*") if p.is_file())
    return {"publish": publish, "bundle_bytes": size, "carried_bytes": carried, "pages": len(module_pages),
            "check_ms": sorted(timings), "load_s": sorted(loads)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=10, help="copies of the Bike set (105 objects, 50 ICNs each)")
    ap.add_argument("--pages", type=int, default=20, help="module pages opened offline in the browser")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ietm-bench-badge-"))
    try:
        csdb = build(args.copies, tmp)
        s = server_side(csdb)
        print(f"{s['modules']} signed data modules, release of {s['entries']} files (ECDSA P-256)")
        print(f"badge, first view (signature checked): {s['cold']:.2f} s, {s['cold'] / s['modules'] * 1000:.2f} ms/module")
        print(f"badge, cached: {s['warm'] * 1000:.1f} ms for all, {s['warm'] / s['modules'] * 1e6:.1f} us/module")
        print(f"/release states, first (every file hashed): {s['release_cold']:.2f} s; cached: {s['release_warm'] * 1000:.0f} ms")
        c = carry(csdb, tmp)
        print(f"carried into a bundle: {c['files']} files, {c['bytes'] / 1e6:.1f} MB in {c['seconds']:.2f} s")
        b = browser_side(csdb, tmp, args.pages)
        ms = b["check_ms"]
        print(f"ietm publish: {b['publish']:.1f} s, bundle {b['bundle_bytes'] / 1e6:.1f} MB, of which csdb/ {b['carried_bytes'] / 1e6:.1f} MB")
        print(f"browser, offline, {b['pages']} module pages: badge checks median {statistics.median(ms):.0f} ms, "
              f"max {max(ms):.0f} ms; page load to checked badge median {statistics.median(b['load_s']) * 1000:.0f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
