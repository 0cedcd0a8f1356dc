"""The two detached signature formats, side by side: CAdES-BES (`OBJECT.sig`) and XML Signature (`OBJECT.xsig`).

Both cover the exact bytes of a file and carry the same approval statement (ietm:approval: what was
approved, QA level, signer's clock, the signer's certificate fingerprint, and each illustration the
module declares with the digest of its file). CAdES is what Russian document systems and CIPF tools
exchange and the default for GOST keys; XML Signature is for XML consumers and the default for the others.
A verifier looks for `.sig` first, then `.xsig`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from ietm.errors import InputError, Refused
from ietm.sign import gost
from ietm.sign.detached import APPROVAL_NS, Credentials, approval, serialize
from ietm.sign.gost import GostPrivateKey
from ietm.sign.signer import SignedFile
from ietm.sign.trust import fingerprint

FORMATS = ("cades", "xml")
SUFFIX = {"cades": ".sig", "xml": ".xsig"}
SUFFIXES = tuple(SUFFIX.values())


def default_format(creds: Credentials) -> str:
    """CAdES for GOST keys (what a qualified signature is exchanged as) and external signers, XML Signature
    for the others."""
    return "cades" if isinstance(creds.key, GostPrivateKey) or creds.key is None else "xml"


def signature_of(path: Path) -> Path | None:
    """The detached signature beside `path`: OBJECT.sig, else OBJECT.xsig; None when it has neither."""
    for suffix in SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def signed_name(sig: Path) -> str:
    """The name of the file a signature file covers (DMC-...XML.sig -> DMC-...XML)."""
    for suffix in SUFFIXES:
        if sig.name.endswith(suffix):
            return sig.name[: -len(suffix)]
    raise InputError(f"not a signature file (its name ends in neither {' nor '.join(SUFFIXES)})", str(sig))


def digest_name(creds: Credentials) -> str:
    """The digest the statement's illustration entries use: Streebog for GOST keys, SHA-256 otherwise."""
    from ietm.sign.certs import is_gost

    return "streebog256" if is_gost(creds.cert) else "sha256"


def file_digest(name: str, data: bytes) -> str:
    import hashlib

    return gost.streebog256(data).hex() if name == "streebog256" else hashlib.sha256(data).hexdigest()


def illustrations(folder: Path, entities: dict[str, str], digest: str) -> list[dict[str, str]]:
    """Each ICN entity a module declares, with the digest of the file it names (when that file is beside it)."""
    out = []
    for entity, system in sorted(entities.items()):
        entry = {"entity": entity, "file": system}
        plain = "/" not in system and "\\" not in system and ":" not in system and system not in ("", ".", "..")
        if plain and (folder / system).is_file():
            entry[digest] = file_digest(digest, (folder / system).read_bytes())
        out.append(entry)
    return out


def statement(creds: Credentials, attrs: dict[str, str | None], icns: list[dict[str, str]] = (),
              when: dt.datetime | None = None) -> etree._Element:
    """The approval statement: `attrs` must hold "kind"; the signer's certificate and signing time are added."""
    values = dict(attrs)
    kind = values.pop("kind", None)
    if not kind:
        raise InputError("an approval statement needs its kind")
    values.setdefault("certificate", fingerprint(creds.cert))
    el = approval(kind, values)
    if when is not None:
        el.set("signedAt", when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    for icn in icns:
        etree.SubElement(el, f"{{{APPROVAL_NS}}}icn", {k: v for k, v in icn.items() if v is not None})
    return el


def sign_bytes(creds: Credentials, name: str, data: bytes, attrs: dict[str, str | None], fmt: str | None = None,
               icns: list[dict[str, str]] = ()) -> tuple[str, bytes]:
    """(suffix, signature bytes) of a detached signature over `data`, the file called `name`, in `fmt`
    ("cades" or "xml"; None: the key's default)."""
    from ietm.sign import cades

    from ietm.sign.external import ExternalSigner

    fmt = fmt or default_format(creds)
    if fmt not in FORMATS:
        raise Refused(f"unknown signature format {fmt}; one of {', '.join(FORMATS)}")
    if isinstance(creds, ExternalSigner):
        if fmt != "cades":
            raise Refused("an external signer makes CAdES signatures (.sig) only; drop --signature xml")
        return SUFFIX[fmt], creds.sign(name, data)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    el = statement(creds, attrs, icns, now)
    if fmt == "cades":
        return SUFFIX[fmt], cades.sign(creds.key, creds.chain, data, el, now)
    return SUFFIX[fmt], serialize(creds.algorithm.sign(creds.key, creds.chain, [SignedFile(name, data)], el))


def verify_bytes(sig_file: Path, files: dict[str, bytes], store, kind: str | None):
    """The Outcome of `sig_file` over the given bytes (name -> data) rather than files beside it."""
    from urllib.parse import unquote

    from ietm.sign.verify import check_signature

    return check_signature(sig_file, store, list(files), kind, resolve=lambda uri: files.get(unquote(uri)))
