"""XML Signature with GOST R 34.10-2012 / GOST R 34.11-2012, in the same document shape as ietm's others.

signxml knows no GOST algorithm, so this module builds and checks the ds:Signature itself with lxml's
exclusive canonicalisation; the cryptography is OpenSSL's GOST engine (ietm.sign.gost). The algorithm URIs
are those registered with IANA for GOST in XML Signature (urn:ietf:params:xml:ns:cpxmlsec:algorithms:,
draft-smirnov-xmldsig / R 1323565.1.033-2020, which CryptoPro and xmlsec use); the certificate and key
formats are RFC 9215's. SignatureValue is the base64 of the signature as OpenSSL and CMS write it (s||r).

Shape: one Reference per signed file (relative URI, no transforms: the digest of the exact bytes), one to
`#approval` (exclusive C14N of the ds:Object holding the approval statement), the certificates in
KeyInfo/X509Data.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from ietm.sign import gost
from ietm.sign.certs import is_gost, spki
from ietm.sign.gost import GostPrivateKey
from ietm.sign.reasons import reason
from ietm.sign.signer import APPROVAL_ID, DS, Algorithm, Checked, SignatureMismatch, SignedFile, ds

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
CPXMLSEC = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:"
SIGNATURE_URI = {256: CPXMLSEC + "gostr34102012-gostr34112012-256", 512: CPXMLSEC + "gostr34102012-gostr34112012-512"}
DIGEST_URI = {256: CPXMLSEC + "gostr34112012-256", 512: CPXMLSEC + "gostr34112012-512"}
_DIGEST_BITS = {uri: bits for bits, uri in DIGEST_URI.items()}


def c14n(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=True, with_comments=False)


class GostXmlAlgorithm(Algorithm):
    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.name = f"gost2012-{bits}"
        self.signature_uri = SIGNATURE_URI[bits]

    def fits(self, key) -> bool:
        return isinstance(key, GostPrivateKey) and key.bits == self.bits

    def sign(self, key: GostPrivateKey, chain: list[x509.Certificate], files: list[SignedFile],
             approval: etree._Element) -> etree._Element:
        sig = etree.Element(ds("Signature"), nsmap={"ds": DS})
        info = etree.SubElement(sig, ds("SignedInfo"))
        etree.SubElement(info, ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
        etree.SubElement(info, ds("SignatureMethod"), Algorithm=self.signature_uri)
        value = etree.SubElement(sig, ds("SignatureValue"))
        x509data = etree.SubElement(etree.SubElement(sig, ds("KeyInfo")), ds("X509Data"))
        for cert in chain:
            etree.SubElement(x509data, ds("X509Certificate")).text = \
                b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        obj = etree.SubElement(sig, ds("Object"), Id=APPROVAL_ID)
        obj.append(approval)
        for f in files:
            self._reference(info, f.uri, gost.digest(self.bits, f.data))
        self._reference(info, f"#{APPROVAL_ID}", gost.digest(self.bits, c14n(obj)), transform=True)
        value.text = b64encode(key.sign(c14n(info))).decode()
        return sig

    def _reference(self, info: etree._Element, uri: str, digest: bytes, transform: bool = False) -> None:
        ref = etree.SubElement(info, ds("Reference"), URI=uri)
        if transform:
            etree.SubElement(etree.SubElement(ref, ds("Transforms")), ds("Transform"), Algorithm=EXC_C14N)
        etree.SubElement(ref, ds("DigestMethod"), Algorithm=DIGEST_URI[self.bits])
        etree.SubElement(ref, ds("DigestValue")).text = b64encode(digest).decode()

    def verify(self, signature: etree._Element, cert: x509.Certificate,
               resolve: Callable[[str], bytes | None]) -> Checked:
        info = signature.find(ds("SignedInfo"))
        value = signature.find(ds("SignatureValue"))
        c14n_method = info.find(ds("CanonicalizationMethod")) if info is not None else None
        if info is None or value is None or c14n_method is None or c14n_method.get("Algorithm") != EXC_C14N:
            raise SignatureMismatch(reason("malformed", detail="SignedInfo, exclusive C14N or SignatureValue missing"))
        if not is_gost(cert) or gost.spki_info(spki(cert))[0] != self.bits:
            raise SignatureMismatch(reason("not_gost_key", bits=self.bits))
        try:
            raw = b64decode("".join((value.text or "").split()), validate=True)
        except ValueError:
            raise SignatureMismatch(reason("malformed", detail="SignatureValue is not base64")) from None
        if not gost.GostPublicKey(spki(cert)).verify(raw, c14n(info)):
            raise SignatureMismatch(reason("value"))
        files, changed, approval = [], [], None
        for ref in info.iterfind(ds("Reference")):
            uri = ref.get("URI") or ""
            method = ref.find(ds("DigestMethod"))
            bits = _DIGEST_BITS.get(method.get("Algorithm") if method is not None else "")
            expected_el = ref.find(ds("DigestValue"))
            if bits is None or expected_el is None:
                raise SignatureMismatch(reason("ref_digest", uri=uri or "(none)"))
            expected = b64decode("".join((expected_el.text or "").split()))
            transforms = [t.get("Algorithm") for t in ref.iterfind(f"{ds('Transforms')}/{ds('Transform')}")]
            if uri == f"#{APPROVAL_ID}":
                objects = [o for o in signature.iterfind(ds("Object")) if o.get("Id") == APPROVAL_ID]
                if len(objects) != 1 or transforms != [EXC_C14N]:
                    raise SignatureMismatch(reason("malformed", detail="the approval statement is missing or not "
                                                                       "canonicalised as ietm does"))
                if gost.digest(bits, c14n(objects[0])) != expected:
                    raise SignatureMismatch(reason("statement"), [uri])
                approval = next((c for c in objects[0] if isinstance(c.tag, str)), None)
                continue
            if not uri or uri.startswith("#") or transforms:
                raise SignatureMismatch(reason("ref_bytes", uri=uri or "(none)"))
            data = resolve(uri)
            files.append(uri)
            if data is None or gost.digest(bits, data) != expected:
                changed.append(uri)
        return Checked(files, approval, changed)


ALGORITHMS = [GostXmlAlgorithm(256), GostXmlAlgorithm(512)]
