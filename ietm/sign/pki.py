"""A demonstration PKI: a CA, a QA signer and a writer, with encrypted keys, for trying ietm out and for tests.

Real users bring their own certificates; what ietm needs from them is a key usage allowing digital
signatures and a role the signing policy recognises (ietm's role EKU, or an OU/title the policy names).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from ietm.atomic import write_new
from ietm.errors import ConfigError, InputError, NotFound, Refused
from ietm.sign.gost import GostPrivateKey
from ietm.sign.keys import PrivateKey
from ietm.sign.trust import ROLE_EKU

ORG = "ietm demonstration"


def new_key(algorithm: str = "ecdsa-p256") -> PrivateKey:
    if algorithm == "rsa-pss":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str, ou: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG)]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def make_ca(key: PrivateKey, cn: str = "ietm demo CA", days: int = 3650) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    name = _name(cn)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )


def issue(ca_key: PrivateKey, ca: x509.Certificate, key: PrivateKey, cn: str, role: str | None,
          not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
          ou: str | None = None) -> x509.Certificate:
    """A signer certificate; `role` ('qa', 'writer' or None) becomes ietm's role EKU."""
    start = not_before or dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    end = not_after or start + dt.timedelta(days=825)
    builder = (
        x509.CertificateBuilder().subject_name(_name(cn, ou)).issuer_name(ca.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if role:
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier(ROLE_EKU[role])]), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def make_crl(ca_key: PrivateKey, ca: x509.Certificate, revoked: list[x509.Certificate], days: int = 30,
             kept: Sequence[x509.RevokedCertificate] = ()) -> x509.CertificateRevocationList:
    """A CRL revoking `revoked` now, and still revoking `kept` (the entries of the CRL it replaces) as of their dates."""
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    now = at - dt.timedelta(minutes=5)  # this update: allows for a verifier's clock a little behind
    builder = x509.CertificateRevocationListBuilder().issuer_name(ca.subject).last_update(now).next_update(now + dt.timedelta(days=days))
    for serial, when in [*((e.serial_number, e.revocation_date_utc) for e in kept), *((c.serial_number, at) for c in revoked)]:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
    return builder.sign(ca_key, hashes.SHA256())


def key_pem(key: PrivateKey, passphrase: bytes | None) -> bytes:
    enc = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def write_private(path: Path, data: bytes) -> None:
    """A file only its owner can read, written whole or not at all."""
    write_new(path, data, overwrite=True, mode=0o600)


@dataclass
class DemoPki:
    folder: Path
    written: list[Path]


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write a demo PKI's files into `folder` (made if needed): keys readable by their owner only; refused,
    with nothing written, if any of them exists already."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = [n for n in files if (folder / n).exists()]
    if taken:
        raise Refused(f"already holds {', '.join(taken)}; ietm never overwrites keys (choose an empty folder)", str(folder))
    written = []
    for name, data in files.items():
        write_private(folder / name, data)
        if not name.endswith(".key.pem"):
            (folder / name).chmod(0o644)
        written.append(folder / name)
    return written


def init_demo(folder: Path, passphrase: bytes, algorithm: str = "ecdsa-p256") -> DemoPki:
    """CA, QA signer, writer and an empty CRL in `folder`; keys encrypted with `passphrase`."""
    if not passphrase:
        raise Refused("a passphrase is required: ietm never writes an unencrypted private key")
    ca_key = new_key("ecdsa-p256")
    ca = make_ca(ca_key)
    out: dict[str, bytes] = {"ca.pem": cert_pem(ca), "ca.key.pem": key_pem(ca_key, passphrase)}
    for who, role, cn in (("qa", "qa", "ietm demo QA inspector"), ("writer", "writer", "ietm demo technical writer")):
        key = new_key(algorithm)
        out[f"{who}.pem"] = cert_pem(issue(ca_key, ca, key, cn, role))
        out[f"{who}.key.pem"] = key_pem(key, passphrase)
    out["crl.pem"] = make_crl(ca_key, ca, []).public_bytes(serialization.Encoding.PEM)
    return DemoPki(folder, write_files(folder, out))


@dataclass
class Revocation:
    """What `revoke` did: the re-issued CRL, the certificates it added, those it held already, and its size."""

    crl: Path
    revoked: list[x509.Certificate]
    already: list[x509.Certificate]
    total: int


def revoke(folder: Path, certs: list[Path], passphrase: bytes | None) -> Revocation:
    """Put certificates of the demo PKI in `folder` (ECDSA or GOST, as `ietm pki init` made it) on its CRL: the
    CA signs a new crl.pem that keeps every entry of the old one; nothing is written when all were on it."""
    from ietm.sign.certs import crl_signed_by, issued_by
    from ietm.sign.keys import load_certificates, load_private_key

    ca_file, key_file, crl_file = folder / "ca.pem", folder / "ca.key.pem", folder / "crl.pem"
    missing = [f.name for f in (ca_file, key_file, crl_file) if not f.is_file()]
    if missing:
        raise NotFound(f"not a demo PKI of `ietm pki init` (no {', '.join(missing)} in it)", str(folder))
    ca = load_certificates(ca_file)[0]
    try:
        old = x509.load_pem_x509_crl(crl_file.read_bytes())
    except ValueError:
        raise InputError("not a PEM certificate revocation list", str(crl_file)) from None
    if not crl_signed_by(old, ca):
        raise ConfigError("this CRL is not signed by the demo CA beside it", str(crl_file))
    chosen = []
    for path in certs:
        cert = load_certificates(path)[0]
        if cert == ca:
            raise Refused("the CA's own certificate: a CA does not revoke itself (remove it from the trust store)", str(path))
        if not issued_by(cert, ca):
            raise Refused(f"not issued by this demo CA ({ca_file})", str(path))
        chosen.append(cert)
    on = {e.serial_number for e in old}
    new = list({c.serial_number: c for c in chosen if c.serial_number not in on}.values())
    already = [c for c in chosen if c.serial_number in on]
    if new:
        ca_key, _ = load_private_key(key_file, passphrase)
        if isinstance(ca_key, GostPrivateKey):
            from ietm.sign.gostpki import make_crl as make_gost_crl

            crl = make_gost_crl(ca_key, ca, new, kept=list(old))
        else:
            crl = make_crl(ca_key, ca, new, kept=list(old))
        write_new(crl_file, crl.public_bytes(serialization.Encoding.PEM), overwrite=True, mode=0o644)
    return Revocation(crl_file, new, already, len(on) + len(new))


def _edit_config(csdb: Path, change) -> tuple[Path, list[str]]:
    """Edit the ietm.toml of `csdb` (made if it has none; comments and layout kept): `change(doc)` returns what
    it added, one line each; the file is written only when something was."""
    import tomlkit

    if not csdb.is_dir():
        raise Refused("no such folder: give the CSDB folder the demo CA is to be trusted in", str(csdb))
    config = csdb / "ietm.toml"
    try:
        doc = tomlkit.parse(config.read_text(encoding="utf-8")) if config.exists() else tomlkit.document()
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", str(config)) from None
    added = change(doc)
    if added:
        write_new(config, tomlkit.dumps(doc).encode("utf-8"), overwrite=True)
    return config, added


def trust_in_csdb(csdb: Path, ca: Path, crl: Path) -> tuple[Path, list[str]]:
    """Add the demo CA (and its CRL) to the trust settings of `csdb`: its own ietm.toml, made if it has
    none, edited in place if it has. Returns the file and what was added."""
    import os

    import tomlkit

    def trust(doc) -> list[str]:
        sign = doc.setdefault("sign", tomlkit.table())
        added = []
        for key, target in (("trust", ca), ("crl", crl)):
            rel = Path(os.path.relpath(target.resolve(), csdb.resolve())).as_posix()
            values = sign.setdefault(key, tomlkit.array())
            if rel not in [str(v) for v in values]:
                values.append(rel)
                added.append(f"[sign] {key} += \"{rel}\"")
        return added

    return _edit_config(csdb, trust)


REGISTER_FOLDER = "register"


def keep_register(csdb: Path) -> tuple[Path, list[str]]:
    """Make `csdb` keep a register of signing-key holders: `[register] folder = "register"` in its ietm.toml,
    unless it names a register folder already. Returns the file and what was added."""
    import tomlkit

    def keep(doc) -> list[str]:
        table = doc.setdefault("register", tomlkit.table())
        if table.get("folder"):
            return []
        table["folder"] = REGISTER_FOLDER
        return [f"[register] folder = \"{REGISTER_FOLDER}\""]

    return _edit_config(csdb, keep)
