"""Signing objects: the approval statement, the detached signature beside the object, the atomic write.

`DMC-...XML` is signed by `DMC-...XML.sig` (CAdES-BES, DER) or `DMC-...XML.xsig` (XML Signature) in the same
folder (ietm.sign.formats), so object and signature travel together and a verifier finds one from the other.
Neither suffix is `.xml` on purpose: every CSDB scanner (validate, BREX, catalog) takes `*.xml` files for
S1000D objects, and a signature is not one.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from cryptography import x509
from lxml import etree

from ietm.errors import IetmError, InputError, Refused
from ietm.parse.loader import load_bytes
from ietm.parse.model import CsdbObject, describe
from ietm.sign.keys import PrivateKey
from ietm.sign.reasons import named, reason
from ietm.sign.signer import Algorithm, for_key
from ietm.sign.trust import TrustStore, subject_name

APPROVAL_NS = "urn:ietm:signature:1"
SIG_SUFFIX = ".xsig"
SIGNABLE = ("dm", "pm", "dml", "ddn", "comment", "imf")


def sig_path(path: Path) -> Path:
    return path.with_name(path.name + SIG_SUFFIX)


def approval(kind: str, attrs: dict[str, str | None]) -> etree._Element:
    """What the signer states: which object, which issue, what QA level, when (the signer's clock)."""
    el = etree.Element(f"{{{APPROVAL_NS}}}approval", nsmap={"ietm": APPROVAL_NS})
    el.set("kind", kind)
    for name, value in attrs.items():
        if value is not None:
            el.set(name, value)
    el.set("signedAt", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return el


def serialize(signature: etree._Element) -> bytes:
    return etree.tostring(signature, xml_declaration=True, encoding="UTF-8") + b"\n"


@dataclass
class Credentials:
    """The signer: private key, certificate (first) and any chain certificates, and its algorithm."""

    key: PrivateKey
    chain: list[x509.Certificate]
    algorithm: Algorithm

    @property
    def cert(self) -> x509.Certificate:
        return self.chain[0]

    @classmethod
    def of(cls, key: PrivateKey, chain: list[x509.Certificate], display: str) -> Credentials:
        from ietm.sign.keys import public_key_matches

        if not chain:
            raise InputError("no certificate given for the key", display)
        match = [c for c in chain if public_key_matches(key, c)]
        if not match:
            raise Refused("the certificate does not belong to the private key (public keys differ)", display)
        algorithm = for_key(key)
        if algorithm is None:
            raise Refused("no signature algorithm for this key: ietm signs with GOST R 34.10-2012 (256 or 512 bit), "
                          "ECDSA P-256 or RSA (2048 bits or more, PSS)", display)
        return cls(key, [match[0], *[c for c in chain if c is not match[0]]], algorithm)

    def approve_check(self, store: TrustStore, kind: str, display: str) -> None:
        """Refuse before signing what a verifier would reject: untrusted, expired, revoked, wrong role."""
        verdict = store.evaluate(self.cert, self.chain, kind)
        if verdict.status != "valid":
            raise Refused(reason("may_not_sign", signer=subject_name(self.cert), kind=named("kind", kind),
                                 why=verdict.reason), display)


@dataclass
class Signed:
    """A signing prepared in memory: the object's new bytes (None if unchanged) and its signature."""

    path: Path
    signature: Path
    obj: CsdbObject
    sha256: str
    data: bytes | None
    signature_data: bytes
    read_digest: str  # SHA-256 of the object as it was read

    def write(self) -> None:
        """Write object and signature, unless someone changed the object since it was read; a signature of
        the other format left from before is removed (it no longer matches the object)."""
        from ietm.sign.formats import SUFFIXES

        try:
            now = sha256(self.path.read_bytes()).hexdigest()
        except OSError as exc:
            raise IetmError(f"cannot read: {exc.strerror}", str(self.path)) from None
        if now != self.read_digest:
            raise Refused("changed on disk while it was being signed; nothing written, sign it again", str(self.path))
        write_together([(self.path, self.data), (self.signature, self.signature_data)])
        for suffix in SUFFIXES:
            other = self.path.with_name(self.path.name + suffix)
            if other != self.signature:
                other.unlink(missing_ok=True)


@dataclass
class Examined:
    """An object found fit to approve: what it is, and the bytes to sign (QA status set)."""

    path: Path
    obj: CsdbObject
    data: bytes
    changed: bool  # whether `data` differs from the file (the QA status was set)
    read_digest: str
    entities: dict[str, str]  # the ICN entities the object declares: name -> file


def examine(path: Path, level: str | None, vtype: str | None, check, unverified_ok: bool = False) -> Examined:
    """Refusals that need no key: kind, in-work issue, QA status, and `check(data, display)` problems.

    `unverified_ok`: an approval route's first steps sign a module before anyone has verified it.
    """
    from ietm.parse.loader import load
    from ietm.sign.qa import set_qa

    display = str(path)
    doc = load(path)
    obj = describe(doc)
    if obj.kind not in SIGNABLE:
        raise Refused(f"is a {obj.kind}; ietm signs {', '.join(SIGNABLE)} objects (ICNs are covered by a release)", display)
    if obj.in_work:
        raise Refused(f"issue {obj.issue} is in work (inWork is not 00); only an official issue can be approved", display)
    data = doc.data
    if level:
        data = set_qa(data, display, level, vtype or "tabtop")
    elif obj.kind in ("dm", "pm") and obj.qa in (None, "unverified") and not unverified_ok:
        raise Refused("the module is unverified: give --verification first (or second) to set its QA status", display)
    problems = check(data, display)
    if problems:
        raise Refused(f"fails checks, so it cannot be approved: {problems[0]}"
                      + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""), display)
    if data != doc.data:
        obj = describe(load_bytes(data, display))
    return Examined(path, obj, data, data != doc.data, sha256(doc.data).hexdigest(), dict(doc.entities))


def sign_examined(e: Examined, creds: Credentials, store: TrustStore, fmt: str | None = None,
                  route_step: dict[str, str] | None = None) -> Signed:
    """The signature (`fmt`: cades or xml; None: the key's default) over an examined object, if the signer
    may approve its kind; it states the object, its QA status and each illustration the object declares.

    `route_step` (eskdRole, step): the signature is a step of an approval route, whose signer the signing
    register has already admitted (ietm.sign.route); the policy's roles are then not asked.
    """
    from ietm.sign.formats import digest_name, illustrations, sign_bytes

    if route_step is None:
        creds.approve_check(store, e.obj.kind, str(e.path))
    digest = sha256(e.data).hexdigest()
    attrs = {"kind": e.obj.kind, "object": e.obj.key, "issue": e.obj.issue, "language": e.obj.language,
             "file": e.path.name, "sha256": digest, "verification": e.obj.qa, "verificationType": e.obj.qa_type,
             "signer": subject_name(creds.cert), **(route_step or {})}
    icns = illustrations(e.path.parent, e.entities, digest_name(creds))
    suffix, signature = sign_bytes(creds, e.path.name, e.data, attrs, fmt, icns)
    return Signed(e.path, e.path.with_name(e.path.name + suffix), e.obj, digest, e.data if e.changed else None,
                  signature, e.read_digest)


def write_together(files: list[tuple[Path, bytes | None]]) -> None:
    """Replace several files so that a failure leaves all of them as they were (None: leave unchanged).

    Everything is written to temporary files first; the renames come last, and if one fails the files
    already renamed are put back from the bytes they held before.
    """
    staged: list[tuple[Path, str, bytes | None]] = []
    try:
        for path, data in files:
            if data is None:
                continue
            before = path.read_bytes() if path.exists() else None
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((path, tmp, before))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o644)
    except BaseException as exc:
        for _, tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise IetmError(f"cannot write: {exc.strerror or exc}", getattr(exc, "filename", None)) from None
        raise
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, tmp, before in staged:
            os.replace(tmp, path)
            done.append((path, before))
    except BaseException as exc:
        for path, before in reversed(done):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        for _, tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise IetmError(f"cannot write: {exc.strerror or exc}; nothing was changed", str(exc.filename or "")) from None
        raise
