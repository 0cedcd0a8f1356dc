"""Signing and verifying data modules of the Bike set and of the sample manual, and what tampering shows."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from clirun import ietm
from ietm.parse import read_object
from ietm.sign import signature_status
from ietm.sign.commands import audit_log_for
from sign_support import PASSPHRASE, build_pki, env_without_passphrase

MODULE = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


@pytest.fixture(scope="session")
def demo_pki(tmp_path_factory):
    return build_pki(tmp_path_factory.mktemp("pki") / "demo")


BREX: list[Path] = []


@pytest.fixture(autouse=True, scope="module")
def _default_brex(brex42):
    BREX[:] = [brex42]


def sign(pki, *paths, who="qa", extra=(), schemas=None, env=None):
    """`ietm sign` as QA would run it: schema and BREX checks on (the S1000D default BREX for 4.2)."""
    args = ["sign", *paths, *pki.signer(who), "--trust", pki.ca, "-B", BREX[0], *extra]
    if schemas:
        args += ["--schemas", schemas]
    return ietm(*args, env=env)


def verify(pki, *paths, extra=()):
    r = ietm("verify", *paths, "--trust", pki.ca, "--format", "json", *extra)
    return r, json.loads(r.out) if r.out.strip().startswith("{") else None


def test_sign_sets_qa_and_only_qa_and_verifies(demo_pki, bike_copy, schemas42):
    module = bike_copy / MODULE
    before = module.read_bytes()
    r = sign(demo_pki, module, extra=["--verification", "second", "--type", "onobject"], schemas=schemas42)
    assert r.code == 0, r.err
    after = module.read_bytes()
    # the DOCTYPE, the ICN declarations and every other byte are as they were; only the QA status grew
    assert after.replace(b'\n            <secondVerification verificationType="onobject"/>', b"") == before
    assert read_object(module).qa == "second" and read_object(module).qa_type == "onobject"
    sig = bike_copy / (MODULE + ".xsig")
    assert sig.is_file() and f'URI="{MODULE}"'.encode() in sig.read_bytes()
    r, out = verify(demo_pki, module)
    assert r.code == 0, r.out
    res = out["results"][0]
    assert res["status"] == "valid" and res["signer"] == "ietm demo QA inspector" and res["roles"] == ["qa"]
    assert res["object"] == "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" and res["issue"] == "008-00"
    assert res["verification"] == "second" and res["signed_at"]


def test_whole_bike_set_signed_and_verified_as_a_folder(demo_pki, bike_copy, schemas42):
    objects = sorted(p for p in bike_copy.glob("*.XML") if read_object(p).kind in ("dm", "pm"))
    assert len(objects) > 90
    r = sign(demo_pki, *objects, schemas=schemas42)  # all verified already: QA status kept
    assert r.code == 0, r.err
    assert len(r.out.splitlines()) == len(objects)
    r, out = verify(demo_pki, bike_copy)
    by_path = {Path(x["path"]).name: x["status"] for x in out["results"]}
    assert all(by_path[p.name] == "valid" for p in objects)
    # objects nobody signed (DML, DDN ...) are reported as unsigned, and the worst outcome sets the code
    assert {s for n, s in by_path.items() if n not in {p.name for p in objects}} == {"unsigned"}
    assert r.code == 15


def test_sample_manual_modules_signed_and_verified(demo_pki, content, schemas42, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content, copy, ignore=shutil.ignore_patterns(".ietm", "ietm.toml"))
    modules = sorted(p for p in copy.glob("DMC-*.XML") if not read_object(p).in_work)
    assert len(modules) > 20
    unverified = [m for m in modules if read_object(m).qa == "unverified"]
    verified = [m for m in modules if m not in unverified]
    assert unverified and verified
    r = sign(demo_pki, *unverified, extra=["--verification", "first", "--type", "ttandoo"], schemas=schemas42)
    assert r.code == 0, r.err
    assert {read_object(m).qa_type for m in unverified} == {"ttandoo"}
    r = sign(demo_pki, *verified, schemas=schemas42)
    assert r.code == 0, r.err
    r, out = verify(demo_pki, *modules)
    assert r.code == 0 and {x["status"] for x in out["results"]} == {"valid"}
    ru = next(m for m in modules if m.name.endswith("_ru-RU.XML"))
    assert signature_status(ru)["signed"] is True  # default trust store: the demo CA of this PKI is not in it
    assert signature_status(ru)["status"] == "untrusted"


@pytest.fixture
def signed(demo_pki, bike_copy, schemas42):
    module = bike_copy / MODULE
    r = sign(demo_pki, module, schemas=schemas42)
    assert r.code == 0, r.err
    return module


def _flip(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def test_one_byte_in_module_is_named(demo_pki, signed):
    _flip(signed, b"<para>", b"<para> ")
    r, out = verify(demo_pki, signed)
    assert r.code == 10
    assert out["results"][0]["status"] == "invalid" and out["results"][0]["changed"] == [MODULE]
    assert MODULE in out["results"][0]["reason"]


def test_changed_icn_declaration_is_detected(demo_pki, bike_copy, schemas42):
    """Which file an illustration is lives in the internal DTD subset, outside canonical XML; still covered,
    and reported as what it is: the entity now names another file (exit 17)."""
    module = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A_002-00_en-US.XML"
    assert sign(demo_pki, module, schemas=schemas42).code == 0
    data = module.read_bytes()
    name = re.search(rb'<!ENTITY \S+ SYSTEM "([^"]+)"', data).group(1)
    module.write_bytes(data.replace(b'SYSTEM "' + name, b'SYSTEM "' + name.replace(b"-01.", b"-02."), 1))
    r, out = verify(demo_pki, module)
    result = out["results"][0]
    assert r.code == 17 and result["status"] == "icn" and result["changed"] == [module.name]
    assert name.replace(b"-01.", b"-02.").decode() in result["reason"] and name.decode() in result["reason"]


@pytest.mark.parametrize("where", ["signature-value", "approval", "reference"])
def test_one_byte_in_signature_is_detected(demo_pki, signed, where):
    sig = signed.with_name(signed.name + ".xsig")
    text = sig.read_text()
    if where == "signature-value":
        m = re.search(r"<ds:SignatureValue>(.)", text)
        c = m.group(1)
        text = text[: m.start(1)] + ("A" if c != "A" else "B") + text[m.end(1):]
    elif where == "approval":
        text = text.replace('verification="first"', 'verification="second"', 1)
    else:
        m = re.search(r"<ds:DigestValue>(.)", text)
        text = text[: m.start(1)] + ("A" if m.group(1) != "A" else "B") + text[m.end(1):]
    sig.write_text(text)
    r, out = verify(demo_pki, signed)
    assert r.code == 10, r.out
    assert out["results"][0]["status"] == "invalid"


def test_unsigned_module_and_status_api(demo_pki, bike_copy):
    r, out = verify(demo_pki, bike_copy / MODULE)
    assert r.code == 15 and out["results"][0]["status"] == "unsigned"
    st = signature_status(bike_copy / MODULE)
    assert st["signed"] is False and st["valid"] is False


def test_in_work_issue_refused(demo_pki, tmp_path, schemas42):
    src = next(p for p in Path(__file__).resolve().parent.parent.glob("content/DMC-*.XML"))
    target = tmp_path / src.name.replace("_001-00_", "_001-01_")
    target.write_bytes(src.read_bytes().replace(b'inWork="00"', b'inWork="01"', 1))
    before = target.read_bytes()
    r = sign(demo_pki, target, extra=["--verification", "first"], schemas=schemas42)
    assert r.code == 6 and "in work" in r.err and len(r.err.strip().splitlines()) == 1
    assert target.read_bytes() == before and not target.with_name(target.name + ".xsig").exists()


def test_object_failing_schema_refused_and_left_alone(demo_pki, bike_copy, schemas42):
    module = bike_copy / MODULE
    _flip(module, b"<para>", b"<notAnS1000DElement/><para>")
    before = module.read_bytes()
    r = sign(demo_pki, module, schemas=schemas42)
    assert r.code == 6 and "fails checks" in r.err and "notAnS1000DElement" in r.err
    assert module.read_bytes() == before and not module.with_name(MODULE + ".xsig").exists()


def test_object_failing_its_brex_refused(demo_pki, bike_copy, schemas42):
    """Schema-valid, but a security class its project BREX does not allow: `ietm check` fails it, so QA cannot
    approve it."""
    module = bike_copy / MODULE
    module.write_text(module.read_text(encoding="utf-8").replace('securityClassification="01"', 'securityClassification="02"', 1),
                      encoding="utf-8")
    r = ietm("sign", module, *demo_pki.signer("qa"), "--trust", demo_pki.ca, "--schemas", schemas42)
    assert r.code == 6 and "fails checks" in r.err and "BIKE-BR-00007" in r.err, r.err
    assert not module.with_name(module.name + ".xsig").exists()


def test_bad_passphrase_clear_error_nothing_written(demo_pki, bike_copy, schemas42, tmp_path):
    module = bike_copy / MODULE
    before = module.read_bytes()
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-passphrase-xyzzy\n")
    args = ["sign", module, "--key", demo_pki.key("qa"), "--cert", demo_pki.cert("qa"), "--passphrase-file", wrong,
            "--trust", demo_pki.ca, "--verification", "first", "--schemas", schemas42]
    r = ietm(*args)
    assert r.code == 3 and "wrong passphrase" in r.err and len(r.err.strip().splitlines()) == 1
    assert "xyzzy" not in r.err + r.out
    assert module.read_bytes() == before and not module.with_name(MODULE + ".xsig").exists()
    log = audit_log_for(bike_copy)
    assert not log.exists() or "xyzzy" not in json.dumps(log.entries())


def test_passphrase_from_environment(demo_pki, bike_copy, schemas42):
    env = env_without_passphrase() | {"IETM_PASSPHRASE": PASSPHRASE}
    r = ietm("sign", bike_copy / MODULE, "--key", demo_pki.key("qa"), "--cert", demo_pki.cert("qa"),
             "--trust", demo_pki.ca, "--schemas", schemas42, env=env)
    assert r.code == 0, r.err


def test_unencrypted_key_refused_unless_insisted(demo_pki, bike_copy, schemas42):
    module = bike_copy / MODULE
    base = ["sign", module, "--key", demo_pki.key("plain"), "--cert", demo_pki.cert("plain"), "--trust", demo_pki.ca,
            "--schemas", schemas42]
    r = ietm(*base, env=env_without_passphrase())
    assert r.code == 6 and "not encrypted" in r.err
    assert not module.with_name(MODULE + ".xsig").exists()
    r = ietm(*base, "--allow-unencrypted-key", env=env_without_passphrase())
    assert r.code == 0, r.err


def test_key_of_another_certificate_refused(demo_pki, bike_copy, schemas42):
    r = ietm("sign", bike_copy / MODULE, "--key", demo_pki.key("qa"), "--cert", demo_pki.cert("writer"),
             "--passphrase-file", demo_pki.passfile, "--trust", demo_pki.ca, "--schemas", schemas42)
    assert r.code == 6 and "does not belong to the private key" in r.err


XXE = (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">&x;</ds:Signature>')


@pytest.mark.parametrize("junk", [b"", b"not xml at all", b"<?xml version='1.0'?><a>", b"<Signature/>", XXE],
                         ids=["empty", "text", "truncated", "not-dsig", "external-entity"])
def test_malformed_signature_file_is_invalid_with_reason(demo_pki, bike_copy, junk):
    sig = bike_copy / (MODULE + ".xsig")
    sig.write_bytes(junk)
    r, out = verify(demo_pki, bike_copy / MODULE)
    assert r.code == 10 and out["results"][0]["reason"]
    assert "root:" not in r.out  # nothing of /etc/passwd


def test_malformed_module_refused_untouched(demo_pki, bike_copy, schemas42):
    module = bike_copy / MODULE
    module.write_bytes(module.read_bytes().replace(b"</dmodule>", b""))
    before = module.read_bytes()
    r = sign(demo_pki, module, extra=["--verification", "second"], schemas=schemas42)
    assert r.code == 3 and "not well-formed" in r.err and len(r.err.strip().splitlines()) == 1
    assert module.read_bytes() == before and not module.with_name(MODULE + ".xsig").exists()


def test_malformed_key_and_missing_object(demo_pki, bike_copy, tmp_path):
    bad = tmp_path / "bad.key.pem"
    bad.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
    r = ietm("sign", bike_copy / MODULE, "--key", bad, "--cert", demo_pki.cert("qa"),
             "--passphrase-file", demo_pki.passfile, "--trust", demo_pki.ca)
    assert r.code == 3 and len(r.err.strip().splitlines()) == 1
    r = ietm("sign", bike_copy / "nope.XML", *demo_pki.signer("qa"))
    assert r.code == 5 and "no such file" in r.err


def test_failed_write_leaves_module_as_it_was(demo_pki, bike_copy, schemas42):
    module = bike_copy / MODULE
    before = module.read_bytes()
    (bike_copy / (MODULE + ".xsig")).mkdir()  # the signature cannot replace a folder
    r = sign(demo_pki, module, extra=["--verification", "second"], schemas=schemas42)
    assert r.code != 0 and "cannot write" in r.err and len(r.err.strip().splitlines()) == 1
    assert module.read_bytes() == before
    assert not [p for p in bike_copy.iterdir() if p.name.endswith(".tmp")]


def test_rsa_pss_signature(demo_pki, bike_copy, schemas42):
    r = sign(demo_pki, bike_copy / MODULE, who="rsa", schemas=schemas42)
    assert r.code == 0, r.err
    sig = (bike_copy / (MODULE + ".xsig")).read_text()
    assert "xmldsig-more#sha256-rsa-MGF1" in sig
    r, out = verify(demo_pki, bike_copy / MODULE)
    assert r.code == 0 and out["results"][0]["signer"] == "RSA QA"


def test_one_refusal_signs_nothing(demo_pki, bike_copy, schemas42):
    good = bike_copy / MODULE
    bad = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A_002-00_en-US.XML"
    _flip(bad, b"<para>", b"<notAnS1000DElement/><para>")
    before = good.read_bytes()
    r = sign(demo_pki, good, bad, extra=["--verification", "second"], schemas=schemas42)
    assert r.code == 6 and bad.name in r.err and r.out == ""
    assert good.read_bytes() == before and not good.with_name(MODULE + ".xsig").exists()


def test_pkcs12_key(demo_pki, bike_copy, schemas42, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key = serialization.load_pem_private_key(demo_pki.key("qa").read_bytes(), PASSPHRASE.encode())
    cert = x509.load_pem_x509_certificate(demo_pki.cert("qa").read_bytes())
    p12 = tmp_path / "qa.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"qa", key, cert, None, serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    r = sign(demo_pki, bike_copy / MODULE, schemas=schemas42)  # PEM first, then the same signer from PKCS#12
    assert r.code == 0
    r = ietm("sign", bike_copy / MODULE, "--key", p12, "--cert", demo_pki.cert("qa"), "--passphrase-file",
             demo_pki.passfile, "--trust", demo_pki.ca, "--schemas", schemas42)
    assert r.code == 0, r.err
    assert verify(demo_pki, bike_copy / MODULE)[0].code == 0


def test_no_passphrase_and_no_terminal(demo_pki, bike_copy):
    r = ietm("sign", bike_copy / MODULE, "--key", demo_pki.key("qa"), "--cert", demo_pki.cert("qa"),
             "--trust", demo_pki.ca, env=env_without_passphrase())
    assert r.code == 3 and "no terminal to ask on" in r.err


def test_signature_path_and_worst_outcome_decides(demo_pki, signed, bike_copy):
    sig = signed.with_name(signed.name + ".xsig")
    r, out = verify(demo_pki, sig)  # the signature file itself names the object it covers
    assert r.code == 0 and out["results"][0]["path"] == str(signed)
    unsigned = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A_002-00_en-US.XML"
    r, out = verify(demo_pki, signed, unsigned)
    assert r.code == 15 and out["status"] == "unsigned"
    _flip(signed, b"<para>", b"<para> ")
    r = ietm("verify", signed, unsigned, "--trust", demo_pki.ca)
    assert r.code == 10
    assert r.out.splitlines()[0].startswith(f"INVALID: {signed}: ") and r.out.splitlines()[1].startswith("UNSIGNED: ")
    assert r.out.splitlines()[-1] == "FAILED: verify: 2 checked, 2 not valid"


def test_object_changed_while_being_signed_is_not_overwritten(demo_pki, bike_copy, schemas42):
    from cryptography.hazmat.primitives import serialization

    from ietm.errors import Refused
    from ietm.sign.detached import Credentials, examine, sign_examined
    from ietm.sign.keys import load_certificates
    from ietm.sign.verify import load_store

    module = bike_copy / MODULE
    key = serialization.load_pem_private_key(demo_pki.key("qa").read_bytes(), PASSPHRASE.encode())
    creds = Credentials.of(key, load_certificates(demo_pki.cert("qa")), "qa")
    store = load_store(bike_copy, (demo_pki.ca,))
    done = sign_examined(examine(module, "second", "onobject", lambda data, display: []), creds, store)
    module.write_bytes(module.read_bytes().replace(b"<para>", b"<para>Edited meanwhile. ", 1))
    edited = module.read_bytes()
    with pytest.raises(Refused, match="changed on disk while it was being signed"):
        done.write()
    assert module.read_bytes() == edited and not module.with_name(MODULE + ".xsig").exists()


def test_refusal_among_many_examined_on_both_cores(demo_pki, bike_copy, schemas42):
    """Large batches are examined in worker processes; a refusal there still names its file and signs nothing."""
    objects = sorted(p for p in bike_copy.glob("*.XML") if read_object(p).kind in ("dm", "pm"))
    broken = objects[len(objects) // 2]
    _flip(broken, b"</dmodule>" if b"</dmodule>" in broken.read_bytes() else b"</pm>", b"<oops/></dmodule>")
    before = {p: p.read_bytes() for p in objects}
    r = sign(demo_pki, *objects, schemas=schemas42)
    assert r.code in (3, 6) and str(broken) in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert not list(bike_copy.glob("*.xsig"))
    assert all(p.read_bytes() == data for p, data in before.items())
