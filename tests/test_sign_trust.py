"""Signatures that hold cryptographically but must not be believed: each refused with its own reason and code."""

from __future__ import annotations

import json
from base64 import b64encode
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from clirun import ietm
from ietm.sign.detached import Credentials, approval, serialize, sig_path
from ietm.sign.keys import load_certificates
from ietm.sign.signer import SignedFile
from sign_support import PASSPHRASE, build_pki

MODULE = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


@pytest.fixture(scope="session")
def tpki(tmp_path_factory):
    return build_pki(tmp_path_factory.mktemp("pki") / "demo")


def signature_by(pki, who: str, module: Path) -> None:
    """A signature as another tool (or an older ietm) would have made it, bypassing ietm's own refusals."""
    key = serialization.load_pem_private_key(pki.key(who).read_bytes(), PASSPHRASE.encode())
    creds = Credentials.of(key, load_certificates(pki.cert(who)), who)
    data = module.read_bytes()
    sig = creds.algorithm.sign(creds.key, creds.chain, [SignedFile(module.name, data)],
                               approval("dm", {"object": "x", "file": module.name}))
    sig_path(module).write_bytes(serialize(sig))


def verify(pki, module, *extra):
    r = ietm("verify", module, "--trust", pki.ca, "--format", "json", *extra)
    return r, json.loads(r.out)["results"][0]


@pytest.mark.parametrize("who,status,code,words", [
    ("expired", "expired", 12, "expired on"),
    ("future", "expired", 12, "not valid before"),
    ("stranger", "untrusted", 11, "does not chain to a certificate in the trust store"),
    ("writer", "role", 14, "has role(s) writer; policy lets only qa approve dm"),
])
def test_believable_only_with_trust_time_and_role(tpki, bike_copy, who, status, code, words):
    module = bike_copy / MODULE
    signature_by(tpki, who, module)
    r, res = verify(tpki, module)
    assert (r.code, res["status"]) == (code, status), res
    assert words in res["reason"]


@pytest.mark.parametrize("who,words", [
    ("expired", "expired on"),
    ("future", "not valid before"),
    ("stranger", "does not chain"),
    ("writer", "policy lets only qa approve dm"),
])
def test_sign_refuses_signers_a_verifier_would_reject(tpki, bike_copy, schemas42, who, words):
    module = bike_copy / MODULE
    before = module.read_bytes()
    r = ietm("sign", module, *tpki.signer(who), "--trust", tpki.ca, "--verification", "second", "--schemas", schemas42)
    assert r.code == 6 and words in r.err and len(r.err.strip().splitlines()) == 1
    assert module.read_bytes() == before and not sig_path(module).exists()


def test_revoked_with_crl(tpki, bike_copy, schemas42):
    module = bike_copy / MODULE
    r = ietm("sign", module, *tpki.signer("revoked"), "--trust", tpki.ca, "--schemas", schemas42)
    assert r.code == 0, r.err  # without the CRL nobody knows yet
    crl = tpki.folder / "revoked.crl.pem"
    r, res = verify(tpki, module, "--crl", crl)
    assert (r.code, res["status"]) == (13, "revoked") and "revoked on" in res["reason"]
    r, res = verify(tpki, module)
    assert res["status"] == "valid"
    r = ietm("sign", module, *tpki.signer("revoked"), "--trust", tpki.ca, "--crl", crl, "--schemas", schemas42)
    assert r.code == 6 and "revoked" in r.err


def test_crl_not_listing_the_signer_keeps_it_valid(tpki, bike_copy, schemas42):
    module = bike_copy / MODULE
    assert ietm("sign", module, *tpki.signer("qa"), "--trust", tpki.ca, "--schemas", schemas42).code == 0
    r, res = verify(tpki, module, "--crl", tpki.folder / "crl.pem")
    assert res["status"] == "valid"


def test_swapped_certificate_is_wrong_certificate(tpki, bike_copy, schemas42):
    """Another trusted QA's certificate pasted into the signature: the signature value no longer matches, and the
    signed statement names another certificate: "wrong certificate", exit 18."""
    module = bike_copy / MODULE
    assert ietm("sign", module, *tpki.signer("qa"), "--trust", tpki.ca, "--schemas", schemas42).code == 0
    other = load_certificates(tpki.cert("revoked"))[0].public_bytes(serialization.Encoding.DER)
    sig = sig_path(module)
    text = sig.read_text()
    start = text.index("<ds:X509Certificate>") + len("<ds:X509Certificate>")
    end = text.index("</ds:X509Certificate>")
    sig.write_text(text[:start] + b64encode(other).decode() + text[end:])
    r, res = verify(tpki, module)
    assert (r.code, res["status"]) == (18, "certificate") and "wrong certificate" in res["reason"]


def test_role_from_organizational_unit(tpki, bike_copy, schemas42):
    module = bike_copy / MODULE
    r = ietm("sign", module, *tpki.signer("ou-qa"), "--trust", tpki.ca, "--schemas", schemas42)
    assert r.code == 0, r.err
    r, res = verify(tpki, module)
    assert res["status"] == "valid" and res["roles"] == ["qa"]


def test_policy_decides_per_kind(tpki, bike_copy, tmp_path):
    module = bike_copy / MODULE
    signature_by(tpki, "writer", module)
    policy = tmp_path / "policy.toml"
    policy.write_text('[roles.writer]\neku = ["2.25.318559316513677154828397551058826772885.2"]\n'
                      '[approve]\ndm = ["writer"]\n')
    r, res = verify(tpki, module, "--policy", policy)
    assert res["status"] == "valid"
    policy.write_text('[approve]\ndm = ["qa"]\n')
    r = ietm("verify", module, "--trust", tpki.ca, "--policy", policy)
    assert r.code == 4 and "unknown role" in r.err


def test_empty_trust_store_is_a_config_error(tpki, bike_copy, tmp_path):
    (tmp_path / "empty").mkdir()
    r = ietm("verify", bike_copy / MODULE, "--trust", tmp_path / "empty")
    assert r.code == 4 and "holds no certificate" in r.err


def test_signature_claiming_another_kind_is_invalid(tpki, bike_copy):
    """A QA signature whose approval calls the file a release does not pass as approval of the module."""
    module = bike_copy / MODULE
    key = serialization.load_pem_private_key(tpki.key("qa").read_bytes(), PASSPHRASE.encode())
    creds = Credentials.of(key, load_certificates(tpki.cert("qa")), "qa")
    sig = creds.algorithm.sign(creds.key, creds.chain, [SignedFile(module.name, module.read_bytes())],
                               approval("release", {"file": module.name}))
    sig_path(module).write_bytes(serialize(sig))
    r, res = verify(tpki, module)
    assert (r.code, res["status"]) == (10, "invalid") and "approves a release, but" in res["reason"]
