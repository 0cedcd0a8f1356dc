"""A demonstration PKI: a CA, a QA signer and a writer, with encrypted keys, for trying ietm out and for tests.

Real users bring their own certificates; what ietm needs from them is a key usage allowing digital
signatures and a role the signing policy recognises (ietm's role EKU, or an OU/title the policy names).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from ietm.atomic import write_new
from ietm.errors import Refused
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


def make_crl(ca_key: PrivateKey, ca: x509.Certificate, revoked: list[x509.Certificate], days: int = 30) -> x509.CertificateRevocationList:
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    builder = x509.CertificateRevocationListBuilder().issuer_name(ca.subject).last_update(now).next_update(now + dt.timedelta(days=days))
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(now).build())
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


def _edit_config(csdb: Path, change) -> tuple[Path, list[str]]:
    """Edit the ietm.toml of `csdb` (made if it has none; comments and layout kept): `change(doc)` returns what
    it added, one line each; the file is written only when something was."""
    import tomlkit

    from ietm.errors import ConfigError

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
