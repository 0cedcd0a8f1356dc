"""Loading the signer's private key and certificates; a key is only ever used with its passphrase.

The passphrase comes from --passphrase-file, the IETM_PASSPHRASE environment variable, or a prompt,
in that order. It never appears in a message: errors say what failed, not with which secret.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ietm.errors import InputError, Refused
from ietm.sign.gost import GostPrivateKey

#: ECDSA and RSA keys live in `cryptography`; GOST R 34.10-2012 keys inside OpenSSL's GOST engine (ietm.sign.gost)
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | GostPrivateKey
PASSPHRASE_ENV = "IETM_PASSPHRASE"


def read_passphrase(passphrase_file: Path | None, prompt: bool = True, confirm: bool = False) -> bytes | None:
    """The passphrase from a file (first line), the environment, or the terminal; None if none is given."""
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"cannot read the passphrase file: {exc.strerror}", str(passphrase_file)) from None
        if not text or not text[0]:
            raise InputError("the passphrase file is empty", str(passphrase_file))
        return text[0].encode()
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env.encode()
    if prompt:
        import sys

        import click

        if not sys.stdin.isatty():
            raise InputError(f"a passphrase is needed and there is no terminal to ask on: give --passphrase-file "
                             f"or set {PASSPHRASE_ENV}")
        return click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm, err=True).encode()
    return None


def _is_encrypted_pem(data: bytes) -> bool:
    return b"ENCRYPTED PRIVATE KEY" in data or b"Proc-Type: 4,ENCRYPTED" in data


def needs_passphrase(path: Path) -> bool:
    """Whether opening the key asks for a passphrase: encrypted PEM, or PKCS#12 (which always takes one)."""
    try:
        head = path.read_bytes()[:4096]
    except OSError as exc:
        raise InputError(f"cannot read the key: {exc.strerror}", str(path)) from None
    return b"-----BEGIN" not in head or _is_encrypted_pem(head)


def load_private_key(path: Path, passphrase: bytes | None, allow_unencrypted: bool = False) -> tuple[PrivateKey, list[x509.Certificate]]:
    """The key at `path` (PEM or PKCS#12) and any certificates a PKCS#12 file carries with it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the key: {exc.strerror}", str(path)) from None
    return load_private_key_data(data, passphrase, str(path), allow_unencrypted)


def load_private_key_data(data: bytes, passphrase: bytes | None, display: str,
                          allow_unencrypted: bool = False) -> tuple[PrivateKey, list[x509.Certificate]]:
    """As load_private_key, for key material that never touches the disk (a PKCS#12 file sent by a browser)."""
    certs: list[x509.Certificate] = []
    if b"-----BEGIN" in data:
        encrypted = _is_encrypted_pem(data)
        if not encrypted and not allow_unencrypted:
            raise Refused("the private key is not encrypted; protect it with a passphrase "
                          "(or pass --allow-unencrypted-key to use it anyway)", display)
        try:
            key = serialization.load_pem_private_key(data, password=passphrase if encrypted else None)
        except UnsupportedAlgorithm:  # opened, but not a key type of `cryptography`: GOST goes to OpenSSL's engine
            key = GostPrivateKey.from_pem(data, passphrase if encrypted else None, display)
        except TypeError:
            raise InputError("the key is encrypted: give its passphrase (prompt, --passphrase-file or "
                             f"{PASSPHRASE_ENV})", display) from None
        except ValueError as exc:
            if encrypted:
                raise InputError("wrong passphrase for the key (or the key file is damaged)", display) from None
            raise InputError(f"not a readable PEM private key ({type(exc).__name__})", display) from None
    else:
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
        except ValueError:
            if passphrase is None and allow_unencrypted:
                raise InputError("not a PEM or PKCS#12 private key", display) from None
            raise InputError("cannot open the PKCS#12 file: wrong passphrase, or not a PEM/PKCS#12 key", display) from None
        if key is None:
            raise InputError("the PKCS#12 file holds no private key", display)
        if not passphrase and not allow_unencrypted:
            raise Refused("the PKCS#12 file has no password; protect it (or pass --allow-unencrypted-key)", display)
        certs = [c for c in [cert, *extra] if c is not None]
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, GostPrivateKey)):
        raise InputError(f"unsupported key type {type(key).__name__}; ietm signs with GOST R 34.10-2012, ECDSA or "
                         "RSA-PSS keys", display)
    return key, certs


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Every certificate in a PEM or DER file, signer first as written."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the certificate: {exc.strerror}", str(path)) from None
    return load_certificates_data(data, str(path))


def load_certificates_data(data: bytes, display: str) -> list[x509.Certificate]:
    """As load_certificates, for certificates that never touch the disk (a file sent by a browser)."""
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise InputError("not a PEM or DER X.509 certificate", display) from None


def public_key_der(key: PrivateKey) -> bytes:
    """The key's SubjectPublicKeyInfo, DER: what a certificate for it carries."""
    if isinstance(key, GostPrivateKey):
        return key.public.der
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_matches(key: PrivateKey, cert: x509.Certificate) -> bool:
    from ietm.sign.certs import spki

    return public_key_der(key) == spki(cert)
