"""Signed statements of the signing register: small XML documents, each with a detached signature beside it.

A change of the register of holders and a step of an approval route are both such statements
(schemas/register/register.xsd). They are signed like an object: a detached signature over the statement's
exact bytes, made with the signer's own key (`NAME.sig`, CAdES, for GOST keys; `NAME.xsig`, XML Signature,
for the others: ietm.sign.formats), so one verifier serves objects and statements.
Who may sign a statement is decided by the register itself, not by the role EKUs of the signing policy:
here the certificate only has to be trusted (chain, validity at the statement's time, not revoked).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from lxml import etree

from ietm.errors import ConfigError, InputError
from ietm.parse.loader import load_own
from ietm.paths import SCHEMAS
from ietm.sign.trust import TrustStore, Verdict, fingerprint, subject_name

NS = "urn:ietm:register:1"
SCHEMA = SCHEMAS / "register" / "register.xsd"
MAX_BYTES = 256 * 1024


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def utc(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    try:
        return etree.XMLSchema(etree.parse(str(SCHEMA)))
    except (OSError, etree.XMLSchemaParseError) as exc:
        raise ConfigError(f"register schema unreadable: {exc}", str(SCHEMA)) from None


def serialize(root: etree._Element) -> bytes:
    """The statement's bytes, checked against the schema before anything is signed."""
    schema().assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def parse(data: bytes, display: str) -> etree._Element:
    """A statement read safely (no DTD, no entities, no network) and valid against the register schema."""
    root = load_own(data, display, "register statement")
    if not schema().validate(root):
        err = schema().error_log.last_error
        raise InputError(f"not a valid register statement: {err.message}", display, err.line)
    return root


def signature_file(path: Path) -> Path | None:
    from ietm.sign.formats import SUFFIXES

    found = [path.with_name(path.name + s) for s in SUFFIXES if path.with_name(path.name + s).is_file()]
    if len(found) > 1:
        raise InputError(f"has two signatures ({', '.join(f.name for f in found)}); keep one", str(path))
    return found[0] if found else None


def trusted_at(store: TrustStore, cert: x509.Certificate, chain: list[x509.Certificate], when: dt.datetime) -> Verdict:
    """Chain, validity and key usage period at `when` and revocation of a statement's signer; the register
    judges roles, not the policy."""
    verdict = store.evaluate(cert, chain, "register", when, signed_at=when)
    return Verdict("valid", "trusted") if verdict.status in ("valid", "role") else verdict


def sign(creds, path: Path, data: bytes, kind: str, fmt: str | None = None) -> tuple[Path, bytes]:
    """The detached signature (its path and bytes) of statement `path` whose bytes are `data`, in the
    format of the key (CAdES `.sig` for GOST keys, XML Signature `.xsig` for the others; ietm.sign.formats)."""
    from ietm.sign.formats import sign_bytes

    suffix, signature = sign_bytes(creds, path.name, data, {"kind": kind, "file": path.name,
                                                            "signer": subject_name(creds.cert)}, fmt)
    return path.with_name(path.name + suffix), signature


class SignerNotTrusted(InputError):
    """A statement whose signature holds but whose signer was not trusted when signing: `status` (revoked,
    expired, untrusted ...) tells why, so that an approval route reports it as `ietm verify` does a signature."""

    def __init__(self, status: str, message: str, path: str) -> None:
        super().__init__(message, path)
        self.status = status


@dataclass
class Signed:
    """A statement whose signature holds: its root, bytes, signer certificate and the certificates it carried."""

    path: Path
    root: etree._Element
    data: bytes
    cert: x509.Certificate
    chain: list[x509.Certificate]

    @property
    def signer(self) -> str:
        return subject_name(self.cert)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.cert)

    @property
    def time(self) -> dt.datetime:
        return parse_utc(self.root.get("time"))


def read(path: Path, store: TrustStore) -> Signed:
    """Read statement `path`, check its signature over its exact bytes and its signer's trust at its time.

    Raises InputError naming the file and what is wrong; never returns an unchecked statement.
    """
    from ietm.sign.formats import verify_bytes

    display = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"is over {MAX_BYTES} bytes; not a register statement", display)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", display) from None
    root = parse(data, display)
    sig_file = signature_file(path)
    if sig_file is None:
        raise InputError("has no signature beside it", display)
    outcome = verify_bytes(sig_file, {path.name: data}, store, None)
    if outcome.cert is None or outcome.status in ("invalid", "icn", "certificate"):
        raise InputError(f"signature does not hold: {outcome.reason}", display)
    signed = Signed(path, root, data, outcome.cert, [outcome.cert])
    verdict = trusted_at(store, signed.cert, signed.chain, signed.time)
    if verdict.status != "valid":
        raise SignerNotTrusted(verdict.status, f"signer not trusted at {root.get('time')}: {verdict.reason}", display)
    return signed
