"""Signing keys a browser sends (QA approval, changes of the signing register): read in memory for the one
request, never written anywhere."""

from __future__ import annotations

from ietm.errors import InputError


def uploaded_credentials(material: bytes, cert_material: bytes | None, passphrase: bytes, display: str):
    """Signing credentials from key material a browser sent: a PKCS#12 file, or a PEM key (with its
    certificate inside or in `cert_material`). Kept in memory for the one request only."""
    from cryptography import x509

    from ietm.sign.detached import Credentials
    from ietm.sign.keys import load_private_key_data

    key, chain = load_private_key_data(material, passphrase, display)
    for data in (material, cert_material or b""):
        if b"-----BEGIN CERTIFICATE-----" in data:
            try:
                chain += x509.load_pem_x509_certificates(data)
            except ValueError:
                raise InputError("the certificate file is not a PEM certificate", display) from None
        elif data and data is cert_material:
            try:
                chain.append(x509.load_der_x509_certificate(data))
            except ValueError:
                raise InputError("the certificate file is not a PEM or DER certificate", display) from None
    return Credentials.of(key, chain, display)
