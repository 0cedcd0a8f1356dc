"""The viewer's signature badge and release page, on a real server over a signed release of the sample manual:
what a reader sees when a module is signed and intact, changed by one byte, or not signed at all."""

from __future__ import annotations

import re
import shutil

import pytest

from badge_support import SIGNED, UNSIGNED, alter_one_byte, copy_content, make_pki, sign_and_release
from webserver import client, serving

MODULE_URL = "/dm/DGEN-A-D00-00-00-00A-001A-A?language=en-US"
UNSIGNED_URL = "/dm/DGEN-A-D00-00-00-00A-001B-A?language=en-US"


@pytest.fixture(scope="module")
def signed(content, schemas42, brex42, tmp_path_factory):
    return sign_and_release(tmp_path_factory.mktemp("badge"), content, schemas42, brex42)


@pytest.fixture(scope="module")
def server(signed):
    with serving(signed.csdb) as base, client(base) as c:
        yield c


def badge(html: str) -> str:
    m = re.search(r'<div class="signature [^"]*"[^>]*data-signature .*?</div>', html, re.S)
    assert m, "no signature badge on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0))).strip()


def test_signed_module_shows_who_when_qa_and_valid(server):
    r = server.get(MODULE_URL)
    assert r.status_code == 200
    text = badge(r.text)
    assert re.search(r"Signed by ietm demo QA inspector on \d{4}-\d\d-\d\d \d\d:\d\d UTC · first verification · valid",
                     text), text
    assert "In release sample-1: matches what QA released" in text
    assert 'data-signature-status="valid"' in r.text
    assert '<a href="/release">In release sample-1' in r.text  # the release line leads to the release page


def test_badge_in_russian(server):
    try:
        text = badge(server.get(MODULE_URL + "&lang=ru").text)
    finally:
        server.cookies.clear()  # the viewer remembers ?lang= in a cookie
    assert "Подписано: ietm demo QA inspector" in text and "подпись верна" in text


def test_unsigned_module_says_not_signed(server):
    text = badge(server.get(UNSIGNED_URL).text)
    assert text == "Not signed In release sample-1: matches what QA released", text


def test_one_changed_byte_is_named_then_cleared_when_restored(server, signed):
    module = signed.csdb / SIGNED
    original = module.read_bytes()
    assert "valid" in badge(server.get(MODULE_URL).text)  # cached before the change
    try:
        alter_one_byte(module)
        r = server.get(MODULE_URL)
        text = badge(r.text)
        assert f"Signature invalid: {SIGNED} changed since it was signed" in text, text
        assert "content altered since QA signed it" in text
        assert 'data-signature-status="invalid"' in r.text
        release = server.get("/api/release").json()["release"]
        assert release["counts"]["changed"] == 1
        assert [o["path"] for o in release["objects"] if o["state"] == "changed"] == [SIGNED]
        page = server.get("/release").text
        assert re.search(rf'data-path="{re.escape(SIGNED)}" data-state="changed"', page)
    finally:
        module.write_bytes(original)
    assert "· valid" in badge(server.get(MODULE_URL).text)  # the same bytes again: valid again


def test_release_page_lists_every_object_with_issue_sha256_and_state(server, signed):
    page = server.get("/release")
    assert page.status_code == 200
    assert "Release sample-1" in page.text and "ietm demo QA inspector" in page.text
    assert 'data-release-status="valid"' in page.text
    rows = re.findall(r'<tr data-path="([^"]+)" data-state="(\w+)">', page.text)
    files = sorted(p.name for p in signed.csdb.iterdir() if p.suffix.upper() in (".XML", ".SVG"))
    assert sorted(p for p, _ in rows) == files and {s for _, s in rows} == {"matches"}
    n = len(files)
    assert re.search(rf"Released \d{{4}}-\d\d-\d\dT[\d:]+Z: {n} files; now {n} match, 0 changed, 0 missing", page.text)
    data = server.get("/api/release").json()["release"]
    entry = next(o for o in data["objects"] if o["path"] == UNSIGNED)
    assert entry["issue"] == "001-00" and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
    assert data["signer"] == "ietm demo QA inspector" and data["valid"] is True
    assert data["counts"] == {"matches": len(files), "changed": 0, "missing": 0}


def test_missing_object_and_untrusted_release(signed, content, schemas42, brex42, tmp_path):
    """A CSDB copy whose trust store holds another CA, and one released file deleted."""
    other = make_pki(tmp_path / "other")
    csdb = tmp_path / "csdb"
    shutil.copytree(signed.csdb, csdb, ignore=shutil.ignore_patterns(".ietm"))
    copy_content(content, tmp_path / "unused", other, schemas42, brex42)
    shutil.copy(tmp_path / "unused" / "ietm.toml", csdb / "ietm.toml")
    (csdb / UNSIGNED).unlink()
    with serving(csdb) as base, client(base) as c:
        text = badge(c.get(MODULE_URL).text)
        assert "Signed by ietm demo QA inspector" in text and "not trusted" in text, text
        data = c.get("/api/release").json()["release"]
        assert data["status"] == "untrusted" and data["counts"]["missing"] == 1
        assert "does not chain to a certificate in the trust store" in data["reason"]  # JSON: English
        # a Russian page gives the checker's reason in Russian too, not the English words marked lang=en
        page = c.get(MODULE_URL + "&lang=ru").text
        text = badge(page)
        assert "Подписано: ietm demo QA inspector" in text and "не восходит к доверенному сертификату" in text, text
        assert "tool-words" not in page and "trust store" not in text
        release = c.get("/release?lang=ru").text
        assert "не восходит к доверенному сертификату" in release and "trust store" not in release


def test_csdb_without_release(content, schemas42, brex42, tmp_path):
    csdb = copy_content(content, tmp_path / "csdb", make_pki(tmp_path), schemas42, brex42)
    with serving(csdb) as base, client(base) as c:
        assert "has no release manifest" in c.get("/release").text
        assert c.get("/api/release").json() == {"release": None}
        assert badge(c.get(MODULE_URL).text) == "Not signed"


def _sign_as(module, key, cert) -> None:
    """A detached signature as `ietm sign` writes it, by a certificate `ietm sign` itself would refuse."""
    from ietm.sign.detached import Credentials, approval, serialize, sig_path
    from ietm.sign.signer import SignedFile

    creds = Credentials.of(key, [cert], str(module))
    data = module.read_bytes()
    statement = approval("dm", {"file": module.name, "verification": "first"})
    sig_path(module).write_bytes(serialize(creds.algorithm.sign(creds.key, creds.chain, [SignedFile(module.name, data)],
                                                                statement)))


def test_expired_wrong_role_and_revoked_while_serving(content, schemas42, brex42, tmp_path, monkeypatch):
    """Each refusal with its reason on the page; a CRL added to ietm.toml turns a served badge to revoked."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from badge_support import PASSPHRASE
    from ietm.sign import pki as demo
    from ietm.web import signatures

    monkeypatch.setattr(signatures, "TRUST_RECHECK", 0.0)
    folder = make_pki(tmp_path)
    csdb = copy_content(content, tmp_path / "csdb", folder, schemas42, brex42)
    ca_key = serialization.load_pem_private_key((folder / "ca.key.pem").read_bytes(), PASSPHRASE)
    ca = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    writer_key = serialization.load_pem_private_key((folder / "writer.key.pem").read_bytes(), PASSPHRASE)
    writer = x509.load_pem_x509_certificate((folder / "writer.pem").read_bytes())
    now = dt.datetime.now(dt.timezone.utc)
    old_key, soon_key = demo.new_key(), demo.new_key()
    expired = demo.issue(ca_key, ca, old_key, "expired QA", "qa", now - dt.timedelta(days=400), now - dt.timedelta(days=1))
    to_revoke = demo.issue(ca_key, ca, soon_key, "soon revoked QA", "qa")
    (folder / "revoked.crl.pem").write_bytes(demo.make_crl(ca_key, ca, [to_revoke]).public_bytes(serialization.Encoding.PEM))
    cases = {"001A": (writer_key, writer), "001B": (old_key, expired), "005A": (soon_key, to_revoke)}
    for info, (key, cert) in cases.items():
        _sign_as(csdb / SIGNED.replace("001A", info), key, cert)
    url = MODULE_URL.replace("001A", "{}")
    with serving(csdb) as base, client(base) as c:
        role = badge(c.get(url.format("001A")).text)
        assert "Signed by ietm demo technical writer" in role and "role may not approve" in role
        assert "policy lets only qa approve dm" in role
        expired_text = badge(c.get(url.format("001B")).text)
        assert "Signed by expired QA" in expired_text and "expired or not yet valid" in expired_text
        assert "· valid" in badge(c.get(url.format("005A")).text)
        toml = csdb / "ietm.toml"
        toml.write_text(toml.read_text().replace("[sign]\n", f'[sign]\ncrl = ["{folder / "revoked.crl.pem"}"]\n'))
        revoked = badge(c.get(url.format("005A")).text)
        assert "Signed by soon revoked QA" in revoked and "certificate is revoked" in revoked, revoked
