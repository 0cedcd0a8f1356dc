"""GOST R 34.10-2012 signatures checked in the browser with no network: a bundle of a release signed with GOST keys
(CAdES .sig, the bundle's manifest.json signed too) says valid offline, and warns when a module was altered; and
verify.js checks CAdES and XML signatures on every TC26 parameter set with the vendored crypto-gost-js, against
what OpenSSL's GOST engine signed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from badge_support import SIGNED, alter_one_byte, sign_and_release
from clirun import ietm
from ietm.paths import STATIC
from ietm.sign import gostpki
from ietm.sign.detached import Credentials
from ietm.sign.formats import sign_bytes
from ietm.sign.gost import PARAMSETS, GostPrivateKey
from ietm.sign.pki import cert_pem
from static_server import StaticServer
from test_browser_signatures import open_offline, verdict

pytestmark = pytest.mark.browser

PAGE = "dm/DGEN-A-D00-00-00-00A-001A-A_en-US.html"
VENDOR = STATIC / "js" / "vendor" / "crypto-gost.min.js"
VENDOR_SHA256 = "efc4dc981c8dff05b272300f582d8268109281190549895ee7866601ae564c48"  # @wavesenterprise/crypto-gost-js 2.0.1


def test_vendored_library_is_the_pinned_release():
    assert hashlib.sha256(VENDOR.read_bytes()).hexdigest() == VENDOR_SHA256
    assert "2.0.1" in (VENDOR.parent / "crypto-gost.LICENSE.txt").read_text()


@pytest.fixture(scope="module")
def gost_bundles(content, schemas42, brex42, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("gost-bundles")
    signed = sign_and_release(root, content, schemas42, brex42, gost=True)
    out = {"intact": root / "intact", "altered": root / "altered"}
    assert ietm("publish", signed.csdb, "-o", out["intact"], "--lang", "en").code == 0  # the device's words in English
    r = ietm("release", out["intact"], *signed.signer(), "--trust", signed.pki / "ca.pem")  # manifest.json.sig
    assert r.code == 0, r.err
    altered = root / "csdb-altered"
    shutil.copytree(signed.csdb, altered, ignore=shutil.ignore_patterns(".ietm"))
    alter_one_byte(altered / SIGNED)
    assert ietm("publish", altered, "-o", out["altered"], "--lang", "ru").code == 0  # the device's words in Russian
    return out


def test_gost_bundle_valid_offline(browser, gost_bundles):
    b = gost_bundles["intact"]
    assert (b / "csdb" / (SIGNED + ".sig")).is_file() and (b / "manifest.json.sig").is_file()
    assert list(b.rglob("crypto-gost.min.js"))  # the GOST implementation travels with the bundle
    context, page, errors = open_offline(browser, b, PAGE)
    try:
        status, text = verdict(page)
        assert status == "valid", text
        assert text.startswith("Signed by Кузнецова Мария Олеговна on ") and "release sample-1" in text, text
        assert "content matches what QA signed (checked on this device)" in text
        assert not errors
    finally:
        context.close()


def test_gost_bundle_altered_module_warns_offline(browser, gost_bundles):
    """In a bundle published in Russian the device's verdict is in Russian: its words come from the one table of
    interface words (ietm.i18n, sig_device_*), as the server badge's do."""
    context, page, errors = open_offline(browser, gost_bundles["altered"], PAGE)
    try:
        assert verdict(page) == ("invalid", f"Внимание: содержимое изменено после подписания ({SIGNED})")
        assert not errors
    finally:
        context.close()


@pytest.fixture(scope="module")
def every_paramset(tmp_path_factory) -> Path:
    """A folder with a GOST CA, and for each TC26 parameter set a holder who signed a small file in CAdES and XML."""
    folder = tmp_path_factory.mktemp("paramsets")
    ca_key = GostPrivateKey.generate("512-C")  # a twisted Edwards curve for the CA too
    ca = gostpki.make_ca(ca_key)
    (folder / "ca.pem").write_bytes(cert_pem(ca))
    (folder / "index.html").write_text("<!doctype html><title>GOST parameter sets</title>", encoding="utf-8")
    for name in PARAMSETS:
        key = GostPrivateKey.generate(name)
        cert = gostpki.make_holder(ca_key, ca, key, gostpki.PEOPLE[-1])
        creds = Credentials.of(key, [cert], name)
        data = f"signed on {name}\n".encode()
        for fmt in ("cades", "xml"):
            (folder / f"{name}.{fmt}.txt").write_bytes(data)
            suffix, sig = sign_bytes(creds, f"{name}.{fmt}.txt", data, {"kind": "dm"}, fmt)
            (folder / f"{name}.{fmt}.txt{suffix}").write_bytes(sig)
    return folder


def test_verify_js_checks_every_parameter_set(browser, every_paramset):
    shelf = StaticServer(every_paramset)
    context = browser.new_context()
    page = context.new_page()
    try:
        base = shelf.url
        page.goto(base + "index.html")
        page.add_script_tag(content=(STATIC / "js" / "vendor" / "crypto-gost.min.js").read_text(encoding="utf-8"))
        page.add_script_tag(content=(STATIC / "js" / "verify.js").read_text(encoding="utf-8"))
        results = page.evaluate("""async (names) => {
            const ca = await (await fetch("ca.pem")).text(), out = {};
            for (const name of names) for (const fmt of ["cades", "xml"]) {
              const r = await IetmVerify.verifyRelease({ base: location.href, manifest: name + "." + fmt + ".txt",
                object: true, files: false, anchors: [ca], roles: { eku: [IetmVerify.QA_EKU] } });
              out[name + "." + fmt] = r.status + ": " + r.reason;
            }
            return out;
        }""", list(PARAMSETS))
        assert all(v.startswith("valid: signed by Кузнецова Мария Олеговна") for v in results.values()), results
        (every_paramset / "256-A.cades.txt").write_bytes(b"signed on 256-B\n")  # one changed byte
        changed = page.evaluate("""async () => {
            const ca = await (await fetch("ca.pem")).text();
            return (await IetmVerify.verifyRelease({ base: location.href, manifest: "256-A.cades.txt", object: true,
              files: false, anchors: [ca], roles: { eku: [IetmVerify.QA_EKU] } })).reason;
        }""")
        assert changed == "256-A.cades.txt changed since it was signed"
    finally:
        context.close()
        shelf.stop()


def test_verify_js_speaks_the_pages_language(browser, every_paramset):
    """On a Russian page verify.js gives its reasons in Russian, from the table of interface words the page carries
    (script#ietm-strings, as every page of a bundle does)."""
    from ietm.i18n import table

    import ietm.sign.reasons  # noqa: F401  (declares the words)

    shelf = StaticServer(every_paramset)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(shelf.url + "index.html")
        page.evaluate("""(words) => { const s = document.createElement("script"); s.type = "application/json";
            s.id = "ietm-strings"; s.textContent = JSON.stringify(words); document.head.appendChild(s); }""", table("ru"))
        page.add_script_tag(content=VENDOR.read_text(encoding="utf-8"))
        page.add_script_tag(content=(STATIC / "js" / "verify.js").read_text(encoding="utf-8"))
        other = cert_pem(gostpki.make_ca(GostPrivateKey.generate("256-A"))).decode()  # a CA that issued nobody here
        reasons = page.evaluate("""async (other) => {
            const ca = await (await fetch("ca.pem")).text(), out = [];
            for (const anchors of [[ca], [other]]) {
              const r = await IetmVerify.verifyRelease({ base: location.href, manifest: "256-B.xml.txt", object: true,
                files: false, anchors: anchors, roles: { eku: [IetmVerify.QA_EKU] } });
              out.push(r.status + ": " + r.reason);
            }
            return out;
        }""", other)
        assert reasons[0].startswith("valid: подписано: Кузнецова Мария Олеговна, "), reasons
        assert reasons[1].startswith("untrusted: подписант Кузнецова Мария Олеговна не восходит к доверенному "
                                     "сертификату, 20"), reasons
    finally:
        context.close()
        shelf.stop()
