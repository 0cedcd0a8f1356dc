"""A second, independent GOST implementation for the tests: gostcrypto (pure Python, MIT), not OpenSSL.

It checks what ietm (through OpenSSL's GOST engine) writes, with the conventions of RFC 9215 spelled out
here independently: the public key is x||y little-endian inside an OCTET STRING, the signature is s||r
big-endian, and the Streebog digest is read as a little-endian number.
"""

from __future__ import annotations

from asn1crypto import core
from gostcrypto import gosthash, gostsignature

CURVES = {
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.7.1.2.1.2.1": "id-tc26-gost-3410-12-512-paramSetA",
    "1.2.643.7.1.2.1.2.2": "id-tc26-gost-3410-12-512-paramSetB",
    "1.2.643.7.1.2.1.2.3": "id-tc26-gost-3410-2012-512-paramSetC",
}


def streebog(bits: int, data: bytes) -> bytes:
    return bytes(gosthash.new(f"streebog{bits}", data=data).digest())


def verify(spki: bytes, signature: bytes, data: bytes) -> bool:
    """GOST R 34.10-2012 verification of `signature` over `data` with the SubjectPublicKeyInfo `spki`."""
    info = core.load(spki)
    key_oid, paramset = info[0][0].dotted, info[0][1][0].dotted
    bits = {"1.2.643.7.1.1.1.1": 256, "1.2.643.7.1.1.1.2": 512}[key_oid]
    n = bits // 8
    point = core.OctetString.load(info[1].cast(core.OctetBitString).native).native
    x, y = point[:n][::-1], point[n:][::-1]
    s, r = signature[:n], signature[n:]
    mode = gostsignature.MODE_256 if bits == 256 else gostsignature.MODE_512
    signer = gostsignature.new(mode, gostsignature.CURVES_R_1323565_1_024_2019[CURVES[paramset]])
    return signer.verify(bytearray(x + y), bytearray(streebog(bits, data)[::-1]), bytearray(r + s))
