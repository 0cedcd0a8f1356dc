"""Interoperability with the standard xmlsec1 tool: it verifies ietm's signatures, and ietm verifies its own."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from clirun import ietm
from sign_support import PASSPHRASE, build_pki

MODULE = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A_002-00_en-US.XML"  # declares ICNs in its DTD subset


@pytest.fixture(scope="session")
def xmlsec1():
    tool = shutil.which("xmlsec1")
    if tool is None:
        pytest.fail("xmlsec1 is not installed: run `make system-deps` (Debian package xmlsec1)")
    return tool


@pytest.fixture(scope="session")
def ipki(tmp_path_factory):
    return build_pki(tmp_path_factory.mktemp("pki") / "demo")


def run_xmlsec(tool, *args, cwd):
    # xmlsec1 1.2 resolves a relative Reference against the current folder, so it runs beside the files
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=60)


def test_xmlsec1_verifies_ietm_signatures(xmlsec1, ipki, bike_copy, schemas42):
    module = bike_copy / MODULE
    r = ietm("sign", module, *ipki.signer("qa"), "--trust", ipki.ca, "--verification", "second", "--schemas", schemas42)
    assert r.code == 0, r.err
    sig = module.name + ".xsig"
    p = run_xmlsec(xmlsec1, "--verify", "--trusted-pem", ipki.ca, sig, cwd=bike_copy)
    assert p.returncode == 0 and "OK" in p.stdout + p.stderr, p.stderr
    assert "SignedInfo References (ok/all): 2/2" in p.stderr
    # xmlsec1 sees the same tampering ietm does: one byte in the module's ICN declarations
    module.write_bytes(module.read_bytes().replace(b'-001-01.CGM" NDATA', b'-001-02.CGM" NDATA', 1))
    p = run_xmlsec(xmlsec1, "--verify", "--trusted-pem", ipki.ca, sig, cwd=bike_copy)
    assert p.returncode != 0
    # and a certificate from a CA it was not told to trust is refused
    module.write_bytes(module.read_bytes().replace(b'-001-02.CGM" NDATA', b'-001-01.CGM" NDATA', 1))
    p = run_xmlsec(xmlsec1, "--verify", "--trusted-pem", ipki.folder / "other-ca.pem", sig, cwd=bike_copy)
    assert p.returncode != 0


def test_xmlsec1_release_signature(xmlsec1, ipki, bike_copy, schemas42, brex42):
    r = ietm("release", bike_copy, *ipki.signer("qa"), "--trust", ipki.ca, "--schemas", schemas42, "-B", brex42,
             "--skip", "refs", "--skip", "applic")
    assert r.code == 0, r.err
    p = run_xmlsec(xmlsec1, "--verify", "--trusted-pem", ipki.ca, "release.manifest.xsig", cwd=bike_copy)
    assert p.returncode == 0, p.stderr


TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>\
<ds:Reference URI="{name}"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>\
{approval_ref}</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>{approval}</ds:Signature>
"""
APPROVAL_REF = ('<ds:Reference URI="#approval"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
                '</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>')
APPROVAL = ('<ds:Object Id="approval"><ietm:approval xmlns:ietm="urn:ietm:signature:1" kind="dm" '
            'object="DMC-S1000DBIKE-AAA-D00-00-00-00AA-001A-A" issue="002-00" signedAt="2026-01-02T03:04:05Z"/></ds:Object>')


@pytest.mark.parametrize("with_approval", [False, True], ids=["bare", "with-approval"])
def test_ietm_verifies_xmlsec1_signatures(xmlsec1, ipki, bike_copy, tmp_path, with_approval):
    module = bike_copy / MODULE
    template = tmp_path / "template.xml"
    template.write_text(TEMPLATE.format(name=MODULE, approval_ref=APPROVAL_REF if with_approval else "",
                                        approval=APPROVAL if with_approval else ""))
    key = f"{ipki.key('qa')},{ipki.cert('qa')}"
    p = run_xmlsec(xmlsec1, "--sign", "--privkey-pem", key, "--pwd", PASSPHRASE, "--output", module.name + ".xsig",
                   template, cwd=bike_copy)
    assert p.returncode == 0, p.stderr
    r = ietm("verify", module, "--trust", ipki.ca, "--format", "json")
    res = json.loads(r.out)["results"][0]
    assert r.code == 0 and res["status"] == "valid" and res["signer"] == "ietm demo QA inspector", res
    if with_approval:
        assert res["signed_at"] == "2026-01-02T03:04:05Z" and res["issue"] == "002-00"
    module.write_bytes(module.read_bytes() + b"\n")
    r = ietm("verify", module, "--trust", ipki.ca, "--format", "json")
    assert r.code == 10 and json.loads(r.out)["results"][0]["changed"] == [MODULE]
