"""A test PKI for the signature tests: the demo PKI from `ietm pki init`, plus the certificates that must
be refused (expired, not yet valid, revoked, from an untrusted CA, without the QA role, RSA-PSS)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from clirun import ietm
from ietm.sign import pki

PASSPHRASE = "correct horse battery staple"


@dataclass
class Pki:
    folder: Path
    passfile: Path

    def key(self, who: str) -> Path:
        return self.folder / f"{who}.key.pem"

    def cert(self, who: str) -> Path:
        return self.folder / f"{who}.pem"

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    def signer(self, who: str) -> list[str]:
        return ["--key", str(self.key(who)), "--cert", str(self.cert(who)), "--passphrase-file", str(self.passfile)]


def build_pki(folder: Path) -> Pki:
    passfile = folder.parent / f"{folder.name}.pass"
    passfile.write_text(PASSPHRASE + "\n")
    r = ietm("pki", "init", folder, "--passphrase-file", passfile)
    assert r.code == 0, r.err
    pw = PASSPHRASE.encode()
    ca_key = serialization.load_pem_private_key((folder / "ca.key.pem").read_bytes(), pw)
    from cryptography import x509

    ca = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    now = dt.datetime.now(dt.timezone.utc)

    def save(name: str, key, cert, passphrase: bytes | None = pw) -> None:
        pki.write_private(folder / f"{name}.key.pem", pki.key_pem(key, passphrase))
        (folder / f"{name}.pem").write_bytes(pki.cert_pem(cert))

    k = pki.new_key()
    save("expired", k, pki.issue(ca_key, ca, k, "expired QA", "qa", now - dt.timedelta(days=400), now - dt.timedelta(days=1)))
    k = pki.new_key()
    save("future", k, pki.issue(ca_key, ca, k, "future QA", "qa", now + dt.timedelta(days=2), now + dt.timedelta(days=400)))
    k = pki.new_key()
    revoked = pki.issue(ca_key, ca, k, "revoked QA", "qa")
    save("revoked", k, revoked)
    (folder / "revoked.crl.pem").write_bytes(pki.make_crl(ca_key, ca, [revoked]).public_bytes(serialization.Encoding.PEM))
    k = pki.new_key("rsa-pss")
    save("rsa", k, pki.issue(ca_key, ca, k, "RSA QA", "qa"))
    k = pki.new_key()
    save("ou-qa", k, pki.issue(ca_key, ca, k, "QA by OU", None, ou="Quality Assurance"))
    other_key = pki.new_key()
    other = pki.make_ca(other_key, "some other CA")
    (folder / "other-ca.pem").write_bytes(pki.cert_pem(other))
    k = pki.new_key()
    save("stranger", k, pki.issue(other_key, other, k, "stranger QA", "qa"))
    shutil.copy(folder / "qa.pem", folder / "plain.pem")
    qa_key = serialization.load_pem_private_key((folder / "qa.key.pem").read_bytes(), pw)
    pki.write_private(folder / "plain.key.pem", pki.key_pem(qa_key, None))
    return Pki(folder, passfile)


def env_without_passphrase() -> dict:
    env = dict(os.environ)
    env.pop("IETM_PASSPHRASE", None)
    return env


def build_gost_pki(folder: Path) -> Pki:
    """`ietm pki init --gost`, plus GOST certificates that must be refused or told apart: expired, revoked (with
    a CRL), a private key usage period already over, no qualified form, a 512-bit holder."""
    from ietm.sign import gostpki
    from ietm.sign.gost import GostPrivateKey

    passfile = folder.parent / f"{folder.name}.pass"
    passfile.write_text(PASSPHRASE + "\n")
    r = ietm("pki", "init", "--gost", folder, "--passphrase-file", passfile)
    assert r.code == 0, r.err
    pw = PASSPHRASE.encode()
    ca_key = GostPrivateKey.from_pem((folder / "ca.key.pem").read_bytes(), pw, "ca")
    from cryptography import x509

    ca = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    now = dt.datetime.now(dt.timezone.utc)
    qa = gostpki.PEOPLE[-1]

    def save(name: str, cert, key) -> None:
        pki.write_private(folder / f"{name}.key.pem", key.to_pem(pw))
        (folder / f"{name}.pem").write_bytes(pki.cert_pem(cert))

    k = GostPrivateKey.generate("256-B")
    save("expired", gostpki.make_holder(ca_key, ca, k, qa, now - dt.timedelta(days=400), now - dt.timedelta(days=1)), k)
    k = GostPrivateKey.generate("256-B")
    revoked = gostpki.make_holder(ca_key, ca, k, qa)
    save("revoked", revoked, k)
    (folder / "revoked.crl.pem").write_bytes(gostpki.make_crl(ca_key, ca, [revoked]).public_bytes(serialization.Encoding.PEM))
    k = GostPrivateKey.generate("256-B")
    save("keyperiod", gostpki.make_holder(ca_key, ca, k, qa, key_usage_period=(now - dt.timedelta(days=30),
                                                                               now - dt.timedelta(days=1))), k)
    k = GostPrivateKey.generate("256-B")
    save("unqualified", gostpki.make_holder(ca_key, ca, k, qa, qualified=False, classes=()), k)
    k = GostPrivateKey.generate("512-A")
    save("qa512", gostpki.make_holder(ca_key, ca, k, qa), k)
    return Pki(folder, passfile)
