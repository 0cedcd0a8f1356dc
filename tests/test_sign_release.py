"""Releases: the signed manifest of a whole delivered set, verified as a CSDB and as a published bundle."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from clirun import ietm
from ietm.sign.manifest import SCHEMA
from sign_support import build_pki


@pytest.fixture(scope="session")
def rpki(tmp_path_factory):
    return build_pki(tmp_path_factory.mktemp("pki") / "demo")


# the Bike set has broken references and applicability values of its own: released without those checks
BIKE_GATE = ("--skip", "refs", "--skip", "applic")


@pytest.fixture(scope="module")
def released_once(rpki, bike, schemas42, brex42, tmp_path_factory):
    folder = tmp_path_factory.mktemp("released") / "bike"
    shutil.copytree(bike, folder)
    for p in [folder, *folder.iterdir()]:
        p.chmod(p.stat().st_mode | 0o200)
    r = ietm("release", folder, *rpki.signer("qa"), "--trust", rpki.ca, "--schemas", schemas42, "-B", brex42,
             *BIKE_GATE, "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["objects"] == 105 and json.loads(r.out)["icns"] == 50
    return folder


@pytest.fixture
def released(released_once, tmp_path):
    """A writable copy of the released Bike set, for tests that change it."""
    return Path(shutil.copytree(released_once, tmp_path / "bike"))


def verify(pki, path, *extra):
    r = ietm("verify", path, "--trust", pki.ca, "--format", "json", *extra)
    return r, json.loads(r.out)["results"]


def test_manifest_lists_every_object_and_icn_and_is_schema_valid(released, bike):
    manifest = etree.parse(str(released / "release.manifest"))
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(manifest)
    ns = {"r": "urn:ietm:release:1"}
    paths = {el.get("path") for el in manifest.iterfind("r:*", ns)}
    assert paths == {p.name for p in bike.iterdir() if p.is_file()}
    dm = manifest.find("r:object[@code='DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A']", ns)
    assert dm.get("issue") == "008-00" and dm.get("language") == "en-US" and len(dm.get("sha256")) == 64
    assert manifest.find("r:icn", ns).get("code").startswith("ICN-")


def test_release_verifies_and_each_change_is_named(rpki, released):
    r, res = verify(rpki, released)
    assert r.code == 0 and res[0]["status"] == "valid" and res[0]["kind"] == "release"
    icn = next(released.glob("ICN-*.CGM"))
    icn.write_bytes(icn.read_bytes()[:-1] + bytes([icn.read_bytes()[-1] ^ 1]))
    module = released / "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
    module.write_bytes(module.read_bytes().replace(b"<para>", b"<para> ", 1))
    r, res = verify(rpki, released / "release.manifest")
    assert r.code == 10 and sorted(res[0]["changed"]) == sorted([icn.name, module.name])
    assert "2 file(s) changed since release" in res[0]["reason"]


def test_one_byte_in_manifest_is_detected(rpki, released):
    manifest = released / "release.manifest"
    data = manifest.read_bytes()
    manifest.write_bytes(data.replace(b'qa="first"', b'qa="second"', 1))
    r, res = verify(rpki, released)
    assert r.code == 10 and res[0]["changed"] == ["release.manifest"]


def test_published_bundle_folder(rpki, released, tmp_path):
    """A bundle carries the manifest, its signature and the files at the same relative paths."""
    bundle = tmp_path / "site" / "bundle"
    bundle.mkdir(parents=True)
    for p in released.iterdir():
        if p.is_file():
            shutil.copy(p, bundle / p.name)
    (bundle / "index.html").write_text("<!doctype html><title>manual</title>")  # the viewer's own files
    r, res = verify(rpki, bundle)
    assert r.code == 0, res
    r, res = verify(rpki, tmp_path / "site")  # the release one folder down, as a bundle may keep it
    assert r.code == 0 and [x["path"] for x in res] == [str(bundle / "release.manifest")]
    shutil.copy(bundle / "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML",
                bundle / "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_009-00_en-US.XML")
    (bundle / "ICN-C0419-S1000D0360-001-01.PNG").unlink()
    r, res = verify(rpki, bundle)
    assert r.code == 10
    assert "not in the release: DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_009-00_en-US.XML" in res[0]["reason"]
    assert "missing: ICN-C0419-S1000D0360-001-01.PNG" in res[0]["reason"]


def test_release_refuses_failing_gate_in_work_and_writer(rpki, bike_copy, schemas42, brex42):
    r = ietm("release", bike_copy, *rpki.signer("qa"), "--trust", rpki.ca, "--schemas", schemas42, "-B", brex42)
    assert r.code == 6 and "`ietm check` finds errors (refs " in r.err and "dangling" in r.err
    r = ietm("release", bike_copy, *rpki.signer("writer"), "--trust", rpki.ca, "--schemas", schemas42)
    assert r.code == 6 and "policy lets only qa approve release" in r.err
    module = bike_copy / "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
    module.write_bytes(module.read_bytes().replace(b'inWork="00"', b'inWork="01"', 1))
    r = ietm("release", bike_copy, *rpki.signer("qa"), "--trust", rpki.ca, "--schemas", schemas42, *BIKE_GATE)
    assert r.code == 6 and "in work cannot be released" in r.err and module.name in r.err
    assert not (bike_copy / "release.manifest").exists() and not (bike_copy / "release.manifest.xsig").exists()


def test_sample_manual_released_through_the_full_gate(rpki, content, schemas42, brex42, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content, copy, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "release.manifest", "ietm.toml"))
    r = ietm("release", copy, *rpki.signer("qa"), "--trust", rpki.ca, "--schemas", schemas42, "-B", brex42)
    assert r.code == 0, r.err
    r, res = verify(rpki, copy)
    assert r.code == 0 and res[0]["status"] == "valid"
    svg = next(copy.glob("ICN-*.SVG"))
    svg.write_text(svg.read_text().replace("<svg", "<svg data-x='1'", 1))
    r, res = verify(rpki, copy)
    assert r.code == 10 and res[0]["changed"] == [svg.name]


def test_manifest_with_path_outside_the_release_is_refused(rpki, released, tmp_path):
    from ietm.errors import InputError
    from ietm.sign.manifest import parse

    data = (released / "release.manifest").read_bytes().replace(b'path="DDN-', b'path="../../etc/DDN-', 1)
    with pytest.raises(InputError, match="outside the release"):
        parse(data, "release.manifest")


def test_signed_and_released_csdb_still_passes_ietm_check(rpki, content, schemas42, brex42, tmp_path):
    """Signatures and the manifest are not S1000D objects: the gate and the catalog must not trip on them."""
    copy = tmp_path / "content"
    shutil.copytree(content, copy, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "release.manifest", "ietm.toml"))
    module = next(p for p in sorted(copy.glob("DMC-*.XML")) if b"firstVerification" in p.read_bytes())
    r = ietm("sign", module, *rpki.signer("qa"), "--trust", rpki.ca, "--schemas", schemas42, "-B", brex42)
    assert r.code == 0, r.err
    r = ietm("release", copy, *rpki.signer("qa"), "--trust", rpki.ca, "--schemas", schemas42, "-B", brex42)
    assert r.code == 0, r.err
    r = ietm("check", copy, "--schemas", schemas42, "-B", brex42, "-q")
    assert r.code == 0, r.out
    r = ietm("ls", copy, "--format", "json")
    assert r.code == 0 and ".xsig" not in r.out and "release.manifest" not in r.out


@pytest.fixture(scope="module")
def published(rpki, content, schemas42, brex42, tmp_path_factory):
    """The sample manual published by `ietm publish`, its manifest.json signed by `ietm release BUNDLE`."""
    root = tmp_path_factory.mktemp("published")
    src = root / "content"
    shutil.copytree(content, src, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "release.manifest", "ietm.toml"))
    (src / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    r = ietm("publish", src, "-o", root / "dist")
    assert r.code == 0, r.err
    r = ietm("release", root / "dist", *rpki.signer("qa"), "--trust", rpki.ca, "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["signature"].endswith("manifest.json.xsig")
    return root / "dist"


def test_published_bundle_signed_and_verified(rpki, published, tmp_path):
    bundle = Path(shutil.copytree(published, tmp_path / "dist"))
    r, res = verify(rpki, bundle)
    assert r.code == 0 and res[0]["kind"] == "release" and res[0]["path"].endswith("manifest.json"), res
    page = next(bundle.glob("dm/**/*.html"), None) or next(bundle.rglob("*.html"))
    page.write_text(page.read_text().replace("</body>", "<script>steal()</script></body>", 1))
    (bundle / "extra.js").write_text("steal()")
    r, res = verify(rpki, bundle)
    rel = page.relative_to(bundle).as_posix()
    assert r.code == 10 and set(res[0]["changed"]) == {rel, "extra.js"}, res
    r = ietm("release", bundle, *rpki.signer("qa"), "--trust", rpki.ca)
    assert r.code == 6 and "no longer matches its manifest" in r.err
