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


def test_csdb_without_release(content, schemas42, brex42, tmp_path):
    csdb = copy_content(content, tmp_path / "csdb", make_pki(tmp_path), schemas42, brex42)
    with serving(csdb) as base, client(base) as c:
        assert "has no release manifest" in c.get("/release").text
        assert c.get("/api/release").json() == {"release": None}
        assert badge(c.get(MODULE_URL).text) == "Not signed"
