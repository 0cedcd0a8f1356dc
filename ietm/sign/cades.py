"""CAdES-BES detached signatures (`OBJECT.sig`): what Russian document systems and CIPF tools exchange.

A CMS SignedData (RFC 5652) with no encapsulated content, over the exact bytes of the object. Its one
SignerInfo has the signed attributes CAdES-BES (ETSI EN 319 122-1) asks for: content-type (id-data),
message-digest, signing-time and signing-certificate-v2 (ESS, RFC 5035: the hash of the signer's certificate,
so that no other certificate can be passed off as the signer's), plus ietm's approval statement (the same
`ietm:approval` element an XML signature carries: what was approved, QA level, the illustrations). The
signer's certificate and its chain travel in `certificates`.

Algorithms: GOST R 34.10-2012 with GOST R 34.11-2012 of the key's size (RFC 9215 identifiers; the
SignerInfo names the key algorithm, as OpenSSL and CryptoPro write it), ECDSA P-256 with SHA-256, RSA-PSS
with SHA-256. Verifying also takes what other tools write: RSA PKCS#1 v1.5, ECDSA with SHA-384/512, and the
GOST signature-algorithm OIDs. The ASN.1 is built and read with asn1crypto; every signature and digest is
computed by OpenSSL (ietm.sign.gost) or `cryptography`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from lxml import etree

from ietm.errors import InputError
from ietm.sign import gost
from ietm.sign.gost import GostPrivateKey
from ietm.sign.keys import PrivateKey
from ietm.sign.trust import IETM_ARC

SIG_SUFFIX = ".sig"
#: ietm's approval statement as a signed attribute: a UTF8String holding the `ietm:approval` element
APPROVAL_ATTR = f"{IETM_ARC}.3"
MAX_BYTES = 4 * 1024 * 1024

DIGESTS = {  # digest OID -> (name, function)
    "2.16.840.1.101.3.4.2.1": ("sha256", lambda d: hashlib.sha256(d).digest()),
    "2.16.840.1.101.3.4.2.2": ("sha384", lambda d: hashlib.sha384(d).digest()),
    "2.16.840.1.101.3.4.2.3": ("sha512", lambda d: hashlib.sha512(d).digest()),
    gost.DIGEST[256]: ("streebog256", gost.streebog256),
    gost.DIGEST[512]: ("streebog512", gost.streebog512),
}
_HASHES = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}
_ECDSA_WITH = {"1.2.840.10045.4.3.2": "sha256", "1.2.840.10045.4.3.3": "sha384", "1.2.840.10045.4.3.4": "sha512"}
_RSA_WITH = {"1.2.840.113549.1.1.11": "sha256", "1.2.840.113549.1.1.12": "sha384", "1.2.840.113549.1.1.13": "sha512"}
_EC_PUBLIC_KEY, _RSA_ENCRYPTION, _RSA_PSS = "1.2.840.10045.2.1", "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"


def digest(oid: str, data: bytes) -> bytes:
    return DIGESTS[oid][1](data)


# -- signing ----------------------------------------------------------------------------------------------------

def _algorithms(key: PrivateKey) -> tuple[str, dict]:
    """(digest OID, SignerInfo signatureAlgorithm) for a key."""
    if isinstance(key, GostPrivateKey):
        return gost.DIGEST[key.bits], {"algorithm": gost.KEY_256 if key.bits == 256 else gost.KEY_512}
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "2.16.840.1.101.3.4.2.1", {"algorithm": "sha256_ecdsa"}
    params = algos.RSASSAPSSParams({
        "hash_algorithm": {"algorithm": "sha256"},
        "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha256"}},
        "salt_length": 32})
    return "2.16.840.1.101.3.4.2.1", {"algorithm": "rsassa_pss", "parameters": params}


def _raw_sign(key: PrivateKey, data: bytes) -> bytes:
    if isinstance(key, GostPrivateKey):
        return key.sign(data)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    return key.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _attribute(oid: str, value: core.Asn1Value) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": oid, "values": [value]})


def _tlv(tag: int, body: bytes) -> bytes:
    """One DER element: tag, definite length, contents."""
    n = len(body)
    size = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + size + body


@lru_cache(maxsize=16)
def _chain_parts(ders: tuple[bytes, ...], digest_oid: str) -> tuple[bytes, bytes]:
    """What a signer's signatures share, encoded once per chain (DER): the signer identifier and the
    signing-certificate-v2 attribute. (asn1crypto encodes a structure built from values again, deeply, each time
    it is put into another; loading these bytes afresh for each signature keeps them as they are.)"""
    cert = ax509.Certificate.load(ders[0])
    sid = cms.SignerIdentifier({"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}})
    ess = _attribute("1.2.840.113549.1.9.16.2.47", tsp.SigningCertificateV2({"certs": [tsp.ESSCertIDv2({
        "hash_algorithm": {"algorithm": digest_oid if digest_oid in gost.DIGEST.values() else "sha256"},
        "cert_hash": digest(digest_oid, ders[0]),
        "issuer_serial": {"issuer": [ax509.GeneralName({"directory_name": cert.issuer})],
                          "serial_number": cert.serial_number},
    })]}))
    return sid.dump(), ess.dump()


def sign(key: PrivateKey, chain: list[x509.Certificate], data: bytes, statement: etree._Element,
         when: dt.datetime | None = None) -> bytes:
    """A detached CAdES-BES signature (DER) of `data` by `key`, whose certificate is `chain[0]`."""
    digest_oid, signature_algorithm = _algorithms(key)
    ders = tuple(_der(c) for c in chain)
    sid_der, ess_der = _chain_parts(ders, digest_oid)
    when = (when or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    text = etree.tostring(statement, method="c14n", exclusive=True).decode("utf-8")
    attrs = [
        _attribute("1.2.840.113549.1.9.3", cms.ContentType("data")),
        _attribute("1.2.840.113549.1.9.5", cms.Time({"utc_time": when} if when.year < 2050 else {"general_time": when})),
        _attribute("1.2.840.113549.1.9.4", core.OctetString(digest(digest_oid, data))),
        cms.CMSAttribute.load(ess_der),
        _attribute(APPROVAL_ATTR, core.UTF8String(text)),
    ]
    attrs.sort(key=lambda a: a.dump())  # DER: a SET OF is ordered by its members' encodings
    signed_attrs = cms.CMSAttributes(attrs)
    signature = _raw_sign(key, signed_attrs.dump())
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier.load(sid_der),
        "digest_algorithm": {"algorithm": digest_oid},
        "signed_attrs": signed_attrs,
        "signature_algorithm": signature_algorithm,
        "signature": signature,
    })
    # SignedData {version, digestAlgorithms, encapContentInfo (no content), [0] certificates, signerInfos}, with
    # the certificates as their own DER: asn1crypto would re-encode them, and it cannot re-encode a GOST key
    signed = _tlv(0x30, b"".join([
        core.Integer(1).dump(),
        cms.DigestAlgorithms([{"algorithm": digest_oid}]).dump(),
        cms.EncapsulatedContentInfo({"content_type": "data"}).dump(),
        _tlv(0xA0, b"".join(ders)),
        cms.SignerInfos([signer_info]).dump(),
    ]))
    return _tlv(0x30, cms.ContentType("signed_data").dump() + _tlv(0xA0, signed))


# -- reading ----------------------------------------------------------------------------------------------------

@dataclass
class Parsed:
    """A detached CMS signature as read, before anything is checked."""

    certs: list[x509.Certificate]
    signer: x509.Certificate | None        # the certificate the SignerInfo names (None: it carries none such)
    sid: str                                # how the SignerInfo names it, for messages
    digest_oid: str
    signature_oid: str
    signature_params: core.Asn1Value | None
    signature: bytes
    signed_attrs: bytes                     # DER as signed (SET OF, tag 0x31)
    content_type: str | None
    message_digest: bytes | None
    signing_time: dt.datetime | None
    ess: tuple[str, bytes] | None           # (hash OID, hash of the signer's certificate) from signing-certificate(-v2)
    approval: etree._Element | None


def decode(raw: bytes, display: str) -> bytes:
    """DER as given, or the DER inside base64 (with or without PEM armour)."""
    if raw[:1] == b"\x30":
        return raw
    text = re.sub(rb"-----(BEGIN|END) [A-Z0-9 ]+-----", b"", raw)
    try:
        der = base64.b64decode(b"".join(text.split()), validate=True)
    except ValueError:
        raise InputError("not a CMS signature (neither DER nor base64)", display) from None
    if der[:1] != b"\x30":
        raise InputError("not a CMS signature (the base64 holds no DER structure)", display)
    return der


def _approval(text: str, display: str) -> etree._Element | None:
    from ietm.parse.loader import load_own

    return load_own(text.encode("utf-8"), display, "the signature's approval statement")


def parse(raw: bytes, display: str) -> Parsed:
    """Read a detached CMS SignedData; InputError (one line) when it is not one ietm can check."""
    if len(raw) > MAX_BYTES:
        raise InputError(f"signature file is over {MAX_BYTES} bytes", display)
    der = decode(raw, display)
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise InputError(f"not a CMS SignedData (content type {info['content_type'].dotted})", display)
        sd = info["content"]
        if sd["encap_content_info"]["content"].native is not None:
            raise InputError("the signature encapsulates its content; ietm keeps detached signatures only", display)
        infos = list(sd["signer_infos"])
        if len(infos) != 1:
            raise InputError(f"the signature has {len(infos)} signers; ietm expects exactly one", display)
        si = infos[0]
        certs = [x509.load_der_x509_certificate(c.chosen.dump()) for c in (sd["certificates"] or [])
                 if c.name == "certificate"]
        signed_attrs = si["signed_attrs"]
        if not len(signed_attrs):
            raise InputError("the signature has no signed attributes; CAdES-BES needs them", display)
        attrs_der = b"\x31" + signed_attrs.dump()[1:]  # [0] IMPLICIT SET OF -> SET OF, as the signature covers it
        found: dict[str, core.Asn1Value] = {}
        for attr in signed_attrs:
            oid = attr["type"].dotted
            if oid in found:
                raise InputError(f"signed attribute {oid} appears twice", display)
            values = attr["values"]
            if len(values) != 1:
                raise InputError(f"signed attribute {oid} must have one value", display)
            found[oid] = values[0]
        signing_time = None
        if "1.2.840.113549.1.9.5" in found:
            signing_time = found["1.2.840.113549.1.9.5"].native
            if signing_time.tzinfo is None:
                signing_time = signing_time.replace(tzinfo=dt.timezone.utc)
        ess = None
        if "1.2.840.113549.1.9.16.2.47" in found:
            first = found["1.2.840.113549.1.9.16.2.47"]["certs"][0]
            ess = (first["hash_algorithm"]["algorithm"].dotted, first["cert_hash"].native)
        elif "1.2.840.113549.1.9.16.2.12" in found:  # signing-certificate (v1): SHA-1
            ess = ("1.3.14.3.2.26", found["1.2.840.113549.1.9.16.2.12"]["certs"][0]["cert_hash"].native)
        sid = si["sid"]
        if sid.name == "issuer_and_serial_number":
            issuer, serial = sid.chosen["issuer"].dump(), sid.chosen["serial_number"].native
            signer = next((c for c in certs if c.serial_number == serial
                           and c.issuer.public_bytes() == issuer), None)
            sid_text = f"serial {serial:x}"
        else:
            ski = sid.chosen.native
            signer = next((c for c in certs if _ski(c) == ski), None)
            sid_text = f"key identifier {ski.hex()}"
        approval = None
        if APPROVAL_ATTR in found:
            approval = _approval(str(found[APPROVAL_ATTR].native), display)
        content_type = found["1.2.840.113549.1.9.3"].dotted if "1.2.840.113549.1.9.3" in found else None
        message_digest = found["1.2.840.113549.1.9.4"].native if "1.2.840.113549.1.9.4" in found else None
        return Parsed(certs, signer, sid_text, si["digest_algorithm"]["algorithm"].dotted,
                      si["signature_algorithm"]["algorithm"].dotted, si["signature_algorithm"]["parameters"],
                      si["signature"].native, attrs_der, content_type, message_digest, signing_time, ess, approval)
    except InputError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise InputError(f"not a readable CMS signature ({type(exc).__name__})", display) from None


def _ski(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return None


# -- checking ---------------------------------------------------------------------------------------------------

def signature_holds(p: Parsed, cert: x509.Certificate) -> bool:
    """Whether the SignerInfo's signature over the signed attributes holds with `cert`'s key."""
    from ietm.sign import certs as certs_mod

    oid = p.signature_oid
    if oid in (gost.KEY_256, gost.KEY_512) or oid in gost.SIGNATURE.values():
        if not certs_mod.is_gost(cert) or p.digest_oid != gost.DIGEST[gost.spki_info(certs_mod.spki(cert))[0]]:
            return False
        return gost.GostPublicKey(certs_mod.spki(cert)).verify(p.signature, p.signed_attrs)
    try:
        key = cert.public_key()
        if oid == _RSA_PSS and isinstance(key, rsa.RSAPublicKey):
            params = algos.RSASSAPSSParams.load(p.signature_params.dump())
            h = _HASHES[params["hash_algorithm"]["algorithm"].native]
            key.verify(p.signature, p.signed_attrs, padding.PSS(padding.MGF1(h), params["salt_length"].native), h)
            return True
        name = DIGESTS.get(p.digest_oid, ("?",))[0]
        if (oid in _ECDSA_WITH or oid == _EC_PUBLIC_KEY) and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(p.signature, p.signed_attrs, ec.ECDSA(_HASHES[_ECDSA_WITH.get(oid, name)]))
            return True
        if (oid in _RSA_WITH or oid == _RSA_ENCRYPTION) and isinstance(key, rsa.RSAPublicKey):
            key.verify(p.signature, p.signed_attrs, padding.PKCS1v15(), _HASHES[_RSA_WITH.get(oid, name)])
            return True
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError, KeyError, AttributeError):
        return False
    return False


def covers(p: Parsed, data: bytes) -> bool:
    """Whether the signed message-digest is that of `data` (in the signature's own digest algorithm)."""
    return p.digest_oid in DIGESTS and p.message_digest is not None and digest(p.digest_oid, data) == p.message_digest


def cert_hash_matches(p: Parsed, cert: x509.Certificate) -> bool:
    if p.ess is None:
        return False
    oid, expected = p.ess
    der = _der(cert)
    if oid == "1.3.14.3.2.26":
        return hashlib.sha1(der).digest() == expected  # noqa: S324 - ESS signing-certificate v1 is SHA-1 by definition
    return oid in DIGESTS and digest(oid, der) == expected


def algorithm_of(p: Parsed) -> str:
    if p.digest_oid in gost.DIGEST.values():
        return "gost2012-256" if p.digest_oid == gost.DIGEST[256] else "gost2012-512"
    if p.signature_oid in _ECDSA_WITH or p.signature_oid == _EC_PUBLIC_KEY:
        return "ecdsa"
    return "rsa"
