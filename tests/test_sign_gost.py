"""GOST R 34.10-2012 signatures end to end: made by `ietm sign`, checked by OpenSSL's `cms -verify` and by a second,
independent implementation (gostcrypto); made by `openssl cms -sign -cades`, checked by `ietm verify`; and every way
a signature must not be believed, each with its own exit code and one line."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms, tsp  # noqa: F401 - tsp registers the signing-certificate-v2 attribute
from asn1crypto import x509 as ax509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

import gost_reference
from clirun import ietm
from ietm.sign import certs
from ietm.sign.keys import load_certificates
from ietm.sign.trust import fingerprint
from sign_support import build_gost_pki

MODULE = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A_002-00_en-US.XML"  # declares illustrations (ICN entities)


@pytest.fixture(scope="session")
def gpki(tmp_path_factory):
    return build_gost_pki(tmp_path_factory.mktemp("gpki") / "demo")


def sign(pki, module: Path, schemas: Path, who: str = "qa", *extra) -> object:
    return ietm("sign", module, *pki.signer(who), "--trust", pki.ca, "--schemas", schemas, "--verification", "first",
                *extra)


def verify(pki, path: Path, *extra, env: dict | None = None):
    r = ietm("verify", path, "--trust", pki.ca, "--format", "json", *extra, env=env)
    return r, json.loads(r.out)["results"][0]


def verify_text(pki, path: Path, *extra, env: dict | None = None):
    return ietm("verify", path, "--trust", pki.ca, *extra, env=env)


#: a Russian terminal: `ietm verify` gives its reasons (and `ietm` its errors) in Russian there
RUSSIAN = {**{k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}, "LANG": "ru_RU.UTF-8"}


def openssl(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=120, **kw)


def openssl_cms_verify(pki, module: Path, sig: Path, inform: str = "DER") -> subprocess.CompletedProcess:
    return openssl("cms", "-verify", "-engine", "gost", "-binary", "-inform", inform, "-in", sig, "-content", module,
                   "-CAfile", pki.ca, "-cades", "-out", "/dev/null")


def independent_cades_check(sig: Path, data: bytes, cert) -> None:
    """Check a CAdES signature with gostcrypto alone: the message digest, the signer's certificate hash and
    the GOST R 34.10-2012 signature over the DER of the signed attributes."""
    info = cms.ContentInfo.load(sig.read_bytes())
    si = info["content"]["signer_infos"][0]
    bits = 256 if si["digest_algorithm"]["algorithm"].dotted == "1.2.643.7.1.1.2.2" else 512
    attrs = {a["type"].dotted: a["values"][0] for a in si["signed_attrs"]}
    assert attrs["1.2.840.113549.1.9.4"].native == gost_reference.streebog(bits, data)
    ess = attrs["1.2.840.113549.1.9.16.2.47"]["certs"][0]
    assert ess["cert_hash"].native == gost_reference.streebog(bits, cert.public_bytes(Encoding.DER))
    signed = b"\x31" + si["signed_attrs"].dump()[1:]
    spki = certs.spki(cert)
    assert gost_reference.verify(spki, si["signature"].native, signed)
    assert not gost_reference.verify(spki, si["signature"].native, signed[:-1] + bytes([signed[-1] ^ 1]))


@pytest.mark.parametrize("who,bits", [("qa", 256), ("qa512", 512)])
def test_cades_by_ietm_verifies_with_openssl_and_gostcrypto(gpki, bike_copy, schemas42, who, bits):
    module = bike_copy / MODULE
    r = sign(gpki, module, schemas42, who)
    assert r.code == 0, r.err
    sig = module.with_name(module.name + ".sig")
    assert sig.is_file() and not module.with_name(module.name + ".xsig").exists()
    r, res = verify(gpki, module)
    assert r.code == 0 and res["status"] == "valid" and res["format"] == "cades", res
    assert res["algorithm"] == f"gost2012-{bits}" and res["signer"] == "Кузнецова Мария Олеговна"
    assert res["qualified"]["qualified"] is True and res["qualified"]["cipf_class"] == "КС2"
    p = openssl_cms_verify(gpki, module, sig)
    assert p.returncode == 0 and "Verification successful" in p.stderr, p.stderr
    cert = load_certificates(gpki.cert(who))[0]
    independent_cades_check(sig, module.read_bytes(), cert)
    module.write_bytes(module.read_bytes().replace(b"</dmodule>", b"</dmodule> "))
    assert openssl_cms_verify(gpki, module, sig).returncode != 0  # OpenSSL sees the changed byte too


@pytest.mark.parametrize("who,bits", [("qa", 256), ("qa512", 512)])
def test_xml_signature_with_gost_verifies_independently(gpki, bike_copy, schemas42, who, bits):
    module = bike_copy / MODULE
    assert sign(gpki, module, schemas42, who, "--signature", "xml").code == 0
    sig = module.with_name(module.name + ".xsig")
    r, res = verify(gpki, module)
    assert r.code == 0 and res["format"] == "xml" and res["algorithm"] == f"gost2012-{bits}", res
    root = etree.fromstring(sig.read_bytes())
    ns = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
    method = root.find("ds:SignedInfo/ds:SignatureMethod", ns).get("Algorithm")
    assert method == f"urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-{bits}"
    refs = root.findall("ds:SignedInfo/ds:Reference", ns)
    assert refs[0].find("ds:DigestMethod", ns).get("Algorithm").endswith(f"gostr34112012-{bits}")
    assert base64.b64decode(refs[0].find("ds:DigestValue", ns).text) == gost_reference.streebog(bits, module.read_bytes())
    info = etree.tostring(root.find("ds:SignedInfo", ns), method="c14n", exclusive=True)
    value = base64.b64decode(root.find("ds:SignatureValue", ns).text)
    assert gost_reference.verify(certs.spki(load_certificates(gpki.cert(who))[0]), value, info)


@pytest.mark.parametrize("inform", ["DER", "PEM"])
def test_openssl_cades_signature_verifies_in_ietm(gpki, bike_copy, tmp_path, inform):
    """A signature made by another tool: OpenSSL's CAdES-BES over the module; DER or base64 (PEM) on disk."""
    module = bike_copy / MODULE
    sig = module.with_name(module.name + ".sig")
    p = openssl("cms", "-sign", "-engine", "gost", "-binary", "-cades", "-md", "md_gost12_256", "-in", module,
                "-signer", gpki.cert("qa"), "-inkey", gpki.key("qa"), "-passin", f"file:{gpki.passfile}",
                "-outform", inform, "-out", sig)
    assert p.returncode == 0, p.stderr
    r, res = verify(gpki, module)
    assert r.code == 0 and res["status"] == "valid" and res["format"] == "cades", res
    cert = load_certificates(gpki.cert("qa"))[0]
    assert res["signed_at"] and res["fingerprint"] == fingerprint(cert) and res["serial"] == f"{cert.serial_number:x}"
    assert res["object"] is None  # OpenSSL states no approval: the kind comes from the file itself


def test_one_changed_byte_is_invalid(gpki, bike_copy, schemas42):
    module = bike_copy / MODULE
    assert sign(gpki, module, schemas42).code == 0
    module.write_bytes(module.read_bytes().replace(b"<dmodule", b"<dmodule ", 1))
    r = verify_text(gpki, module)
    assert r.code == 10
    line = r.out.splitlines()[0]
    assert line.startswith(f"INVALID: {module}: {module.name} changed since it was signed (Streebog differs)")
    r = verify_text(gpki, module, env=RUSSIAN)  # the same verdict, its reason in the terminal's language
    assert r.code == 10 and r.out.splitlines()[0] == f"INVALID: {module}: {module.name} изменён после подписания " \
                                                      "(не совпадает хэш «Стрибог»)", r.out
    r, res = verify(gpki, module, env=RUSSIAN)  # what a script reads stays English
    assert r.code == 10 and res["reason"] == f"{module.name} changed since it was signed (Streebog differs)"


def test_changed_icn_entity_is_its_own_outcome(gpki, bike_copy, schemas42):
    module = bike_copy / MODULE
    assert sign(gpki, module, schemas42).code == 0
    data = module.read_bytes()
    entity, name = re.search(rb'<!ENTITY (\S+) SYSTEM "([^"]+)"', data).groups()
    other = name.replace(b"-01.", b"-02.")
    module.write_bytes(data.replace(b'SYSTEM "' + name, b'SYSTEM "' + other, 1))
    r = verify_text(gpki, module)
    assert r.code == 17
    assert r.out.splitlines()[0] == (f"ICN: {module}: ICN entity declarations of {module.name} changed since it was "
                                     f"signed: {entity.decode()} now names {other.decode()} (signed: {name.decode()})")


def test_changed_illustration_file_is_its_own_outcome(gpki, bike_copy, schemas42):
    """The statement carries each declared illustration's Streebog digest: an altered drawing is caught too."""
    module = bike_copy / MODULE
    assert sign(gpki, module, schemas42).code == 0
    name = re.search(rb'<!ENTITY \S+ SYSTEM "([^"]+)"', module.read_bytes()).group(1).decode()
    icn = bike_copy / name
    icn.write_bytes(icn.read_bytes() + b"\0")
    r = verify_text(gpki, module)
    assert r.code == 17 and f"illustration {name}" in r.out.splitlines()[0] and "changed" in r.out.splitlines()[0]


def test_wrong_certificate_is_its_own_outcome(gpki, bike_copy, schemas42):
    """Another holder's certificate put in place of the signer's: the signing-certificate attribute names another."""
    module = bike_copy / MODULE
    assert sign(gpki, module, schemas42).code == 0
    sig = module.with_name(module.name + ".sig")
    info = cms.ContentInfo.load(sig.read_bytes())
    other = load_certificates(gpki.cert("checker"))[0]
    swapped = ax509.Certificate.load(other.public_bytes(Encoding.DER))
    sd, si = info["content"], info["content"]["signer_infos"][0]
    sid = cms.SignerIdentifier({"issuer_and_serial_number": {"issuer": swapped.issuer,
                                                             "serial_number": swapped.serial_number}})
    new_si = cms.SignerInfo({k: (sid if k == "sid" else si[k]) for k in ("version", "sid", "digest_algorithm",
                                                                         "signed_attrs", "signature_algorithm",
                                                                         "signature")})
    new_sd = cms.SignedData({"version": sd["version"], "digest_algorithms": sd["digest_algorithms"],
                             "encap_content_info": sd["encap_content_info"], "certificates": [swapped],
                             "signer_infos": [new_si]})
    sig.write_bytes(cms.ContentInfo({"content_type": "signed_data", "content": new_sd}).dump())
    r = verify_text(gpki, module)
    assert r.code == 18 and r.out.splitlines()[0].startswith(f"CERTIFICATE: {module}: wrong certificate")


def test_revoked_certificate_is_its_own_outcome(gpki, bike_copy, schemas42):
    module = bike_copy / MODULE
    assert sign(gpki, module, schemas42, "revoked").code == 0  # not yet revoked as far as ietm sign knows
    r = verify_text(gpki, module, "--crl", gpki.folder / "revoked.crl.pem")
    assert r.code == 13 and r.out.splitlines()[0].startswith(f"REVOKED: {module}: certificate")
    assert "was revoked on" in r.out.splitlines()[0]
    r = verify_text(gpki, module, "--crl", gpki.folder / "revoked.crl.pem", env=RUSSIAN)
    assert r.code == 13 and re.match(rf"REVOKED: {re.escape(str(module))}: сертификат .* \(серийный номер [0-9a-f]+\) "
                                     r"отозван \d{4}-\d\d-\d\d \d\d:\d\d UTC издателем ", r.out), r.out


def test_key_used_outside_its_usage_period(gpki, bike_copy, schemas42):
    """ietm refuses to sign with such a key; a signature another tool made with it verifies as key-period (19)."""
    module = bike_copy / MODULE
    r = sign(gpki, module, schemas42, "keyperiod")
    assert r.code == 6 and "usage period ended" in r.err and not module.with_name(module.name + ".sig").exists()
    r = ietm("sign", module, *gpki.signer("keyperiod"), "--trust", gpki.ca, "--schemas", schemas42, env=RUSSIAN)
    assert r.code == 6 and "после окончания срока его действия" in r.err, r.err
    sig = module.with_name(module.name + ".sig")
    p = openssl("cms", "-sign", "-engine", "gost", "-binary", "-cades", "-md", "md_gost12_256", "-in", module,
                "-signer", gpki.cert("keyperiod"), "-inkey", gpki.key("keyperiod"), "-passin",
                f"file:{gpki.passfile}", "-outform", "DER", "-out", sig)
    assert p.returncode == 0, p.stderr
    r = verify_text(gpki, module)
    assert r.code == 19 and r.out.splitlines()[0].startswith(f"KEY-PERIOD: {module}: the private key of")


def test_expired_certificate(gpki, bike_copy, schemas42):
    module = bike_copy / MODULE
    assert sign(gpki, module, schemas42, "expired").code == 6
    sig = module.with_name(module.name + ".sig")
    p = openssl("cms", "-sign", "-engine", "gost", "-binary", "-cades", "-md", "md_gost12_256", "-in", module,
                "-signer", gpki.cert("expired"), "-inkey", gpki.key("expired"), "-passin", f"file:{gpki.passfile}",
                "-outform", "DER", "-out", sig)
    assert p.returncode == 0, p.stderr
    assert verify_text(gpki, module).code == 12


def test_policy_requires_qualified_form_and_class(gpki, bike_copy, schemas42, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[roles.qa]\neku = ["2.25.318559316513677154828397551058826772885.1"]\nqualified = true\n'
                      'cipf = "КС2"\n[approve]\ndm = ["qa"]\n')
    module = bike_copy / MODULE
    r = sign(gpki, module, schemas42, "unqualified", "--policy", policy)
    assert r.code == 6 and "qualified form" in r.err and "missing" in r.err
    assert sign(gpki, module, schemas42, "qa", "--policy", policy).code == 0
    assert verify_text(gpki, module, "--policy", policy).code == 0
    policy.write_text(policy.read_text().replace('"КС2"', '"КС3"'))
    r = verify_text(gpki, module, "--policy", policy)
    assert r.code == 20 and "class КС3 or higher (certificate names КС2)" in r.out.splitlines()[0]


def test_release_manifest_in_either_format(gpki, content, schemas42, brex42, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content, copy, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "*.sig", "release.manifest", "ietm.toml"))
    for fmt, suffix in (("cades", ".sig"), ("xml", ".xsig")):
        r = ietm("release", copy, *gpki.signer("qa"), "--trust", gpki.ca, "--schemas", schemas42, "-B", brex42,
                 "--signature", fmt)
        assert r.code == 0, r.err
        manifest = copy / "release.manifest"
        assert manifest.with_name("release.manifest" + suffix).is_file()
        assert len(list(copy.glob("release.manifest.*sig"))) == 1  # the other format's signature is gone
        r, res = verify(gpki, copy)
        assert r.code == 0 and res["format"] == fmt and res["algorithm"] == "gost2012-256", res


def test_demo_pki_keys_are_encrypted_pkcs8_that_openssl_reads(gpki):
    for who in ("ca", "qa", "writer", "head"):
        pem = gpki.key(who).read_bytes()
        assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert gpki.key(who).stat().st_mode & 0o077 == 0
        p = openssl("pkey", "-engine", "gost", "-in", gpki.key(who), "-passin", f"file:{gpki.passfile}", "-noout",
                    "-text")
        assert p.returncode == 0 and "Parameter set" in p.stdout, p.stderr
    p = openssl("verify", "-engine", "gost", "-CAfile", gpki.ca, gpki.cert("qa"), gpki.cert("writer"))
    assert p.returncode == 0, p.stderr
