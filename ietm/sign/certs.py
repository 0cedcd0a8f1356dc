"""Certificate facts and signature checks that work for every key type ietm accepts, GOST included.

`cryptography` parses GOST certificates but cannot use their keys (it has no GOST), so whatever needs a
certificate's public key goes through here: the GOST ones to OpenSSL's GOST engine (ietm.sign.gost),
the others to `cryptography`.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from ietm.sign import gost

#: signature algorithms of certificates and CRLs, OID -> hash for `cryptography` (None: GOST, via the engine)
_RSA_PKCS1 = {"1.2.840.113549.1.1.11": hashes.SHA256(), "1.2.840.113549.1.1.12": hashes.SHA384(),
              "1.2.840.113549.1.1.13": hashes.SHA512()}
_ECDSA = {"1.2.840.10045.4.3.2": hashes.SHA256(), "1.2.840.10045.4.3.3": hashes.SHA384(),
          "1.2.840.10045.4.3.4": hashes.SHA512()}
_RSA_PSS = "1.2.840.113549.1.1.10"
GOST_SIGNATURES = set(gost.SIGNATURE.values())
SIGNATURE_NAMES = {gost.SIGNATURE[256]: "GOST R 34.10-2012 256 bit with GOST R 34.11-2012 256",
                   gost.SIGNATURE[512]: "GOST R 34.10-2012 512 bit with GOST R 34.11-2012 512",
                   "1.2.840.10045.4.3.2": "ECDSA with SHA-256", "1.2.840.10045.4.3.3": "ECDSA with SHA-384",
                   "1.2.840.113549.1.1.11": "RSA with SHA-256", _RSA_PSS: "RSASSA-PSS"}


#: short names of the qualified form's attributes (and a few X.520 ones) for RFC 4514 strings
_NAME_KEYS = {"1.2.643.100.1": "OGRN", "1.2.643.100.5": "OGRNIP", "1.2.643.3.131.1.1": "INN", "1.2.643.100.4": "INNLE",
              "1.2.643.100.3": "SNILS", "2.5.4.4": "SN", "2.5.4.42": "G", "2.5.4.12": "T"}


def name_text(name: x509.Name) -> str:
    """RFC 4514 text of a name, with OGRN, INN, INNLE, SNILS ... named rather than as bare OIDs."""
    return name.rfc4514_string({x509.ObjectIdentifier(k): v for k, v in _NAME_KEYS.items()})


@lru_cache(maxsize=1024)
def _spki_of_der(der: bytes) -> bytes:
    from asn1crypto import x509 as ax509

    # dump() gives the bytes as read, without parsing the key (asn1crypto has no GOST key types either)
    return ax509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"].dump()


def spki(cert: x509.Certificate) -> bytes:
    """The certificate's SubjectPublicKeyInfo, DER, whatever its algorithm."""
    from cryptography.hazmat.primitives import serialization

    return _spki_of_der(cert.public_bytes(serialization.Encoding.DER))


def is_gost(cert: x509.Certificate) -> bool:
    return cert.public_key_algorithm_oid.dotted_string in gost.KEY_BITS


def key_description(cert: x509.Certificate) -> str:
    """E.g. 'GOST R 34.10-2012 256 bit (TC26 256-B)', 'ECDSA P-256', 'RSA 3072 bit'."""
    if is_gost(cert):
        bits, paramset = gost.spki_info(spki(cert))
        return f"GOST R 34.10-2012 {bits} bit ({gost.PARAMSET_NAMES.get(paramset, paramset)})"
    try:
        key = cert.public_key()
    except UnsupportedAlgorithm:
        return cert.public_key_algorithm_oid.dotted_string
    if isinstance(key, ec.EllipticCurvePublicKey):
        return {"secp256r1": "ECDSA P-256", "secp384r1": "ECDSA P-384", "secp521r1": "ECDSA P-521"}.get(
            key.curve.name, f"ECDSA {key.curve.name}")
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size} bit"
    return type(key).__name__


def verify_with(issuer: x509.Certificate, algorithm_oid: str, signature: bytes, data: bytes,
                pss_hash: hashes.HashAlgorithm | None = None) -> bool:
    """Whether `signature` over `data` holds with `issuer`'s public key, for the algorithm named by its OID."""
    if algorithm_oid in GOST_SIGNATURES:
        if not is_gost(issuer):
            return False
        return gost.GostPublicKey(spki(issuer)).verify(signature, data)
    try:
        key = issuer.public_key()
    except UnsupportedAlgorithm:
        return False
    try:
        if algorithm_oid in _ECDSA and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(_ECDSA[algorithm_oid]))
        elif algorithm_oid in _RSA_PKCS1 and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), _RSA_PKCS1[algorithm_oid])
        elif algorithm_oid == _RSA_PSS and isinstance(key, rsa.RSAPublicKey) and pss_hash is not None:
            key.verify(signature, data, padding.PSS(padding.MGF1(pss_hash), padding.PSS.AUTO), pss_hash)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether `issuer` signed `cert` (names match and the signature holds), for any key type."""
    if cert.issuer != issuer.subject:
        return False
    oid = cert.signature_algorithm_oid.dotted_string
    if oid in GOST_SIGNATURES:
        return verify_with(issuer, oid, cert.signature, cert.tbs_certificate_bytes)
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False


def crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    oid = crl.signature_algorithm_oid.dotted_string
    if oid in GOST_SIGNATURES:
        return verify_with(issuer, oid, crl.signature, crl.tbs_certlist_bytes)
    try:
        return crl.is_signature_valid(issuer.public_key())
    except (UnsupportedAlgorithm, TypeError, ValueError):
        return False
