"""`ietm pki init`, the project's signing/ folder, and trust settings taken from ietm.toml."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import tomllib

from clirun import ietm
from ietm.paths import SIGNING
from ietm.sign import signature_status
from ietm.sign.commands import audit_log_for
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
        f'[schemas]\ndirs = ["{schemas42}"]\n[sign]\ntrust = ["{pki / "ca.pem"}"]\n')
    module = bike_copy / MODULE
    r = ietm("sign", module, "--key", pki / "qa.key.pem", "--cert", pki / "qa.pem", "--passphrase-file", pw)
    assert r.code == 0, r.err  # schemas and trust both came from ietm.toml
    assert [e["event"] for e in audit_log_for(bike_copy).entries()] == ["sign"]  # in the CSDB's server database
    r = ietm("verify", module, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["results"][0]["status"] == "valid"
    st = signature_status(module)
    assert st["signed"] and st["valid"] and st["signer"] == "ietm demo QA inspector" and st["signed_at"]
    assert st["reason"].startswith("signed by ietm demo QA inspector")
    module.write_bytes(module.read_bytes() + b"\n")
    st = signature_status(module)
    assert st["signed"] and not st["valid"] and st["status"] == "invalid" and MODULE in st["reason"]


def _csdb_trusting(tmp_path: Path, content: Path, *init: str) -> tuple[Path, Path, Path]:
    """A copy of the sample manual that trusts a new demo PKI (and its CRL), as `ietm pki init --csdb` sets it."""
    import shutil

    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    pw = tmp_path / "pw"
    pw.write_text("a revoking passphrase\n")
    r = ietm("pki", "init", *init, tmp_path / "pki", "--csdb", csdb, "--passphrase-file", pw)
    assert r.code == 0, r.err
    return csdb, tmp_path / "pki", pw


SAMPLE = "DMC-DGEN-A-D00-00-00-00A-040A-A_001-00_en-US.XML"


def test_pki_revoke_makes_verify_refuse_the_signer(tmp_path, content):
    """The tour's story with the ECDSA demo PKI: a QA signature holds until the CA revokes its certificate."""
    from cryptography import x509

    csdb, pki, pw = _csdb_trusting(tmp_path, content)
    module = csdb / SAMPLE
    assert ietm("sign", module, "--key", pki / "qa.key.pem", "--cert", pki / "qa.pem", "--passphrase-file", pw).code == 0
    assert ietm("verify", module).code == 0
    r = ietm("pki", "revoke", pki, pki / "writer.pem", "--passphrase-file", pw)
    assert r.code == 0 and r.out.startswith("REVOKED: ietm demo technical writer (serial "), r.err
    writer_entry = list(x509.load_pem_x509_crl((pki / "crl.pem").read_bytes()))[0]
    assert ietm("verify", module).code == 0  # the writer's revocation leaves QA's signature as it was
    r = ietm("pki", "revoke", pki, pki / "qa.pem", pki / "writer.pem", "--passphrase-file", pw, "--format", "json")
    done = json.loads(r.out)
    assert r.code == 0 and done["total"] == 2
    assert [c["subject"] for c in done["revoked"]] == ["ietm demo QA inspector"]
    assert [c["subject"] for c in done["already"]] == ["ietm demo technical writer"]
    crl = x509.load_pem_x509_crl((pki / "crl.pem").read_bytes())
    kept = crl.get_revoked_certificate_by_serial_number(writer_entry.serial_number)
    assert kept is not None and kept.revocation_date_utc == writer_entry.revocation_date_utc  # not re-dated
    r = ietm("verify", module, "--format", "json")
    result = json.loads(r.out)["results"][0]
    assert r.code == 13 and result["status"] == "revoked", r.out
    assert "ietm demo QA inspector" in result["reason"] and "was revoked on" in result["reason"]
    r = ietm("sign", csdb / SAMPLE.replace("en-US", "ru-RU"), "--key", pki / "qa.key.pem", "--cert", pki / "qa.pem",
             "--passphrase-file", pw)
    assert r.code == 6 and "revoked" in r.err


def test_pki_revoke_refuses_what_is_not_its_own(tmp_path, content):
    csdb, pki, pw = _csdb_trusting(tmp_path, content)
    before = (pki / "crl.pem").read_bytes()
    other = tmp_path / "other"
    assert ietm("pki", "init", other, "--passphrase-file", pw).code == 0
    r = ietm("pki", "revoke", pki, other / "qa.pem", "--passphrase-file", pw)
    assert r.code == 6 and r.err.strip() == f"ERROR: {other / 'qa.pem'}: not issued by this demo CA ({pki / 'ca.pem'})"
    r = ietm("pki", "revoke", pki, pki / "ca.pem", "--passphrase-file", pw)
    assert r.code == 6 and "does not revoke itself" in r.err
    r = ietm("pki", "revoke", csdb, pki / "qa.pem", "--passphrase-file", pw)
    assert r.code == 5 and r.err.strip() == (f"ERROR: {csdb}: not a demo PKI of `ietm pki init` "
                                             "(no ca.pem, ca.key.pem, crl.pem in it)")
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    r = ietm("pki", "revoke", pki, pki / "qa.pem", "--passphrase-file", wrong)
    assert r.code == 3 and "wrong passphrase" in r.err
    assert (pki / "crl.pem").read_bytes() == before
    assert ietm("pki", "revoke", "--help").code == 0


def test_pki_revoke_gost(tmp_path, content):
    """The GOST demo PKI's CA re-issues its CRL (signed with its GOST key) and the qualified signature is refused."""
    csdb, pki, pw = _csdb_trusting(tmp_path, content, "--gost")
    module = csdb / SAMPLE
    assert ietm("sign", module, "--key", pki / "qa.key.pem", "--cert", pki / "qa.pem", "--passphrase-file", pw).code == 0
    assert ietm("verify", module).code == 0
    r = ietm("pki", "revoke", pki, pki / "qa.pem", "--passphrase-file", pw)
    assert r.code == 0 and r.out.startswith("REVOKED: Кузнецова Мария Олеговна (serial "), r.err
    assert b"BEGIN X509 CRL" in (pki / "crl.pem").read_bytes()
    r = ietm("verify", module, "--format", "json")
    assert r.code == 13 and json.loads(r.out)["results"][0]["status"] == "revoked", r.out
