"""External signers: a configured command (CryptoPro's cryptcp style) signs the file ietm hands it; here a stand-in
that is OpenSSL's `cms -sign` with the GOST engine. ietm checks what comes back before it writes anything."""

from __future__ import annotations

import json
import subprocess

import pytest

from clirun import ietm
from sign_support import build_gost_pki

MODULE = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A_002-00_en-US.XML"


@pytest.fixture(scope="module")
def xpki(tmp_path_factory):
    return build_gost_pki(tmp_path_factory.mktemp("xpki") / "demo")


def openssl_signer(pki, who: str, to_stdout: bool = False) -> str:
    out = "-outform PEM" if to_stdout else "-outform DER -out {signature}"
    return (f"openssl cms -sign -engine gost -binary -cades -md md_gost12_256 -in {{file}} -signer {pki.cert(who)} "
            f"-inkey {pki.key(who)} -passin file:{pki.passfile} {out}")


def configure(csdb, pki, command: str) -> None:
    (csdb / "ietm.toml").write_text(f'[sign]\ntrust = ["{pki.ca}"]\nexternal = {json.dumps(command)}\n', encoding="utf-8")


def sign_external(csdb, pki, who: str = "qa", *extra):
    return ietm("sign", csdb / MODULE, "--cert", pki.cert(who), "--external", "--verification", "first", *extra)


@pytest.mark.parametrize("to_stdout", [False, True], ids=["signature-file", "stdout-base64"])
def test_external_signer_signs_and_ietm_verifies(xpki, bike_copy, schemas42, to_stdout):
    configure(bike_copy, xpki, openssl_signer(xpki, "qa", to_stdout))
    module = bike_copy / MODULE
    r = sign_external(bike_copy, xpki, "qa", "--schemas", schemas42)
    assert r.code == 0, r.err
    sig = module.with_name(module.name + ".sig")
    assert sig.read_bytes()[:1] == b"\x30"  # stored as DER whatever the tool wrote
    r = ietm("verify", module, "--format", "json")
    res = json.loads(r.out)["results"][0]
    assert r.code == 0 and res["status"] == "valid" and res["signer"] == "Кузнецова Мария Олеговна", res
    assert res["verification"] is None and b"firstVerification" in module.read_bytes()  # the QA status is in the bytes
    p = subprocess.run(["openssl", "cms", "-verify", "-engine", "gost", "-binary", "-inform", "DER", "-in", sig,
                        "-content", module, "-CAfile", xpki.ca, "-cades", "-out", "/dev/null"], capture_output=True)
    assert p.returncode == 0, p.stderr


def test_external_signature_by_another_certificate_is_refused(xpki, bike_copy, schemas42):
    configure(bike_copy, xpki, openssl_signer(xpki, "checker"))
    before = (bike_copy / MODULE).read_bytes()
    r = sign_external(bike_copy, xpki, "qa", "--schemas", schemas42)
    assert r.code == 6 and "signed with another certificate than --cert" in r.err
    assert (bike_copy / MODULE).read_bytes() == before and not (bike_copy / (MODULE + ".sig")).exists()


def test_failing_or_missing_external_signer(xpki, bike_copy, schemas42):
    configure(bike_copy, xpki, "sh -c 'echo token not inserted >&2; exit 3' {file}")
    r = sign_external(bike_copy, xpki, "qa", "--schemas", schemas42)
    assert r.code == 6 and r.err.strip().endswith("failed (exit 3): token not inserted")
    configure(bike_copy, xpki, "no-such-cipf-tool -sign {file}")
    r = sign_external(bike_copy, xpki, "qa", "--schemas", schemas42)
    assert r.code == 4 and "external signer not found: no-such-cipf-tool" in r.err
    configure(bike_copy, xpki, "")
    r = sign_external(bike_copy, xpki, "qa", "--schemas", schemas42)
    assert r.code == 4 and "no external signer is configured" in r.err
    assert not (bike_copy / (MODULE + ".sig")).exists()


def test_key_and_external_are_one_or_the_other(xpki, bike_copy):
    r = ietm("sign", bike_copy / MODULE, "--cert", xpki.cert("qa"), "--key", xpki.key("qa"), "--external")
    assert r.code == 2 and "either --key" in r.err
    r = ietm("sign", bike_copy / MODULE, "--cert", xpki.cert("qa"))
    assert r.code == 2 and "either --key" in r.err
