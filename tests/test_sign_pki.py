"""`ietm pki init`, the project's signing/ folder, and trust settings taken from ietm.toml."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import tomllib

from clirun import ietm
from ietm.paths import SIGNING
from ietm.sign import signature_status
from ietm.sign.trust import Policy, TrustStore
from sign_support import env_without_passphrase

MODULE = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


def test_pki_init_writes_encrypted_keys_and_refuses_to_overwrite(tmp_path):
    pw = tmp_path / "pw"
    pw.write_text("s3cret-pass\n")
    r = ietm("pki", "init", tmp_path / "pki", "--passphrase-file", pw)
    assert r.code == 0, r.err
    written = [Path(line) for line in r.out.splitlines()]
    assert {p.name for p in written} == {"ca.pem", "ca.key.pem", "qa.pem", "qa.key.pem", "writer.pem", "writer.key.pem", "crl.pem"}
    for p in written:
        assert p.is_file()
        if p.name.endswith(".key.pem"):
            assert b"ENCRYPTED PRIVATE KEY" in p.read_bytes() and stat.S_IMODE(p.stat().st_mode) == 0o600
    assert "s3cret" not in r.out + r.err
    before = (tmp_path / "pki" / "ca.key.pem").read_bytes()
    r = ietm("pki", "init", tmp_path / "pki", "--passphrase-file", pw)
    assert r.code == 6 and "never overwrites keys" in r.err
    assert (tmp_path / "pki" / "ca.key.pem").read_bytes() == before


def test_pki_init_without_a_passphrase_refused(tmp_path):
    empty = tmp_path / "pw"
    empty.write_text("\n")
    r = ietm("pki", "init", tmp_path / "pki", "--passphrase-file", empty, env=env_without_passphrase())
    assert r.code == 3 and "passphrase file is empty" in r.err
    assert not (tmp_path / "pki").exists() or not list((tmp_path / "pki").iterdir())


def test_signing_folder_holds_trust_and_policy_never_a_key():
    for p in SIGNING.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert b"PRIVATE KEY" not in data, f"{p} holds a private key"
            assert p.suffix.lower() not in (".p12", ".pfx", ".key"), p
    store = TrustStore.load([SIGNING / "trust"], [], SIGNING / "policy.toml")
    assert store.anchors and not store.pinned
    policy = tomllib.loads((SIGNING / "policy.toml").read_text())
    assert policy["approve"]["release"] == ["qa"] and policy["approve"]["dm"] == ["qa"]
    assert isinstance(Policy.read(SIGNING / "policy.toml"), Policy)


def test_trust_from_ietm_toml_and_status_api(tmp_path, bike_copy, schemas42):
    pw = tmp_path / "pw"
    pw.write_text("another passphrase\n")
    pki = tmp_path / "pki"
    assert ietm("pki", "init", pki, "--passphrase-file", pw).code == 0
    (bike_copy / "ietm.toml").write_text(
        f'[schemas]\ndirs = ["{schemas42}"]\n[sign]\ntrust = ["{pki / "ca.pem"}"]\naudit = "audit/log.jsonl"\n')
    module = bike_copy / MODULE
    r = ietm("sign", module, "--key", pki / "qa.key.pem", "--cert", pki / "qa.pem", "--passphrase-file", pw)
    assert r.code == 0, r.err  # schemas and trust both came from ietm.toml
    assert (bike_copy / "audit" / "log.jsonl").is_file()
    r = ietm("verify", module, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["results"][0]["status"] == "valid"
    st = signature_status(module)
    assert st["signed"] and st["valid"] and st["signer"] == "ietm demo QA inspector" and st["signed_at"]
    assert st["reason"].startswith("signed by ietm demo QA inspector")
    module.write_bytes(module.read_bytes() + b"\n")
    st = signature_status(module)
    assert st["signed"] and not st["valid"] and st["status"] == "invalid" and MODULE in st["reason"]
