"""Signature algorithms as plug-ins: each one makes and checks a detached XML Signature over given files.

A signature made by ietm has one Reference per signed file, by relative URI with no transforms, so its
digest is the SHA-256 of the file's exact bytes (DOCTYPE and internal DTD subset included: canonical XML
would drop them, and with them the declarations saying which file each illustration is), plus one
Reference to a `ds:Object Id="approval"` (exclusive C14N) that states what was approved, by whom, when.

ECDSA P-256 and RSA-PSS (RFC 9231, SHA-256, MGF1, 32-byte salt) go through signxml. GOST R 34.10-2012
(256 and 512 bit), which signxml does not know, is ietm.sign.xmlgost: the same document shape, built with
lxml and signed by OpenSSL's GOST engine. Each algorithm says which keys it `fits`; verification dispatches
on the SignatureMethod URI.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from base64 import b64decode, b64encode
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml import (CanonicalizationMethod, DigestAlgorithm, SignatureConfiguration, SignatureMethod,
                     XMLSigner, XMLVerifier)
from signxml.algorithms import SignatureConstructionMethod

from ietm.sign.keys import PrivateKey
from ietm.sign.reasons import reason

DS = "http://www.w3.org/2000/09/xmldsig#"
APPROVAL_ID = "approval"


def ds(tag: str) -> str:
    return f"{{{DS}}}{tag}"


@dataclass(frozen=True)
class SignedFile:
    """A file covered by a signature: its URI relative to the signature file, and its exact bytes."""

    uri: str
    data: bytes


@dataclass
class Checked:
    """The outcome of checking a signature's cryptography: the signature value and the approval statement
    hold; `changed` names the covered files whose bytes (or absence) no longer match what was signed."""

    files: list[str]
    approval: etree._Element | None  # the approval statement exactly as signed
    changed: list[str] = field(default_factory=list)


class SignatureMismatch(Exception):
    """The signature does not hold: `changed` names the files whose bytes differ from what was signed."""

    def __init__(self, reason: str, changed: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason, self.changed = reason, changed or []  # the reason as made (ietm.sign.reasons: in two languages)


class Algorithm(ABC):
    name: str
    signature_uri: str

    @abstractmethod
    def fits(self, key: PrivateKey) -> bool:
        """Whether this algorithm signs with `key`."""

    @abstractmethod
    def sign(self, key: PrivateKey, chain: list[x509.Certificate], files: list[SignedFile],
             approval: etree._Element) -> etree._Element:
        """A ds:Signature over `files` (raw bytes) and `approval`; the approval is placed inside it."""

    @abstractmethod
    def verify(self, signature: etree._Element, cert: x509.Certificate,
               resolve: Callable[[str], bytes | None]) -> Checked:
        """Check the signature value with `cert` and every reference; raise SignatureMismatch if any fails."""


class SignxmlAlgorithm(Algorithm):
    """An algorithm signxml implements; only the key check and the SignatureMethod differ."""

    def __init__(self, name: str, method: SignatureMethod, fits: Callable[[PrivateKey], bool]) -> None:
        self.name = name
        self.method = method
        self.signature_uri = method.value
        self._fits = fits

    def fits(self, key: PrivateKey) -> bool:
        return self._fits(key)

    def sign(self, key, chain, files, approval):
        obj = etree.Element(ds("Object"), Id=APPROVAL_ID, nsmap={"ds": DS})
        obj.append(approval)
        signer = XMLSigner(method=SignatureConstructionMethod.detached, signature_algorithm=self.method,
                           digest_algorithm=DigestAlgorithm.SHA256, c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)

        def add_file_references(sig_root: etree._Element, signing_settings) -> None:
            # runs before SignedInfo is canonicalised and signed (signxml's annotator hook)
            anchor = sig_root.find(f"{ds('SignedInfo')}/{ds('SignatureMethod')}")
            for f in reversed(files):
                ref = etree.Element(ds("Reference"), URI=f.uri)
                etree.SubElement(ref, ds("DigestMethod"), Algorithm=DigestAlgorithm.SHA256.value)
                etree.SubElement(ref, ds("DigestValue")).text = b64encode(sha256(f.data).digest()).decode()
                anchor.addnext(ref)

        signer.signature_annotators.append(add_file_references)
        sig = signer.sign(obj, key=key, cert=list(chain), reference_uri=[f"#{APPROVAL_ID}"])
        sig.append(obj)
        return sig

    def verify(self, signature, cert, resolve):
        from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature, SignXMLException

        # time, trust and revocation are judged by trust.py with their own reasons; here only the cryptography
        middle = cert.not_valid_before_utc + (cert.not_valid_after_utc - cert.not_valid_before_utc) / 2
        config = SignatureConfiguration(location="./", expect_references=True,
                                        signature_methods=frozenset({self.method}),
                                        digest_algorithms=frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384,
                                                                     DigestAlgorithm.SHA512}),
                                        verification_time=middle.astimezone(dt.timezone.utc))
        refs = [r.get("URI") for r in signature.iterfind(f"{ds('SignedInfo')}/{ds('Reference')}")]
        verifier = _RawFileVerifier()
        try:
            results = verifier.verify(signature, x509_cert=cert, uri_resolver=resolve, expect_config=config)
        except InvalidDigest:  # only the approval's own reference raises: files are compared by _RawFileVerifier
            raise SignatureMismatch(reason("statement"), [f"#{APPROVAL_ID}"]) from None
        except InvalidSignature:
            raise SignatureMismatch(reason("value")) from None
        except (InvalidInput, SignXMLException, etree.DocumentInvalid, ValueError) as exc:
            raise SignatureMismatch(reason("malformed", detail=" ".join(str(exc).split())[:200])) from None
        approval = None
        for uri, result in zip(refs, results if isinstance(results, list) else [results]):
            if uri == f"#{APPROVAL_ID}" and result.signed_xml is not None:
                approval = next((c for c in result.signed_xml if isinstance(c.tag, str)), None)
        return Checked([u for u in refs if u and not u.startswith("#")], approval, verifier.changed)


class _RawFileVerifier(XMLVerifier):
    """signxml's verifier, except that a Reference to an external file is checked on the file's raw bytes.

    signxml digests an external payload correctly but then parses it as XML to hand it back, which an
    S1000D file (internal DTD subset) fails; ietm needs the digest only, so it compares that itself, and
    records a changed or missing file in `changed` instead of stopping: the signature value and the approval
    are still checked, so that what changed is reported by an authentic statement of what was signed.
    Such references carry no transforms (the digest is of the exact bytes), and anything else is refused.
    """

    def __init__(self) -> None:
        super().__init__()
        self.changed: list[str] = []

    def _verify_reference(self, reference, index, root, uri_resolver, *args, **kwargs):
        from signxml.exceptions import InvalidInput
        from signxml.verifier import VerifyResult

        uri = reference.get("URI") or ""
        if not uri or uri.startswith("#"):
            return super()._verify_reference(reference, index, root, uri_resolver, *args, **kwargs)
        if reference.find(ds("Transforms")) is not None:
            raise InvalidInput(f"reference {uri} has transforms; ietm signs the exact bytes of files")
        digest_alg = DigestAlgorithm(self._find(reference, "DigestMethod").get("Algorithm"))
        self.check_digest_alg_expected(digest_alg)
        data = uri_resolver(uri)
        if data is None or b64decode(self._find(reference, "DigestValue").text or "") != self._get_digest(data, digest_alg):
            self.changed.append(uri)
        return VerifyResult(data or b"", None, reference, signature_key=b"")


ALGORITHMS: dict[str, Algorithm] = {
    a.name: a for a in (
        SignxmlAlgorithm("ecdsa-p256", SignatureMethod.ECDSA_SHA256,
                         lambda k: isinstance(k, ec.EllipticCurvePrivateKey) and k.curve.name == "secp256r1"),
        SignxmlAlgorithm("rsa-pss", SignatureMethod.SHA256_RSA_MGF1,
                         lambda k: isinstance(k, rsa.RSAPrivateKey) and k.key_size >= 2048),
    )
}


def _all() -> list[Algorithm]:
    from ietm.sign.xmlgost import ALGORITHMS as GOST

    return [*ALGORITHMS.values(), *GOST]


def for_key(key: PrivateKey) -> Algorithm | None:
    return next((a for a in _all() if a.fits(key)), None)


def for_uri(uri: str | None) -> Algorithm | None:
    return next((a for a in _all() if a.signature_uri == uri), None)
