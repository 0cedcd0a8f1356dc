"""Verifying signatures: one object, a release manifest with every file it lists, or a folder of either.

Each outcome has one status (trust.STATUSES) and a reason a person can act on; `changed` names the
files whose bytes differ from what was signed. The cryptography is checked first: an altered file is
"invalid" whoever signed it; trust, validity period, revocation and role come after, in that order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from cryptography import x509
from lxml import etree

from ietm.errors import IetmError, InputError
from ietm.sign.detached import APPROVAL_NS, SIG_SUFFIX
from ietm.sign.formats import SUFFIXES, signature_of
from ietm.sign.manifest import BUNDLE_MANIFEST, MANIFEST_NAME, RELEASE_NS, parse, parse_bundle
from ietm.sign.reasons import joined, reason
from ietm.sign.signer import APPROVAL_ID, SignatureMismatch, ds, for_uri
from ietm.sign.trust import TrustStore, fingerprint, subject_name

MAX_SIG_BYTES = 4 * 1024 * 1024
#: file names of S1000D objects: one of these in a release folder but not in its manifest was slipped in
OBJECT_PREFIXES = ("DMC-", "DME-", "PMC-", "PME-", "DML-", "DDN-", "COM-", "IMF-")


@dataclass
class Outcome:
    path: str
    status: str
    reason: str
    signature: str | None = None
    signer: str | None = None
    roles: list[str] = field(default_factory=list)
    signed_at: str | None = None
    kind: str | None = None
    object: str | None = None
    issue: str | None = None
    verification: str | None = None
    changed: list[str] = field(default_factory=list)
    format: str | None = None          # cades | xml
    algorithm: str | None = None       # gost2012-256, gost2012-512, ecdsa-p256, rsa-pss ...
    fingerprint: str | None = None     # SHA-256 of the signer's certificate, hex
    serial: str | None = None          # the signer certificate's serial number, hex
    issuer: str | None = None          # its issuer, RFC 4514
    qualified: dict | None = None      # ietm.sign.qualified.read(cert).to_dict()
    cert: x509.Certificate | None = field(default=None, repr=False, compare=False)

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "cert"}
        out["valid"] = self.valid
        return out

    def describe_signer(self, cert: x509.Certificate) -> None:
        from ietm.sign.certs import name_text
        from ietm.sign.qualified import read

        self.cert, self.signer = cert, subject_name(cert)
        self.fingerprint, self.serial = fingerprint(cert), f"{cert.serial_number:x}"
        self.issuer = name_text(cert.issuer)
        self.qualified = read(cert).to_dict()


def read_signature(path: Path) -> etree._Element:
    """A signature file parsed without DTDs, entities or network; its root must be ds:Signature."""
    try:
        if path.stat().st_size > MAX_SIG_BYTES:
            raise InputError(f"signature file is over {MAX_SIG_BYTES} bytes", str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the signature: {exc.strerror}", str(path)) from None
    from ietm.parse.loader import load_own

    root = load_own(data, str(path), "signature file")
    if root.tag != ds("Signature"):
        raise InputError(f"not an XML Signature (root is <{etree.QName(root).localname}>, not ds:Signature)", str(path))
    return root


def _certificates(sig: etree._Element) -> list[x509.Certificate]:
    out = []
    for el in sig.iterfind(f"{ds('KeyInfo')}/{ds('X509Data')}/{ds('X509Certificate')}"):
        from base64 import b64decode

        out.append(x509.load_der_x509_certificate(b64decode("".join((el.text or "").split()))))
    return out


def _signer_cert(certs: list[x509.Certificate]) -> x509.Certificate:
    """The end-entity certificate: the one that issued none of the others (X509Data has no order)."""
    for c in certs:
        if not any(o.issuer == c.subject and o is not c for o in certs):
            return c
    return certs[0]


def _resolver(folder: Path, seen: dict[str, bytes]) -> Callable[[str], bytes | None]:
    """Reads referenced files beside the signature; `seen` keeps the bytes that were checked, so callers
    use exactly those (a file swapped after its digest was checked cannot slip in)."""
    def resolve(uri: str) -> bytes | None:
        name = unquote(uri)
        if "/" in name or "\\" in name or ":" in name or name in ("", ".", ".."):
            return None  # only files beside the signature: never elsewhere on disk, never the network
        if name not in seen:
            try:
                seen[name] = (folder / name).read_bytes()
            except OSError:
                return None
        return seen[name]
    return resolve


class _Failed(Exception):
    """A signature that does not hold, with its status (invalid or certificate) and reason."""

    def __init__(self, status: str, reason: str, changed: list[str] | None = None) -> None:
        super().__init__(reason)
        self.status, self.reason, self.changed = status, reason, changed or []


@dataclass
class _Checked:
    """What the cryptography of one signature file established, whatever its format."""

    format: str
    algorithm: str
    cert: x509.Certificate
    certs: list[x509.Certificate]
    files: list[str]
    changed: list[str]
    approval: etree._Element | None
    signed_at: dt.datetime | None


def _claimed_certificate(approval: etree._Element | None) -> str | None:
    return approval.get("certificate") if approval is not None and approval.tag == f"{{{APPROVAL_NS}}}approval" else None


def _check_xml(sig_file: Path, resolve, out: Outcome) -> _Checked:
    sig = read_signature(sig_file)
    try:
        certs = _certificates(sig)
    except ValueError:
        raise _Failed("invalid", reason("cert_unreadable")) from None
    if not certs:
        raise _Failed("invalid", reason("no_cert"))
    cert = _signer_cert(certs)
    out.describe_signer(cert)
    method = sig.find(f"{ds('SignedInfo')}/{ds('SignatureMethod')}")
    algorithm = for_uri(method.get("Algorithm") if method is not None else None)
    if algorithm is None:
        raise _Failed("invalid", reason("algorithm", algorithm=method.get("Algorithm") if method is not None else "(none)"))
    try:
        checked = algorithm.verify(sig, cert, resolve)
    except SignatureMismatch as exc:
        # the statement names the certificate it was made with; unproven here, it only tells the two failures apart
        objects = [o for o in sig.iterfind(ds("Object")) if o.get("Id") == APPROVAL_ID]
        claimed = _claimed_certificate(next((c for c in objects[0] if isinstance(c.tag, str)), None) if objects else None)
        if not exc.changed and claimed and claimed != fingerprint(cert):
            raise _Failed("certificate", reason("wrong_key", claimed=claimed[:16], signer=subject_name(cert))) from None
        raise _Failed("invalid", exc.reason, exc.changed) from None
    signed_at = None
    if checked.approval is not None and checked.approval.get("signedAt"):
        signed_at = _instant(checked.approval.get("signedAt"))
    return _Checked("xml", algorithm.name, cert, certs, [unquote(u) for u in checked.files],
                    [unquote(u) for u in checked.changed], checked.approval, signed_at)


def _check_cades(sig_file: Path, resolve, out: Outcome) -> _Checked:
    from ietm.sign import cades
    from ietm.sign.formats import signed_name

    try:
        raw = sig_file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the signature: {exc.strerror}", str(sig_file)) from None
    p = cades.parse(raw, str(sig_file))
    if p.signer is None:
        raise _Failed("certificate", reason("cert_absent", sid=p.sid))
    out.describe_signer(p.signer)
    if p.digest_oid not in cades.DIGESTS:
        raise _Failed("invalid", reason("digest_algorithm", algorithm=p.digest_oid))
    if not cades.signature_holds(p, p.signer):
        if p.ess is not None and not cades.cert_hash_matches(p, p.signer):
            raise _Failed("certificate", reason("cert_not_named_nor_key", signer=subject_name(p.signer)))
        raise _Failed("invalid", reason("value"))
    if p.ess is None:
        raise _Failed("invalid", reason("no_ess"))
    if not cades.cert_hash_matches(p, p.signer):
        raise _Failed("certificate", reason("cert_not_named", signer=subject_name(p.signer)))
    if p.content_type != "1.2.840.113549.1.7.1" or p.message_digest is None:
        raise _Failed("invalid", reason("no_digest_attr"))
    name = signed_name(sig_file)
    data = resolve(name)
    changed = [name] if data is None or not cades.covers(p, data) else []
    signed_at = p.signing_time
    if signed_at is None and p.approval is not None and p.approval.get("signedAt"):
        signed_at = _instant(p.approval.get("signedAt"))
    return _Checked("cades", cades.algorithm_of(p), p.signer, p.certs, [name], changed, p.approval, signed_at)


def signed_by(out: Outcome):
    """"signed by NAME on TIME" (the time when the signature states one)."""
    return reason("signed_by_on", signer=out.signer, when=out.signed_at) if out.signed_at \
        else reason("signed_by", signer=out.signer)


def unsigned(path: Path):
    """Why `path` counts as unsigned: neither of its signature files is there."""
    return reason("unsigned", names=joined([path.name + s for s in SUFFIXES], "or"))


def _instant(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def _icn_verdict(checked: _Checked, resolve) -> str | None:
    """Why the illustrations differ from what was signed (None: as signed, or the statement names none).

    With the module's bytes changed: its ICN entity declarations against the signed list. With the module as
    signed: the file each declared entity names against its signed digest.
    """
    from ietm.sign.formats import file_digest

    a = checked.approval
    if a is None or a.tag != f"{{{APPROVAL_NS}}}approval" or a.get("kind") == "release":
        return None
    signed = {e.get("entity"): e for e in a.iterfind(f"{{{APPROVAL_NS}}}icn")}
    if not signed:  # a statement that names no illustration (another tool's, or a module without any)
        return None
    name = checked.files[0] if checked.files else None
    if checked.changed:
        data = resolve(name) if name else None
        if data is None:
            return None
        try:
            from ietm.parse.loader import load_bytes

            now = load_bytes(data, name).entities
        except IetmError:
            return None
        was = {k: e.get("file") for k, e in signed.items()}
        if now == was:
            return None
        diffs = [reason("icn_renamed", entity=k, now=now[k], was=was[k]) for k in sorted(set(now) & set(was))
                 if now[k] != was[k]]
        diffs += [reason("icn_added", entity=k, now=now[k]) for k in sorted(set(now) - set(was))]
        diffs += [reason("icn_removed", entity=k, was=was[k]) for k in sorted(set(was) - set(now))]
        return reason("icn_entities", file=name, diffs=joined(diffs))
    for entity, e in sorted(signed.items()):
        for digest in ("streebog256", "sha256"):
            if e.get(digest):
                data = resolve(e.get("file") or "")
                if data is None:
                    return reason("icn_missing", file=e.get("file"), entity=entity)
                if file_digest(digest, data) != e.get(digest):
                    return reason("icn_changed", file=e.get("file"), entity=entity)
    return None


def check_signature(sig_file: Path, store: TrustStore, expect: list[str], kind: str | None = None,
                    seen: dict[str, bytes] | None = None,
                    resolve: Callable[[str], bytes | None] | None = None) -> Outcome:
    """Verify `sig_file` (CAdES `.sig` or XML `.xsig`), which must cover exactly the files `expect` (names
    beside it, or what `resolve` returns for them).

    `seen` receives the bytes of the covered files as they were checked.
    """
    out = Outcome(str(sig_file), "invalid", "", signature=str(sig_file))
    resolve = resolve or _resolver(sig_file.parent, {} if seen is None else seen)
    try:
        checked = (_check_xml if sig_file.name.endswith(SIG_SUFFIX) else _check_cades)(sig_file, resolve, out)
    except _Failed as exc:
        out.status, out.reason, out.changed = exc.status, exc.reason, exc.changed
        return out
    except InputError as exc:
        out.reason = exc.message
        return out
    out.format, out.algorithm = checked.format, checked.algorithm
    out.signed_at = checked.signed_at.strftime("%Y-%m-%dT%H:%M:%SZ") if checked.signed_at else None
    if sorted(checked.files) != sorted(expect):
        out.reason = reason("covers", files=", ".join(checked.files) or reason("no_file"), expected=", ".join(expect))
        return out
    a = checked.approval
    if a is not None and a.tag == f"{{{APPROVAL_NS}}}approval":
        out.kind, out.object = a.get("kind"), a.get("object")
        out.issue, out.verification = a.get("issue"), a.get("verification")
    if kind and out.kind and out.kind != kind:  # the policy judges what the file is, not what it was called
        out.reason = reason("kind", signed=out.kind, files=", ".join(expect), kind=kind)
        return out
    out.kind = kind or out.kind
    icn = _icn_verdict(checked, resolve)
    if icn:
        out.status, out.reason, out.changed = "icn", icn, checked.changed
        return out
    if checked.changed:
        out.changed = checked.changed
        digest = reason("streebog" if "gost" in checked.algorithm else "digest")
        out.reason = joined([reason("changed", file=c, digest=digest) if resolve(c) is not None
                             else reason("file_missing", file=c) for c in checked.changed])
        return out
    out.roles = store.policy.roles_of(checked.cert)
    verdict = store.evaluate(checked.cert, checked.certs, out.kind or "dm", signed_at=checked.signed_at)
    out.status, out.reason = verdict.status, verdict.reason
    if verdict.status == "valid":
        out.reason = joined([signed_by(out), verdict.reason])
    return out


_ROOT_KINDS = {"dmodule": "dm", "pm": "pm", "dml": "dml", "ddn": "ddn", "comment": "comment", "icnMetadataFile": "imf"}


def _kind(path: Path) -> str | None:
    """The object's kind from its root element, reading no further than the root's start tag."""
    try:
        for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False, load_dtd=False,
                                     no_network=True, huge_tree=False):
            return _ROOT_KINDS.get(etree.QName(el).localname)
    except (etree.XMLSyntaxError, OSError):
        return None
    return None


def verify_object(path: Path, store: TrustStore) -> Outcome:
    sig = signature_of(path)
    if not path.is_file():
        return Outcome(str(path), "invalid", reason("object_missing"), signature=str(sig) if sig else None,
                       changed=[path.name])
    if sig is None:
        return Outcome(str(path), "unsigned", unsigned(path))
    kind = _kind(path)
    out = check_signature(sig, store, [path.name], kind)
    out.path = str(path)
    return out


def verify_release(manifest: Path, store: TrustStore) -> list[Outcome]:
    """The manifest's own signature, then every listed file against its SHA-256.

    Two manifests are understood: ietm's release.manifest (objects and ICNs of a CSDB; an S1000D object
    in the folder but not listed was slipped in) and the manifest.json of a published bundle (every file
    of the bundle; any file not listed, signatures aside, was slipped in).
    """
    seen: dict[str, bytes] = {}
    sig = signature_of(manifest)
    head = check_signature(sig, store, [manifest.name], "release", seen) if sig is not None \
        else Outcome(str(manifest), "unsigned", reason("release_unsigned", name=manifest.name))
    head.path = str(manifest)
    if head.status == "invalid":
        return [head]
    data = seen.get(manifest.name) or manifest.read_bytes()
    bundle = manifest.name == BUNDLE_MANIFEST
    try:
        entries = parse_bundle(data, str(manifest)) if bundle else parse(data, str(manifest))[1]
    except InputError as exc:
        return [Outcome(str(manifest), "invalid", exc.message)]
    changed, missing, extra = compare(manifest.parent, entries, manifest.name)
    if changed or missing or extra:
        parts = []
        if extra:
            parts.append(reason("not_in_release", n=len(extra), files=", ".join(extra[:10])))
        if changed:
            parts.append(reason("changed_since_release", n=len(changed), files=", ".join(changed[:10])))
        if missing:
            parts.append(reason("missing_files", n=len(missing), files=", ".join(missing[:10])))
        head.status, head.reason, head.kind, head.changed = "invalid", joined(parts), "release", changed + missing + extra
        return [head]
    head.reason = joined([head.reason, reason("match", n=len(entries))])
    return [head]


def compare(base: Path, entries: list, manifest_name: str) -> tuple[list[str], list[str], list[str]]:
    """Files of a release folder against its manifest: changed, missing, and slipped in (not listed)."""
    changed, missing = [], []
    for e in entries:
        try:
            data = (base / e.path).read_bytes()
        except OSError:
            missing.append(e.path)
            continue
        if sha256(data).hexdigest() != e.sha256:
            changed.append(e.path)
    listed = {e.path for e in entries}
    if manifest_name == BUNDLE_MANIFEST:
        # hidden files and folders (.ietm, where ietm keeps its caches and audit log) are not the bundle's
        present = (p.relative_to(base) for p in base.rglob("*") if p.is_file())
        extra = [r.as_posix() for r in present if not any(part.startswith(".") for part in r.parts)
                 and r.as_posix() not in listed and r.as_posix() != manifest_name and not r.name.endswith(SUFFIXES)]
    else:
        from ietm.sign.manifest import delivered_files

        extra = [p.relative_to(base).as_posix() for p in delivered_files(base)
                 if p.name.upper().startswith(OBJECT_PREFIXES) and p.relative_to(base).as_posix() not in listed]
    return changed, missing, sorted(extra)


def is_release(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            start = f.read(2048)
    except OSError:
        return False
    return RELEASE_NS.encode() in start and b"<release" in start


def verify_path(path: Path, store: TrustStore) -> list[Outcome]:
    """A file (object, signature or manifest) or a folder (the release manifests in it, else each object)."""
    if path.is_dir():
        # a bundle may keep its release below its top folder (e.g. bundle/csdb/release.manifest)
        manifests = sorted(m for m in path.rglob(MANIFEST_NAME)
                           if not any(part.startswith(".") for part in m.relative_to(path).parts))
        if manifests:
            return [o for m in manifests for o in verify_release(m, store)]
        if (path / BUNDLE_MANIFEST).is_file() and signature_of(path / BUNDLE_MANIFEST) is not None:
            return verify_release(path / BUNDLE_MANIFEST, store)
        from ietm.sign.manifest import delivered_files

        objects = [p for p in delivered_files(path) if p.suffix.lower() == ".xml"]
        return [verify_object(p, store) for p in objects]
    if not path.exists() and not path.name.endswith(SUFFIXES):
        raise InputError("no such file or folder", str(path))
    if path.name.endswith(SUFFIXES):
        from ietm.sign.formats import signed_name

        path = path.with_name(signed_name(path))
    if is_release(path) or path.name == BUNDLE_MANIFEST:
        return verify_release(path, store)
    return [verify_object(path, store)]


def load_store(start: Path, trust: tuple[Path, ...] = (), crls: tuple[Path, ...] = (), policy: Path | None = None) -> TrustStore:
    """The trust store for a CSDB: options first, then ietm.toml [sign], then the project's signing/."""
    from ietm.config import load_config
    from ietm.sign.trust import default_places

    config = load_config(start)
    d_trust, d_crls, d_policy = default_places(config.values, config.source.parent if config.source else None)
    return TrustStore.load(list(trust) or d_trust, [*crls, *d_crls], policy or d_policy)


def signature_status(path: str | Path) -> dict:
    """For the viewer's badge: is this object signed, by whom, when, valid or not and why.

    Keys: those of Outcome.to_dict (status, reason, signer, roles, signed_at, object, issue, verification,
    signature, format, algorithm, fingerprint, serial, issuer, qualified ...) and signed (bool). Never raises
    for a bad signature.
    """
    p = Path(path)
    try:
        from ietm.sign import route

        store = load_store(p if p.is_dir() else p.parent)
        out = verify_object(p, store)
        route.judge_all([out], p if p.is_dir() else p.parent, store)
    except IetmError as exc:
        out = Outcome(str(p), "untrusted", reason("cannot_check", error=str(exc)))
        if signature_of(p) is None:
            out.status, out.reason = "unsigned", unsigned(p)
    d = out.to_dict()
    d["signed"] = out.status != "unsigned"
    return d
