"""Verifying signatures: one object, a release manifest with every file it lists, or a folder of either.

Each outcome has one status (trust.STATUSES) and a reason a person can act on; `changed` names the
files whose bytes differ from what was signed. The cryptography is checked first: an altered file is
"invalid" whoever signed it; trust, validity period, revocation and role come after, in that order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from hashlib import sha256
from pathlib import Path
from urllib.parse import unquote

from cryptography import x509
from lxml import etree

from ietm.errors import IetmError, InputError
from ietm.sign.detached import APPROVAL_NS, SIG_SUFFIX, sig_path
from ietm.sign.manifest import BUNDLE_MANIFEST, MANIFEST_NAME, RELEASE_NS, parse, parse_bundle
from ietm.sign.signer import SignatureMismatch, ds, for_uri
from ietm.sign.trust import TrustStore, subject_name

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

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    def to_dict(self) -> dict:
        return {**asdict(self), "valid": self.valid}


def read_signature(path: Path) -> etree._Element:
    """A signature file parsed without DTDs, entities or network; its root must be ds:Signature."""
    try:
        if path.stat().st_size > MAX_SIG_BYTES:
            raise InputError(f"signature file is over {MAX_SIG_BYTES} bytes", str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the signature: {exc.strerror}", str(path)) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"signature is not well-formed XML: {exc.msg}", str(path), exc.lineno) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise InputError("signature file carries a DTD; refused", str(path))
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


def _resolver(folder: Path, seen: dict[str, bytes]):
    """Reads referenced files beside the signature; `seen` keeps the bytes that were checked, so callers
    use exactly those (a file swapped after its digest was checked cannot slip in)."""
    def resolve(uri: str) -> bytes | None:
        name = unquote(uri)
        if "/" in name or "\\" in name or ":" in name or name in ("", ".", ".."):
            return None  # only files beside the signature: never elsewhere on disk, never the network
        try:
            seen[name] = (folder / name).read_bytes()
        except OSError:
            return None
        return seen[name]
    return resolve


def check_signature(sig_file: Path, store: TrustStore, expect: list[str], kind: str | None = None,
                    seen: dict[str, bytes] | None = None) -> Outcome:
    """Verify `sig_file`, which must cover exactly the files `expect` (names beside it).

    `seen` receives the bytes of the covered files as they were checked.
    """
    out = Outcome(str(sig_file), "invalid", "", signature=str(sig_file))
    try:
        sig = read_signature(sig_file)
        certs = _certificates(sig)
    except (InputError, ValueError) as exc:
        out.reason = exc.message if isinstance(exc, IetmError) else "certificate in the signature is unreadable"
        return out
    if not certs:
        out.reason = "signature carries no X.509 certificate (ietm requires the signer's certificate in KeyInfo)"
        return out
    cert = _signer_cert(certs)
    out.signer = subject_name(cert)
    method = sig.find(f"{ds('SignedInfo')}/{ds('SignatureMethod')}")
    algorithm = for_uri(method.get("Algorithm") if method is not None else None)
    if algorithm is None:
        out.reason = f"signature algorithm {method.get('Algorithm') if method is not None else '(none)'} is not accepted"
        return out
    try:
        checked = algorithm.verify(sig, cert, _resolver(sig_file.parent, {} if seen is None else seen))
    except SignatureMismatch as exc:
        out.reason, out.changed = str(exc), exc.changed
        return out
    covered = sorted(unquote(u) for u in checked.files)
    if covered != sorted(expect):
        out.reason = f"signature covers {', '.join(covered) or 'no file'}, not {', '.join(expect)}"
        return out
    if checked.approval is not None and checked.approval.tag == f"{{{APPROVAL_NS}}}approval":
        a = checked.approval
        out.signed_at, out.kind, out.object = a.get("signedAt"), a.get("kind"), a.get("object")
        out.issue, out.verification = a.get("issue"), a.get("verification")
    if kind and out.kind and out.kind != kind:  # the policy judges what the file is, not what it was called
        out.reason = f"the signature approves a {out.kind}, but {', '.join(expect)} is a {kind}"
        return out
    out.kind = kind or out.kind
    out.roles = store.policy.roles_of(cert)
    verdict = store.evaluate(cert, certs, out.kind or "dm")
    out.status, out.reason = verdict.status, verdict.reason
    if verdict.status == "valid":
        out.reason = f"signed by {out.signer}" + (f" on {out.signed_at}" if out.signed_at else "") + f"; {verdict.reason}"
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
    sig = sig_path(path)
    if not path.is_file():
        return Outcome(str(path), "invalid", "the signed file is missing", signature=str(sig), changed=[path.name])
    if not sig.is_file():
        return Outcome(str(path), "unsigned", f"no signature ({sig.name} not found)")
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
    head = check_signature(sig_path(manifest), store, [manifest.name], "release", seen) if sig_path(manifest).is_file() \
        else Outcome(str(manifest), "unsigned", f"release manifest has no signature ({sig_path(manifest).name})")
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
            parts.append(f"{len(extra)} file(s) not in the release: {', '.join(extra[:10])}")
        if changed:
            parts.append(f"{len(changed)} file(s) changed since release: {', '.join(changed[:10])}")
        if missing:
            parts.append(f"{len(missing)} file(s) missing: {', '.join(missing[:10])}")
        return [Outcome(str(manifest), "invalid", "; ".join(parts), head.signature, head.signer, head.roles,
                        head.signed_at, "release", changed=changed + missing + extra)]
    head.reason += f"; {len(entries)} file(s) match the manifest"
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
                 and r.as_posix() not in listed and r.as_posix() != manifest_name and not r.name.endswith(SIG_SUFFIX)]
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
        if (path / BUNDLE_MANIFEST).is_file() and sig_path(path / BUNDLE_MANIFEST).is_file():
            return verify_release(path / BUNDLE_MANIFEST, store)
        from ietm.sign.manifest import delivered_files

        objects = [p for p in delivered_files(path) if p.suffix.lower() == ".xml"]
        return [verify_object(p, store) for p in objects]
    if not path.exists() and not path.name.endswith(SIG_SUFFIX):
        raise InputError("no such file or folder", str(path))
    if path.name.endswith(SIG_SUFFIX):
        path = path.with_name(path.name[: -len(SIG_SUFFIX)])
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

    Keys: signed (bool), valid (bool), status (trust.STATUSES), reason, signer, roles, signed_at, object,
    issue, verification, signature (path of the signature file). Never raises for a bad signature.
    """
    p = Path(path)
    try:
        store = load_store(p if p.is_dir() else p.parent)
        out = verify_object(p, store)
    except IetmError as exc:
        out = Outcome(str(p), "untrusted", f"cannot check signatures: {exc}")
        if not sig_path(p).is_file():
            out.status, out.reason = "unsigned", "no signature"
    d = out.to_dict()
    d["signed"] = out.status != "unsigned"
    return d
