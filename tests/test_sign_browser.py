"""The bundle verifier (viewer/static/js/verify.js) in a real browser: WebCrypto checks the signed release
manifest and every file's SHA-256, and names what changed; the same verdicts as `ietm verify`."""

from __future__ import annotations

import json
import shutil

import pytest
from cryptography.hazmat.primitives import serialization

from clirun import ietm
from ietm.paths import STATIC
from ietm.sign.detached import Credentials, approval, serialize, sig_path
from ietm.sign.keys import load_certificates
from ietm.sign.signer import SignedFile
from sign_support import PASSPHRASE, build_pki
from static_server import StaticServer

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
MODULE = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


@pytest.fixture(scope="module")
def bpki(tmp_path_factory):
    return build_pki(tmp_path_factory.mktemp("pki") / "demo")


@pytest.fixture(scope="module")
def site(bpki, bike, schemas42, brex42, tmp_path_factory):
    """A published-bundle layout: the released set under bundle/, the verifier script and a page beside it."""
    root = tmp_path_factory.mktemp("site")
    bundle = root / "bundle"
    shutil.copytree(bike, bundle)
    for p in [bundle, *bundle.iterdir()]:
        p.chmod(p.stat().st_mode | 0o200)
    r = ietm("release", bundle, *bpki.signer("qa"), "--trust", bpki.ca, "--schemas", schemas42, "-B", brex42,
             "--skip", "refs", "--skip", "applic")
    assert r.code == 0, r.err
    shutil.copy(STATIC / "js" / "verify.js", root / "verify.js")
    (root / "index.html").write_text('<!doctype html><meta charset="utf-8"><title>t</title><script src="verify.js"></script>')
    with StaticServer(root, no_store=True) as shelf:
        yield root, shelf.url


@pytest.fixture(scope="module")
def page(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        pg = browser.new_page()
        pg.goto(site[1] + "index.html")
        yield pg
        browser.close()


def run(page, anchors: list[str], **opts) -> dict:
    return page.evaluate("""async ([anchors, opts]) => {
        const r = await IetmVerify.verifyRelease(Object.assign({base: "bundle/", anchors}, opts));
        const file = r.checkFile ? await r.checkFile(%s) : null;
        delete r.checkFile; r.file = file; return r; }""" % json.dumps(MODULE), [anchors, opts])


def test_valid_release_in_the_browser(page, bpki):
    r = run(page, [bpki.ca.read_text()])
    assert r["status"] == "valid", r
    assert r["signer"] == "ietm demo QA inspector" and r["signedAt"] and r["release"]["objects"] == 105
    assert "155 file(s) match the manifest" in r["reason"] and r["file"] == "valid"
    assert len(r["entries"]) == 155


def test_changed_file_named_in_the_browser(page, site, bpki):
    module = site[0] / "bundle" / MODULE
    original = module.read_bytes()
    try:
        module.write_bytes(original.replace(b"<para>", b"<para> ", 1))
        r = run(page, [bpki.ca.read_text()])
        assert r["status"] == "invalid" and r["changed"] == [MODULE] and r["file"] == "changed"
    finally:
        module.write_bytes(original)


@pytest.mark.parametrize("target", ["release.manifest", "release.manifest.xsig"])
def test_changed_manifest_or_signature_in_the_browser(page, site, bpki, target):
    f = site[0] / "bundle" / target
    original = f.read_bytes()
    try:
        old = b'qa="first"' if target == "release.manifest" else b'kind="release"'
        f.write_bytes(original.replace(old, old.replace(b'"', b'" ', 1), 1) if target == "release.manifest.xsig"
                      else original.replace(old, b'qa="second"', 1))
        r = run(page, [bpki.ca.read_text()])
        assert r["status"] == "invalid", r
        assert r["changed"] and r["changed"][0].startswith("release.manifest")
    finally:
        f.write_bytes(original)


def test_untrusted_expired_and_role_in_the_browser(page, site, bpki):
    assert run(page, [(bpki.folder / "other-ca.pem").read_text()])["status"] == "untrusted"
    r = run(page, [bpki.ca.read_text()], now=None)
    assert r["status"] == "valid"
    later = page.evaluate("""async (anchors) => (await IetmVerify.verifyRelease({base: "bundle/", anchors,
        files: false, now: new Date(Date.now() + 3000 * 86400e3)})).status""", [bpki.ca.read_text()])
    assert later == "expired"
    manifest = site[0] / "bundle" / "release.manifest"
    sig = sig_path(manifest)
    original = sig.read_bytes()
    try:  # the manifest signed by the writer: cryptographically sound, but not a role that approves releases
        key = serialization.load_pem_private_key(bpki.key("writer").read_bytes(), PASSPHRASE.encode())
        creds = Credentials.of(key, load_certificates(bpki.cert("writer")), "writer")
        sig.write_bytes(serialize(creds.algorithm.sign(creds.key, creds.chain,
                                                       [SignedFile("release.manifest", manifest.read_bytes())],
                                                       approval("release", {"file": "release.manifest"}))))
        r = run(page, [bpki.ca.read_text()], files=False)
        assert r["status"] == "role" and "ietm demo technical writer" in r["reason"]
    finally:
        sig.write_bytes(original)


def test_rsa_pss_release_signature_in_the_browser(page, site, bpki):
    manifest = site[0] / "bundle" / "release.manifest"
    sig = sig_path(manifest)
    original = sig.read_bytes()
    try:
        key = serialization.load_pem_private_key(bpki.key("rsa").read_bytes(), PASSPHRASE.encode())
        creds = Credentials.of(key, load_certificates(bpki.cert("rsa")), "rsa")
        assert creds.algorithm.name == "rsa-pss"
        sig.write_bytes(serialize(creds.algorithm.sign(creds.key, creds.chain,
                                                       [SignedFile("release.manifest", manifest.read_bytes())],
                                                       approval("release", {"file": "release.manifest"}))))
        r = run(page, [bpki.ca.read_text()], files=False)
        assert r["status"] == "valid" and r["signer"] == "RSA QA", r
        sig.write_bytes(sig.read_bytes().replace(b"<ds:SignatureValue>", b"<ds:SignatureValue>AAAA", 1))
        assert run(page, [bpki.ca.read_text()], files=False)["status"] == "invalid"
    finally:
        sig.write_bytes(original)


@pytest.fixture(scope="module")
def published_site(bpki, content, schemas42, brex42, tmp_path_factory):
    """The sample manual as `ietm publish` writes it, signed with `ietm release BUNDLE`, served on loopback."""
    root = tmp_path_factory.mktemp("pubsite")
    src = root / "src"
    shutil.copytree(content, src, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "release.manifest", "ietm.toml"))
    (src / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    assert ietm("publish", src, "-o", root / "dist").code == 0
    r = ietm("release", root / "dist", *bpki.signer("qa"), "--trust", bpki.ca)
    assert r.code == 0, r.err
    # the verifier as the bundle itself carries it (ietm publish copies viewer/static)
    (root / "check.html").write_text('<!doctype html><meta charset="utf-8"><title>check</title>'
                                     '<script src="dist/static/js/verify.js"></script>')
    with StaticServer(root, no_store=True) as shelf:
        yield root / "dist", shelf.url


def test_published_bundle_manifest_json_in_the_browser(page, published_site, bpki):
    dist, base = published_site
    page = page.context.browser.new_page()  # a page from the bundle's own origin
    page.goto(base + "check.html")
    opts = {"base": base + "dist/", "manifest": "manifest.json", "anchors": [bpki.ca.read_text()]}
    r = page.evaluate("async (o) => { const r = await IetmVerify.verifyRelease(o); delete r.checkFile; return r; }", opts)
    assert r["status"] == "valid", r
    assert r["release"]["files"] == len(r["entries"]) > 100
    page_file = dist / "index.html"
    original = page_file.read_bytes()
    try:
        page_file.write_bytes(original.replace(b"</body>", b"<p>not what QA signed</p></body>", 1))
        r = page.evaluate("async (o) => { const r = await IetmVerify.verifyRelease(o); delete r.checkFile; return r; }", opts)
        assert r["status"] == "invalid" and r["changed"] == ["index.html"], r
    finally:
        page_file.write_bytes(original)
        page.close()
