"""Receipt acknowledgements: the customer's answer to a delivery, recorded against it in the register.

A receipt says which delivery was checked, when, with which verdict and findings, and, for an update, whether
it was applied. From the command line (`ietm verify-delivery DIR --receipt FILE`) it is a JSON file, signed
with the customer's key when they have one (`FILE.sig` or `FILE.xsig`, statement kind `receipt`); the bundle
sends its receipt to the server itself. A signed receipt is checked against the certificate the register
keeps for that customer (`ietm deliveries customer`), and only that one: a receipt signed by anyone else is
recorded as untrusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path

from cryptography import x509

from ietm.deliver.check import Checked
from ietm.deliver.register import Receipt
from ietm.errors import InputError
from ietm.sign.formats import sign_bytes, signature_of, verify_bytes
from ietm.sign.trust import Policy, TrustStore

KIND = "receipt"


class _CustomerPolicy(Policy):
    """The customer's own registered certificate may approve their receipt; nothing else is asked of it."""

    def may_approve(self, cert: x509.Certificate, kind: str) -> tuple[str, str]:
        return "valid", "the customer's registered certificate"


def make(checked: Checked, applied: bool = False) -> dict:
    r = checked.record or {}
    return {
        "format": 1, "kind": KIND, "id": uuid.uuid4().hex, "delivery": r.get("id"), "customer": r.get("customer"),
        "verdict": checked.verdict, "applied": applied,
        "checkedAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "counts": checked.to_dict()["counts"],
        "findings": [{"state": f.state, "path": f.path, "detail": f.detail} for f in checked.findings],
    }


def dumps(receipt: dict) -> bytes:
    return json.dumps(receipt, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def sign(creds, path: Path, data: bytes, receipt: dict, fmt: str | None) -> tuple[Path, bytes]:
    suffix, signature = sign_bytes(creds, path.name, data, {
        "kind": KIND, "object": receipt["delivery"], "file": path.name, "sha256": hashlib.sha256(data).hexdigest(),
        "signer": creds.cert.subject.rfc4514_string()}, fmt)
    return path.with_name(path.name + suffix), signature


def loads(data: bytes, display: str) -> dict:
    try:
        receipt = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"not a receipt (JSON): {exc}", display) from None
    if not isinstance(receipt, dict) or receipt.get("kind") != KIND or not isinstance(receipt.get("id"), str) \
            or not isinstance(receipt.get("delivery"), str) or not isinstance(receipt.get("findings", []), list):
        raise InputError("not a receipt of a delivery (kind receipt, id, delivery, verdict, findings)", display)
    return receipt


def read(path: Path, certificate_pem: str | None, recorded_by: str | None) -> Receipt:
    """A receipt file and the state of its signature (checked against the customer's registered certificate)."""
    data = path.read_bytes()
    receipt = loads(data, str(path))
    status, signer = "unsigned", None
    sig = signature_of(path)
    if sig is not None:
        if certificate_pem:
            store = TrustStore.of([x509.load_pem_x509_certificate(certificate_pem.encode())], _CustomerPolicy())
        else:
            store = TrustStore([], [], [], Policy())  # nobody registered: any signature is untrusted
        outcome = verify_bytes(sig, {path.name: data}, store, KIND)
        status, signer = outcome.status, outcome.signer
    return Receipt(receipt["id"], receipt["delivery"], str(receipt.get("verdict")), bool(receipt.get("applied")),
                   receipt.get("checkedAt"), receipt.get("findings") or [], status, signer, "file", recorded_by)
