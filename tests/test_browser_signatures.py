"""A signed release in the published bundle, checked by the browser offline (WebCrypto, verify.js): the module
page's badge says valid; in a bundle published after one module was altered, the page warns that the content
was altered since QA signed it. Served by a plain static server on loopback, then with the network cut off."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from badge_support import SIGNED, UNSIGNED, alter_one_byte, sign_and_release
from clirun import ietm
from static_server import StaticServer

pytestmark = pytest.mark.browser

PAGE = "dm/DGEN-A-D00-00-00-00A-001A-A_en-US.html"
UNSIGNED_PAGE = "dm/DGEN-A-D00-00-00-00A-001B-A_en-US.html"
OTHER_PAGE = "dm/DGEN-A-D00-00-00-00A-005A-A_en-US.html"


@pytest.fixture(scope="module")
def bundles(content, schemas42, brex42, tmp_path_factory) -> dict[str, Path]:
    """Two bundles of one signed release: as released, and with two modules altered after QA released them
    (one also signed on its own, one covered by the release only)."""
    root = tmp_path_factory.mktemp("signed-bundles")
    signed = sign_and_release(root, content, schemas42, brex42)
    out = {"intact": root / "intact", "altered": root / "altered"}
    r = ietm("publish", signed.csdb, "-o", out["intact"], "--lang", "en")  # the verdicts read below are English
    assert r.code == 0, r.err
    altered = root / "csdb-altered"
    shutil.copytree(signed.csdb, altered, ignore=shutil.ignore_patterns(".ietm"))
    alter_one_byte(altered / SIGNED)
    alter_one_byte(altered / UNSIGNED)
    r = ietm("publish", altered, "-o", out["altered"], "--lang", "en")
    assert r.code == 0, r.err
    return out


def open_offline(browser, bundle: Path, page_path: str):
    """First visit online (the service worker installs), then the server stops and the browser goes offline."""
    shelf = StaticServer(bundle)
    base = shelf.url
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + "index.html")
        page.wait_for_function("document.documentElement.dataset.offlineReady === 'true'", timeout=120_000)
    finally:
        shelf.stop()
    context.set_offline(True)
    page.goto(base + page_path)
    page.wait_for_selector("[data-signature][data-signature-checked=device]", timeout=30_000)
    return context, page, errors


def verdict(page) -> tuple[str, str]:
    el = page.locator("[data-signature]")
    return el.get_attribute("data-signature-status"), page.inner_text("[data-signature-text]")


def test_bundle_carries_release_signatures_and_anchors(bundles):
    b = bundles["intact"]
    index = json.loads((b / "signatures.json").read_text())
    assert index["manifest"] == "release.manifest" and index["anchors"][0].startswith("-----BEGIN CERTIFICATE-----")
    assert (b / "csdb" / "release.manifest.xsig").is_file() and (b / "csdb" / (SIGNED + ".xsig")).is_file()
    assert (b / "csdb" / SIGNED).read_bytes() != (bundles["altered"] / "csdb" / SIGNED).read_bytes()
    listed = json.loads((b / "manifest.json").read_text())["files"]
    assert "csdb/release.manifest" in listed and "signatures.json" in listed  # precached by the service worker
    pki = b.parent / "pki"
    r = ietm("verify", b, "--trust", pki / "ca.pem")
    assert r.code == 0, r.out + r.err
    r = ietm("verify", bundles["altered"], "--trust", pki / "ca.pem")
    assert r.code == 10 and SIGNED in r.out and UNSIGNED in r.out


def test_valid_badge_offline(browser, bundles):
    context, page, errors = open_offline(browser, bundles["intact"], PAGE)
    try:
        status, text = verdict(page)
        assert status == "valid", text
        assert re.match(r"Signed by ietm demo QA inspector on \d{4}-\d\d-\d\d \d\d:\d\d UTC · first verification · "
                        r"release sample-1 · ", text), text
        assert "content matches what QA signed (checked on this device)" in text
        page.goto(page.url.replace(PAGE, UNSIGNED_PAGE))  # released, not signed on its own: the release covers it
        page.wait_for_selector("[data-signature][data-signature-checked=device]")
        assert verdict(page)[0] == "valid"
        assert not errors
    finally:
        context.close()


def test_tampered_module_warns_offline(browser, bundles):
    context, page, errors = open_offline(browser, bundles["altered"], PAGE)
    try:
        status, text = verdict(page)
        assert status == "invalid"
        assert text == f"Warning: content altered since QA signed it ({SIGNED})"
        assert "signature-altered" in page.get_attribute("[data-signature]", "class")
        page.goto(page.url.replace(PAGE, UNSIGNED_PAGE))  # covered by the release only: its hash gives it away
        page.wait_for_selector("[data-signature][data-signature-checked=device]")
        assert verdict(page) == ("invalid", f"Warning: content altered since QA signed it ({UNSIGNED})")
        page.goto(page.url.replace(UNSIGNED_PAGE, OTHER_PAGE))  # the other modules are still what QA released
        page.wait_for_selector("[data-signature][data-signature-checked=device]")
        assert verdict(page)[0] == "valid"
        assert not errors
    finally:
        context.close()


def alter_every_form(path: Path, data: bytes) -> None:
    """Change a file of the bundle as a reader would get it: the file and its precompressed forms (the service
    worker keeps the .gz, web servers may send either)."""
    from ietm.publish.files import compressed

    path.write_bytes(data)
    for suffix, packed in zip((".gz", ".br"), compressed(data)):
        if path.with_name(path.name + suffix).exists():
            path.with_name(path.name + suffix).write_bytes(packed)


def test_altered_page_of_a_signed_bundle_warns_offline(browser, bundles, tmp_path):
    """With the bundle's manifest.json signed too (`ietm release BUNDLE`), a page or an illustration changed after
    that is caught, although the source modules are intact."""
    bundle = tmp_path / "bundle"
    shutil.copytree(bundles["intact"], bundle)
    pki = bundles["intact"].parent / "pki"
    r = ietm("release", bundle, "--key", pki / "qa.key.pem", "--cert", pki / "qa.pem", "--passphrase-file",
             pki.parent / "pass", "--trust", pki / "ca.pem")
    assert r.code == 0, r.err
    other = bundle / OTHER_PAGE
    alter_every_form(other, other.read_bytes().replace(b"</h1>", b" (edited)</h1>", 1))
    drawing = re.search(r'<img class="icn" src="\.\./(icn/[^"]+)"', (bundle / PAGE).read_text(encoding="utf-8")).group(1)
    context, page, errors = open_offline(browser, bundle, OTHER_PAGE)
    try:
        assert verdict(page) == ("invalid", f"Warning: content altered since QA signed it ({OTHER_PAGE})")
        page.goto(page.url.replace(OTHER_PAGE, PAGE))
        page.wait_for_selector("[data-signature][data-signature-checked=device]")
        assert verdict(page)[0] == "valid"
    finally:
        context.close()
    alter_every_form(bundle / drawing, (bundle / drawing).read_bytes().replace(b"<svg", b"<svg data-x='1'", 1))
    context, page, errors = open_offline(browser, bundle, PAGE)  # another port: a fresh device, nothing cached
    try:
        assert verdict(page) == ("invalid", f"Warning: content altered since QA signed it ({drawing})")
        assert not errors
    finally:
        context.close()
