"""QA in the browser, over a real server: the queue, the readable diff, and approval with the reviewer's own
PKCS#12 key, refused for the wrong passphrase or a certificate without the QA role."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from clirun import ietm
from ietm.accounts import open_accounts
from ietm.paths import state_dir
from ietm.sign.keys import load_certificates, load_private_key
from ietm.sign.pki import init_demo
from liveserver import serving

PASSWORD = "correct horse battery"
PASSPHRASE = b"qa demo passphrase"
MODULE = "DMC-DGEN-A-D10-10-00-00A-212A-A"  # issue 002 changes issue 001: the review shows a diff


def _p12(pki: Path, who: str, passphrase: bytes) -> bytes:
    key, _ = load_private_key(pki / f"{who}.key.pem", PASSPHRASE)
    cert = load_certificates(pki / f"{who}.pem")[0]
    return pkcs12.serialize_key_and_certificates(b"ietm", key, cert, None, serialization.BestAvailableEncryption(passphrase))


@pytest.fixture(scope="module")
def setup(tmp_path_factory, content, schemas42, brex42, module_db_url):
    """QA's server, on SQLite and on PostgreSQL: logins, the QA queue and signing work the same on both."""
    root = tmp_path_factory.mktemp("qa")
    csdb = root / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    pki = root / "pki"
    init_demo(pki, PASSPHRASE)
    for lang in ("en-US", "ru-RU"):  # the latest issue awaits verification
        f = csdb / f"{MODULE}_002-00_{lang}.XML"
        f.write_text(re.sub(r"<qualityAssurance>.*?</qualityAssurance>", "<qualityAssurance><unverified/></qualityAssurance>",
                            f.read_text(encoding="utf-8"), count=1, flags=re.S), encoding="utf-8")
    (csdb / "ietm.toml").write_text(
        f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n[sign]\ntrust = ["{pki / "ca.pem"}"]\n'
        f'[server]\ndatabase = "{module_db_url}"\n'
    )
    accounts = open_accounts(csdb)
    accounts.add("inspector", "qa", PASSWORD, "02")
    accounts.add("writer", "writer", PASSWORD)
    accounts.db.dispose()
    with serving(csdb) as server:
        yield server, csdb, pki


def _login(server, name):
    """A client logged in as `name` whose browser asks for English, the language of the words read here."""
    client = httpx.Client(base_url=server.url, timeout=60, headers={"Accept-Language": "en"})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 303
    return client


def test_only_qa_sees_the_queue(setup):
    server, _, _ = setup
    assert _login(server, "writer").get("/qa").status_code == 403
    assert httpx.get(server.url + "/qa").status_code == 401
    queue = _login(server, "inspector").get("/qa")
    assert queue.status_code == 200 and MODULE in queue.text


def test_review_shows_what_changed_since_the_previous_issue(setup):
    server, csdb, _ = setup
    page = _login(server, "inspector").get(f"/qa/review/{MODULE}?language=en-US")
    assert page.status_code == 200 and "001-00 → 002-00" in page.text
    assert 'class="diff-add"' in page.text or 'class="diff-del"' in page.text


def _approve(client, p12: bytes, passphrase: str, verification="first"):
    review = client.get(f"/qa/review/{MODULE}?language=en-US")
    token = re.search(r'name="csrf" value="([^"]+)"', review.text).group(1)
    return client.post("/qa/approve", data={"key": MODULE, "issue": "002-00", "language": "en-US", "verification": verification,
                                            "vtype": "onobject", "passphrase": passphrase, "csrf": token},
                       files={"keyfile": ("me.p12", p12)})


def test_approval_refusals_and_success(setup):
    server, csdb, pki = setup
    qa = _login(server, "inspector")
    target = csdb / f"{MODULE}_002-00_en-US.XML"
    before = target.read_bytes()
    wrong = _approve(qa, _p12(pki, "qa", b"p12 secret"), "not the passphrase")
    assert wrong.status_code == 422 and "wrong passphrase" in wrong.text and "not the passphrase" not in wrong.text
    writer_cert = _approve(qa, _p12(pki, "writer", b"p12 secret"), "p12 secret")
    assert writer_cert.status_code == 403 and "role" in writer_cert.text
    assert target.read_bytes() == before and not target.with_name(target.name + ".sig.xml").exists()
    done = _approve(qa, _p12(pki, "qa", b"p12 secret"), "p12 secret")
    assert done.status_code == 200, done.text
    assert "Signed:" in done.text and "First verification (on the object)" in done.text
    assert b'<firstVerification verificationType="onobject"/>' in target.read_bytes()
    verified = ietm("verify", target, "--trust", pki / "ca.pem", "--format", "json")
    assert verified.code == 0, verified.out + verified.err
    assert f"/qa/review/{MODULE}?language=en-US" not in qa.get("/qa").text
    audit = ietm("audit", "verify", csdb)
    assert audit.code == 0, audit.out + audit.err
    # never stored: the passphrase appears in no file of the CSDB or its state
    for f in [*csdb.rglob("*"), *state_dir(csdb).rglob("*")]:
        if f.is_file():
            assert b"p12 secret" not in f.read_bytes(), f
