"""The delivery record (`delivery.json`) and the update record (`update.json`), signed beside themselves.

A record is JSON: what was delivered to whom (customer, products, the source release, the date, the supplier
who signed), the S1000D objects it holds, what the DML requires for those products, and `files`: every file
of the delivered set with its SHA-256 and size, in the same form as a bundle's manifest.json, so the
browser's verifier (viewer/static/js/verify.js) reads it too. It is signed detached, as every ietm signature
(`delivery.json.sig` CAdES or `delivery.json.xsig` XML Signature), with an approval statement of kind
`delivery`; the signing policy names who may approve one (`[approve] delivery`).

`trust` in the record carries the supplier's trust anchors and the roles allowed to approve a delivery: the
bundle's start page checks with them, and a customer who configured no trust store of their own is told that
such a check guards against accidental change only (whoever rewrites a delivery whole can embed their own).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ietm.errors import InputError
from ietm.sign.formats import sign_bytes, signature_of, verify_bytes
from ietm.sign.manifest import parse_bundle
from ietm.sign.trust import Policy, TrustStore, subject_name
from ietm.sign.verify import Outcome

RECORD = "delivery.json"
UPDATE = "update.json"
FORMAT = 1
KIND = "delivery"  # the approval statement's kind, and the policy's [approve] key
KINDS = ("delivery", "update")


def dumps(record: dict) -> bytes:
    """The bytes that are signed: one stable form (sorted keys, UTF-8), so the same record gives the same file."""
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def loads(data: bytes, display: str) -> dict:
    """A record, once its shape holds: format, kind, id and files with paths inside the set (InputError else)."""
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"not a delivery record (JSON): {exc}", display) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT or record.get("kind") not in KINDS:
        raise InputError(f"not a delivery record of format {FORMAT} (kind delivery or update)", display)
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise InputError("the delivery record has no id", display)
    parse_bundle(data, display)  # files: {path: {sha256, size}}, every path inside the set
    for key in ("products", "objects", "required", "deleted"):
        if not isinstance(record.get(key, []), list):
            raise InputError(f"the delivery record's {key} is not a list", display)
    return record


def files_of(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, dict]:
    """Every file under `folder` (hidden ones aside) with its SHA-256 and size, but the names in `skip`."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and rel.as_posix() not in skip and not any(part.startswith(".") for part in rel.parts):
            data = p.read_bytes()
            out[rel.as_posix()] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return out


def own_files(name: str) -> tuple[str, ...]:
    """A record and its signature files: never listed in the record itself."""
    from ietm.sign.formats import SUFFIXES

    return (name, *(name + s for s in SUFFIXES))


def sign(creds, path: Path, data: bytes, record: dict, fmt: str | None) -> tuple[Path, bytes]:
    """(signature file, its bytes) for a record about to be written at `path`."""
    suffix, signature = sign_bytes(creds, path.name, data, {
        "kind": KIND, "object": record["id"], "file": path.name, "sha256": hashlib.sha256(data).hexdigest(),
        "signer": creds.cert.subject.rfc4514_string()}, fmt)
    return path.with_name(path.name + suffix), signature


def check_signature(path: Path, data: bytes, store: TrustStore, signature: Path | None = None) -> Outcome:
    """The Outcome of the record's detached signature over `data` (status "unsigned" when it has none)."""
    signature = signature or signature_of(path)
    if signature is None or not signature.is_file():
        return Outcome(str(path), "unsigned", f"no signature ({path.name}.sig or {path.name}.xsig)")
    out = verify_bytes(signature, {path.name: data}, store, KIND)
    out.path = str(path)
    return out


def embedded_trust(store: TrustStore) -> dict:
    """What the record carries for checks without a trust store: anchors (PEM) and the delivery roles."""
    allowed = store.policy.approve.get(KIND, [])
    roles = {how: sorted({v for r in allowed for v in store.policy.roles.get(r, {}).get(how, [])}) for how in ("eku", "ou")}
    pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in [*store.anchors, *store.pinned]]
    return {"anchors": pems, "roles": roles}


def store_of_record(record: dict, display: str) -> TrustStore:
    """A trust store made of the anchors and roles the record itself carries."""
    trust = record.get("trust") or {}
    try:
        certs = [x509.load_pem_x509_certificate(p.encode()) for p in trust.get("anchors", [])]
    except (ValueError, TypeError, AttributeError):
        raise InputError("the delivery record's trust anchors are not PEM certificates", display) from None
    if not certs:
        raise InputError("the delivery record carries no trust anchors; give --trust", display)
    roles = trust.get("roles") or {}
    policy = Policy({"supplier": {"eku": list(roles.get("eku", [])), "ou": list(roles.get("ou", []))}},
                    {KIND: ["supplier"]}, f"{display} (embedded)")
    return TrustStore.of(certs, policy)


def signer_of(creds) -> str:
    return subject_name(creds.cert)
